"""The elements of an HTML fragment, as a browser's parser would see them, without a third-party parser."""

import re
from html.parser import HTMLParser


class _ElementParser(HTMLParser):
    """Every element as {"tag", "attrs", "text"}; text is collected for links only."""

    def __init__(self):
        super().__init__()
        self.elements = []
        self._open_link = None

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "text": ""}
        self.elements.append(element)
        if tag == "a":
            self._open_link = element

    def handle_endtag(self, tag):
        if tag == "a":
            self._open_link = None

    def handle_data(self, data):
        if self._open_link is not None:
            self._open_link["text"] += data


def elements(html):
    parser = _ElementParser()
    parser.feed(html)
    parser.close()
    return parser.elements


_JSON_LD = re.compile(r'<script type="application/ld\+json">[^<]*</script>')


def without_json_ld(html):
    """The page without its JSON-LD: a data block, which browsers never run (its content holds no "<")."""
    return _JSON_LD.sub("", html)
