"""Which pages the cache may keep, and the keys each one depends on.

While a page renders, the views and template tags that read something call `depends_on(request,
*keys)` with the keys a write to it would announce (see fanwiki.changes): the page's own key, and
the `sidebar:<tag id>` of every tag its sidebar reads. Lists depend on fixed keys, stated in
CACHED_PAGES. The middleware names them all in the response's Surrogate-Key header, and the WSGI
layer keeps the page until one of them is bumped.

Other pages' names, titles and links need no key of their own: a write that changes what other
pages show announces those pages (fanwiki.signals: a drama's cast, a person's dramas, backlinks,
links that change colour are re-rendered). Were person pages to depend on `page:drama:<pk>`, every
edit of a drama's synopsis would drop the pages of its whole cast, which show only its title.
"""

from typing import NamedTuple
from urllib.parse import parse_qsl

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage

from fanwiki.pages import page_ref
from fanwiki.paging import PAGE_PARAM, TAG_SECTION_PARAMS


class CachedPage(NamedTuple):
    # The query parameters the page reads: with any other, it is not cached (?utm_source=...).
    query: frozenset = frozenset()
    # Keys every such page depends on whatever it shows; the rest are declared while it renders.
    keys: tuple = ()


_PAGED = frozenset({PAGE_PARAM})

# The pages the cache keeps, by URL name. Search, history, recent changes and the admin never are.
CACHED_PAGES = {
    "fanwiki:home": CachedPage(keys=("home", "tags")),
    "fanwiki:browse": CachedPage(keys=("list:drama", "list:person", "list:article")),
    "fanwiki:article_list": CachedPage(query=_PAGED, keys=("list:article",)),
    "fanwiki:article_detail": CachedPage(),
    "fanwiki:tag_detail": CachedPage(query=frozenset(TAG_SECTION_PARAMS)),
    # Its keys are the page's own, declared by the view: backlinks announce the page they link to.
    "fanwiki:what_links_here": CachedPage(query=_PAGED),
    "dramas:list": CachedPage(query=_PAGED, keys=("list:drama",)),
    "dramas:detail": CachedPage(),
    "people:list": CachedPage(query=_PAGED, keys=("list:person",)),
    "people:detail": CachedPage(),
}


def cacheable(view_name, query_string):
    """Whether the page at this URL name may be cached with this (raw) query string."""
    page = CACHED_PAGES.get(view_name)
    if page is None:
        return False
    if not query_string:
        return True
    names = [name for name, _ in parse_qsl(query_string, keep_blank_values=True)]
    return len(names) == len(set(names)) and set(names) <= page.query


def is_anonymous(cookies):
    """No session and no pending messages: the request is a reader's, and gets the shared page."""
    return settings.SESSION_COOKIE_NAME not in cookies and CookieStorage.cookie_name not in cookies


def depends_on(request, *keys):
    """Record that the page being rendered for `request` shows data stored under these keys."""
    if request is not None:
        request.__dict__.setdefault("page_dependencies", set()).update(keys)


def page_keys(pages):
    return [page_ref(page).key for page in pages]


def sidebar_keys(page):
    """The keys of a page's related-articles sidebar: one per tag it reads (prefetched by the views)."""
    return [f"sidebar:{tag.pk}" for tag in page.tags.all()]
