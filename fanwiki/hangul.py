"""Mark Hangul in editors' text with lang="ko", so browsers and screen readers treat it as Korean."""

import re
import xml.etree.ElementTree as etree

from markdown.treeprocessors import Treeprocessor

_HANGUL = "\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff"
# A run of Hangul words, spaces between them included: "눈물의 여왕" is one span, not two.
HANGUL_RUN = re.compile(f"[{_HANGUL}]+(?:[ \u00a0]+[{_HANGUL}]+)*")
_LEFT_ALONE = {"code", "pre"}


def _split(text):
    """(text before the first run, [(run, text after it), ...]) or None when there is no Hangul."""
    pieces = HANGUL_RUN.split(text)
    runs = HANGUL_RUN.findall(text)
    if not runs:
        return None
    return pieces[0], list(zip(runs, pieces[1:], strict=True))


def _korean_span(run, tail):
    span = etree.Element("span", {"lang": "ko"})
    span.text = run
    span.tail = tail
    return span


class MarkKorean(Treeprocessor):
    def run(self, root):
        for parent in list(root.iter()):
            if parent.tag in _LEFT_ALONE or parent.get("lang"):
                continue
            self._wrap_text(parent)
            # Walks backwards so inserted spans do not shift the children still to visit.
            for index in range(len(parent) - 1, -1, -1):
                self._wrap_tail(parent, index)

    def _wrap_text(self, parent):
        split = _split(parent.text or "")
        if split is None:
            return
        parent.text, runs = split
        for offset, (run, tail) in enumerate(runs):
            parent.insert(offset, _korean_span(run, tail))

    def _wrap_tail(self, parent, index):
        child = parent[index]
        split = _split(child.tail or "")
        if split is None:
            return
        child.tail, runs = split
        for offset, (run, tail) in enumerate(runs, start=1):
            parent.insert(index + offset, _korean_span(run, tail))
