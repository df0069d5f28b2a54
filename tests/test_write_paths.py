"""Defects found from outside, each on a write path that used to skip part of the derived data."""

import pytest
from django.urls import reverse
from taggit.models import Tag

from dramas.models import Credit, Drama
from fanwiki.models import Article
from tests.admin_forms import admin_form_data, change_url
from tests.factories import make_article, make_credit, make_drama, make_editor, make_person


def tag_names(page):
    return set(page.tags.names())


# 1. Subject tags survive the admin and follow a rename


@pytest.mark.django_db
def test_drama_saved_through_the_admin_keeps_its_subject_tag(editor_client):
    drama = make_drama("Queen of Tears", tags=["Romance"])
    url = change_url(drama)
    response = editor_client.post(url, admin_form_data(editor_client.get(url), synopsis="New text."))
    assert response.status_code == 302
    assert tag_names(drama) == {"Queen of Tears", "Romance"}


@pytest.mark.django_db
def test_renaming_through_the_admin_swaps_the_subject_tag(editor_client):
    person = make_person("Park Sung-hoon")
    url = change_url(person)
    response = editor_client.post(url, admin_form_data(editor_client.get(url), name="Park Seong-hoon"))
    assert response.status_code == 302
    assert tag_names(person) == {"Park Seong-hoon"}


@pytest.mark.django_db
def test_removing_the_subject_tag_in_code_puts_it_back():
    drama = make_drama("Queen of Tears", tags=["Romance"])
    drama.tags.set(["Romance"])
    assert tag_names(drama) == {"Queen of Tears", "Romance"}
    drama.tags.clear()
    assert tag_names(drama) == {"Queen of Tears"}


# 2. Tags used only by drafts stay private


@pytest.mark.django_db
def test_a_tag_only_drafts_carry_is_not_public(client):
    make_article("Secret casting", status=Article.Status.DRAFT, tags=["Unannounced Project"])
    make_article("Public news", tags=["Announced"])
    home = client.get(reverse("fanwiki:home")).content.decode()
    assert "Unannounced Project" not in home
    assert "Announced" in home
    secret = Tag.objects.get(name="Unannounced Project")
    response = client.get(reverse("fanwiki:tag_detail", kwargs={"slug": secret.slug}))
    assert response.status_code == 404
    assert "Unannounced Project" not in response.content.decode()


# 3. A tag name with nothing to slugify


@pytest.mark.django_db
def test_a_tag_of_punctuation_only_routes_and_takes_no_page_down(client, editor_client):
    article = make_article("Fan reactions")
    url = change_url(article)
    response = editor_client.post(url, admin_form_data(editor_client.get(url), tags="!!!, ???"))
    assert response.status_code == 302
    tags = list(Tag.objects.filter(name__in=["!!!", "???"]))
    assert len(tags) == 2
    assert all(tag.slug for tag in tags)
    assert client.get(reverse("fanwiki:home")).status_code == 200
    assert client.get(article.get_absolute_url()).status_code == 200
    for tag in tags:
        assert client.get(reverse("fanwiki:tag_detail", kwargs={"slug": tag.slug})).status_code == 200


# 4. Titles longer than a tag name


@pytest.mark.django_db
def test_a_title_longer_than_a_tag_name_saves_with_a_shortened_subject_tag(client):
    title = "Queen of Tears " + "and more " * 20
    drama = make_drama(title.strip(), slug="long-title")
    (subject,) = drama.tags.all()
    assert len(subject.name) <= Tag._meta.get_field("name").max_length
    assert title.startswith(subject.name)
    assert client.get(drama.get_absolute_url()).status_code == 200


# 5. Hangul-only titles


@pytest.mark.django_db
def test_an_article_titled_in_hangul_gets_a_hangul_slug_that_routes(client, editor_client):
    form = editor_client.get(reverse("admin:fanwiki_article_add"))
    data = admin_form_data(form, title="눈물의 여왕 종영", slug="", status="published", body="Done.")
    response = editor_client.post(reverse("admin:fanwiki_article_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(title="눈물의 여왕 종영")
    assert article.slug == "눈물의-여왕-종영"
    assert client.get(article.get_absolute_url()).status_code == 200
    history = reverse("history:list", kwargs={"kind": "articles", "slug": article.slug})
    assert client.get(history).status_code == 200


@pytest.mark.django_db
def test_a_title_with_nothing_to_make_a_slug_from_is_a_form_error(editor_client):
    form = editor_client.get(reverse("admin:fanwiki_article_add"))
    response = editor_client.post(
        reverse("admin:fanwiki_article_add"), admin_form_data(form, title="!!!", slug="", body="x")
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["slug"]
    assert not Article.objects.exists()


# 6. Revision ids of any length


@pytest.mark.django_db
def test_a_revision_id_of_thousands_of_digits_is_a_404(client):
    drama = make_drama("Queen of Tears")
    url = reverse("history:list", kwargs={"kind": "dramas", "slug": drama.slug}) + "9" * 5000 + "/"
    assert client.get(url).status_code == 404


# 7. An inline save must not overwrite a credit edited elsewhere


@pytest.mark.django_db
def test_a_credit_edited_in_its_own_admin_is_not_lost_to_a_stale_drama_form(client):
    drama = make_drama("Queen of Tears")
    credit = make_credit(drama, make_person("Kim Ji-won"), character="Hong Hae-in")
    alice, bob = client, type(client)()
    alice.force_login(make_editor("alice"))
    bob.force_login(make_editor("bob"))
    drama_form = alice.get(change_url(drama))

    credit_form = bob.get(change_url(credit))
    response = bob.post(change_url(credit), admin_form_data(credit_form, character="Hong Hae-in (adult)"))
    assert response.status_code == 302

    data = admin_form_data(drama_form, **{"credits-0-billing_order": "1"})
    response = alice.post(change_url(drama), data)
    assert response.status_code == 200
    assert "Someone else saved this page" in response.content.decode()
    assert Credit.objects.get(pk=credit.pk).character == "Hong Hae-in (adult)"


# 8. One definition of a stub


@pytest.mark.django_db
def test_an_article_of_only_spaces_is_a_stub_everywhere(client):
    article = make_article("Coming soon", body="   \n\t  ")
    assert article.is_stub
    listed = Article.objects.listed().get(pk=article.pk)
    assert listed.body_is_empty
    page = client.get(article.get_absolute_url()).content.decode()
    listing = client.get(reverse("fanwiki:article_list")).content.decode()
    assert "badge--stub" in page
    assert "badge--stub" in listing


# 9. The fan and the editor are two clients


@pytest.mark.django_db
def test_the_client_fixture_stays_anonymous_beside_an_editor(client, editor_client):
    drama = make_drama("Queen of Tears")
    assert editor_client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 302
    assert "_auth_user_id" not in client.session
    assert Drama.objects.filter(pk=drama.pk).exists()
