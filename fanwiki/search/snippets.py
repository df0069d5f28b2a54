"""Snippets with the matched words marked: the text is escaped first, then marked, never the reverse."""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

from fanwiki.hangul import HANGUL_RUN
from fanwiki.search.query import FULL_TEXT_MIN_LENGTH

SNIPPET_LENGTH = 200
LEAD_IN = 60  # characters shown before the first match


# What may stand between the letters of a name key in a text: "honghaein" marks "Hong Hae-in".
_SEPARATORS = r"[\s\-\u2010-\u2015_'\u2019.·]*"


def _term_pattern(term):
    """Terms of three characters and more anywhere, as the trigram index matches them, spaces and
    hyphens or not; shorter ones only as whole words: "in" is marked in "Hae-in", not in "sings"."""
    if len(term) < FULL_TEXT_MIN_LENGTH:
        return rf"\b{re.escape(term)}\b"
    return _SEPARATORS.join(re.escape(char) for char in term)


def _terms_pattern(terms):
    # Longest first, so a whole name is one mark rather than several.
    terms = sorted((term for term in terms if len(term) >= 2), key=len, reverse=True)
    return re.compile("|".join(map(_term_pattern, terms)), re.IGNORECASE) if terms else None


def _escaped(text):
    """Escaped text, with Hangul runs marked as Korean for browsers and screen readers."""
    return HANGUL_RUN.sub(lambda run: f'<span lang="ko">{run.group()}</span>', escape(text))


def highlight(text, terms):
    """The whole text, escaped, with every term marked."""
    pattern = _terms_pattern(terms)
    if pattern is None:
        return mark_safe(_escaped(text))  # noqa: S308 (escaped above)
    pieces, position = [], 0
    for match in pattern.finditer(text):
        pieces.append(_escaped(text[position : match.start()]))
        pieces.append(f"<mark>{_escaped(match.group())}</mark>")
        position = match.end()
    pieces.append(_escaped(text[position:]))
    return mark_safe("".join(pieces))  # noqa: S308 (every piece escaped)


def snippet(text, terms, length=SNIPPET_LENGTH):
    """A passage of the text around the first matched term, marked; the start of the text if none match."""
    pattern = _terms_pattern(terms)
    first = pattern.search(text) if pattern else None
    start = 0
    if first and first.start() > LEAD_IN:
        # Start at a word boundary a little before the match.
        start = text.rfind(" ", 0, first.start() - LEAD_IN) + 1
    end = start + length
    if end < len(text):
        space = text.rfind(" ", start, end)
        if space > start and (first is None or space >= first.end()):
            end = space
    passage = highlight(text[start:end], terms)
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(f"{prefix}{passage}{suffix}")  # noqa: S308 (the passage is escaped and marked)
