"""Line diffs of two revisions' Markdown, shaped for templates (readable on a phone).

A changed paragraph is one long Markdown line, so a line that was edited rather
than replaced also carries word-level segments: the reader sees which words
changed, not just that the paragraph did.
"""

import difflib
import re
from dataclasses import dataclass, field

CONTEXT_LINES = 2
# Words keep the space that follows them, so joined segments read as the original text.
_WORDS = re.compile(r"\S+\s*|\s+")


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added", "removed" or "gap"
    text: str
    # (changed, text) pairs; empty when the whole line is new, gone or unchanged.
    segments: tuple = field(default=())


def _word_segments(old_line, new_line):
    """Segments of the old and of the new line, marking the words that differ."""
    old_words, new_words = _WORDS.findall(old_line), _WORDS.findall(new_line)
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    old_segments, new_segments = [], []
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        changed = tag != "equal"
        if old_end > old_start:
            old_segments.append((changed, "".join(old_words[old_start:old_end])))
        if new_end > new_start:
            new_segments.append((changed, "".join(new_words[new_start:new_end])))
    return tuple(old_segments), tuple(new_segments)


def _replaced(old_lines, new_lines):
    """Removed then added lines; lines edited in place get word-level segments."""
    if len(old_lines) != len(new_lines):
        return [DiffLine("removed", text) for text in old_lines] + [
            DiffLine("added", text) for text in new_lines
        ]
    removed, added = [], []
    for old_line, new_line in zip(old_lines, new_lines, strict=True):
        old_segments, new_segments = _word_segments(old_line, new_line)
        removed.append(DiffLine("removed", old_line, old_segments))
        added.append(DiffLine("added", new_line, new_segments))
    return removed + added


def diff_text(old, new):
    """The changed lines of new against old, with a little unchanged context around them."""
    old_lines, new_lines = (old or "").splitlines(), (new or "").splitlines()
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    lines = []
    for group in matcher.get_grouped_opcodes(CONTEXT_LINES):
        if lines:
            lines.append(DiffLine("gap", "…"))
        for tag, old_start, old_end, new_start, new_end in group:
            if tag == "equal":
                lines.extend(DiffLine("same", text) for text in old_lines[old_start:old_end])
            else:
                lines.extend(_replaced(old_lines[old_start:old_end], new_lines[new_start:new_end]))
    return lines


def changed_fields(old_record, new_record, field_names):
    """(field label, old value, new value) for each listed field that differs."""
    changes = []
    for name in field_names:
        before, after = getattr(old_record, name), getattr(new_record, name)
        if before != after:
            label = old_record._meta.get_field(name).verbose_name
            changes.append((label, before, after))
    return changes
