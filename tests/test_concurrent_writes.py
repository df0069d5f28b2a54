"""Writes that meet in time: two connections, one waiting on the other's row locks (PostgreSQL run)."""

import threading

import pytest
from django.db import connection, connections

from fanwiki import links
from fanwiki.models import Article
from fanwiki.pages import PageRef, kind_of
from tests.factories import make_article


# The serialized rollback puts the data migrations' rows back for the tests after this one.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_edit_committed_during_a_link_re_render_keeps_its_own_html(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the row-lock race is checked in the PostgreSQL run")
    article = make_article("Casting news", body="[[Future Drama]] starts filming.")
    html_field = kind_of(Article).html_field
    Article.objects.filter(pk=article.pk).update(**{html_field: "<p>out of date</p>"})
    rendering, edited = threading.Event(), threading.Event()
    render = links.render_markdown

    def render_while_an_editor_saves(text, **options):
        rendering.set()
        # Without the lock the editor's save goes through at once; with it, it waits for this commit.
        edited.wait(timeout=1)
        return render(text, **options)

    def editor_saves():
        try:
            rendering.wait(timeout=5)
            page = Article.objects.get(pk=article.pk)
            page.body = "Edited meanwhile."
            page.save()
        finally:
            edited.set()
            connections.close_all()

    monkeypatch.setattr(links, "render_markdown", render_while_an_editor_saves)
    editor = threading.Thread(target=editor_saves)
    editor.start()
    links.rerender_pages({PageRef("article", article.pk)})
    editor.join(timeout=10)

    article.refresh_from_db()
    assert article.body == "Edited meanwhile."
    assert "Edited meanwhile." in getattr(article, html_field)
