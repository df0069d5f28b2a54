from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from dramas.credits import split_credits
from dramas.models import Credit, Drama


def drama_list(request):
    dramas = Drama.objects.select_related("network")
    return render(request, "dramas/drama_list.html", {"dramas": dramas})


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
