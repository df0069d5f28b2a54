"""Markdown text for demo pages, with its HTML, without running the Markdown pipeline per page.

Rendering Markdown costs milliseconds a page: far too slow for 100,000 articles. So a page's text
is made of units (a paragraph, a heading and a paragraph, a paragraph and a list), each written
once with named slots: [[{drama}]], ({dramako}), {city}. Each unit goes through the real pipeline
(fanwiki.markup.render_markdown) once, with a token in every slot; a page's HTML is then the
rendered units with the tokens replaced. A link token becomes the link the real pipeline would
make to the page the target resolves to; a Hangul token its <span lang="ko">.

That holds because units join like the pipeline's own output: each unit is a run of whole blocks,
none starts with a list (two lists would merge), and none uses the constructs that reach across a
document (footnotes, abbreviations, link references). Slot values are letters, digits, spaces,
hyphens and Hangul only, which every stage leaves as they are. `verify()` renders pages through the
real pipeline and compares; the tests check every page that way.
"""

import re
from dataclasses import dataclass
from html import escape
from urllib.parse import quote_plus

from fanwiki.markup import render_markdown
from fanwiki.titles import normalise_title

# Slots: a link target ({drama}, {person}, {person2}, {drama2}), an unresolved target ({missing}),
# Hangul ({...ko}), or plain text. A link may carry a label: [[{person}|{personalt}]].
LINK_SLOTS = ("drama", "drama2", "person", "person2")
RED_SLOTS = ("missing",)

ARTICLE_LEADS = [
    "[[{drama}]] ({dramako}) is back in the news this week. [[{person}]] ({personko}) told reporters in "
    "{city} that filming went better than anyone expected.",
    "Fans of [[{drama}]] have a new reason to tune in: [[{person}|{personalt}]] joins the cast for the "
    "second half, {network} announced.",
    "The {network} drama [[{drama}]] reached {number}.{number2} percent in its latest episode, its best "
    "figure so far. [[{person}]] leads the cast.",
    "[[{person}]] recorded a new song for the soundtrack of [[{drama}]]. It comes out with episode {number}.",
    "A first look at [[{drama}]] arrived today, with [[{person}]] and [[{person2}]] in the stills.",
    "[[{person}]] ({personko}) spoke about [[{drama}]] at a press event in {city} on Monday.",
]
ARTICLE_UNITS = [
    "## Behind the scenes\n\nThe crew spent {number} days in {city}. [[{person2}]] said the night shoots "
    "were the hardest part of the job.",
    "> We did our best for the viewers, and we read every message.\n\nThat was [[{person}]], speaking to "
    "the press in {city}.",
    "Fans noticed a few details:\n\n- the opening scene was filmed in {city}\n- [[{person2}]] appears in "
    "episode {number}\n- the teaser ran for {number2} seconds",
    "The story began as a webtoon, and a spin-off called [[{missing}]] is rumoured but not confirmed.",
    "Its Korean title ({dramako}) was chosen by the writer after the script reading.",
    "**Ratings:** episode {number} drew {number2} percent nationwide, up from the week before.",
    "[[{person}]] and [[{person2}]] last worked together {number} years ago, on [[{drama2}]].",
    "Viewers abroad can watch it with subtitles, and the soundtrack is on *every* major music service.",
    "Cast member [[{person2}]] ({person2ko}) posted photos from the set, thanking the staff.",
    "## What comes next\n\nThe final episodes air on {network}. A special episode about [[{missing}]] has "
    "not been announced.",
    "Critics compared it with [[{drama2}]], another drama filmed in {city}.",
]
SYNOPSIS_UNITS = [
    "[[{drama}]] ({dramako}) follows [[{person}]] as a young {role} who comes home to {city}.",
    "[[{person2}]] plays a {role} with a secret of their own, and the two cannot stay out of each other's "
    "way.",
    "## Production\n\nThe {number}-episode series was written over {number2} months and filmed in {city}.",
    "The drama is loosely based on a webtoon; a sequel, [[{missing}]], has been talked about for years.",
]
BIOGRAPHY_UNITS = [
    "{name} ({nameko}) is {occupation} from {city}, known to many fans for [[{drama}]].",
    "{name} debuted {number} years ago and has since appeared in [[{drama}]] and [[{drama2}]].",
    "## Career\n\nBefore acting, {name} trained as a {role} in {city}.",
    "Fans also write the name {altname}.",
]
ROLES = [
    "chef",
    "lawyer",
    "detective",
    "doctor",
    "teacher",
    "pilot",
    "singer",
    "reporter",
    "florist",
    "baker",
]

