"""The [[Page]] and [[Page|label]] Markdown extension."""

import re
import xml.etree.ElementTree as etree
from urllib.parse import urlencode

from django.urls import reverse
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from fanwiki.hangul import MarkKorean

WIKI_LINK_PATTERN = r"\[\[([^\[\]|\n]{1,200})(?:\|([^\[\]\n]{1,200}))?\]\]"
_WIKI_LINK_RE = re.compile(WIKI_LINK_PATTERN)


def find_link_targets(text):
    """Every [[target]] named in the Markdown text, as written."""
    return [match.group(1).strip() for match in _WIKI_LINK_RE.finditer(text or "")]


class WikiLinkProcessor(InlineProcessor):
    def __init__(self, pattern, md, resolved, normalise):
        super().__init__(pattern, md)
        self.resolved = resolved
        self.normalise = normalise

    def handleMatch(self, m, data):
        target = m.group(1).strip()
        label = (m.group(2) or "").strip() or target
        element = etree.Element("a")
        # Atomic: later inline patterns (raw HTML, emphasis) leave what the editor typed alone.
        element.text = AtomicString(label)
        for name, value in link_attributes(target, self.resolved, self.normalise).items():
            element.set(name, value)
        return element, m.start(0), m.end(0)


def link_attributes(target, resolved, normalise):
    """The attributes of the link [[target]] makes, given where titles lead: blue to its page, or red."""
    found = resolved.get(normalise(target))
    if found:
        title, url = found
        return {"href": url, "class": "wikilink", "title": title}
    query = urlencode({"title": target})
    return {
        "href": f"{reverse('fanwiki:missing_page')}?{query}",
        "class": "redlink",
        "rel": "nofollow",
        "title": f"{target} (page does not exist yet)",
    }


class OutlineHeadings(Treeprocessor):
    """The page title is the only <h1>: the editor's first heading becomes <h2>, and none skips a level.

    Editors write "#" or "##" for a section alike; "## A", "#### B", "## C" gives <h2>, <h3>, <h2>.
    """

    def run(self, root):
        enclosing = []  # the editor's levels of the headings the current one sits under
        for element in root.iter():
            match = re.fullmatch(r"h([1-6])", element.tag)
            if not match:
                continue
            level = int(match[1])
            while enclosing and enclosing[-1] >= level:
                enclosing.pop()
            element.tag = f"h{min(2 + len(enclosing), 6)}"
            enclosing.append(level)


class WikiExtension(Extension):
    def __init__(self, resolved, normalise, **kwargs):
        self.resolved = resolved
        self.normalise = normalise
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        # Above raw inline HTML (90) so "[[<b>x</b>]]" is a link target, not markup.
        md.inlinePatterns.register(
            WikiLinkProcessor(WIKI_LINK_PATTERN, md, self.resolved, self.normalise), "wikilink", 175
        )
        md.treeprocessors.register(OutlineHeadings(md), "outline_headings", 5)
        # After the inline patterns (20), so link labels and emphasised text are covered too.
        md.treeprocessors.register(MarkKorean(md), "mark_korean", 4)
