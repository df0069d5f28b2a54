"""The page cache's WSGI layer: answers readers' GETs of cached pages before Django runs.

Wraps the Django application as WhiteNoise can: `PageCache(application)`. A request is looked up
only when it is a GET or HEAD, carries no session or messages cookie and no Authorization, and its
URL names a page in CACHED_PAGES with nothing else in the query string. A kept page is served only
after the current versions of all its keys, read in one round trip, match those it was stored with.

A miss goes to Django. Its response is kept when it is a 200 HTML page that names its keys
(Surrogate-Key, from the middleware), sets no cookie, varies on nothing but Cookie and is not
compressed, and no write was announced while it rendered. Responses say `X-Cache: hit`, `miss` or
`pass` (an editor's request, or the store unreachable).
"""

import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.core.handlers.wsgi import get_path_info
from django.http import parse_cookie
from django.urls import resolve
from django.utils.cache import parse_etags

from fanwiki.pagecache.dependencies import CACHED_PAGES, cacheable, is_anonymous
from fanwiki.pagecache.local import LocalCopies
from fanwiki.pagecache.versions import EPOCH, StoreUnavailable, current_release, get_store, text

# Headers a 304 repeats from the page it stands for.
NOT_MODIFIED_HEADERS = {
    "cache-control",
    "content-location",
    "etag",
    "expires",
    "vary",
    "surrogate-key",
    "x-cache",
}
# Paths remembered as cacheable or not, so hits never run the URL resolver.
MAX_REMEMBERED_PATHS = 20_000


@dataclass(frozen=True)
class Entry:
    """A kept page: the keys it depends on with their versions when it rendered, and the response."""

    keys: tuple
    versions: tuple
    status: str
    headers: tuple
    body: bytes
    etag: str

    @property
    def size(self):
        return len(self.body) + 64 * len(self.keys) + 512

    def dumps(self):
        meta = {
            "keys": self.keys,
            "versions": [text(version) for version in self.versions],
            "status": self.status,
            "headers": self.headers,
            "etag": self.etag,
        }
        return json.dumps(meta).encode() + b"\n" + self.body

    @classmethod
    def loads(cls, data):
        meta, body = data.split(b"\n", 1)
        meta = json.loads(meta)
        return cls(
            keys=tuple(meta["keys"]),
            versions=tuple(meta["versions"]),
            status=meta["status"],
            headers=tuple(tuple(header) for header in meta["headers"]),
            body=body,
            etag=meta["etag"],
        )


