"""Line diffs of two revisions' Markdown, shaped for templates (readable on a phone).

A changed paragraph is one long Markdown line, so a line that was edited rather
than replaced also carries word-level segments: the reader sees which words
changed, not just that the paragraph did.

Anyone can ask for a diff of any two revisions, so the work is bounded. The
shortest edit script (Myers' algorithm) runs on a step budget; a comparison
that would need more steps falls back to a coarser, still correct, result:
- lines: everything between the common first and last lines is shown as
  removed, then added;
- words: only changed paragraphs of up to WORD_DIFF_MAX_CHARS in all are
  compared word by word; past that, or past the word budget, changed lines
  are marked whole and the diff says "too large to compare word by word".
At most MAX_SHOWN_LINES lines are returned. Worst cases: `make bench`.
"""

import re
from dataclasses import dataclass, field

CONTEXT_LINES = 2
# Steps (one comparison or one move along the edit graph) each comparison may take.
LINE_DIFF_BUDGET = 150_000
WORD_DIFF_BUDGET = 150_000
# A run of changed lines longer than this (old and new, in characters) is compared line by line only.
WORD_DIFF_MAX_CHARS = 100_000
MAX_SHOWN_LINES = 1_000

TOO_LARGE_FOR_WORDS = "This change is too large to compare word by word: changed lines are marked whole."
TOO_DIFFERENT_FOR_LINES = (
    "These revisions differ too much to compare line by line: the whole changed part is shown."
)
# Words keep the space that follows them, so joined segments read as the original text.
_WORDS = re.compile(r"\S+\s*|\s+")


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added", "removed" or "gap"
    text: str
    # (changed, text) pairs; empty when the whole line is new, gone or unchanged.
    segments: tuple = field(default=())


@dataclass(frozen=True)
class TextDiff:
    lines: tuple
    notes: tuple = ()  # sentences for the reader when the diff is coarser or shorter than usual


class _Budget:
    def __init__(self, steps):
        self.steps = steps


def _shortest_edit(old, new, budget):
    """Moves ("equal", "delete", "insert") turning old into new, or None when over budget.

    Myers' greedy algorithm: for each number of edits d, the furthest point
    reached on every diagonal k = x - y, then a walk back through the saved rows.
    """
    n, m = len(old), len(new)
    if not n or not m:
        return ["delete"] * n + ["insert"] * m
    offset = n + m + 1
    furthest = [0] * (2 * offset + 1)
    rows = []  # rows[d]: furthest x on diagonals -d-1..d+1 before round d
    for d in range(n + m + 1):
        rows.append(furthest[offset - d - 1 : offset + d + 2])
        for k in range(-d, d + 1, 2):
            if k == -d or (k != d and furthest[offset + k - 1] < furthest[offset + k + 1]):
                x = furthest[offset + k + 1]
            else:
                x = furthest[offset + k - 1] + 1
            y = start = x - k
            while x < n and y < m and old[x] == new[y]:
                x += 1
                y += 1
            furthest[offset + k] = x
            budget.steps -= 1 + y - start
            if x >= n and y >= m:
                return _walk_back(rows, n, m)
        if budget.steps < 0:
            return None
    raise AssertionError("unreachable: n + m edits always suffice")


def _walk_back(rows, x, y):
    moves = []
    for d in range(len(rows) - 1, -1, -1):
        row = rows[d]
        k = x - y
        down = k == -d or (k != d and row[k - 1 + d + 1] < row[k + 1 + d + 1])
        previous_k = k + 1 if down else k - 1
        previous_x = row[previous_k + d + 1]
        previous_y = previous_x - previous_k
        while x > previous_x and y > previous_y:
            moves.append("equal")
            x, y = x - 1, y - 1
        if d:
            moves.append("insert" if down else "delete")
        x, y = previous_x, previous_y
    moves.reverse()
    return moves


def _opcodes(old, new, budget):
    """difflib-style opcodes (tag, i1, i2, j1, j2); None when the budget runs out."""
    n, m = len(old), len(new)
    head = 0
    while head < n and head < m and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < n - head and tail < m - head and old[n - 1 - tail] == new[m - 1 - tail]:
        tail += 1
    middle = _shortest_edit(old[head : n - tail], new[head : m - tail], budget)
    if middle is None:
        return None
    return _group_moves(["equal"] * head + middle + ["equal"] * tail)


def _coarse_opcodes(old, new):
    """Common first and last items kept, everything between replaced: always correct, linear."""
    n, m = len(old), len(new)
    head = 0
    while head < n and head < m and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < n - head and tail < m - head and old[n - 1 - tail] == new[m - 1 - tail]:
        tail += 1
    moves = ["equal"] * head + ["delete"] * (n - head - tail) + ["insert"] * (m - head - tail)
    return _group_moves(moves + ["equal"] * tail)


def _group_moves(moves):
    opcodes = []
    i = j = 0
    index = 0
    while index < len(moves):
        if moves[index] == "equal":
            end = index
            while end < len(moves) and moves[end] == "equal":
                end += 1
            opcodes.append(("equal", i, i + end - index, j, j + end - index))
            i, j = i + end - index, j + end - index
        else:
            end = index
            while end < len(moves) and moves[end] != "equal":
                end += 1
            deleted = moves[index:end].count("delete")
            inserted = end - index - deleted
            tag = "replace" if deleted and inserted else ("delete" if deleted else "insert")
            opcodes.append((tag, i, i + deleted, j, j + inserted))
            i, j = i + deleted, j + inserted
        index = end
    return opcodes


