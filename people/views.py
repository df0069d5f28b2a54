from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from people.models import Person

PEOPLE_PER_PAGE = 100


def person_list(request):
    # Two people may share a name: the primary key keeps the order stable from page to page.
    people = Person.objects.prefetch_related("alternative_names").order_by("name", "pk")
    # get_page turns "?page=abc" or "?page=999" into a real page instead of an error.
    page = Paginator(people, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "people/person_list.html", {"page_obj": page, "people": page.object_list})


def person_detail(request, slug):
    # Credits belong to dramas: the template reads them through {% person_credits %}.
    person = get_object_or_404(Person.objects.prefetch_related("alternative_names", "tags"), slug=slug)
    return render(request, "people/person_detail.html", {"person": person})
