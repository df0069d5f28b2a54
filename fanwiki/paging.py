"""Paginated lists: which query parameters pick a page, and the links of a page navigation.

Lists read their page number from the query string: `page` on /dramas/, /people/, /articles/
and history lists; a tag page pages each of its sections on its own (`dramas`,
`people`, `articles`). Anything that keys responses by URL (a page cache, a CDN) can rely on
PAGE_PARAMS being the only query parameters the lists and tag pages read. Recent changes pages
by position instead (`before` / `after`, fanwiki/recent_changes.py) and is never kept by the page cache.
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

PAGE_PARAM = "page"
TAG_SECTION_PARAMS = ("dramas", "people", "articles")
PAGE_PARAMS = frozenset({PAGE_PARAM, *TAG_SECTION_PARAMS})


class BoundedPaginator(Paginator):
    """Pages of `items`, a list cut to at most `limit`; `probe` is the same list cut to limit + 1,
    only counted.

    Counting a list that grows with the wiki (a big tag's articles) would cost more the bigger it
    grows: this counts at most limit + 1 rows of `probe`, which says whether there are more.
    """

    def __init__(self, items, per_page, limit, probe):
        super().__init__(items, per_page)
        self.limit = limit
        self.probe = probe

    @cached_property
    def found(self):
        return self.probe.count()

    @cached_property
    def count(self):
        return min(self.found, self.limit)

    @property
    def truncated(self):
        return self.found > self.limit


def paginate(request, items, per_page, param=PAGE_PARAM, bounded=None):
    """The page of items the query string asks for; a bad or out-of-range number gets a real page.

    `bounded` is (limit, probe) for a list cut to `limit` items (see BoundedPaginator).
    """
    paginator = Paginator(items, per_page) if bounded is None else BoundedPaginator(items, per_page, *bounded)
    return paginator.get_page(request.GET.get(param))


def page_url(request, param, number, extra_query=""):
    """The current path with `param` set to page `number`, keeping the other sections' page numbers.

    Page 1 has no page number, so each page has one address. `extra_query` is the view's own
    filter, already encoded (`kind=person`); any other query parameter is dropped.
    """
    query = {
        name: value
        for name, value in request.GET.items()
        if name in PAGE_PARAMS and name != param and value.isdigit() and value.lstrip("0") not in {"", "1"}
    }
    if number != 1:
        query[param] = str(number)
    parts = [extra_query] if extra_query else []
    parts += [f"{name}={value}" for name, value in sorted(query.items())]
    return request.path + ("?" + "&".join(parts) if parts else "")


def page_count(count, per_page):
    """How many pages a list of `count` items fills (an empty list still has its first page)."""
    return max(1, -(-count // per_page))
