"""Editors' Markdown to safe HTML: the one place it happens.

Python-Markdown with the wiki-link extension, then the nh3 allow-list
sanitizer. Results are cached by the text and by where its links lead, so a
link target appearing or disappearing gives a fresh render. Stored HTML goes
through today's sanitizer again on its way out (fanwiki/templatetags/wiki.py),
so it is never trusted beyond the sanitizer of today; what that gives is
cached by the HTML's digest and the pipeline's fingerprint (sanitized_html),
since at the 50,000-character cap it costs 40 ms a time.
"""

import hashlib
import json
import re
from functools import cache as cached_forever
from html import unescape
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlsplit

import markdown
import nh3
from django.core.cache import cache

from fanwiki.titles import normalise_title, resolve_titles
from fanwiki.wikilinks import WikiExtension, find_link_targets

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s", "span", "strong", "sub", "sup",
    "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "rel"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align"},
    "th": {"align"},
    "*": {"lang"},
}
ALLOWED_CLASSES = {"a": {"wikilink", "redlink"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
ALLOWED_REL = {"nofollow", "noopener", "noreferrer"}
# A link that leaves the site: no endorsement for search engines, no window.opener for the target.
EXTERNAL_REL = ["nofollow", "ugc", "noopener"]
# "extra" without attr_list: editors set no attributes ({: href=... } would dress an outside link
# as a wiki link).
MARKDOWN_EXTENSIONS = [
    "abbr", "def_list", "fenced_code", "footnotes", "md_in_html", "tables", "sane_lists", "smarty",
]  # fmt: skip
CACHE_SECONDS = 60 * 60 * 24


def _keep_safe_rel(element, attribute, value):
    if element == "a" and attribute == "rel":
        kept = [token for token in value.split() if token in ALLOWED_REL]
        return " ".join(kept) or None
    return value


# nh3 writes every attribute as name="value" with any '"' escaped, so this matches its <a> tags exactly.
_LINK_TAG_RE = re.compile(r'<a((?:\s+[\w-]+="[^"]*")*)\s*>')
_ATTRIBUTE_RE = re.compile(r'([\w-]+)="([^"]*)"')


def _link_destination(href):
    """ "site" for a path on this site, "external" for one that leaves it, "other" (#note, page.html)."""
    # Browsers drop tabs and newlines in URLs and read "\" as "/": "/\evil.example" leaves the site.
    url = re.sub(r"[\t\n\r]", "", unescape(href or "")).strip().replace("\\", "/")
    try:
        scheme = urlsplit(url).scheme
    except ValueError:  # e.g. a broken IPv6 host: not ours either way
        return "external"
    if scheme or url.startswith("//"):
        return "external"
    return "site" if url.startswith("/") else "other"


def link_tags(html):
    """The attributes of each <a> tag in HTML as the sanitizer writes it, in order (values unescaped)."""
    for match in _LINK_TAG_RE.finditer(html):
        yield {name: unescape(value) for name, value in _ATTRIBUTE_RE.findall(match.group(1))}


def _mark_link(match):
    attributes = dict(_ATTRIBUTE_RE.findall(match.group(1)))
    destination = _link_destination(attributes.get("href"))
    if destination != "site":
        # Only the wiki's own links look like wiki links.
        attributes.pop("class", None)
    if destination == "external":
        kept = [token for token in attributes.get("rel", "").split() if token not in EXTERNAL_REL]
        attributes["rel"] = " ".join([*EXTERNAL_REL, *kept])
    return "<a" + "".join(f' {name}="{value}"' for name, value in attributes.items()) + ">"


def sanitize_html(html):
    """Allow-listed tags and attributes only; outside links marked, wiki-link classes on wiki links only."""
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=ALLOWED_URL_SCHEMES,
        attribute_filter=_keep_safe_rel,
        link_rel=None,
        strip_comments=True,
    )
    return _LINK_TAG_RE.sub(_mark_link, cleaned)


# Our own parts of the pipeline: a change to any of them changes every rendering.
_PIPELINE_MODULES = ("markup.py", "wikilinks.py", "hangul.py", "titles.py")


@cached_forever
def pipeline_version():
    """A fingerprint of everything that shapes rendered HTML, so cached renders never outlive it.

    The versions of Python-Markdown and nh3, the allow-lists, the extensions, and the source of our
    own extensions: nobody has to remember to bump a version number.
    """
    here = Path(__file__).resolve().parent
    parts = [
        version("Markdown"),
        version("nh3"),
        repr(sorted(ALLOWED_TAGS)),
        repr(sorted((tag, sorted(attrs)) for tag, attrs in ALLOWED_ATTRIBUTES.items())),
        repr(sorted((tag, sorted(classes)) for tag, classes in ALLOWED_CLASSES.items())),
        repr(sorted(ALLOWED_URL_SCHEMES)),
        repr(sorted(ALLOWED_REL)),
        repr(MARKDOWN_EXTENSIONS),
        *((here / name).read_text() for name in _PIPELINE_MODULES),
    ]
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:16]