class PageCache:
    """WSGI middleware: `application = PageCache(get_wsgi_application())`."""

    def __init__(self, application, store=None, release=None, local_bytes=None):
        self.application = application
        # None: the process's store as the settings choose it, looked up at each request.
        self.store = store
        self.release = release or current_release()
        if local_bytes is None:
            local_bytes = settings.PAGECACHE_LOCAL_MB * 1024 * 1024
        self.local = LocalCopies(local_bytes)
        self._paths = {}

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD")
        if not settings.PAGECACHE_ENABLED or method not in {"GET", "HEAD"} or not self._cacheable(environ):
            return self.application(environ, start_response)
        if (
            not is_anonymous(parse_cookie(environ.get("HTTP_COOKIE", "")))
            or "HTTP_AUTHORIZATION" in environ
            or (settings.SECURE_SSL_REDIRECT and not _is_secure(environ))
        ):
            return self._pass(environ, start_response)
        store = self.store or get_store()
        name = _page_name(environ)
        try:
            entry = self._find(store, name)
            if entry is not None:
                return self._serve(entry, environ, start_response, "hit")
            epoch = store.read([EPOCH])
        except StoreUnavailable:
            return self._pass(environ, start_response)
        return self._render(store, name, epoch, environ, start_response)

    def _cacheable(self, environ):
        """Whether the URL names a cacheable page with an acceptable query string (paths remembered)."""
        path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        view_name = self._paths.get(path, False)
        if view_name is False:
            try:
                view_name = resolve(get_path_info(environ)).view_name
            except Exception:  # Resolver404, or a path no converter accepts: Django answers it.
                view_name = None
            if view_name not in CACHED_PAGES:
                view_name = None
            if len(self._paths) >= MAX_REMEMBERED_PATHS:
                self._paths.clear()
            self._paths[path] = view_name
        return view_name is not None and cacheable(view_name, environ.get("QUERY_STRING", ""))

    def _find(self, store, name):
        """The kept page for this URL if all its keys still have the versions it was stored with."""
        entry = self.local.get(name)
        shared = entry is None
        if shared:
            data = store.fetch(self._shared_name(name))
            if data is None:
                return None
            entry = Entry.loads(data)
        if tuple(text(version) for version in store.read(entry.keys)) != entry.versions:
            self.local.drop(name)
            return None
        if shared:
            self.local.put(name, entry, entry.size)
        return entry

    def _render(self, store, name, epoch, environ, start_response):
        captured = []
        written = []

        def capture(status, headers, exc_info=None):
            captured[:] = [status, headers, exc_info]
            return written.append

        # A HEAD renders the page as a GET, so it can be kept; the body is left out below.
        result = self.application({**environ, "REQUEST_METHOD": "GET"}, capture)
        if not captured:
            # An application that starts its response only when iterated (Django never does).
            result = _read_all(result)
        status, headers, exc_info = captured
        keys = _storable_keys(status, headers)
        if keys is None:
            headers = [*headers, ("X-Cache", "miss")]
            start_response(status, headers, exc_info)
            return _without_body(result) if environ["REQUEST_METHOD"] == "HEAD" else result
        try:
            body = b"".join([*written, *result])
        finally:
            if hasattr(result, "close"):
                result.close()
        entry = None
        try:
            now = store.read([EPOCH, *keys])
            # A write announced during the render may or may not show in it: then it is not kept.
            if now[0] == epoch[0]:
                versions = tuple(text(version) for version in now[1:])
                entry = Entry(keys, versions, status, tuple(headers), body, self._etag(name, keys, versions))
                self.local.put(name, entry, entry.size)
                store.keep(self._shared_name(name), entry.dumps())
        except StoreUnavailable:
            pass
        if entry is None:
            entry = Entry(keys, (), status, tuple(headers), body, "")
        return self._serve(entry, environ, start_response, "miss")

    def _serve(self, entry, environ, start_response, outcome):
        headers = [*entry.headers, ("X-Cache", outcome)]
        if entry.etag:
            headers.append(("ETag", entry.etag))
            if _matches(entry.etag, environ.get("HTTP_IF_NONE_MATCH")):
                start_response(
                    "304 Not Modified", [h for h in headers if h[0].lower() in NOT_MODIFIED_HEADERS]
                )
                return []
        start_response(entry.status, headers)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [entry.body]

    def _pass(self, environ, start_response):
        def add_header(status, headers, exc_info=None):
            return start_response(status, [*headers, ("X-Cache", "pass")], exc_info)

        return self.application(environ, add_header)

    def _shared_name(self, name):
        return f"page:{self.release}:{hashlib.sha256(name.encode()).hexdigest()}"

    def _etag(self, name, keys, versions):
        digest = hashlib.sha256(repr((self.release, name, keys, versions)).encode()).hexdigest()
        return f'"{digest[:32]}"'


def _page_name(environ):
    """What a page is kept under: scheme, host, path and query string."""
    host = environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME', '')}:{environ.get('SERVER_PORT', '')}"
    scheme = "https" if _is_secure(environ) else "http"
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    return f"{scheme}://{host.lower()}{path}?{environ.get('QUERY_STRING', '')}"


def _is_secure(environ):
    """As Django's request.is_secure() decides it, from the environ alone."""
    proxy_header = settings.SECURE_PROXY_SSL_HEADER
    if proxy_header:
        header, secure_value = proxy_header
        value = environ.get(header)
        if value is not None:
            return value.split(",", 1)[0].strip() == secure_value
    return environ.get("wsgi.url_scheme") == "https"


def _storable_keys(status, headers):
    """The response's dependency keys if it may be kept, else None."""
    if not status.startswith("200 "):
        return None
    fields = {}
    for field, value in headers:
        fields.setdefault(field.lower(), []).append(value)
    if "set-cookie" in fields or "content-encoding" in fields or "surrogate-key" not in fields:
        return None
    if not fields.get("content-type", [""])[0].startswith("text/html"):
        return None
    vary = {part.strip().lower() for value in fields.get("vary", []) for part in value.split(",")}
    if vary - {"cookie", ""}:
        return None
    return tuple(sorted(set(fields["surrogate-key"][0].split())))


def _matches(etag, if_none_match):
    if not if_none_match:
        return False
    etags = parse_etags(if_none_match)
    return "*" in etags or any(candidate.removeprefix("W/") == etag for candidate in etags)


def _read_all(result):
    try:
        return [b"".join(result)]
    finally:
        if hasattr(result, "close"):
            result.close()


def _without_body(result):
    try:
        return []
    finally:
        if hasattr(result, "close"):
            result.close()