def _grouped(opcodes, context):
    """Change hunks with `context` unchanged items around each, like difflib's get_grouped_opcodes."""
    if all(op[0] == "equal" for op in opcodes):
        return []
    opcodes = list(opcodes)
    if opcodes[0][0] == "equal":
        tag, i1, i2, j1, j2 = opcodes[0]
        opcodes[0] = tag, max(i1, i2 - context), i2, max(j1, j2 - context), j2
    if opcodes[-1][0] == "equal":
        tag, i1, i2, j1, j2 = opcodes[-1]
        opcodes[-1] = tag, i1, min(i2, i1 + context), j1, min(j2, j1 + context)
    groups, group = [], []
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal" and i2 - i1 > 2 * context:
            group.append((tag, i1, min(i2, i1 + context), j1, min(j2, j1 + context)))
            groups.append(group)
            group = []
            i1, j1 = max(i1, i2 - context), max(j1, j2 - context)
        group.append((tag, i1, i2, j1, j2))
    if group and not (len(group) == 1 and group[0][0] == "equal"):
        groups.append(group)
    return groups


def _word_segments(old_line, new_line, budget):
    """Segments of the old and of the new line marking the words that differ; None if over budget."""
    old_words, new_words = _WORDS.findall(old_line), _WORDS.findall(new_line)
    opcodes = _opcodes(old_words, new_words, budget)
    if opcodes is None:
        return None
    old_segments, new_segments = [], []
    for tag, old_start, old_end, new_start, new_end in opcodes:
        changed = tag != "equal"
        if old_end > old_start:
            old_segments.append((changed, "".join(old_words[old_start:old_end])))
        if new_end > new_start:
            new_segments.append((changed, "".join(new_words[new_start:new_end])))
    return tuple(old_segments), tuple(new_segments)


def _replaced(old_lines, new_lines, word_budget):
    """Removed then added lines; lines edited in place get word-level segments while the budget lasts.

    Returns the lines and whether any pair was left without word-level marking.
    """
    whole = [DiffLine("removed", text) for text in old_lines]
    whole += [DiffLine("added", text) for text in new_lines]
    if len(old_lines) != len(new_lines):
        return whole, False
    if word_budget is None or sum(map(len, old_lines)) + sum(map(len, new_lines)) > WORD_DIFF_MAX_CHARS:
        return whole, True
    removed, added = [], []
    for old_line, new_line in zip(old_lines, new_lines, strict=True):
        segments = _word_segments(old_line, new_line, word_budget)
        if segments is None:
            return whole, True
        removed.append(DiffLine("removed", old_line, segments[0]))
        added.append(DiffLine("added", new_line, segments[1]))
    return removed + added, False


def compare_texts(old, new):
    """The changed lines of new against old, with a little unchanged context, within bounded work."""
    old, new = old or "", new or ""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    notes = []
    opcodes = _opcodes(old_lines, new_lines, _Budget(LINE_DIFF_BUDGET))
    if opcodes is None:
        opcodes = _coarse_opcodes(old_lines, new_lines)
        notes.append(TOO_DIFFERENT_FOR_LINES)
    lines, words_skipped = _diff_lines(old_lines, new_lines, _grouped(opcodes, CONTEXT_LINES))
    if words_skipped:
        notes.append(TOO_LARGE_FOR_WORDS)
    if len(lines) > MAX_SHOWN_LINES:
        lines = lines[:MAX_SHOWN_LINES]
        notes.append(f"Only the first {MAX_SHOWN_LINES:,} lines of this change are shown.")
    return TextDiff(lines=tuple(lines), notes=tuple(notes))


def _diff_lines(old_lines, new_lines, groups):
    """DiffLines for the hunks, stopping one line past MAX_SHOWN_LINES; and whether words were skipped."""
    lines, words_skipped = [], False
    word_budget = _Budget(WORD_DIFF_BUDGET)
    for group in groups:
        if lines:
            lines.append(DiffLine("gap", "…"))
        for tag, old_start, old_end, new_start, new_end in group:
            room = MAX_SHOWN_LINES + 1 - len(lines)
            if room <= 0:
                return lines, words_skipped
            old_part = old_lines[old_start : min(old_end, old_start + room)]
            if tag == "equal":
                lines.extend(DiffLine("same", text) for text in old_part)
                continue
            new_part = new_lines[new_start : min(new_end, new_start + room - len(old_part))]
            replaced, skipped = _replaced(old_part, new_part, word_budget)
            lines.extend(replaced)
            if skipped:
                words_skipped = True
                word_budget = None  # once coarse, stay coarse: the reader gets one consistent view
    return lines, words_skipped


def diff_text(old, new):
    """Just the lines of compare_texts()."""
    return list(compare_texts(old, new).lines)


def changed_fields(old_record, new_record, field_names):
    """(field label, old value, new value) for each listed field that differs."""
    changes = []
    for name in field_names:
        before, after = getattr(old_record, name), getattr(new_record, name)
        if before != after:
            label = old_record._meta.get_field(name).verbose_name
            changes.append((label, before, after))
    return changes