def render_markdown(text, resolved=None):
    """Return sanitized HTML for the editor's Markdown text.

    `resolved` may carry the link targets of many pages, looked up at once (see links.rerender_pages).
    """
    text = text or ""
    if not text.strip():
        return ""
    if resolved is None:
        resolved = resolve_titles(find_link_targets(text))
    own_keys = {normalise_title(target) for target in find_link_targets(text)}
    resolved = {key: value for key, value in resolved.items() if key in own_keys}
    fingerprint = json.dumps([text, sorted(resolved.items())], ensure_ascii=False)
    cache_key = f"markup:{pipeline_version()}:" + hashlib.sha256(fingerprint.encode()).hexdigest()
    html = cache.get(cache_key)
    if html is None:
        converter = markdown.Markdown(
            extensions=[*MARKDOWN_EXTENSIONS, WikiExtension(resolved, normalise_title)],
            output_format="html",
        )
        html = sanitize_html(converter.convert(text))
        cache.set(cache_key, html, CACHE_SECONDS)
        # Saved as the page's HTML, it is shown next: no need to sanitize it again then.
        cache.set(_sanitized_key(html), "", CACHE_SECONDS)
    return html


def _sanitized_key(html):
    digest = hashlib.sha256(html.encode("utf-8", "surrogatepass")).hexdigest()
    return f"sanitized:{pipeline_version()}:{digest}"


def sanitized_html(html):
    """sanitize_html(html), remembered by the HTML's digest under today's pipeline.

    A page's stored HTML is what today's sanitizer made of it at save, so mostly it comes back
    unchanged: then only "" is kept, not a second copy of the page.
    """
    html = html or ""
    if not html:
        return ""
    key = _sanitized_key(html)
    kept = cache.get(key)  # a cache that is down is a miss (fanwiki/resilient_cache.py)
    if kept is not None:
        return kept or html
    cleaned = sanitize_html(html)
    cache.set(key, "" if cleaned == html else cleaned, CACHE_SECONDS)
    return cleaned


_BLOCK_TAGS = re.compile(r"</?(?:p|h[1-6]|li|ul|ol|td|th|tr|br|div|blockquote|pre|dd|dt|hr)\b[^>]*>", re.I)
# A tag as the sanitizer writes it: attribute values in double quotes (a ">" may stand inside them),
# and never a bare "<" in text. Faster than strip_tags()'s HTML parser, which search indexing feels.
_SANITIZED_TAG = re.compile(r'<[^>"]*(?:"[^"]*"[^>"]*)*>')


def plain_text(html):
    """Stored HTML as plain text (for search and descriptions): through today's sanitizer first, as
    it may have been made by an older one (so no script's content survives), then tags dropped with
    blocks kept apart."""
    return " ".join(unescape(_SANITIZED_TAG.sub("", _BLOCK_TAGS.sub(" ", sanitize_html(html or "")))).split())


# HTML characters looked at for each character of text wanted: wiki links and Hangul spans make a
# page's HTML about seven times its text, so this leaves room for markup-heavy openings.
_HTML_PER_TEXT_CHARACTER = 40


def text_start(html, length):
    """plain_text() of the HTML, at least its first `length` characters of it (a description)."""
    html = html or ""
    prefix = html[: length * _HTML_PER_TEXT_CHARACTER]
    # A prefix may end inside a tag or an entity; the sanitizer drops what is cut short, and the
    # text before it is the same as the whole HTML's.
    text = plain_text(prefix)
    if len(text) > length or len(prefix) == len(html):
        return text
    return plain_text(html)  # an opening of nothing but markup: the whole, as before
