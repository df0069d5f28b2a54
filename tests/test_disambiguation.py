"""One name, several pages: [[Name]] leads to a disambiguation page listing every claimant."""

import re
from datetime import date
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fanwiki.models import Article, PageTitle
from fanwiki.titles import normalise_title
from tests.factories import make_article, make_credit, make_drama, make_person
from tests.html_elements import elements

DISAMBIGUATION = "/disambiguation/?title=Kim+Ji-won"


def link_to(html, text):
    found = [e for e in elements(html) if e["tag"] == "a" and e["text"].strip() == text]
    assert len(found) == 1, f"{len(found)} links {text!r} in {html}"
    return found[0]["attrs"]


def stored_html(article):
    article.refresh_from_db()
    return article.body_html


def lines(client, url=DISAMBIGUATION):
    response = client.get(url)
    assert response.status_code == 200
    html = unescape(response.content.decode())
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", line)).strip() for line in _line_html(html)]


def _line_html(html):
    return re.findall(r'<li class="disambiguation__line">(.*?)</li>', html, re.S)


@pytest.fixture
def two_kim_ji_wons(db):
    actress = make_person("Kim Ji-won", slug="kim-ji-won", hangul_name="김지원")
    make_credit(make_drama("Queen of Tears", first_aired=date(2024, 3, 9)), actress, character="Hong Hae-in")
    namesake = make_person("Kim Ji-won", slug="kim-ji-won-1990")
    return actress, namesake


def test_a_name_two_pages_claim_links_to_its_disambiguation_page(two_kim_ji_wons):
    article = make_article("Casting news", body="[[Kim Ji-won]] joins the cast.")
    link = link_to(article.body_html, "Kim Ji-won")
    assert link["href"] == DISAMBIGUATION
    assert link["class"] == "wikilink"
    assert link["title"] == "Kim Ji-won (several pages)"


def test_the_disambiguation_page_lists_each_claimant_with_a_line(client, two_kim_ji_wons):
    actress, namesake = two_kim_ji_wons
    found = lines(client)
    assert found == [
        "Kim Ji-won, a person (김지원): Lead in Queen of Tears (2024)",
        "Kim Ji-won, a person",
    ]
    html = client.get(DISAMBIGUATION).content.decode()
    assert f'href="{actress.get_absolute_url()}"' in html
    assert f'href="{namesake.get_absolute_url()}"' in html
    assert "<h1>“Kim Ji-won” may mean</h1>" in unescape(html)


@pytest.mark.django_db
def test_pages_of_different_kinds_can_share_a_name(client):
    drama = make_drama("Crash Landing", first_aired=date(2019, 12, 14), hangul_title="사랑의 불시착")
    article = make_article("Crash landing", summary="How the finale was filmed.", published=None)
    Article.objects.filter(pk=article.pk).update(
        published=article.published.replace(year=2020, month=2, day=17)
    )

    assert lines(client, "/disambiguation/?title=crash+landing") == [
        "Crash Landing, a drama first aired in 2019 (사랑의 불시착)",
        "Crash landing, an article of 17 February 2020: How the finale was filmed.",
    ]
    assert link_to(make_article("Review", body="[[Crash Landing]]").body_html, "Crash Landing")["href"] == (
        "/disambiguation/?title=Crash+Landing"
    )
    assert drama.get_absolute_url() in client.get("/disambiguation/?title=CRASH-LANDING").content.decode()


@pytest.mark.django_db
def test_an_alternative_spelling_is_a_claim_too(client):
    make_person("Kim Ji-won", slug="kim-ji-won")
    make_person("Kim Jiwon", slug="kim-jiwon", alternative_names=["Kim Ji Won"])
    link = link_to(make_article("News", body="[[Kim Ji Won]]").body_html, "Kim Ji Won")
    assert link["href"] == DISAMBIGUATION
    assert len(lines(client)) == 2


def test_the_title_index_keeps_every_claimant(two_kim_ji_wons):
    rows = PageTitle.objects.filter(key=normalise_title("Kim Ji-won"))
    assert sorted(rows.values_list("url", flat=True)) == ["/people/kim-ji-won-1990/", "/people/kim-ji-won/"]


@pytest.mark.django_db
def test_one_claimant_is_linked_directly_and_its_disambiguation_address_redirects(client):
    person = make_person("Kim Ji-won")
    assert link_to(make_article("News", body="[[Kim Ji-won]]").body_html, "Kim Ji-won")["href"] == (
        person.get_absolute_url()
    )
    response = client.get(DISAMBIGUATION)
    assert (response.status_code, response["Location"]) == (302, person.get_absolute_url())


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "?title=", "?title=Nobody", "?title=%00", "?title=" + "x" * 5000])
def test_a_name_nobody_claims_is_the_not_written_yet_page(client, query):
    response = client.get(f"/disambiguation/{query}")
    assert response.status_code == 404
    assert "not written yet" in response.content.decode()


@pytest.mark.django_db
def test_a_draft_is_no_claimant(client):
    person = make_person("Kim Ji-won")
    make_article("Kim Ji-won", status=Article.Status.DRAFT)
    assert link_to(make_article("News", body="[[Kim Ji-won]]").body_html, "Kim Ji-won")["href"] == (
        person.get_absolute_url()
    )


@pytest.mark.django_db
def test_linking_pages_follow_a_claimant_that_comes_renames_and_goes(after_commit):
    with after_commit():
        first = make_person("Kim Ji-won", slug="kim-ji-won")
        article = make_article("Casting news", body="[[Kim Ji-won]] joins the cast.")
    assert link_to(stored_html(article), "Kim Ji-won")["href"] == first.get_absolute_url()

    with after_commit():
        second = make_person("Kim Ji-won", slug="kim-ji-won-1990")
    assert link_to(stored_html(article), "Kim Ji-won")["href"] == DISAMBIGUATION

    with after_commit():
        second.name = "Kim Ji-woon"
        second.save()
    assert link_to(stored_html(article), "Kim Ji-won")["href"] == first.get_absolute_url()

    with after_commit():
        second.name = "Kim Ji-won"
        second.save()
    assert link_to(stored_html(article), "Kim Ji-won")["href"] == DISAMBIGUATION

    with after_commit():
        first.delete()
    assert link_to(stored_html(article), "Kim Ji-won")["href"] == second.get_absolute_url()


@pytest.mark.django_db
def test_the_page_costs_the_same_queries_however_many_claimants(client):
    def count(name, people, dramas, articles):
        for number in range(people):
            person = make_person(name, slug=f"{name.lower().replace(' ', '-')}-{number}")
            for credit_number in range(people):
                make_credit(make_drama(f"{name} drama {number}-{credit_number}"), person)
        for number in range(dramas):
            make_drama(name, slug=f"{name.lower().replace(' ', '-')}-drama-{number}")
        for number in range(articles):
            make_article(name, slug=f"{name.lower().replace(' ', '-')}-article-{number}")
        url = f"/disambiguation/?title={name}"
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            found = lines(client, url)
        assert len(found) == people + dramas + articles
        return len(queries)

    assert count("Few", 1, 1, 1) == count("Many", 5, 5, 5)
