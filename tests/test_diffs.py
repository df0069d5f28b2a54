"""Revision diffs show which lines changed and, inside an edited paragraph, which words."""

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
