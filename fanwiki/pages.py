"""The page registry: every kind of wiki page, and what the wiki layer knows about it.

Each entry says where a kind keeps its Markdown and rendered HTML, the names a
page answers to in a [[link]], which pages readers may see, and which other
pages show it. The title index, the link table, history, the sidebar, the
change announcements and the URL patterns all read this registry, so a new
kind of page is one entry here plus its model, view and template.
"""

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db.models import Model, Q, QuerySet

from dramas.models import Credit, Drama
from fanwiki.models import Article, published_q
from people.models import Person

# Fields every page model has that are bookkeeping, not content: a change in them alone is no edit.
BOOKKEEPING_FIELDS = frozenset({"id", "version", "updated"})


class PageRef(NamedTuple):
    """Names one page without loading it: its kind's name and its primary key."""

    kind: str
    pk: int

    @property
    def key(self):
        """The page's dependency key, as caches and purges see it."""
        return f"page:{self.kind}:{self.pk}"


@dataclass(frozen=True)
class PageKind:
    name: str  # "drama": used in PageRefs and dependency keys
    segment: str  # "dramas": the URL segment its pages live under
    label: str  # "Drama", for readers
    model: type[Model]
    text_field: str  # the editors' Markdown
    html_field: str  # its sanitized rendering, filled at save
    list_url_name: str
    # Fields shown on other pages (lists, tag pages, sidebars, links, credits).
    # When one of them changes, those pages change too.
    shown_fields: tuple[str, ...]
    # Which other pages show a page of this kind, besides its own page:
    # "list" its kind's list, "home", "tag_pages", "sidebars" (related articles),
    # "credits" (the pages of the dramas or people it is credited with).
    shown_on: frozenset[str] = field(default_factory=frozenset)
    # The field whose value is the page's own subject tag, for kinds that carry one.
    subject_field: str | None = None
    # The field holding the page's display title.
    title_field: str = "title"
    # The role of the picture its page shows (fanwiki.models.PageImage), for kinds that have one.
    image_role: str | None = None

    def shown_value(self, field_name, value):
        """A shown field's value as other pages see it: of an article's HTML, only whether it is a stub."""
        if field_name == self.html_field:
            return bool(value)
        return value

    def names(self, page):
        """The display title first, then every other name the page answers to in a [[link]]."""
        return _NAMES[self.name](page)

    def public_pages(self):
        """The pages of this kind that readers may see."""
        if self.model is Article:
            return Article.objects.published()
        return self.model._default_manager.all()

    def public_q(self, via=""):
        """public_pages() as a condition, read through a relation `via` ("content_object__") for a join."""
        return published_q(via) if self.model is Article else Q()

    def is_public(self, page):
        return getattr(page, "is_public", True)

    def public_revisions(self):
        """Every public revision of every page of this kind, in no particular order."""
        revisions = self.model.history.all()
        if self.model is Article:
            # A draft's revisions stay private even once the article is published.
            revisions = revisions.filter(status=Article.Status.PUBLISHED)
        return revisions

    def revisions(self, page):
        """The page's public revisions, newest first."""
        revisions = self.public_revisions().filter(id=page.pk).select_related("history_user")
        return revisions.order_by("-history_date", "-history_id")

    @property
    def derived_fields(self):
        """Fields worked out from others: never compared between revisions, never edited."""
        return BOOKKEEPING_FIELDS | {self.html_field}

    def text(self, page):
        return getattr(page, self.text_field)

    def html(self, page):
        return getattr(page, self.html_field)

    def ref(self, page):
        return PageRef(self.name, page.pk)

    def ref_for(self, pk):
        return PageRef(self.name, pk)


def _person_names(person):
    # A fresh query unless prefetched (batch work): an inline save may just have changed them.
    alternatives = [alternative.name for alternative in person.alternative_names.all()]
    return [person.name, person.hangul_name, *alternatives]


_NAMES = {
    "drama": lambda drama: [drama.title, drama.hangul_title],
    "person": _person_names,
    # Only published articles answer to their title: a draft is nobody's link target yet.
    "article": lambda article: [article.title] if article.is_public else [],
}

