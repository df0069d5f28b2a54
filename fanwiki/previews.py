"""What a shared link shows: absolute canonical URLs, descriptions, OpenGraph and Twitter cards, JSON-LD.

Absolute URLs start from the SITE_URL setting (DJANGO_SITE_URL) when it is set: behind a proxy, or
when the wiki answers to several host names, every page then names one canonical address whatever
Host header a request came with. Without it they start from the request's own host, which Django
only accepts when ALLOWED_HOSTS lists it (anything else is a 400 before a page is rendered), and its
scheme, which is https only when the request was, or when a trusted proxy says so
(SECURE_PROXY_SSL_HEADER).
"""

import json
from dataclasses import dataclass, field

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.encoding import iri_to_uri
from django.utils.html import format_html
from django.utils.text import Truncator

from fanwiki.images import image_of, picture
from fanwiki.markup import text_start
from fanwiki.pages import kind_of
from fanwiki.structured_data import SITE_NAME, STRUCTURED_DATA

DESCRIPTION_LENGTH = 160
# As django.utils.html.json_script escapes: no "</script>" or "<!--" can appear inside the element.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}
# Open Graph types by kind of page.
OPEN_GRAPH_TYPES = {"drama": "video.tv_show", "person": "profile", "article": "article"}


def absolute_url(request, path):
    site_url = getattr(settings, "SITE_URL", "")
    if site_url:
        return site_url + iri_to_uri(path)
    return request.build_absolute_uri(path)


def canonical_url(request, page_number=None):
    """The absolute URL of the page being shown, without its query string but for a page number past 1."""
    path = request.path
    if page_number and int(page_number) > 1:
        path = f"{path}?page={int(page_number)}"
    return absolute_url(request, path)


def json_ld(data):
    """A <script type="application/ld+json"> element, escaped as json_script escapes its content.

    Not executed by browsers (it is a data block), so a Content-Security-Policy without script-src
    does not stop it, and nothing in it can end the element early.
    """
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', _Raw(text))


class _Raw(str):
    """Already escaped for a script element's content."""

    def __html__(self):
        return self


def _fallback_description(kind_name, page):
    if kind_name == "drama":
        native = f" ({page.hangul_title})" if page.hangul_title else ""
        return f"{page.title}{native}: cast, soundtrack and articles on {SITE_NAME}."
    if kind_name == "person":
        native = f" ({page.hangul_name})" if page.hangul_name else ""
        return f"{page.name}{native}: dramas, roles and soundtrack credits on {SITE_NAME}."
    return page.title


def describe(page):
    """A page's description: an article's summary, else the start of its text, else what it is."""
    kind = kind_of(page)
    summary = getattr(page, "summary", "")
    text = summary or text_start(kind.html(page), DESCRIPTION_LENGTH)
    if text:
        return Truncator(text).chars(DESCRIPTION_LENGTH)
    return _fallback_description(kind.name, page)


@dataclass
class Preview:
    """Everything the <head> says about a detail page to crawlers and link previews."""

    title: str
    description: str
    url: str
    open_graph_type: str
    structured_data: dict
    image: str = ""  # an absolute URL: the largest JPEG of the page's picture, if it has one
    # Extra (property, content) pairs, e.g. article:published_time.
    open_graph: list = field(default_factory=list)

    @property
    def json_ld(self):
        return json_ld(self.structured_data)

    @property
    def twitter_card(self):
        return "summary_large_image" if self.image else "summary"


def page_preview(request, page):
    kind = kind_of(page)
    description = describe(page)

    def absolute(path):
        return absolute_url(request, path)

    preview = Preview(
        title=str(page),
        description=description,
        url=absolute(page.get_absolute_url()),
        open_graph_type=OPEN_GRAPH_TYPES[kind.name],
        structured_data=STRUCTURED_DATA[kind.name](page, absolute, description),
    )
    _add_image(preview, page, absolute)
    if kind.name == "article":
        preview.open_graph += [
            ("article:published_time", page.published.isoformat() if page.published else ""),
            ("article:modified_time", page.updated.isoformat()),
            *(("article:tag", tag.name) for tag in page.tags.all()),
        ]
    return preview


def _add_image(preview, page, absolute):
    """og:image (the largest JPEG rendition: every crawler reads JPEG) and the JSON-LD image."""
    image = image_of(page)
    if image is None:
        return
    jpeg = picture(image).largest
    # A bucket's storage gives absolute URLs already; files on this machine are paths.
    url = jpeg.url if "://" in jpeg.url else absolute(jpeg.url)
    preview.image = url
    preview.open_graph += [
        ("og:image:type", "image/jpeg"),
        ("og:image:width", str(jpeg.width)),
        ("og:image:height", str(jpeg.height)),
        ("og:image:alt", image.alt),
    ]
    preview.structured_data["image"] = {
        "@type": "ImageObject",
        "url": url,
        "contentUrl": url,
        "caption": image.alt,
        "creditText": image.credit,
    }
