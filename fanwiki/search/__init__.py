"""Search: one call, `search(query, page)`, over an index of every public page.

    results = search("kim jiwon", "2")

The index (fanwiki/search/documents.py) holds a document per public drama, person and published
article; it follows every committed write through `fanwiki.changes.pages_changed` and is made anew
by `manage.py rebuild_search`. Two engines sit behind the call (fanwiki/search/engines.py): SQLite
FTS5 with the trigram tokenizer, and PostgreSQL full-text search with pg_trgm, chosen by the
database in use. Whatever the reader types, the answer is a page of results or a clear "nothing".
"""

from dataclasses import dataclass, field

from django.utils.safestring import SafeString

from fanwiki.models import SearchDocument
from fanwiki.pages import KINDS_BY_NAME
from fanwiki.search.documents import rebuild_index, update_index
from fanwiki.search.engines import CANDIDATES_MAX, engine
from fanwiki.search.query import MIN_LENGTH, Query
from fanwiki.search.snippets import highlight, snippet
from fanwiki.tagging import popular_tags

RESULTS_PER_PAGE = 20
PAGES_MAX = CANDIDATES_MAX // RESULTS_PER_PAGE
SUGGESTIONS = 12  # popular tags and recent pages shown for an empty query


@dataclass(frozen=True)
class Hit:
    kind: str  # the kind's label: "Drama", "Person", "Article"
    url: str
    title: SafeString  # escaped, matched words marked
    subtitle: str  # the Hangul title or name
    snippet: SafeString
    exact: bool  # the query is one of the page's names


@dataclass
class SearchResults:
    query: str
    hits: list = field(default_factory=list)
    total: int = 0  # at most CANDIDATES_MAX: `more` says when there were more
    number: int = 1
    too_short: bool = False
    past_end: bool = False  # a page number past the last page of results
    min_length: int = MIN_LENGTH
    # For an empty query: what to look at instead.
    popular_tags: list = field(default_factory=list)
    recent_pages: list = field(default_factory=list)

    @property
    def num_pages(self):
        return max(1, -(-self.total // RESULTS_PER_PAGE))

    @property
    def more(self):
        return self.total >= CANDIDATES_MAX

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def has_next(self):
        return self.number < self.num_pages

    @property
    def previous_page_number(self):
        return self.number - 1

    @property
    def next_page_number(self):
        return self.number + 1


def page_number(value):
    """A page number from the query string: anything that is not one gives the first page."""
    try:
        number = int(str(value).strip()[:6])
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), PAGES_MAX)


def search(query, page=1):
    """One page of results for what a reader typed; an empty query gets popular tags and recent pages.

    One SQL query for a page of results, two for an empty query, none for one too short to search.
    """
    parsed = Query.parse(query)
    results = SearchResults(query=parsed.text)
    if parsed.is_empty:
        results.popular_tags = popular_tags(SUGGESTIONS)
        recent = SearchDocument.objects.only("kind", "url", "title", "subtitle").order_by("-updated", "-id")
        results.recent_pages = [
            Hit(KINDS_BY_NAME[doc.kind].label, doc.url, highlight(doc.title, ()), doc.subtitle, "", False)
            for doc in recent[:SUGGESTIONS]
        ]
        return results
    if parsed.too_short:
        results.too_short = True
        return results
    results.number = page_number(page)
    rows = engine().page(parsed, offset=(results.number - 1) * RESULTS_PER_PAGE, limit=RESULTS_PER_PAGE)
    # A page past the last has no rows, so no count either: the page says so and links to the first.
    results.past_end = not rows and results.number > 1
    results.total = rows[0][-1] if rows else 0
    terms = parsed.terms()
    results.hits = [
        Hit(
            kind=KINDS_BY_NAME[kind].label,
            url=url,
            title=highlight(title, terms),
            subtitle=subtitle,
            snippet=snippet(text, terms),
            exact=tier == 0,
        )
        for _, kind, url, title, subtitle, text, tier, _ in rows
    ]
    return results


__all__ = ["Hit", "SearchResults", "rebuild_index", "search", "update_index"]
