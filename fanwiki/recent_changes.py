"""Recent changes: every public edit across the wiki, newest first, as a page and as an Atom feed.

One UNION over the history tables of the kinds in the page registry, ordered
by date: a page of changes costs the same few queries however many kinds,
pages and revisions there are. Only pages readers can see now are listed, and
of an article only its public revisions, so draft-era edits never appear.
"""

from django.contrib.auth import get_user_model
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.db.models import CharField, F, OuterRef, Subquery, Value
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.http import urlencode

from fanwiki.editors import revision_author
from fanwiki.pages import KINDS_BY_NAME, PAGE_KINDS

CHANGES_PER_PAGE = 50
FEED_SIZE = 50
_COLUMNS = (
    "history_id",
    "history_date",
    "history_type",
    "history_change_reason",
    "history_user_id",
    "user_first_name",
    "user_last_name",
    "page_id",
    "kind_name",
    "page_title",
    "page_slug",
    "previous_id",
)
_TYPE_LABELS = {"+": "Created", "~": "Changed", "-": "Deleted"}


def _changes_of(kind):
    """The public revisions of one kind's pages, as rows of _COLUMNS."""
    revisions = kind.public_revisions()
    previous = (
        revisions.filter(id=OuterRef("id"), history_date__lt=OuterRef("history_date"))
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    current_slug = kind.model._default_manager.filter(pk=OuterRef("id")).order_by().values("slug")[:1]
    return (
        revisions.filter(id__in=kind.public_pages().values("pk"))
        .annotate(
            user_first_name=F("history_user__first_name"),
            user_last_name=F("history_user__last_name"),
            page_id=F("id"),
            kind_name=Value(kind.name, output_field=CharField()),
            page_title=F(kind.title_field),
            page_slug=Subquery(current_slug),
            previous_id=Subquery(previous),
        )
        .values(*_COLUMNS)
        .order_by()
    )


def recent_changes(kinds=PAGE_KINDS):
    """Rows of every public revision of pages of these kinds, newest first: one query (a UNION)."""
    first, *others = [_changes_of(kind) for kind in kinds]
    return first.union(*others, all=True).order_by("-history_date", "-history_id")


class Change:
    """One row of recent changes, with what a template needs."""

    def __init__(self, row):
        self.__dict__.update(row)
        self.kind = KINDS_BY_NAME[row["kind_name"]]
        user = None
        if row["history_user_id"] is not None:
            user = get_user_model()(
                pk=row["history_user_id"], first_name=row["user_first_name"], last_name=row["user_last_name"]
            )
        self.history_user = user
        self.author = revision_author(self)
        self.action = _TYPE_LABELS.get(row["history_type"], "Changed")
        self.day = timezone.localdate(row["history_date"])

    @property
    def page_url(self):
        return self.kind.model(slug=self.page_slug).get_absolute_url()

    @property
    def revision_url(self):
        kwargs = {"kind": self.kind.segment, "slug": self.page_slug, "revision_id": self.history_id}
        return reverse("history:revision", kwargs=kwargs)

    @property
    def history_url(self):
        return reverse("history:list", kwargs={"kind": self.kind.segment, "slug": self.page_slug})

    @property
    def diff_url(self):
        """The change this revision made, against the page's previous public revision; None for a first."""
        if self.previous_id is None:
            return None
        url = reverse("history:diff", kwargs={"kind": self.kind.segment, "slug": self.page_slug})
        return f"{url}?{urlencode({'from': self.previous_id, 'to': self.history_id})}"


def _chosen_kinds(request):
    """The kind asked for with ?kind=, or None for every kind (an unknown kind is no filter)."""
    return KINDS_BY_NAME.get(request.GET.get("kind", ""))


def recent_changes_view(request):
    kind = _chosen_kinds(request)
    rows = recent_changes([kind] if kind else PAGE_KINDS)
    page = Paginator(rows, CHANGES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "changes": [Change(row) for row in page.object_list],
        "kinds": PAGE_KINDS,
        "chosen_kind": kind,
        "page_query": urlencode({"kind": kind.name}) if kind else "",
    }
    return render(request, "fanwiki/recent_changes.html", context)


class RecentChangesFeed(Feed):
    """The newest public edits as Atom; ?kind= filters as on the page."""

    feed_type = Atom1Feed
    title = "FanWiki: recent changes"
    subtitle = "Every public edit to FanWiki's dramas, people and articles, newest first."

    def get_object(self, request, *args, **kwargs):
        return _chosen_kinds(request)

    def link(self, kind):
        url = reverse("fanwiki:recent_changes")
        return f"{url}?{urlencode({'kind': kind.name})}" if kind else url

    def feed_url(self, kind):
        url = reverse("recent_changes_feed")
        return f"{url}?{urlencode({'kind': kind.name})}" if kind else url

    def items(self, kind):
        rows = recent_changes([kind] if kind else PAGE_KINDS)[:FEED_SIZE]
        return [Change(row) for row in rows]

    def item_title(self, change):
        return f"{change.page_title} ({change.kind.label}): {change.action.lower()} by {change.author}"

    def item_description(self, change):
        # Atom's <summary type="html"> is read as HTML, and an edit summary is plain text.
        return escape(change.history_change_reason or change.action)

    def item_link(self, change):
        return change.diff_url or change.revision_url

    def item_pubdate(self, change):
        return change.history_date

    def item_author_name(self, change):
        return change.author
