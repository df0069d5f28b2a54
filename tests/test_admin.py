"""Editors write the wiki through the admin: log in, add a tagged article, see it in the right sidebars."""

import re

import pytest
from django.contrib.auth.models import Group, Permission

from dramas.models import Drama
from fanwiki.models import Article
from people.models import Person
from tests.factories import make_editor

EDITOR_PASSWORD = "a-long-test-password-1"
WRITABLE_MODELS = [
    ("fanwiki", "article"),
    ("dramas", "drama"),
    ("people", "person"),
    ("dramas", "credit"),
]


@pytest.fixture
def seed(module_seed):
    """Every test here reads the seed: load it once for the module."""


@pytest.fixture
def logged_in_editor(client, seed):
    """An editor signed in through the real admin login form, not force_login."""
    editor = make_editor(password=EDITOR_PASSWORD)
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": editor.username, "password": EDITOR_PASSWORD, "next": "/admin/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert int(client.session["_auth_user_id"]) == editor.pk
    return client


def related_article_links(client, url):
    """The hrefs inside the page's related-articles sidebar box."""
    html = client.get(url).content.decode()
    match = re.search(r"<section[^>]*\brelated-articles\b[^>]*>.*?</section>", html, re.S)
    assert match, url
    return re.findall(r'href="([^"]+)"', match.group(0))


def article_form_data(**overrides):
    data = {
        "title": "Queen of Tears cast reunites for a charity gala",
        "slug": "queen-of-tears-charity-gala",
        "summary": "The leads appeared together again.",
        "body": "The cast of [[Queen of Tears]] met again.\n\n# A heading\n\n<script>alert(1)</script>",
        "tags": "Queen of Tears, Romance, tvN",
        "source_outlet": "Daily Sports",
        "source_url": "https://example.com/report",
        "status": "published",
        "published_0": "",
        "published_1": "",
        "edit_summary": "New article from the gala",
        "base_version": "",
        "_save": "Save",
    }
    data.update(overrides)
    return data


