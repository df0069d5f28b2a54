"""What the index holds for each public page, built from the page registry, and how it is kept.

A page is one SearchDocument: its own names (title, Hangul title or name, other spellings) with
their keys, the characters played in it or by it (so "Hong Hae-in" finds Kim Ji-won and Queen of
Tears), and its plain text. `index_pages()` brings the documents of some pages up to date (a page
that is gone or not public loses its document). `rebuild_documents()`, a step of `manage.py
rebuild_wiki`, and `rebuild_index()` (`manage.py rebuild_search`) bring them all up to date,
writing only differences.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Prefetch

from dramas.models import Credit
from fanwiki.markup import plain_text
from fanwiki.models import SearchDocument, SearchKey
from fanwiki.pages import KINDS_BY_NAME, PAGE_KINDS, kind_of
from fanwiki.search.text import fold, has_hangul, name_keys, words

logger = logging.getLogger(__name__)

BATCH_SIZE = 500


def _words_column(texts, keys):
    """Texts folded into words with single spaces between (so " ost" starts a word and " poster" does
    not), then the keys: a key is found as a substring, so spacing never matters."""
    folded = dict.fromkeys(" ".join(words(fold(text))) for text in texts if text)
    return " ".join([*folded, *keys]).strip()


def _roles(describe):
    """The roles of a page's (prefetched) cast credits: ([character names], description)."""

    def roles(page):
        return [
            (
                [credit.character, credit.character_hangul],
                f"{credit.character} {credit.character_hangul} {describe(credit)}",
            )
            for credit in page.credits.all()
            if credit.character or credit.character_hangul
        ]

    return roles


@dataclass(frozen=True)
class Parts:
    """Per kind: how to load pages with all their documents need, the characters played in or by a
    page ([(names, description)]), and its text in reading order (snippets come from the start)."""

    pages: Callable
    roles: Callable = lambda page: []
    text: Callable = lambda page: [plain_text(kind_of(page).html(page))]
    names: Callable | None = None  # the registry's names() unless given


def _drama_pages(kind):
    cast = Credit.objects.filter(kind__in=Credit.CAST_KINDS).select_related("person")
    return kind.public_pages().select_related("network").prefetch_related(Prefetch("credits", queryset=cast))


def _person_pages(kind):
    cast = Credit.objects.filter(kind__in=Credit.CAST_KINDS).select_related("drama")
    return kind.public_pages().prefetch_related("alternative_names", Prefetch("credits", queryset=cast))


def _person_names(person):
    # From the prefetch: the registry's names() reads the alternative names afresh, a query per person.
    return [person.name, person.hangul_name, *(alt.name for alt in person.alternative_names.all())]


PARTS = {
    "drama": Parts(
        pages=_drama_pages,
        roles=_roles(lambda credit: f"played by {credit.person.name}"),
        text=lambda drama: [
            plain_text(drama.synopsis_html),
            drama.network.name if drama.network else "",
            drama.streaming,
        ],
    ),
    "person": Parts(
        pages=_person_pages, roles=_roles(lambda credit: f"in {credit.drama.title}"), names=_person_names
    ),
    "article": Parts(
        pages=lambda kind: kind.public_pages(),
        text=lambda article: [article.summary, plain_text(article.body_html), article.source_outlet],
    ),
}


def build_document(kind, page):
    """(SearchDocument, its keys) for one page, unsaved."""
    parts = PARTS[kind.name]
    names = [name for name in (parts.names or kind.names)(page) if name] or [str(page)]
    roles = parts.roles(page)
    characters = [name for role_names, _ in roles for name in role_names if name]
    text = " ".join(part for part in parts.text(page) if part)
    document = SearchDocument(
        kind=kind.name,
        object_id=page.pk,
        url=page.get_absolute_url(),
        title=names[0][:200],
        subtitle=next((name for name in names[1:] if has_hangul(name)), "")[:200],
        names=_words_column(names, name_keys(names)),
        roles=_words_column([description for _, description in roles], name_keys(characters)),
        text=text,
        updated=page.updated,
    )
    return document, [name_key for name_key in name_keys(names) if len(name_key) <= 200]


