from django.shortcuts import get_object_or_404, render

from people.models import Person


def person_list(request):
    people = Person.objects.prefetch_related("alternative_names")
    return render(request, "people/person_list.html", {"people": people})


def person_detail(request, slug):
    # Credits belong to dramas: the template reads them through {% person_credits %}.
    person = get_object_or_404(Person.objects.prefetch_related("alternative_names", "tags"), slug=slug)
    return render(request, "people/person_detail.html", {"person": person})
