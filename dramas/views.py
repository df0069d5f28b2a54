from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from dramas.credits import split_credits
from dramas.models import Credit, Drama

DRAMAS_PER_PAGE = 50


def drama_list(request):
    # Newest first; the primary key breaks ties so no drama falls between two pages.
    dramas = Drama.objects.select_related("network").order_by("-first_aired", "title", "pk")
    # get_page turns "?page=abc" or "?page=999" into a real page instead of an error.
    page = Paginator(dramas, DRAMAS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "dramas/drama_list.html", {"page_obj": page, "dramas": page.object_list})


def drama_detail(request, slug):
    drama = get_object_or_404(
        Drama.objects.select_related("network").prefetch_related(
            "tags",
            Prefetch("credits", queryset=Credit.objects.select_related("person")),
        ),
        slug=slug,
    )
    credits = split_credits(drama.credits.all())
    context = {"drama": drama, "cast": credits.cast, "crew": credits.crew, "soundtrack": credits.soundtrack}
    return render(request, "dramas/drama_detail.html", context)