_SLOT_RE = re.compile(r"{(\w+)}")
# Tokens survive every stage untouched: letters only, no word the typography filter knows.
_TOKEN_RE = re.compile(r"title=XQ([a-z0-9]+)QX|/xq([a-z0-9]+)urlqx/|XQ([a-z0-9]+)QX")


def _token(slot):
    return f"XQ{slot}QX"


@dataclass(frozen=True)
class Unit:
    markdown: str  # with {slots}
    html: str  # the pipeline's rendering with tokens in the slots
    slots: frozenset
    # The HTML cut at its tokens: literal text, then (what goes there, slot) pairs, alternately.
    pieces: tuple


def _cut(html):
    parts = _TOKEN_RE.split(html)
    pieces = []
    for index in range(0, len(parts), 4):
        pieces.append(parts[index])
        if index + 1 < len(parts):
            red, url, slot = parts[index + 1 : index + 4]
            if red is not None:
                pieces.append(("red", red))
            elif url is not None:
                pieces.append(("url", url))
            elif slot.endswith("title") and slot[: -len("title")] in LINK_SLOTS:
                pieces.append(("title", slot[: -len("title")]))
            elif slot.endswith("ko"):
                pieces.append(("hangul", slot))
            else:
                pieces.append(("text", slot))
    return tuple(pieces)


def prepare(template):
    """Render one unit through the real pipeline with a token in every slot."""
    slots = frozenset(_SLOT_RE.findall(template))
    text = template.format(**{slot: _token(slot) for slot in slots})
    resolved = {
        normalise_title(_token(slot)): (_token(f"{slot}title"), f"/xq{slot}urlqx/")
        for slot in slots
        if slot in LINK_SLOTS
    }
    html = render_markdown(text, resolved=resolved)
    return Unit(template, html, slots, _cut(html))


def prepare_all(templates):
    return [prepare(template) for template in templates]


class Filler:
    """Fills units with values; `index` maps a normalised title to (title, url) like the title index."""

    def __init__(self, index):
        self.index = index
        self._resolved = {}

    def fill(self, unit, values):
        """(Markdown, HTML) of one unit with these slot values."""
        markdown = unit.markdown.format_map(values)
        html = []
        for piece in unit.pieces:
            if type(piece) is str:
                html.append(piece)
                continue
            what, slot = piece
            value = values[slot]
            if what == "text":
                html.append(escape(value, quote=False))
            elif what == "url":
                html.append(escape(self.resolve(value)[1]))
            elif what == "title":
                html.append(escape(self.resolve(value)[0]))
            elif what == "hangul":
                html.append(f'<span lang="ko">{escape(value)}</span>')
            else:
                html.append("title=" + quote_plus(value))
        return markdown, "".join(html)

    def resolve(self, target):
        found = self._resolved.get(target)
        if found is None:
            found = self.index.get(normalise_title(target))
            if found is None:
                raise ValueError(f"{target!r} names no page: it would render as a red link")
            self._resolved[target] = found
        return found


def join(parts):
    """(Markdown, HTML) of a whole text made of filled units, as the pipeline would render it whole."""
    return "\n\n".join(md for md, _ in parts), "\n".join(html for _, html in parts)


def verify(texts_and_html):
    """The (text, html) pairs whose html is not what the real pipeline makes of the text now."""
    return [(text, html) for text, html in texts_and_html if render_markdown(text) != html]
