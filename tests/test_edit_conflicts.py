"""No lost edits: the admin refuses a save based on a version someone else has already replaced."""

import re

import pytest
from django.contrib import admin
from django.test import Client

from fanwiki.admin.dramas import CreditAdmin
from fanwiki.models import Article
from tests.admin_forms import admin_form_data, change_url
from tests.factories import editable_pages, make_article, make_drama, make_editor


def editor_client(username):
    client = Client()
    client.force_login(make_editor(username=username))
    return client


def hidden_base_version(response):
    match = re.search(r'<input type="hidden" name="base_version" value="(\d+)"', response.content.decode())
    assert match, "no hidden base_version in the form"
    return int(match.group(1))


PAGES = editable_pages("Original text.")
make_article_page, make_drama_page = PAGES["article"][0], PAGES["drama"][0]


@pytest.fixture
def alice():
    return editor_client("alice")


@pytest.fixture
def bob():
    return editor_client("bob")


@pytest.mark.django_db
@pytest.mark.parametrize("kind", PAGES)
def test_second_editor_is_refused_then_can_save_deliberately(kind, alice, bob):
    make_page, text_field = PAGES[kind]
    page = make_page()
    url = change_url(page)
    alice_form = alice.get(url)
    bob_form = bob.get(url)
    opened = hidden_base_version(alice_form)
    assert (
        hidden_base_version(bob_form)
        == opened
        == 1
        + (
            kind == "drama"  # adding the drama's credit changed the drama page once more
        )
    )

    response = alice.post(url, admin_form_data(alice_form, **{text_field: "Text from Alice."}))
    assert response.status_code == 302, response.context["adminform"].form.errors
    revisions = page.history.count()

    response = bob.post(url, admin_form_data(bob_form, **{text_field: "Text from Bob."}))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Edit conflict" in html
    assert re.search(r'class="edit-conflict-theirs"[^>]*>Text from Alice\.</pre>', html)
    assert re.search(r'class="edit-conflict-yours"[^>]*>Text from Bob\.</pre>', html)
    assert "Nothing was saved" in html
    page.refresh_from_db()
    assert getattr(page, text_field) == "Text from Alice."
    assert page.version == opened + 1
    assert page.history.count() == revisions  # the refused save left no trace
    # The redisplayed form is Bob's, now based on the version he has just been shown.
    assert hidden_base_version(response) == opened + 1
    assert str(response.context["adminform"].form.data["base_version"]) == str(opened + 1)

    retry = admin_form_data(response)
    assert retry[text_field] == "Text from Bob."
    response = bob.post(url, retry)

    assert response.status_code == 302
    page.refresh_from_db()
    assert getattr(page, text_field) == "Text from Bob."
    assert page.version == opened + 2
    latest = page.history.order_by("-history_date", "-history_id").first()
    assert latest.history_user.username == "bob"


@pytest.mark.django_db
def test_conflict_says_who_saved_first_and_marks_the_differing_words(alice, bob):
    page = make_article_page()
    url = change_url(page)
    alice_form, bob_form = alice.get(url), bob.get(url)
    alice.post(url, admin_form_data(alice_form, body="The cast met today.", edit_summary="Add news"))

    response = bob.post(url, admin_form_data(bob_form, body="The cast met yesterday."))

    html = response.content.decode()
    assert re.search(r"alice saved this page at \d\d:\d\d \(“Add news”\)", html)
    diff = html.split('class="edit-conflict-diff"')[1].split("</ol>")[0]
    assert "<del>today.</del>" in diff
    assert "<ins>yesterday.</ins>" in diff


@pytest.mark.django_db
def test_conflict_keeps_inline_rows_intact(alice, bob):
    drama = make_drama_page()
    url = change_url(drama)
    alice_form, bob_form = alice.get(url), bob.get(url)
    assert alice.post(url, admin_form_data(alice_form, synopsis="Alice.")).status_code == 302

    response = bob.post(url, admin_form_data(bob_form, synopsis="Bob.", **{"credits-0-character": "Renamed"}))

    assert response.status_code == 200
    assert "Edit conflict" in response.content.decode()
    assert list(drama.credits.values_list("character", flat=True)) == ["Hong Hae-in"]


@pytest.mark.django_db
def test_a_save_through_code_meanwhile_is_also_a_conflict(editor_client):
    article = make_article_page()
    form = editor_client.get(change_url(article))

    article.body = "Fixed by a maintenance script."
    article.save()

    response = editor_client.post(change_url(article), admin_form_data(form, body="Editor's text."))
    assert response.status_code == 200
    assert "Edit conflict" in response.content.decode()
    article.refresh_from_db()
    assert article.body == "Fixed by a maintenance script."