def test_wrong_password_does_not_log_in(client, seed):
    editor = make_editor(password=EDITOR_PASSWORD)
    response = client.post(
        "/admin/login/?next=/admin/", {"username": editor.username, "password": "wrong", "next": "/admin/"}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_editor_adds_a_published_tagged_article_through_the_admin(logged_in_editor):
    client = logged_in_editor
    add_url = "/admin/fanwiki/article/add/"
    form = client.get(add_url)
    assert form.status_code == 200
    html = form.content.decode()
    for field in ("title", "slug", "body", "tags", "status", "base_version", "edit_summary"):
        assert f'name="{field}"' in html, field

    response = client.post(add_url, article_form_data())

    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get(slug="queen-of-tears-charity-gala")
    assert article.is_public
    assert set(article.tags.names()) == {"Queen of Tears", "Romance", "tvN"}
    assert "<script>" not in article.body_html
    assert "<h2>A heading</h2>" in article.body_html
    assert article.history.first().history_change_reason == "New article from the gala"

    url = article.get_absolute_url()
    assert client.get(url).status_code == 200
    # Shares Queen of Tears and tvN with the drama; nothing with My Love from the Star.
    assert url in related_article_links(client, "/dramas/queen-of-tears/")
    assert url not in related_article_links(client, "/dramas/my-love-from-the-star/")
    assert url not in related_article_links(client, "/people/kim-ji-won/")


def test_editor_saves_a_draft_that_stays_private(logged_in_editor):
    client = logged_in_editor
    response = client.post(
        "/admin/fanwiki/article/add/",
        article_form_data(status="draft", slug="gala-draft", title="Gala draft"),
    )
    assert response.status_code == 302
    article = Article.objects.get(slug="gala-draft")
    assert not article.is_public
    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 404
    assert article.get_absolute_url() not in related_article_links(client, "/dramas/queen-of-tears/")


def test_editors_group_may_add_and_change_but_never_delete(db):
    group = Group.objects.get(name="Editors")
    codenames = set(group.permissions.values_list("content_type__app_label", "codename"))
    for app_label, model in WRITABLE_MODELS:
        assert (app_label, f"add_{model}") in codenames
        assert (app_label, f"change_{model}") in codenames
        assert (app_label, f"delete_{model}") not in codenames
    assert not group.permissions.filter(
        codename__startswith="delete_", content_type__model="article"
    ).exists()
    assert Permission.objects.filter(codename="delete_article").exists()  # it exists; editors lack it


def test_editor_cannot_delete_pages_in_the_admin(logged_in_editor):
    article = Article.objects.get(slug="kim-soo-hyun-sings-queen-of-tears-ost")
    drama = Drama.objects.get(slug="queen-of-tears")
    assert logged_in_editor.get(f"/admin/fanwiki/article/{article.pk}/delete/").status_code == 403
    assert (
        logged_in_editor.post(f"/admin/dramas/drama/{drama.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert Article.objects.filter(pk=article.pk).exists()
    assert Drama.objects.filter(pk=drama.pk).exists()


def test_editor_is_staff_but_not_superuser(db):
    editor = make_editor()
    assert editor.is_staff
    assert not editor.is_superuser
    for app_label, model in WRITABLE_MODELS:
        assert editor.has_perm(f"{app_label}.add_{model}")
        assert editor.has_perm(f"{app_label}.change_{model}")
        assert not editor.has_perm(f"{app_label}.delete_{model}")


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/fanwiki/article/",
        "/admin/fanwiki/article/add/",
        "/admin/dramas/drama/",
        "/admin/dramas/drama/add/",
        "/admin/people/person/",
        "/admin/people/person/add/",
        "/admin/dramas/credit/",
    ],
)
def test_admin_pages_render_for_the_editor(logged_in_editor, url):
    assert logged_in_editor.get(url).status_code == 200


def test_changelists_list_the_seed(logged_in_editor):
    client = logged_in_editor
    assert "Queen of Tears" in client.get("/admin/dramas/drama/").content.decode()
    assert "Kim Ji-won" in client.get("/admin/people/person/").content.decode()
    assert "Daily Sports" in client.get("/admin/fanwiki/article/").content.decode()


@pytest.mark.parametrize(
    ("url", "model"),
    [
        ("/admin/dramas/drama/add/", Drama),
        ("/admin/people/person/add/", Person),
        ("/admin/fanwiki/article/add/", Article),
    ],
)
def test_add_form_offers_every_editable_field(logged_in_editor, url, model):
    # A field added to the model but left out of the admin's fieldsets can never be filled in.
    html = logged_in_editor.get(url).content.decode()
    editable = [
        field.name
        for field in model._meta.get_fields()
        if getattr(field, "concrete", False) and field.editable and not field.auto_created
    ]
    missing = [name for name in editable if f'name="{name}"' not in html and f'name="{name}_0"' not in html]
    assert missing == []


def test_drama_form_has_credit_inline_with_person_autocomplete(logged_in_editor):
    html = logged_in_editor.get("/admin/dramas/drama/add/").content.decode()
    assert 'name="credits-TOTAL_FORMS"' in html
    person_select = re.search(r'<select name="credits-0-person"[^>]*>', html)
    assert person_select
    assert "admin-autocomplete" in person_select.group(0)
    assert 'data-ajax--url="/admin/autocomplete/"' in person_select.group(0)


def test_person_autocomplete_answers_the_editor(logged_in_editor):
    response = logged_in_editor.get(
        "/admin/autocomplete/",
        {"app_label": "dramas", "model_name": "credit", "field_name": "person", "term": "Kim Ji"},
    )
    assert response.status_code == 200
    names = [result["text"] for result in response.json()["results"]]
    assert "Kim Ji-won" in names


def test_person_form_has_alternative_name_inline(logged_in_editor):
    html = logged_in_editor.get("/admin/people/person/add/").content.decode()
    assert 'name="alternative_names-TOTAL_FORMS"' in html
    assert 'name="alternative_names-0-name"' in html


def test_drama_change_form_shows_the_seeded_credits(logged_in_editor):
    drama = Drama.objects.get(slug="queen-of-tears")
    html = logged_in_editor.get(f"/admin/dramas/drama/{drama.pk}/change/").content.decode()
    assert "Baek Hyun-woo" in html
    assert 'name="credits-TOTAL_FORMS"' in html


def test_article_change_page_has_view_on_site_link(logged_in_editor):
    client = logged_in_editor
    article = Article.objects.get(slug="kim-soo-hyun-sings-queen-of-tears-ost")
    html = client.get(f"/admin/fanwiki/article/{article.pk}/change/").content.decode()
    match = re.search(r'<a href="([^"]+)" class="viewsitelink">\s*View on site', html)
    assert match
    response = client.get(match.group(1))
    assert response.status_code == 302
    assert response["Location"].endswith(article.get_absolute_url())


def test_anonymous_readers_are_sent_to_the_login_form(client, seed):
    response = client.get("/admin/fanwiki/article/add/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
