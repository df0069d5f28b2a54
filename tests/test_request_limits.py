"""Bounded work per request: query strings, form bodies and page texts have limits, met with a clean 400
or a form error, never a 500."""

import pytest
from django.conf import settings
from django.test import Client

from dramas.models import Drama
from fanwiki.models import Article
from fanwiki.request_limits import MAX_QUERY_PARAMETERS
from people.models import Person
from tests.admin_forms import admin_form_data, change_url

# One seeded page of each kind and its Markdown field.
PAGES = {
    "article": (Article, "kim-soo-hyun-sings-queen-of-tears-ost", "body"),
    "drama": (Drama, "queen-of-tears", "synopsis"),
    "person": (Person, "kim-ji-won", "biography"),
}
# The cap on each kind's Markdown, as an editor meets it in the admin.
TEXT_CAPS = {"article": 50_000, "drama": 20_000, "person": 20_000}
PUBLIC_URLS = [
    "/",
    "/articles/",
    "/search/",
    "/dramas/",
    "/people/",
    "/missing/",
    "/dramas/queen-of-tears/",
    "/dramas/queen-of-tears/history/",
    "/dramas/queen-of-tears/history/diff/",
    "/sitemap.xml",
    "/feeds/articles/",
    "/robots.txt",
]


@pytest.fixture
def seed(module_seed):
    """Every test here that reads pages reads the seed: load it once for the module."""


def assert_clean_400(response):
    assert response.status_code == 400
    html = response.content.decode()
    assert "<h1>Bad request</h1>" in html
    assert "Traceback" not in html


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_thousands_of_query_parameters_are_refused_with_the_400_page(client, seed, url):
    query = "&".join(f"p{number}=x" for number in range(5000))
    assert_clean_400(client.get(f"{url}?{query}"))


def test_a_query_string_just_under_the_limit_is_served(client, seed):
    query = "&".join(["q=kim"] + [f"p{number}=x" for number in range(MAX_QUERY_PARAMETERS - 2)])
    response = client.get(f"/search/?{query}")
    assert response.status_code == 200
    assert 'href="/people/kim-ji-won/"' in response.content.decode()


def test_an_admin_post_with_too_many_fields_gets_the_400_page(editor_client, seed):
    data = {f"field{number}": "x" for number in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    assert_clean_400(editor_client.post("/admin/fanwiki/article/add/", data))


def test_an_admin_post_bigger_than_the_upload_limit_gets_the_400_page(editor_client, seed):
    data = {"title": "Big", "body": "가" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 3 + 1)}
    assert_clean_400(editor_client.post("/admin/fanwiki/article/add/", data))


def test_the_largest_hangul_text_fits_in_a_form_post(editor_client, seed):
    # Percent-encoded, one Hangul syllable is 9 bytes: the longest text must still get through.
    response = editor_client.post(
        "/admin/fanwiki/article/add/", {"title": "x", "body": "가" * TEXT_CAPS["article"]}
    )
    assert response.status_code == 200  # the form answers (missing fields), not the 400 page
    assert "Bad request" not in response.content.decode()


@pytest.mark.parametrize("kind", PAGES)
def test_admin_refuses_text_past_the_cap_with_a_form_error(kind, editor_client, seed):
    model, slug, text_field = PAGES[kind]
    page = model.objects.get(slug=slug)
    original = getattr(page, text_field)
    url = change_url(page)
    form = editor_client.get(url)
    assert f'maxlength="{TEXT_CAPS[kind]}"' in form.content.decode()

    response = editor_client.post(url, admin_form_data(form, **{text_field: "x" * (TEXT_CAPS[kind] + 1)}))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert f"at most {TEXT_CAPS[kind]:,}".replace(",", "") in str(errors[text_field]).replace(",", "")
    page.refresh_from_db()
    assert getattr(page, text_field) == original


@pytest.mark.parametrize("kind", PAGES)
def test_admin_accepts_text_at_the_cap(kind, editor_client, seed):
    model, slug, text_field = PAGES[kind]
    page = model.objects.get(slug=slug)
    url = change_url(page)
    longest = ("A sentence of the longest text. " * 2000)[: TEXT_CAPS[kind] - 1] + "!"

    response = editor_client.post(url, admin_form_data(editor_client.get(url), **{text_field: longest}))

    assert response.status_code == 302, response.context["adminform"].form.errors
    page.refresh_from_db()
    assert getattr(page, text_field) == longest


def test_the_400_page_is_served_to_an_anonymous_client_without_debug_details(seed):
    client = Client(raise_request_exception=False)
    query = "&".join(f"p{number}=x" for number in range(MAX_QUERY_PARAMETERS + 1))
    assert_clean_400(client.get(f"/articles/?{query}"))
