from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from people.models import Person


def person_list(request):
    people = Person.objects.prefetch_related("alternative_names")
    return render(request, "people/person_list.html", {"people": people})


def person_detail(request, slug):
    # Credits live in the dramas app; reached by their related name so people imports nothing of ours.
    credit_model = Person._meta.get_field("credits").related_model
    person = get_object_or_404(
        Person.objects.prefetch_related(
            "alternative_names",
            "tags",
            Prefetch(
                "credits",
                queryset=credit_model.objects.select_related("drama").order_by(
                    "-drama__first_aired", "billing_order"
                ),
            ),
        ),
        slug=slug,
    )
    credits = list(person.credits.all())
    context = {
        "person": person,
        "filmography": [c for c in credits if c.kind in credit_model.CAST_KINDS],
        "crew_credits": [c for c in credits if c.kind in credit_model.CREW_KINDS],
        "soundtrack": [c for c in credits if c.kind == credit_model.Kind.OST_VOCALIST],
    }
    return render(request, "people/person_detail.html", context)
