"""Paginated lists: which query parameters pick a page, and the links of a page navigation.

Lists read their page number from the query string: `page` on /dramas/, /people/, /articles/,
history lists and recent changes; a tag page pages each of its sections on its own (`dramas`,
`people`, `articles`). Anything that keys responses by URL (a page cache, a CDN) can rely on
PAGE_PARAMS being the only query parameters the lists and tag pages read.
"""

from django.core.paginator import Paginator

PAGE_PARAM = "page"
TAG_SECTION_PARAMS = ("dramas", "people", "articles")
PAGE_PARAMS = frozenset({PAGE_PARAM, *TAG_SECTION_PARAMS})


def paginate(request, items, per_page, param=PAGE_PARAM):
    """The page of items the query string asks for; a bad or out-of-range number gets a real page."""
    return Paginator(items, per_page).get_page(request.GET.get(param))


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
