"""Recent changes: every public edit across the wiki, newest first, as a page and as an Atom feed.

Bounded however many revisions the wiki has (240,000 at 100,000 demo articles): pages go by
position, not by number. "Older" links carry the position of the last row shown, "newer" ones of
the first (`?before=` / `?after=`), so nothing counts the revisions and no page skips over others.
A page of changes is one query per kind of page, each walking its history table's date index from
that position and stopping after one page, then one query (a UNION) for the shown rows'
predecessors and current addresses. Only pages readers can see now are listed, and of an article
only its public revisions, so draft-era edits never appear.
"""

from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.contrib.syndication.views import Feed
from django.db.models import CharField, Exists, F, OuterRef, Q, Subquery, Value
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
)
_TYPE_LABELS = {"+": "Created", "~": "Changed", "-": "Deleted"}
# Revisions of different kinds may share a date (and their ids count apart): the kind breaks the tie.
_KIND_RANK = {kind.name: rank for rank, kind in enumerate(PAGE_KINDS)}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MAX_MICROSECONDS = (datetime(9999, 1, 1, tzinfo=UTC) - _EPOCH) // timedelta(microseconds=1)
_MAX_HISTORY_ID = 2**63 - 1


class Position(NamedTuple):
    """Where a revision stands in recent changes: the order is (date, kind, history_id), newest first."""

    date: datetime
    kind: str
    history_id: int

    @property
    def key(self):
        return (self.date, _KIND_RANK[self.kind], self.history_id)

    def __str__(self):
        """As a query string carries it: microseconds since 1970 (exact, unlike a float), kind, id."""
        return f"{(self.date - _EPOCH) // timedelta(microseconds=1)}.{self.kind}.{self.history_id}"

    @classmethod
    def parse(cls, value):
        """The position a query string names, or None for anything else (the newest page is shown)."""
        parts = (value or "").split(".")
        if len(parts) != 3:
            return None
        micros, kind, history_id = parts
        if not (micros.isascii() and micros.isdigit() and history_id.isascii() and history_id.isdigit()):
            return None
        if kind not in _KIND_RANK or len(micros) > 20 or len(history_id) > 20:
            return None
        micros, history_id = int(micros), int(history_id)
        if micros > _MAX_MICROSECONDS or not 0 < history_id <= _MAX_HISTORY_ID:
            return None
        return cls(_EPOCH + timedelta(microseconds=micros), kind, history_id)

    @classmethod
    def of(cls, row):
        return cls(row["history_date"], row["kind_name"], row["history_id"])


def _beyond(kind, position, newer):
    """The revisions of this kind past the position: older than it, or newer when `newer`."""
    rank, their_rank = _KIND_RANK[kind.name], _KIND_RANK[position.kind]
    after, strictly_after = (
        ("history_date__gte", "history_date__gt") if newer else ("history_date__lte", "history_date__lt")
    )
    if rank == their_rank:
        same_date_past_id = "history_id__gt" if newer else "history_id__lt"
        return Q(**{strictly_after: position.date}) | Q(
            history_date=position.date, **{same_date_past_id: position.history_id}
        )
    # On the same date a kind ranked beyond the position's comes after it.
    beyond_on_same_date = rank > their_rank if newer else rank < their_rank
    return Q(**{after if beyond_on_same_date else strictly_after: position.date})


def _changes_of(kind, position, newer, limit):
    """Up to `limit` public revisions of one kind's readable pages past the position, nearest first."""
    revisions = kind.public_revisions().filter(Exists(kind.public_pages().filter(pk=OuterRef("id"))))
    if position is not None:
        revisions = revisions.filter(_beyond(kind, position, newer))
    order = ("history_date", "history_id") if newer else ("-history_date", "-history_id")
    return list(
        revisions.annotate(
            user_first_name=F("history_user__first_name"),
            user_last_name=F("history_user__last_name"),
            page_id=F("id"),
            kind_name=Value(kind.name, output_field=CharField()),
            page_title=F(kind.title_field),
        )
        .values(*_COLUMNS)
        .order_by(*order)[:limit]
    )


def _details_of(kind, history_ids):
    """The previous public revision and the current slug of these revisions' pages, as a queryset."""
    revisions = kind.public_revisions()
    previous = (
        revisions.filter(id=OuterRef("id"), history_date__lt=OuterRef("history_date"))
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    current_slug = kind.model._default_manager.filter(pk=OuterRef("id")).order_by().values("slug")[:1]
    return (
        revisions.filter(history_id__in=history_ids)
        .annotate(
            kind_name=Value(kind.name, output_field=CharField()),
            previous_id=Subquery(previous),
            page_slug=Subquery(current_slug),
        )
        .values("kind_name", "history_id", "previous_id", "page_slug")
        .order_by()
    )


def _add_details(rows):
    """previous_id and page_slug on each row, for the shown rows only: one query whatever the kinds."""
    ids = {}
    for row in rows:
        ids.setdefault(row["kind_name"], []).append(row["history_id"])
    if not ids:
        return
    first, *others = [_details_of(KINDS_BY_NAME[name], found) for name, found in ids.items()]
    details = {(d["kind_name"], d["history_id"]): d for d in first.union(*others, all=True)}
    for row in rows:
        found = details.get((row["kind_name"], row["history_id"]), {})
        row["previous_id"], row["page_slug"] = found.get("previous_id"), found.get("page_slug")


class ChangesPage(NamedTuple):
    """One page of recent changes, newest first, and whether there are more on either side."""

    rows: list
    has_newer: bool
    has_older: bool


def recent_changes(kinds=PAGE_KINDS, *, before=None, after=None, size=None):
    """The page of public revisions of these kinds older than `before` (or newer than `after`; neither:
    the newest), with their predecessors: one query per kind, and one for the predecessors."""
    size = size or CHANGES_PER_PAGE
    newer = before is None and after is not None
    position = after if newer else before
    rows = [row for kind in kinds for row in _changes_of(kind, position, newer, size + 1)]
    rows.sort(key=lambda row: Position.of(row).key, reverse=not newer)
    more = len(rows) > size
    rows = rows[:size]
    if newer:
        rows.reverse()
    _add_details(rows)
    # Coming from one side, there is something on that side: the row the position names, at least.
    if newer:
        return ChangesPage(rows, has_newer=more, has_older=bool(rows))
    return ChangesPage(rows, has_newer=position is not None, has_older=more)


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
    before = Position.parse(request.GET.get("before"))
    after = None if before else Position.parse(request.GET.get("after"))
    page = recent_changes([kind] if kind else PAGE_KINDS, before=before, after=after)
    changes = [Change(row) for row in page.rows]
    kind_query = {"kind": kind.name} if kind else {}
    url = reverse("fanwiki:recent_changes")

    def link(**position):
        return f"{url}?{urlencode({**kind_query, **position})}"

    context = {
        "changes": changes,
        "kinds": PAGE_KINDS,
        "chosen_kind": kind,
        "page_query": urlencode(kind_query),
        "newest_url": f"{url}?{urlencode(kind_query)}" if kind_query else url,
        "newer_url": link(after=Position.of(page.rows[0])) if page.has_newer and changes else "",
        "older_url": link(before=Position.of(page.rows[-1])) if page.has_older and changes else "",
        "paged": bool(before or after),
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
        return [Change(row) for row in recent_changes([kind] if kind else PAGE_KINDS, size=FEED_SIZE).rows]

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