@pytest.mark.django_db
def test_a_link_re_render_meanwhile_is_not_a_conflict(editor_client):
    article = make_article("Casting news", body="[[Future Drama]] starts filming.")
    form = editor_client.get(change_url(article))

    make_drama("Future Drama")  # re-renders the article's HTML, which is not an edit

    response = editor_client.post(change_url(article), admin_form_data(form, body="[[Future Drama]] wraps."))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == "[[Future Drama]] wraps."


@pytest.mark.django_db
def test_one_editor_saving_twice_in_a_row_is_not_a_conflict(editor_client):
    article = make_article_page()
    url = change_url(article)
    for number in (1, 2, 3):
        response = editor_client.post(url, admin_form_data(editor_client.get(url), body=f"Edit {number}."))
        assert response.status_code == 302
    article.refresh_from_db()
    assert (article.body, article.version) == ("Edit 3.", 4)


@pytest.mark.django_db
def test_a_post_without_base_version_is_refused(editor_client):
    article = make_article_page()
    data = admin_form_data(editor_client.get(change_url(article)), body="Blind overwrite.")
    del data["base_version"]

    response = editor_client.post(change_url(article), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["base_version"]
    article.refresh_from_db()
    assert article.body == "Original text."


@pytest.mark.django_db
def test_adding_a_page_needs_no_base_version(editor_client):
    response = editor_client.get("/admin/fanwiki/article/add/")
    data = admin_form_data(response, title="Brand new", slug="brand-new", body="Fresh.", status="draft")
    data.pop("base_version")
    response = editor_client.post("/admin/fanwiki/article/add/", data)
    assert response.status_code == 302
    assert Article.objects.get(slug="brand-new").version == 1


@pytest.mark.django_db
@pytest.mark.parametrize("kind", PAGES)
def test_saving_through_code_bumps_version_by_one_per_save(kind):
    make_page, text_field = PAGES[kind]
    page = make_page()
    page.refresh_from_db()
    for expected in (page.version + 1, page.version + 2, page.version + 3):
        setattr(page, text_field, f"Version {expected}.")
        page.save()
        page.refresh_from_db()
        assert page.version == expected


@pytest.mark.django_db
def test_version_counts_from_the_stored_row_not_a_stale_copy():
    article = make_article_page()
    stale = Article.objects.get(pk=article.pk)
    article.body = "First."
    article.save()
    stale.body = "Second."
    stale.save()
    article.refresh_from_db()
    assert article.version == 3


def _save_right_after_loading(monkeypatch, admin_class, field, text):
    """Make the admin's change view meet a save committed just after it read the page."""
    load = admin_class.get_object

    def load_then_someone_saves(self, request, object_id, from_field=None):
        shown = load(self, request, object_id, from_field)
        if request.method == "GET" and shown is not None:
            meanwhile = type(shown)._default_manager.get(pk=shown.pk)
            setattr(meanwhile, field, text)
            meanwhile.save()
        return shown

    monkeypatch.setattr(admin_class, "get_object", load_then_someone_saves)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", PAGES)
def test_a_save_between_loading_the_page_and_building_its_form_is_a_conflict(
    kind, editor_client, monkeypatch
):
    # The soak found this: the form paired the text it had loaded with a version read afterwards,
    # so saving it replaced an edit committed in between without any conflict.
    make_page, text_field = PAGES[kind]
    page = make_page()
    url = change_url(page)
    admin_class = type(admin.site._registry[type(page)])
    with monkeypatch.context() as patch:
        _save_right_after_loading(patch, admin_class, text_field, "Saved meanwhile.")
        form = editor_client.get(url)
    assert admin_form_data(form)[text_field] == "Original text."  # the form shows what it loaded

    response = editor_client.post(url, admin_form_data(form, **{text_field: "Original text. More."}))

    assert response.status_code == 200
    assert "Edit conflict" in response.content.decode()
    page.refresh_from_db()
    assert getattr(page, text_field) == "Saved meanwhile."


@pytest.mark.django_db
def test_a_credit_saved_between_loading_and_building_its_form_is_a_conflict(editor_client, monkeypatch):
    drama = make_drama_page()
    credit = drama.credits.get()
    url = change_url(credit)
    with monkeypatch.context() as patch:
        _save_right_after_loading(patch, CreditAdmin, "note", "Saved meanwhile.")
        form = editor_client.get(url)

    response = editor_client.post(url, admin_form_data(form, note="The editor's note."))

    assert response.status_code == 200
    assert "Someone else saved this page after you opened it" in response.content.decode()
    credit.refresh_from_db()
    assert credit.note == "Saved meanwhile."
