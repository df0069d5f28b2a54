"""Line diffs of two revisions' Markdown, shaped for templates (readable on a phone)."""

import difflib
from dataclasses import dataclass

CONTEXT_LINES = 2


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added", "removed" or "gap"
    text: str


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
                continue
            lines.extend(DiffLine("removed", text) for text in old_lines[old_start:old_end])
            lines.extend(DiffLine("added", text) for text in new_lines[new_start:new_end])
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
