"""What links here: the WikiLink table and the sidebar box on every drama, person and article page."""

import re
from html import unescape

import pytest
from django.urls import reverse

from dramas.models import Drama
from fanwiki.links import BACKLINKS_SHOWN, pages_linking_to
from fanwiki.models import Article, WikiLink
from people.models import AlternativeName, Person
from tests.factories import make_article, make_drama, make_person

_BOX = re.compile(r'<section class="sidebar-box what-links-here".*?</section>', re.S)
_LINK = re.compile(r'<a href="([^"]*)">([^<]*)</a>')


def what_links_here(client, page):
    """(title, url) of each page listed in the page's "What links here" box, as a reader sees it."""
    response = client.get(page.get_absolute_url())
    assert response.status_code == 200
    boxes = _BOX.findall(response.content.decode())
    assert len(boxes) == 1, "the page has no single 'What links here' box"
    assert "What links here" in boxes[0]
    return [(unescape(title), unescape(url)) for url, title in _LINK.findall(boxes[0])]


def listed(client, page):
    return [title for title, _ in what_links_here(client, page)]


@pytest.mark.django_db
def test_a_linking_article_appears_after_it_is_saved(client):
    drama = make_drama("Queen of Tears")
    assert listed(client, drama) == []
    assert "No other page links here yet." in client.get(drama.get_absolute_url()).content.decode()

    article = make_article("Ratings news", body="[[Queen of Tears]] tops the chart.")

    assert what_links_here(client, drama) == [("Ratings news", article.get_absolute_url())]


@pytest.mark.django_db
def test_a_link_edited_out_disappears(client):
    drama = make_drama("Queen of Tears")
    article = make_article("Ratings news", body="[[Queen of Tears]] tops the chart.")
    assert listed(client, drama) == ["Ratings news"]

    article.body = "Queen of Tears tops the chart, no link any more."
    article.save()

    assert listed(client, drama) == []
    assert not WikiLink.objects.filter(source_id=article.pk, target_key="queenoftears").exists()


@pytest.mark.django_db
def test_a_deleted_linking_article_disappears(client):
    drama = make_drama("Queen of Tears")
    article = make_article("Ratings news", body="[[Queen of Tears]] tops the chart.")
    assert listed(client, drama) == ["Ratings news"]

    article.delete()

    assert listed(client, drama) == []
    assert not WikiLink.objects.exists()


@pytest.mark.django_db
def test_draft_articles_links_are_not_shown_until_published(client):
    drama = make_drama("Queen of Tears")
    draft = make_article("Scoop", status=Article.Status.DRAFT, body="[[Queen of Tears]] spoiler.")
    assert listed(client, drama) == []

    draft.status = Article.Status.PUBLISHED
    draft.save()
    assert listed(client, drama) == ["Scoop"]

    draft.status = Article.Status.DRAFT
    draft.save()
    assert listed(client, drama) == []


@pytest.mark.django_db
def test_a_page_does_not_list_itself(client):
    drama = make_drama("Queen of Tears")
    drama.synopsis = "**[[Queen of Tears]]** is a drama. See also [[Other Show]]."
    drama.save()
    other = make_drama("Other Show", synopsis="Unlike [[Queen of Tears]].")

    assert listed(client, drama) == ["Other Show"]
    assert listed(client, other) == ["Queen of Tears"]


@pytest.mark.django_db
def test_person_page_lists_links_by_any_of_their_names(client):
    person = make_person("Kim Ji-won", hangul_name="김지원", alternative_names=["Kim Ji Won"])
    make_article("By name", body="[[Kim Ji-won]]")
    make_article("By spelling", body="[[kim ji won|Kim]]")
    make_article("By hangul", body="[[김지원]]")
    make_drama("Queen of Tears", synopsis="Starring [[KIM-JI-WON]].")
    make_article("Unrelated", body="[[Somebody Else]]")

    assert listed(client, person) == ["By hangul", "By name", "By spelling", "Queen of Tears"]


@pytest.mark.django_db
def test_a_page_linking_twice_is_listed_once(client):
    person = make_person("Kim Ji-won", hangul_name="김지원")
    make_article("Profile", body="[[Kim Ji-won]] ([[김지원]]), also [[kim ji won]].")
    assert listed(client, person) == ["Profile"]


@pytest.mark.django_db
def test_article_page_lists_pages_linking_to_it(client):
    target = make_article("Casting confirmed", body="Plain text.")
    make_article("Follow-up", body="As reported in [[Casting confirmed]].")
    make_person("Kim Soo-hyun", biography="See [[casting confirmed]].")

    assert listed(client, target) == ["Follow-up", "Kim Soo-hyun"]


@pytest.mark.django_db
def test_links_written_before_the_target_exists_show_once_it_is_created(client):
    make_article("Early news", body="[[Future Drama]] announced.")
    drama = make_drama("Future Drama")
    assert listed(client, drama) == ["Early news"]


