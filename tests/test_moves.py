"""Moves leave redirects: every old address of a renamed page answers 301 with its current address."""

import pytest

from fanwiki.models import Article, OldSlug
from tests.admin_forms import admin_form_data, change_url
from tests.factories import make_article, make_drama, make_person

MAKERS = {
    "dramas": lambda slug: make_drama("Queen of Tears", slug=slug, synopsis="Text."),
    "people": lambda slug: make_person("Kim Ji-won", slug=slug, biography="Text."),
    "articles": lambda slug: make_article("Casting news", slug=slug, body="Text."),
}


def move(page, slug):
    page.slug = slug
    page.save()
    return page


def redirects_to(client, url, target):
    response = client.get(url)
    assert response.status_code == 301, f"{url}: {response.status_code}"
    assert response["Location"] == target, url
    return True


def revision_id(page):
    return page.history.order_by("history_id").values_list("history_id", flat=True).first()


@pytest.mark.django_db
@pytest.mark.parametrize("segment", MAKERS)
def test_every_old_address_of_a_moved_page_redirects_permanently(client, segment):
    page = move(MAKERS[segment]("old-name"), "new-name")
    revision = revision_id(page)
    new = f"/{segment}/new-name/"

    assert redirects_to(client, f"/{segment}/old-name/", new)
    assert redirects_to(client, f"/{segment}/old-name/history/", f"{new}history/")
    assert redirects_to(client, f"/{segment}/old-name/history/{revision}/", f"{new}history/{revision}/")
    assert redirects_to(
        client, f"/{segment}/old-name/history/diff/?from=1&to=2", f"{new}history/diff/?from=1&to=2"
    )
    assert client.get(new).status_code == 200


@pytest.mark.django_db
def test_a_slug_changed_in_the_admin_leaves_a_redirect(client, editor_client):
    drama = make_drama("Queen of Tears", slug="queen-of-tear")
    data = admin_form_data(editor_client.get(change_url(drama)), slug="queen-of-tears")
    assert editor_client.post(change_url(drama), data).status_code == 302
    assert redirects_to(client, "/dramas/queen-of-tear/", "/dramas/queen-of-tears/")


@pytest.mark.django_db
def test_later_renames_send_every_old_address_straight_to_the_current_one(client):
    person = make_person("Kim Ji-won", slug="kim-jiwon")
    for slug in ("kim-ji-won", "kim-ji-won-actress", "kim-ji-won-1992"):
        move(person, slug)
    for old in ("kim-jiwon", "kim-ji-won", "kim-ji-won-actress"):
        # One hop, never a chain of redirects.
        assert redirects_to(client, f"/people/{old}/", "/people/kim-ji-won-1992/")


@pytest.mark.django_db
def test_moving_back_to_an_old_slug_makes_no_loop(client):
    drama = make_drama("Queen of Tears", slug="queen-of-tears")
    move(drama, "queen-of-tears-2024")
    move(drama, "queen-of-tears")

    assert client.get("/dramas/queen-of-tears/").status_code == 200
    assert redirects_to(client, "/dramas/queen-of-tears-2024/", "/dramas/queen-of-tears/")
    assert not OldSlug.objects.filter(slug="queen-of-tears").exists()


@pytest.mark.django_db
def test_a_reused_slug_belongs_to_the_page_that_holds_it(client):
    first = move(make_person("Kim Ji-won", slug="kim-ji-won"), "kim-ji-won-actress")
    second = make_person("Kim Ji-won", slug="kim-ji-won")  # a namesake takes the freed slug

    assert client.get("/people/kim-ji-won/").status_code == 200
    assert client.get("/people/kim-ji-won/").context["person"] == second

    move(second, "kim-ji-won-singer")
    assert redirects_to(client, "/people/kim-ji-won/", "/people/kim-ji-won-singer/")
    move(first, "kim-ji-won")
    assert client.get("/people/kim-ji-won/").context["person"] == first
    assert redirects_to(client, "/people/kim-ji-won-actress/", "/people/kim-ji-won/")
    assert client.get("/people/kim-ji-won-singer/").status_code == 200


@pytest.mark.django_db
def test_a_deleted_pages_old_addresses_are_not_found(client):
    drama = move(make_drama("Queen of Tears", slug="old-name"), "new-name")
    drama.delete()
    assert client.get("/dramas/old-name/").status_code == 404
    assert not OldSlug.objects.exists()


@pytest.mark.django_db
def test_an_old_address_of_an_unpublished_article_is_not_found(client):
    article = move(make_article("Scoop", slug="scoop"), "scoop-2")
    assert redirects_to(client, "/articles/scoop/", "/articles/scoop-2/")
    article.status = Article.Status.DRAFT
    article.save()
    assert client.get("/articles/scoop/").status_code == 404


@pytest.mark.django_db
def test_a_hangul_article_slug_moves_too(client):
    move(make_article("눈물의 여왕 소식", slug="눈물의-여왕"), "눈물의-여왕-소식")
    response = client.get("/articles/눈물의-여왕/")
    assert response.status_code == 301
    assert (
        response["Location"] == "/articles/%EB%88%88%EB%AC%BC%EC%9D%98-%EC%97%AC%EC%99%95-%EC%86%8C%EC%8B%9D/"
    )


@pytest.mark.django_db
def test_other_misses_stay_plain_404s(client):
    move(make_drama("Queen of Tears", slug="old-name"), "new-name")
    for url in (
        "/dramas/never-existed/",
        "/people/old-name/",
        "/tags/old-name/",
        "/old-name/",
        "/dramas/old-name/x/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post("/dramas/old-name/").status_code in (404, 405)
