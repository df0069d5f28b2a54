"""Bad data from editors: a clear form error, never a 500, and nothing half-saved.

(Fixtures that are bad are in test_fixture.py; a tag or title that slugifies to nothing in
test_write_paths.py.)
"""

import unicodedata

import pytest
from django.test import Client
from taggit.models import Tag

from dramas.models import Credit, Drama
from fanwiki.models import Article
from fanwiki.tagging import TAG_NAME_MAX_LENGTH, parse_tag_names
from tests.admin_forms import admin_form_data, change_url
from tests.factories import make_article, make_credit, make_drama, make_person

pytestmark = pytest.mark.django_db

ADD_ARTICLE = "/admin/fanwiki/article/add/"


def form_errors(response):
    assert response.status_code == 200, response.status_code
    return response.context["adminform"].form.errors


def new_article(editor_client, **fields):
    data = admin_form_data(editor_client.get(ADD_ARTICLE), status="published", body="Text.", **fields)
    return editor_client.post(ADD_ARTICLE, data)


# Tags that differ only in case or spacing are one tag


@pytest.mark.parametrize(
    "typed",
    [
        "Queen of Tears, queen of tears",
        "Queen of Tears,  Queen  of  Tears ",
        "QUEEN OF TEARS,",
        '"Queen\u00a0of Tears"',  # a no-break space pasted from a web page
        "queen of tears\t, ",
    ],
)
def test_tags_differing_only_in_case_or_spaces_are_one_tag(editor_client, typed):
    drama = make_drama("Queen of Tears")  # carries the subject tag "Queen of Tears"
    article = make_article("Casting news")
    url = change_url(article)

    response = editor_client.post(url, admin_form_data(editor_client.get(url), tags=typed))

    assert response.status_code == 302, form_errors(response)
    assert Tag.objects.filter(name__icontains="queen").count() == 1
    assert list(article.tags.values_list("name", flat=True)) == ["Queen of Tears"]
    assert set(drama.tags.all()) == set(article.tags.all())


def test_decomposed_hangul_joins_the_composed_tag(editor_client):
    make_drama("Queen of Tears", hangul_title="눈물의 여왕", tags=["눈물의 여왕"])
    article = make_article("Casting news")
    url = change_url(article)

    decomposed = unicodedata.normalize("NFD", "눈물의 여왕")
    response = editor_client.post(url, admin_form_data(editor_client.get(url), tags=decomposed + ","))

    assert response.status_code == 302, form_errors(response)
    assert list(article.tags.values_list("name", flat=True)) == ["눈물의 여왕"]
    assert (
        Tag.objects.filter(name__contains="여왕").count() + Tag.objects.filter(name=decomposed).count() == 1
    )


def test_a_subject_tag_with_extra_spaces_is_the_same_tag():
    first = make_drama("Queen  of Tears ", slug="queen-of-tears")
    article = make_article("Casting news", tags=["Queen of Tears"])
    assert list(first.tags.values_list("name", flat=True)) == ["Queen of Tears"]
    assert set(first.tags.all()) == set(article.tags.all())


def test_parsing_keeps_the_first_spelling_and_drops_empty_names():
    assert parse_tag_names('OST, ost,  , "Kim  Soo-hyun", ,') == ["Kim Soo-hyun", "OST"]


def test_a_tag_too_long_to_store_is_a_form_error(editor_client):
    article = make_article("Casting news")
    url = change_url(article)

    response = editor_client.post(
        url, admin_form_data(editor_client.get(url), tags="t" * (TAG_NAME_MAX_LENGTH + 1))
    )

    assert "at most 100 characters" in str(form_errors(response)["tags"])
    assert not article.tags.exists()


# Titles and slugs that collide


def test_an_article_whose_slug_is_taken_is_a_form_error(editor_client):
    make_article("Queen of Tears finale", slug="queen-of-tears-finale")

    response = new_article(editor_client, title="Queen of Tears finale", slug="queen-of-tears-finale")

    assert "already exists" in str(form_errors(response)["slug"])
    assert Article.objects.count() == 1


def test_titles_that_slugify_alike_collide_with_a_form_error(editor_client):
    make_article("Queen of Tears: finale", slug="queen-of-tears-finale")

    # What the admin's prepopulated slug would be for "Queen of Tears — Finale!".
    response = new_article(editor_client, title="Queen of Tears — Finale!", slug="queen-of-tears-finale")

    assert "already exists" in str(form_errors(response)["slug"])


def test_hangul_slugs_in_nfc_and_nfd_collide_with_a_form_error(editor_client):
    first = new_article(editor_client, title="눈물의 여왕 종영", slug="")
    assert first.status_code == 302, form_errors(first)

    decomposed = unicodedata.normalize("NFD", "눈물의 여왕 종영")
    response = new_article(editor_client, title=decomposed, slug="")

    assert response.status_code in {200, 302}
    slugs = list(Article.objects.values_list("slug", flat=True))
    assert len(slugs) == len(set(slugs))
    assert all(slug == unicodedata.normalize("NFC", slug) for slug in slugs)


def test_a_drama_titled_like_a_person_saves_and_both_pages_stay_up(editor_client):
    make_person("Kim Ji-won")
    drama = make_drama("Queen of Tears")
    url = change_url(drama)

    response = editor_client.post(url, admin_form_data(editor_client.get(url), title="Kim Ji-won"))

    assert response.status_code == 302, form_errors(response)
    reader = Client()
    assert reader.get("/people/kim-ji-won/").status_code == 200
    assert reader.get(drama.get_absolute_url()).status_code == 200


def test_a_duplicate_credit_is_a_form_error_not_a_500(editor_client):
    drama = make_drama("Queen of Tears")
    person = make_person("Kim Ji-won")
    make_credit(drama, person, kind=Credit.Kind.LEAD, character="Hong Hae-in")
    version = Drama.objects.get(pk=drama.pk).version
    url = change_url(drama)
    form = editor_client.get(url)

    data = admin_form_data(
        form,
        **{
            "credits-1-person": str(person.pk),
            "credits-1-kind": Credit.Kind.LEAD,
            "credits-1-character": "Hong Hae-in",
            "credits-1-billing_order": "1",
        },
    )
    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert Credit.objects.filter(drama=drama).count() == 1
    assert Drama.objects.get(pk=drama.pk).version == version


@pytest.mark.parametrize(
    "posted", ["abc", "' OR '1'='1", "1.5", "-", "٣x", "9223372036854775808", "-" + "9" * 30]
)
def test_a_credit_naming_a_person_id_that_is_no_id_is_a_form_error(editor_client, posted):
    drama = make_drama("Queen of Tears")
    make_credit(drama, make_person("Kim Ji-won"), character="Hong Hae-in")
    version = Drama.objects.get(pk=drama.pk).version
    url = change_url(drama)

    response = editor_client.post(
        url, admin_form_data(editor_client.get(url), **{"credits-0-person": posted})
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Drama.objects.get(pk=drama.pk).version == version
