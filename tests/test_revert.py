"""Revert: an editor restores an earlier revision from the admin, as a new revision of its own."""

import re
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from dramas.models import Credit
from tests.admin_forms import admin_form_data
from tests.factories import editable_pages, make_article, make_drama


def revert_url(page, record):
    opts = page._meta
    return f"/admin/{opts.app_label}/{opts.model_name}/{page.pk}/history/{record.history_id}/"


def revisions(page):
    return list(page.history.order_by("history_date", "history_id"))


def public_html(client, page):
    response = client.get(page.get_absolute_url())
    assert response.status_code == 200
    return unescape(response.content.decode())


def revert(client, page, record, **changes):
    """Open the revert form for record and submit it as shown (plus changes)."""
    form = client.get(revert_url(page, record))
    return client.post(revert_url(page, record), admin_form_data(form, **changes))


PAGES = editable_pages("The original text.")
make_article_page, make_drama_page = PAGES["article"][0], PAGES["drama"][0]


def vandalise(page, text_field):
    setattr(page, text_field, "Vandalised text.")
    page.save()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", PAGES)
def test_revert_restores_the_old_text_as_a_new_revision(kind, client, editor, editor_client):
    make_page, text_field = PAGES[kind]
    page = make_page()
    original = revisions(page)[0]
    vandalise(page, text_field)
    assert "Vandalised text." in public_html(client, page)

    form = editor_client.get(revert_url(page, original))
    assert form.status_code == 200
    data = admin_form_data(form)
    assert data[text_field] == "The original text."
    assert "tags" in data
    response = editor_client.post(revert_url(page, original), data)

    assert response.status_code == 302
    page.refresh_from_db()
    assert getattr(page, text_field) == "The original text."
    records = revisions(page)
    assert len(records) == 3
    newest = records[-1]
    assert newest.history_type == "~"
    assert getattr(newest, text_field) == "The original text."
    assert newest.history_user == editor
    assert "revert" in newest.history_change_reason.lower()
    html = public_html(client, page)
    assert "The original text." in html
    assert "Vandalised text." not in html


@pytest.mark.django_db
def test_revert_change_reason_names_the_restored_revision(editor_client):
    article = make_article_page()
    original = revisions(article)[0]
    vandalise(article, "body")

    assert revert(editor_client, article, original).status_code == 302

    reason = revisions(article)[-1].history_change_reason
    assert reason == f"Reverted to revision {original.history_id}"


@pytest.mark.django_db
def test_an_edit_summary_typed_in_the_revert_form_is_kept(editor_client):
    article = make_article_page()
    original = revisions(article)[0]
    vandalise(article, "body")
    assert revert(editor_client, article, original, edit_summary="Undo vandalism").status_code == 302
    assert revisions(article)[-1].history_change_reason == "Undo vandalism"


@pytest.mark.django_db
def test_revert_restores_the_old_title(client, editor_client):
    article = make_article("Old headline", body="Text.")
    original = revisions(article)[0]
    article.title = "Wrong headline"
    article.save()

    assert revert(editor_client, article, original).status_code == 302

    article.refresh_from_db()
    assert article.title == "Old headline"
    assert re.search(r"<h1[^>]*>Old headline</h1>", public_html(client, article))


@pytest.mark.django_db
def test_revert_bumps_the_version_once(editor_client):
    article = make_article_page()
    original = revisions(article)[0]
    vandalise(article, "body")
    article.refresh_from_db()
    assert article.version == 2

    assert revert(editor_client, article, original).status_code == 302

    article.refresh_from_db()
    assert article.version == 3


@pytest.mark.django_db
def test_reverting_a_drama_keeps_its_credits(editor_client):
    drama = make_drama_page()
    original = revisions(drama)[0]
    vandalise(drama, "synopsis")
    assert revert(editor_client, drama, original).status_code == 302
    assert list(Credit.objects.filter(drama=drama).values_list("character", flat=True)) == ["Hong Hae-in"]


@pytest.mark.django_db
def test_revert_restores_links_and_what_links_here(client, editor_client):
    drama = make_drama("Queen of Tears")
    article = make_article("Ratings news", body="[[Queen of Tears]] tops the chart.")
    original = revisions(article)[0]
    article.body = "No link here."
    article.save()
    assert "Ratings news" not in public_html(client, drama)

    assert revert(editor_client, article, original).status_code == 302

    assert f'<a class="wikilink" href="{drama.get_absolute_url()}"' in public_html(client, article)
    assert "Ratings news" in public_html(client, drama)


@pytest.mark.django_db
def test_revert_shows_in_the_public_history(client, editor_client):
    article = make_article_page()
    original = revisions(article)[0]
    vandalise(article, "body")
    assert revert(editor_client, article, original).status_code == 302

    html = unescape(client.get(f"/articles/{article.slug}/history/").content.decode())
    newest = re.findall(r'<li class="revision">(.*?)</li>', html, re.S)[0]
    assert '<span class="revision__who">an editor</span>' in newest
    assert "Reverted" in newest


@pytest.mark.django_db
def test_a_revert_based_on_a_stale_form_is_refused(editor_client):
    article = make_article_page()
    original = revisions(article)[0]
    vandalise(article, "body")
    form = editor_client.get(revert_url(article, original))

    article.body = "A careful fix made meanwhile."
    article.save()
    response = editor_client.post(revert_url(article, original), admin_form_data(form))

    assert response.status_code == 200
    assert "Someone else saved this page" in unescape(response.content.decode())
    article.refresh_from_db()
    assert article.body == "A careful fix made meanwhile."
    assert len(revisions(article)) == 3


@pytest.mark.django_db
def test_revert_needs_a_logged_in_editor():
    article = make_article_page()
    original = revisions(article)[0]
    vandalise(article, "body")

    anonymous = Client()
    response = anonymous.get(revert_url(article, original))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    response = anonymous.post(revert_url(article, original), {"body": "Sneaky."})
    assert response.status_code == 302

    staff = Client()
    staff.force_login(get_user_model().objects.create_user(username="staffer", is_staff=True))
    assert staff.get(revert_url(article, original)).status_code == 403

    article.refresh_from_db()
    assert article.body == "Vandalised text."
    assert len(revisions(article)) == 2
