"""Revision diffs show which lines changed and, inside an edited paragraph, which words."""

from hypothesis import given, settings
from hypothesis import strategies as st

from fanwiki import diffs, history
from fanwiki.diffs import diff_text
from tests.factories import make_article


def test_unchanged_text_has_no_diff():
    assert diff_text("Same line.\nAnother.", "Same line.\nAnother.") == []


def test_added_and_removed_lines_are_marked_with_context():
    lines = diff_text("one\ntwo\nthree", "one\nthree\nfour")
    assert [(line.kind, line.text) for line in lines] == [
        ("same", "one"),
        ("removed", "two"),
        ("same", "three"),
        ("added", "four"),
    ]


def test_an_edited_paragraph_marks_only_the_changed_words():
    removed, added = diff_text("The cat sat on the mat.", "The dog sat on the red mat.")
    assert [text for changed, text in removed.segments if changed] == ["cat "]
    assert [text for changed, text in added.segments if changed] == ["dog ", "red "]
    assert "".join(text for _, text in added.segments) == "The dog sat on the red mat."


def test_far_apart_changes_are_separated_by_a_gap():
    old = "\n".join(f"line {number}" for number in range(20))
    new = old.replace("line 1\n", "line one\n").replace("line 18", "line eighteen")
    kinds = [line.kind for line in diff_text(old, new)]
    assert "gap" in kinds
    assert kinds.count("same") < 20


def test_diff_page_highlights_changed_words(client, db):
    article = make_article("Casting news", body="Kim Ji-won joins the cast.")
    article.body = "Kim Ji-won joins the main cast."
    article.save()
    old, new = article.history.order_by("history_date")
    response = client.get(f"/articles/{article.slug}/history/diff/?from={old.history_id}&to={new.history_id}")
    assert response.status_code == 200
    assert "<ins>main </ins>" in response.content.decode()
    assert "<del>" not in response.content.decode().split('class="diff"')[1]


# Bounded work: any reader can ask for any diff, so every comparison has a step budget.


def apply_opcodes(old, new, opcodes):
    rebuilt = []
    for tag, old_start, old_end, new_start, new_end in opcodes:
        if tag == "equal":
            assert old[old_start:old_end] == new[new_start:new_end]
            rebuilt += old[old_start:old_end]
        else:
            rebuilt += new[new_start:new_end]
    return rebuilt


def longest_common_subsequence(old, new):
    lengths = [[0] * (len(new) + 1) for _ in range(len(old) + 1)]
    for i, old_item in enumerate(old):
        for j, new_item in enumerate(new):
            lengths[i + 1][j + 1] = (
                lengths[i][j] + 1 if old_item == new_item else max(lengths[i][j + 1], lengths[i + 1][j])
            )
    return lengths[len(old)][len(new)]


small_sequences = st.lists(st.sampled_from("abc"), max_size=14)


@settings(max_examples=200, deadline=None)
@given(old=small_sequences, new=small_sequences)
def test_edit_script_rebuilds_the_new_text_with_the_fewest_edits(old, new):
    opcodes = diffs._opcodes(old, new, diffs._Budget(10**6))
    assert apply_opcodes(old, new, opcodes) == new
    edits = sum(
        old_end - old_start + new_end - new_start
        for tag, old_start, old_end, new_start, new_end in opcodes
        if tag != "equal"
    )
    assert edits == len(old) + len(new) - 2 * longest_common_subsequence(old, new)


@settings(max_examples=100, deadline=None)
@given(old=small_sequences, new=small_sequences)
def test_the_coarse_fallback_is_still_a_correct_diff(old, new):
    assert apply_opcodes(old, new, diffs._coarse_opcodes(old, new)) == new


def test_an_edit_script_over_budget_gives_up():
    assert diffs._opcodes(list("ab" * 50), list("ba" * 50), diffs._Budget(20)) is None


def test_repetitive_lines_that_differ_everywhere_fall_back_to_a_coarse_line_diff():
    # Quadratic for difflib: this pair took minutes before the step budget.
    old, new = "a\n" * 20_000, "b\na\n" * 10_000
    result = diffs.compare_texts(old, new)
    assert diffs.TOO_DIFFERENT_FOR_LINES in result.notes
    assert len(result.lines) == diffs.MAX_SHOWN_LINES
    assert any("first 1,000 lines" in note for note in result.notes)
    assert [line.kind for line in result.lines[:2]] == ["removed", "removed"]


def test_small_edits_in_a_long_text_stay_exact():
    old = "\n".join(f"Paragraph {number} of the synopsis." for number in range(3000))
    new = old.replace("Paragraph 1500 of", "Paragraph 1500, rewritten, of")
    result = diffs.compare_texts(old, new)
    assert result.notes == ()
    changed = [line for line in result.lines if line.kind in {"removed", "added"}]
    assert [line.text for line in changed] == [
        "Paragraph 1500 of the synopsis.",
        "Paragraph 1500, rewritten, of the synopsis.",
    ]
    assert [text for flag, text in changed[1].segments if flag] == ["1500, rewritten, "]


def test_past_the_word_budget_changed_lines_are_marked_whole(monkeypatch):
    monkeypatch.setattr(diffs, "WORD_DIFF_BUDGET", 50)
    old = " ".join(f"w{number}" for number in range(200))
    new = " ".join(f"w{number}" for number in range(200, 0, -1))
    result = diffs.compare_texts(old, new)
    assert result.notes == (diffs.TOO_LARGE_FOR_WORDS,)
    assert [(line.kind, line.segments) for line in result.lines] == [("removed", ()), ("added", ())]


def test_changed_paragraphs_past_the_size_cap_are_compared_line_by_line_only(monkeypatch):
    monkeypatch.setattr(diffs, "WORD_DIFF_MAX_CHARS", 40)
    result = diffs.compare_texts(
        "A short paragraph that is long enough.", "A short paragraph that is longer still."
    )
    assert result.notes == (diffs.TOO_LARGE_FOR_WORDS,)
    assert all(not line.segments for line in result.lines)


def two_revisions(old_body, new_body):
    article = make_article("Casting news", body=old_body)
    article.body = new_body
    article.save()
    old, new = article.history.order_by("history_date")
    return f"/articles/{article.slug}/history/diff/?from={old.history_id}&to={new.history_id}"


def test_diff_page_says_when_a_change_is_too_large_for_words(client, db, monkeypatch):
    monkeypatch.setattr(diffs, "WORD_DIFF_BUDGET", 5)
    url = two_revisions("One two three four five six.", "Six five four three two one.")
    html = client.get(url).content.decode()
    assert "too large to compare word by word" in html
    assert "<del>One two three four five six.</del>" in html


def test_diffs_are_cached_by_revision_pair(client, db, monkeypatch):
    # Text of its own: the cache outlives a test, and revision ids repeat after each rollback.
    url = two_revisions(
        "Kim Ji-won joins the cast of a cached diff.", "Kim Ji-won joins the main cast of a cached diff."
    )
    calls = []
    real_compare = history.compare_texts
    monkeypatch.setattr(history, "compare_texts", lambda old, new: calls.append(1) or real_compare(old, new))

    first, second = client.get(url), client.get(url)

    assert len(calls) == 1
    assert "<ins>main </ins>" in second.content.decode()
    assert first.content == second.content
    swapped = url.replace("from=", "x=").replace("to=", "from=").replace("x=", "to=")
    client.get(swapped)  # the same pair, asked the other way round
    assert len(calls) == 1
