"""Parts of pages kept by the versions of the keys they depend on, so a page renders only what changed.

When a page is rendered again because one of its keys was bumped (an article tagged like it changed
its sidebar, say), the parts that depend only on other keys come from here: the main text of a
drama with its cast table when only the sidebar changed, the sidebar when only the page changed.

`fragment(request, name, keys, render)` reads the current versions of `keys` in one round trip,
then returns the part kept under (release, name, keys, versions), or renders it and keeps it.
The versions are read before rendering, so a part is never older than the versions it is kept
under. A part is kept only if everything it declared while rendering (`depends_on`) is among its
keys: a template that comes to read more than its part says is rendered each time, never stale.
Only readers' requests use parts (an editor's page is rendered whole), and nothing is served or
kept in a transaction that has written pages it has not committed.
"""

import hashlib
import logging
from contextlib import contextmanager, suppress

from django.conf import settings
from django.utils.safestring import mark_safe

from fanwiki.changes import has_uncommitted_changes
from fanwiki.pagecache.dependencies import depends_on, is_anonymous
from fanwiki.pagecache.local import LocalCopies
from fanwiki.pagecache.versions import StoreUnavailable, current_release, get_store, text

logger = logging.getLogger(__name__)

_local = None


def _copies():
    global _local
    if _local is None:
        # A quarter of the budget for whole pages.
        _local = LocalCopies(settings.PAGECACHE_LOCAL_MB * 1024 * 1024 // 4)
    return _local


def fragment(request, name, keys, render):
    """The HTML `render()` makes, kept until one of `keys` is bumped. `name` says which part of which page."""
    keys = tuple(sorted(set(keys)))
    depends_on(request, *keys)
    if not _usable(request):
        return render()
    try:
        versions = read_versions(request, keys)
    except StoreUnavailable:
        return render()
    store = get_store()
    # A part may hold absolute URLs: one copy per scheme and host the site answers to.
    site = (request.scheme, request.META.get("HTTP_HOST") or request.META.get("SERVER_NAME"))
    digest = hashlib.sha256(repr((current_release(), site, name, keys, versions)).encode()).hexdigest()
    shared_name = f"fragment:{digest}"
    html = _copies().get(digest)
    if html is None:
        data = None
        with suppress(StoreUnavailable):
            data = store.fetch(shared_name)
        if data is not None:
            html = data.decode()
            _copies().put(digest, html, len(data))
    if html is not None:
        return mark_safe(html)  # noqa: S308 (rendered by our templates, escaped as they render)
    with _declared(request) as declared:
        html = render()
    if not declared <= set(keys):
        logger.warning(
            "Page cache: part %r reads %s beyond its keys; not kept", name, sorted(declared - set(keys))
        )
        return html
    data = str(html).encode()
    _copies().put(digest, str(html), len(data))
    with suppress(StoreUnavailable):
        store.keep(shared_name, data)
    return html


def read_versions(request, keys):
    """The versions of these keys, each read once per request, before any part that shows them renders."""
    known = request.__dict__.setdefault("page_versions", {})
    missing = [key for key in keys if key not in known]
    if missing:
        known.update(zip(missing, (text(version) for version in get_store().read(missing)), strict=True))
    return tuple(known[key] for key in keys)


def prefetch_versions(request, keys):
    """Read these keys' versions now, in one round trip with the others, for parts rendered later."""
    if _usable(request):
        with suppress(StoreUnavailable):
            read_versions(request, keys)


def _usable(request):
    # Readers only: an editor's page is rendered whole, so nothing made for an editor reaches a reader.
    return (
        request is not None
        and settings.PAGECACHE_ENABLED
        and is_anonymous(request.COOKIES)
        and not has_uncommitted_changes()
    )


@contextmanager
def _declared(request):
    """The keys declared while the part renders; they are declared for the page as well."""
    outer = request.__dict__.get("page_dependencies")
    request.page_dependencies = inner = set()
    try:
        yield inner
    finally:
        request.page_dependencies = inner | (outer or set())
