from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils.functional import SimpleLazyObject

from dramas.credits import split_credits
from dramas.models import Drama

DRAMAS_PER_PAGE = 50


def drama_list(request):
    # Newest first; the primary key breaks ties so no drama falls between two pages.
    dramas = Drama.objects.select_related("network").order_by("-first_aired", "title", "pk")
    # get_page turns "?page=abc" or "?page=999" into a real page instead of an error.
    page = Paginator(dramas, DRAMAS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "dramas/drama_list.html", {"page_obj": page, "dramas": page.object_list})


def drama_detail(request, slug):
    drama = get_object_or_404(Drama.objects.select_related("network").prefetch_related("tags"), slug=slug)
    # Read only when the template shows them: a page cache may have the cast table already.
    credits = SimpleLazyObject(lambda: split_credits(drama.credits.select_related("person")))
    context = {
        "drama": drama,
        "cast": SimpleLazyObject(lambda: credits.cast),
        "crew": SimpleLazyObject(lambda: credits.crew),
        "soundtrack": SimpleLazyObject(lambda: credits.soundtrack),
    }
    return render(request, "dramas/drama_detail.html", context)