def _save(built):
    documents = SearchDocument.objects.bulk_create([document for document, _ in built])
    SearchKey.objects.bulk_create(
        SearchKey(document=document, key=name_key)
        for document, (_, keys) in zip(documents, built, strict=True)
        for name_key in keys
    )


def index_pages(refs):
    """Bring the documents of these pages up to date: written again, or removed if gone or not public."""
    by_kind = {}
    for ref in refs:
        by_kind.setdefault(ref.kind, set()).add(ref.pk)
    with transaction.atomic():
        for kind_name, ids in by_kind.items():
            kind = KINDS_BY_NAME[kind_name]
            SearchDocument.objects.filter(kind=kind_name, object_id__in=ids).delete()
            pages = PARTS[kind_name].pages(kind).filter(pk__in=ids)
            _save([build_document(kind, page) for page in pages])


def drop_pages(refs):
    for kind_name in {ref.kind for ref in refs}:
        ids = [ref.pk for ref in refs if ref.kind == kind_name]
        SearchDocument.objects.filter(kind=kind_name, object_id__in=ids).delete()


DOCUMENT_FIELDS = ("url", "title", "subtitle", "names", "roles", "text", "updated")


def _differs(stored, built, keys):
    if stored is None:
        return True
    if any(getattr(stored, name) != getattr(built, name) for name in DOCUMENT_FIELDS):
        return True
    return sorted(key.key for key in stored.keys.all()) != sorted(keys)


def rebuild_documents(kind, progress):
    """A step of `rebuild_wiki` (fanwiki/rebuild.py): every public page of the kind has the document
    it should, and no other page has one. Writes only differences; returns the pks whose document
    changed, appeared or went."""
    parts = PARTS[kind.name]
    changed = set()
    batch = []

    def flush():
        built = {page.pk: build_document(kind, page) for page in batch}
        stored = SearchDocument.objects.filter(kind=kind.name, object_id__in=built).prefetch_related("keys")
        stored = {document.object_id: document for document in stored}
        stale = [pk for pk, (document, keys) in built.items() if _differs(stored.get(pk), document, keys)]
        SearchDocument.objects.filter(kind=kind.name, object_id__in=stale).delete()
        _save([built[pk] for pk in stale])
        changed.update(stale)
        progress.advance(len(batch))
        batch.clear()

    for page in parts.pages(kind).order_by("pk").iterator(chunk_size=BATCH_SIZE):
        batch.append(page)
        if len(batch) == BATCH_SIZE:
            flush()
    flush()
    # Pages gone, or no longer public (an unpublished article).
    gone = SearchDocument.objects.filter(kind=kind.name).exclude(object_id__in=parts.pages(kind).values("pk"))
    changed.update(gone.values_list("object_id", flat=True))
    gone.delete()
    return changed


class _Quiet:
    def advance(self, count=1):
        pass

    def done(self):
        pass


def rebuild_index(progress_factory=None):
    """Bring every kind's documents up to date, in one transaction; return how many pages changed."""
    changed = 0
    with transaction.atomic():
        for kind in PAGE_KINDS:
            total = kind.model._default_manager.count()
            progress = (
                progress_factory(f"search index: {kind.segment}", total) if progress_factory else _Quiet()
            )
            changed += len(rebuild_documents(kind, progress))
            progress.done()
    return changed


def update_index(sender, changes, **kwargs):
    """pages_changed receiver: the changed pages' documents follow them once their write has committed.

    A failure is logged, not raised: the edit is saved, other listeners (the page cache) must still
    run, and `manage.py rebuild_search` repairs the index.
    """
    try:
        if changes.deleted:
            drop_pages(changes.deleted)
        if changes.pages:
            index_pages(changes.pages)
    except Exception:
        logger.exception("Could not update the search index for %s", sorted(changes.pages | changes.deleted))
