from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

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
    credits = list(drama.credits.all())
    context = {
        "drama": drama,
        "cast": [credit for credit in credits if credit.kind in Credit.CAST_KINDS],
        "crew": _grouped_by_kind(credit for credit in credits if credit.kind in Credit.CREW_KINDS),
        "soundtrack": [credit for credit in credits if credit.kind == Credit.Kind.OST_VOCALIST],
    }
    return render(request, "dramas/drama_detail.html", context)


def _grouped_by_kind(credits):
    """[(label, [credits])] in billing order, pluralised when several share a kind ("Directors")."""
    groups = {}
    for credit in credits:
        groups.setdefault(credit.kind, []).append(credit)
    return [
        (Credit.Kind(kind).label + ("s" if len(group) > 1 else ""), group) for kind, group in groups.items()
    ]