PAGE_KINDS = (
    PageKind(
        name="drama",
        segment="dramas",
        label="Drama",
        model=Drama,
        text_field="synopsis",
        html_field="synopsis_html",
        list_url_name="dramas:list",
        shown_fields=("title", "slug", "hangul_title", "network_id", "first_aired", "episodes"),
        shown_on=frozenset({"list", "home", "tag_pages", "credits"}),
        subject_field="title",
        image_role="poster",
    ),
    PageKind(
        name="person",
        segment="people",
        label="Person",
        model=Person,
        text_field="biography",
        html_field="biography_html",
        list_url_name="people:list",
        shown_fields=("name", "slug", "hangul_name"),
        shown_on=frozenset({"list", "home", "tag_pages", "credits"}),
        subject_field="name",
        title_field="name",
        image_role="portrait",
    ),
    PageKind(
        name="article",
        segment="articles",
        label="Article",
        model=Article,
        text_field="body",
        html_field="body_html",
        list_url_name="fanwiki:article_list",
        # Lists mark stubs, so whether the body renders to anything is shown too; and they name the outlet.
        shown_fields=("title", "slug", "summary", "status", "published", "body_html", "source_outlet"),
        shown_on=frozenset({"list", "home", "tag_pages", "sidebars"}),
    ),
)

KINDS_BY_NAME = {kind.name: kind for kind in PAGE_KINDS}
KINDS_BY_SEGMENT = {kind.segment: kind for kind in PAGE_KINDS}
KINDS_BY_MODEL = {kind.model: kind for kind in PAGE_KINDS}
PAGE_MODELS = tuple(KINDS_BY_MODEL)


def kind_of(page_or_model):
    """The registry entry for a page, or for a page model."""
    model = page_or_model if isinstance(page_or_model, type) else type(page_or_model)
    try:
        return KINDS_BY_MODEL[model]
    except KeyError:
        raise TypeError(f"{model.__name__} is not a kind of wiki page") from None


def page_ref(page):
    return kind_of(page).ref(page)


def credited_counterparts(kind_name, pk):
    """Pages shown in this page's credits, and that show it in theirs, in one query.

    A drama's people; a person's dramas, and the people they worked with there (whose "worked with"
    lists show the person).
    """
    if kind_name == "drama":
        ids = Credit.objects.filter(drama_id=pk).values_list("person_id", flat=True)
        return {PageRef("person", person_id) for person_id in ids}
    if kind_name == "person":
        rows = Credit.objects.filter(drama__credits__person_id=pk).values_list("drama_id", "person_id")
        refs = set()
        for drama_id, person_id in rows:
            refs.add(PageRef("drama", drama_id))
            if person_id != pk:
                refs.add(PageRef("person", person_id))
        return refs
    return set()


def people_credited_on(drama_ids):
    """Everyone credited on these dramas: their "worked with" lists change with any credit there."""
    ids = Credit.objects.filter(drama_id__in=drama_ids).values_list("person_id", flat=True)
    return {PageRef("person", person_id) for person_id in ids}


def load_pages(refs, lock=False) -> dict[PageRef, Any]:
    """The pages named by refs that still exist, one query per kind.

    With lock, inside a transaction, the rows stay locked (in primary-key order, so two lockers
    never wait on each other) until it commits.
    """
    by_kind = {}
    for ref in refs:
        by_kind.setdefault(ref.kind, set()).add(ref.pk)
    pages = {}
    for kind_name, ids in by_kind.items():
        kind = KINDS_BY_NAME[kind_name]
        rows = kind.model._default_manager.filter(pk__in=ids)
        if lock:
            rows = rows.select_for_update().order_by("pk")
        for page in rows:
            pages[kind.ref(page)] = page
    return pages


def all_pages(kind) -> QuerySet:
    """Every page of a kind, public or not, in a stable order for batch work, with what names() reads."""
    pages = kind.model._default_manager.order_by("pk")
    if kind.name == "person":
        pages = pages.prefetch_related("alternative_names")
    return pages