@pytest.mark.django_db
def test_links_by_a_new_alternative_name_show_on_the_person_page(client):
    person = make_person("Park Seong-hoon")
    make_article("Cast list", body="[[Park Sung-hoon]] joins.")
    assert listed(client, person) == []

    AlternativeName.objects.create(person=person, name="Park Sung-hoon")

    assert listed(client, person) == ["Cast list"]


@pytest.mark.django_db
def test_renaming_the_linking_page_updates_its_entry(client):
    drama = make_drama("Queen of Tears")
    article = make_article("Old headline", body="[[Queen of Tears]]")
    article.title = "New headline"
    article.save()
    assert what_links_here(client, drama) == [("New headline", article.get_absolute_url())]


@pytest.mark.django_db
def test_pages_linking_to_returns_public_sources_only():
    drama = make_drama("Queen of Tears")
    make_article("Public", body="[[Queen of Tears]]")
    make_article("Draft", status=Article.Status.DRAFT, body="[[Queen of Tears]]")
    person = make_person("Kim Ji-won", biography="In [[queen of tears]].")

    rows = list(pages_linking_to(drama))

    assert rows == [
        {"source_title": "Kim Ji-won", "source_url": person.get_absolute_url()},
        {"source_title": "Public", "source_url": "/articles/public/"},
    ]


def test_seed_queen_of_tears_lists_the_pages_that_link_to_it(client, seed):
    drama_url = reverse("dramas:detail", kwargs={"slug": "queen-of-tears"})
    rows = what_links_here(client, Drama.objects.get(slug="queen-of-tears"))
    titles = {title for title, _ in rows}
    assert titles == {
        "Kim Soo-hyun",
        "Kim Ji-won",
        "Park Seong-hoon",
        "Kwak Dong-yeon",
        "Lee Joo-bin",
        "Park Ji-eun",
        "Jang Young-woo",
        "Kim Hee-won",
        "My Love from the Star",
        "Kim Soo-hyun sings for the Queen of Tears soundtrack, his first drama OST since 2013",
    }
    assert ("Kim Ji-won", "/people/kim-ji-won/") in rows
    assert ("My Love from the Star", "/dramas/my-love-from-the-star/") in rows
    assert ("Queen of Tears", drama_url) not in rows
    # Each listed page really does link here.
    for _, url in rows:
        assert drama_url in client.get(url).content.decode()


def test_seed_person_page_lists_links_by_alternative_spelling(client, seed):
    titles = listed(client, Person.objects.get(slug="park-seong-hoon"))
    # The OST article writes [[Park Sung-hoon]]; the drama writes [[Park Seong-hoon]].
    assert titles == [
        "Kim Soo-hyun sings for the Queen of Tears soundtrack, his first drama OST since 2013",
        "Queen of Tears",
    ]


@pytest.mark.django_db
def test_the_box_shows_the_first_twenty_and_links_every_one(client):
    # A page linked from hundreds would otherwise carry every title (84 KB at 100,000 articles).
    drama = make_drama("Queen of Tears")
    for number in range(BACKLINKS_SHOWN + 5):
        make_article(f"Linking {number:02}", body="[[Queen of Tears]]")

    rows = what_links_here(client, drama)
    full_url = reverse("fanwiki:what_links_here", kwargs={"kind": "dramas", "slug": drama.slug})
    assert rows[:-1] == [(f"Linking {n:02}", f"/articles/linking-{n:02}/") for n in range(BACKLINKS_SHOWN)]
    assert rows[-1] == ("Every page that links here", full_url)

    html = client.get(full_url).content.decode()
    assert all(f'href="/articles/linking-{n:02}/"' in html for n in range(BACKLINKS_SHOWN + 5))


@pytest.mark.django_db
def test_the_box_links_the_full_list_only_when_there_are_more(client):
    drama = make_drama("Queen of Tears")
    for number in range(BACKLINKS_SHOWN):
        make_article(f"Linking {number:02}", body="[[Queen of Tears]]")
    assert len(what_links_here(client, drama)) == BACKLINKS_SHOWN


@pytest.mark.django_db
def test_the_full_list_is_paginated_and_hides_drafts_and_unknown_pages(client, monkeypatch):
    monkeypatch.setattr("fanwiki.views.BACKLINKS_PER_PAGE", 2)
    person = make_person("Kim Ji-won")
    for number in range(3):
        make_article(f"About her {number}", body="[[Kim Ji-won]]")
    make_article("Secret", body="[[Kim Ji-won]]", status=Article.Status.DRAFT)
    url = reverse("fanwiki:what_links_here", kwargs={"kind": "people", "slug": person.slug})

    first, second = client.get(url).content.decode(), client.get(url + "?page=2").content.decode()
    assert "About her 0" in first and "About her 1" in first and "About her 2" not in first
    assert "About her 2" in second and "Secret" not in first + second
    draft = make_article("Draft page", status=Article.Status.DRAFT)
    assert client.get(f"/articles/{draft.slug}/links/").status_code == 404
    assert client.get("/people/nobody/links/").status_code == 404
