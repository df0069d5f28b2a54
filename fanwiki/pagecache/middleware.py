"""Names a cacheable page's dependency keys in its Surrogate-Key header."""

from fanwiki.pagecache.dependencies import CACHED_PAGES, cacheable, is_anonymous


class SurrogateKeyMiddleware:
    """For a reader's GET of a cacheable page: `Surrogate-Key` lists the keys it depends on.

    The header is what the WSGI layer stores the page by, and what a CDN or Varnish in front reads
    (Fastly, Varnish xkey). Browsers get `Cache-Control: no-cache`: they may keep the page but ask
    each time, and the ETag makes that a 304 while nothing it shows has changed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = request.resolver_match
        if (
            match is not None
            and request.method in {"GET", "HEAD"}
            and response.status_code == 200
            and not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
            and is_anonymous(request.COOKIES)
            and cacheable(match.view_name, request.META.get("QUERY_STRING", ""))
        ):
            keys = request.__dict__.get("page_dependencies", set()) | set(CACHED_PAGES[match.view_name].keys)
            if not keys:
                return response
            response["Surrogate-Key"] = " ".join(sorted(keys))
            response.headers.setdefault("Cache-Control", "no-cache")
        return response
