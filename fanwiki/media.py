"""Serving the pictures' files on one machine, in front of Django: `/media/img/<hash>/<width>-v<N>.<ext>`.

A WSGI layer (fanwiki/wsgi.py wraps the Django application in it; other layers
chain the same way) answers every path under the media URL itself and never
hands one to Django:

- only a rendition's content-addressed name matches (a pattern of hex digits,
  digits and one of three extensions), so no path an attacker writes can name
  another file, climb out of the folder or reach the master;
- the Content-Type comes from the extension alone, never from the bytes;
- every hit is sent with `X-Content-Type-Options: nosniff`,
  `Content-Security-Policy: sandbox` (a file opened on its own can run nothing)
  and `Cache-Control: public, max-age=31536000, immutable` (a name never changes);
- the file goes out through the server's `wsgi.file_wrapper` (gunicorn's sendfile).

Anything else under the media URL, and a name with no file, is a plain 404.
When the pictures live in a bucket (settings: DJANGO_MEDIA_BUCKET) this layer
is not in front, and the bucket's host serves them.
"""

import os
import re
from wsgiref.util import FileWrapper

from fanwiki.images import CONTENT_TYPES

RENDITION_PATH = re.compile(
    r"img/(?P<digest>[0-9a-f]{32})/(?P<width>[1-9][0-9]{0,3})-v(?P<version>[1-9][0-9]{0,2})"
    r"\.(?P<ext>" + "|".join(CONTENT_TYPES) + r")"
)
IMMUTABLE = "public, max-age=31536000, immutable"
BLOCK_SIZE = 64 * 1024


class MediaFiles:
    """WSGI middleware: serve renditions from `root` under `prefix`, pass every other path to `app`."""

    def __init__(self, app, root, prefix="/media/", extra_headers=()):
        self.app = app
        self.root = os.fspath(root)
        self.prefix = prefix
        self._folder = os.path.join(self.root, "img", "")
        # The headers of a hit, by extension, made once.
        self._headers = {
            ext: [
                ("Content-Type", content_type),
                ("Cache-Control", IMMUTABLE),
                ("X-Content-Type-Options", "nosniff"),
                ("Content-Security-Policy", "sandbox"),
                *extra_headers,
            ]
            for ext, content_type in CONTENT_TYPES.items()
        }

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if not path.startswith(self.prefix):
            return self.app(environ, start_response)
        if environ.get("REQUEST_METHOD") not in {"GET", "HEAD"}:
            return _plain(start_response, "405 Method Not Allowed", [("Allow", "GET, HEAD")])
        match = RENDITION_PATH.fullmatch(path[len(self.prefix) :])
        if match is None:
            return _plain(start_response, "404 Not Found")
        # Built from the pattern's groups only: the path the client sent is never joined to the root.
        digest, name = match["digest"], f"{match['width']}-v{match['version']}.{match['ext']}"
        try:
            file = open(f"{self._folder}{digest}/{name}", "rb")  # noqa: SIM115
        except OSError:
            return _plain(start_response, "404 Not Found")
        etag = f'"{digest}-{name}"'
        headers = [*self._headers[match["ext"]], ("ETag", etag)]
        if etag in environ.get("HTTP_IF_NONE_MATCH", ""):
            file.close()
            start_response("304 Not Modified", headers)
            return []
        headers.append(("Content-Length", str(os.fstat(file.fileno()).st_size)))
        start_response("200 OK", headers)
        if environ["REQUEST_METHOD"] == "HEAD":
            file.close()
            return []
        wrapper = environ.get("wsgi.file_wrapper", FileWrapper)
        return wrapper(file, BLOCK_SIZE)


def _plain(start_response, status, extra=()):
    body = status.encode()
    start_response(
        status,
        [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(body))),
            ("X-Content-Type-Options", "nosniff"),
            ("Cache-Control", "no-cache"),
            *extra,
        ],
    )
    return [body]


def with_media(app):
    """The Django application with the media layer in front, when pictures are kept on this machine."""
    from django.conf import settings
    from django.core.files.storage import FileSystemStorage, storages

    if not isinstance(storages["default"], FileSystemStorage):
        return app
    return MediaFiles(
        app,
        settings.MEDIA_ROOT,
        prefix=settings.MEDIA_URL,
        extra_headers=[("Cross-Origin-Resource-Policy", settings.CROSS_ORIGIN_RESOURCE_POLICY)],
    )
