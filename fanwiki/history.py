"""Public page history: the list of revisions, one revision as it was, and diffs."""

from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from dramas.models import Credit, Drama
from fanwiki.diffs import changed_fields, diff_text
from fanwiki.models import Article
from fanwiki.pages import PAGE_KINDS, PAGE_TEXT_FIELDS, public_pages

REVISIONS_PER_PAGE = 50
_NOT_COMPARED = {"id", "version", "updated"}
MAX_REVISION_ID = 2**31 - 1


def _page_or_404(kind, slug):
    model = PAGE_KINDS.get(kind)
    if model is None:
        raise Http404("No such kind of page.")
    return get_object_or_404(public_pages(model), slug=slug)


def _revisions(page):
    revisions = page.history.select_related("history_user")
    if isinstance(page, Article):
        # A draft's revisions stay private even once the article is published.
        revisions = revisions.filter(status=Article.Status.PUBLISHED)
    return revisions.order_by("-history_date", "-history_id")


def _parse_revision_id(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    # Revision ids are database integers; anything outside that range names no revision.
    return number if 0 < number <= MAX_REVISION_ID else None


def revision_list(request, kind, slug):
    page = _page_or_404(kind, slug)
    # The previous revision's id comes in the same query, so "changes" links cost nothing per row.
    previous = _revisions(page).filter(history_date__lt=OuterRef("history_date")).values("history_id")[:1]
    revisions = _revisions(page).annotate(previous_id=Subquery(previous))
    revisions = Paginator(revisions, REVISIONS_PER_PAGE).get_page(request.GET.get("page"))
    credit_changes = []
    if isinstance(page, Drama):
        credit_changes = (
            Credit.history.filter(drama_id=page.pk)
            .select_related("person", "history_user")
            .order_by("-history_date")[:REVISIONS_PER_PAGE]
        )
    context = {"page": page, "kind": kind, "revisions": revisions, "credit_changes": credit_changes}
    return render(request, "fanwiki/revision_list.html", context)


def revision_detail(request, kind, slug, revision_id):
    page = _page_or_404(kind, slug)
    revision = get_object_or_404(_revisions(page), history_id=revision_id)
    html_field = PAGE_TEXT_FIELDS[type(page)][1]
    context = {
        "page": page,
        "kind": kind,
        "revision": revision,
        "revision_title": str(revision.instance),
        "revision_html": getattr(revision, html_field),
    }
    return render(request, "fanwiki/revision_detail.html", context)


def revision_diff(request, kind, slug):
    """Compare any two revisions: ?from=<id>&to=<id>; without them, the last two."""
    page = _page_or_404(kind, slug)
    revisions = _revisions(page)
    wanted = [_parse_revision_id(request.GET.get(name)) for name in ("from", "to")]
    if all(wanted):
        found = {rev.history_id: rev for rev in revisions.filter(history_id__in=wanted)}
        pair = [found.get(number) for number in wanted]
    else:
        latest_two = list(revisions[:2])
        pair = latest_two[::-1] if len(latest_two) == 2 else [None, None]
    context = {"page": page, "kind": kind, "old": None, "new": None, "lines": [], "fields": []}
    old, new = pair
    if old is not None and new is not None:
        if old.history_date > new.history_date:
            old, new = new, old
        text_field, html_field = PAGE_TEXT_FIELDS[type(page)]
        compared = [
            field.attname
            for field in type(page)._meta.concrete_fields
            if field.name not in _NOT_COMPARED | {text_field, html_field}
        ]
        context.update(
            old=old,
            new=new,
            lines=diff_text(getattr(old, text_field), getattr(new, text_field)),
            fields=changed_fields(old, new, compared),
        )
    return render(request, "fanwiki/revision_diff.html", context)
