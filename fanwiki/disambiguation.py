"""Disambiguation: where [[Name]] leads when several pages claim the name, one line for each."""

from django.contrib.contenttypes.models import ContentType
from django.shortcuts import redirect, render

from dramas.models import Credit
from fanwiki.pages import PAGE_KINDS, kind_of
from fanwiki.titles import claimants
from fanwiki.views import missing_page

# Credits named on a person's line, so two people of one name can be told apart.
CREDITS_PER_PERSON = 3


def disambiguation(request):
    title = request.GET.get("title", "").replace("\x00", "").strip()[:200]
    ids_by_kind = {}
    for type_id, object_id in claimants(title):
        kind = kind_of(ContentType.objects.get_for_id(type_id).model_class())
        ids_by_kind.setdefault(kind, []).append(object_id)
    # One query per kind that claims the name, and one for the people's credits.
    pages = [
        page
        for kind in PAGE_KINDS
        if kind in ids_by_kind
        for page in kind.public_pages().filter(pk__in=ids_by_kind[kind]).order_by(kind.title_field, "pk")
    ]
    if not pages:
        return missing_page(request)
    if len(pages) == 1:
        return redirect(pages[0].get_absolute_url())
    known_for = _known_for([page.pk for page in pages if kind_of(page).name == "person"])
    lines = [{"page": page, "kind": kind_of(page), "known_for": known_for.get(page.pk, [])} for page in pages]
    return render(request, "fanwiki/disambiguation.html", {"title": title, "lines": lines})


def _known_for(person_ids):
    """{person id: their first few credits, newest drama first}, in one query."""
    if not person_ids:
        return {}
    credits = (
        Credit.objects.filter(person_id__in=person_ids)
        .select_related("drama")
        .order_by("person_id", "-drama__first_aired", "billing_order", "pk")
    )
    known_for = {}
    for credit in credits:
        shown = known_for.setdefault(credit.person_id, [])
        if len(shown) < CREDITS_PER_PERSON:
            shown.append(credit)
    return known_for
