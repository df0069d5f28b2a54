"""Paginated lists, the /browse/ index of every list page, and every page within three clicks of home."""

import io
from collections import deque
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from dramas.models import Drama
from fanwiki.models import Article
from people.models import Person
from tests.factories import make_article, make_drama, make_person
from tests.html_elements import elements
from tests.lists import short_pages

PAGE_SIZE = 4


@pytest.fixture
def short(db):
    with short_pages(PAGE_SIZE):
        yield


def hrefs(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return [
        element["attrs"]["href"]
        for element in elements(response.content.decode())
        if "href" in element["attrs"]
    ]


def in_main(client, url):
    """The links inside <main>: the list itself and its page navigation, not the site header."""
    html = client.get(url).content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return [element["attrs"]["href"] for element in elements(main) if "href" in element["attrs"]]


def grow(count):
    start = timezone.now()
    for number in range(count):
        make_drama(f"Listed drama {number:03}")
        make_person(f"Listed person {number:03}")
        make_article(
            f"Listed article {number:03}", published=start - timedelta(hours=number), tags=["Listed"]
        )


@pytest.mark.parametrize(
    ("url", "model"),
    [("/dramas/", Drama), ("/people/", Person), ("/articles/", Article)],
)
def test_each_list_shows_every_page_once_across_its_pages(client, short, url, model):
    grow(10)
    expected = {page.get_absolute_url() for page in model.objects.all()}
    pages = -(-len(expected) // PAGE_SIZE)
    shown = []
    for number in range(1, pages + 1):
        links = in_main(client, f"{url}?page={number}")
        shown += [href for href in links if href in expected]
    assert sorted(shown) == sorted(expected)  # none twice, none missing
    assert pages > 2


def test_page_navigation_links_first_last_neighbours_and_the_index(client, short):
    grow(40)
    last = -(-Article.objects.published().count() // PAGE_SIZE)
    links = in_main(client, "/articles/?page=5")
    assert "/articles/" in links  # page 1 has one address, without ?page=1
    assert {"/articles/?page=4", "/articles/?page=6", f"/articles/?page={last}"} <= set(links)
    assert "/articles/?page=9" not in links  # far pages are left to /browse/
    assert "/browse/#articles" in links


def test_tag_page_sections_have_their_own_page_numbers(client, short):
    grow(10)
    for number in range(10):
        Person.objects.get(name=f"Listed person {number:03}").tags.add("Listed")
    links = in_main(client, "/tags/listed/?people=2")
    # Paging the articles keeps the people section where the reader left it, and the other way round.
    assert "/tags/listed/?articles=2&people=2" in links
    assert "/tags/listed/?people=3" in links
    assert "/tags/listed/" in links  # people page 1, articles page 1
    people_shown = [href for href in links if href.startswith("/people/listed-person-")]
    assert people_shown == [f"/people/listed-person-{n:03}/" for n in range(4, 8)]


def test_a_big_tags_sections_list_only_their_newest_pages(
    client, short, monkeypatch, django_assert_max_num_queries
):
    # Counting and sorting every article of a tag on tens of thousands would grow with the wiki.
    monkeypatch.setattr("fanwiki.views.TAG_SECTION_LIMIT", 6)
    grow(10)
    html = client.get("/tags/listed/").content.decode()
    assert 'Articles <span class="muted">(6+)</span>' in html
    assert "only the 6 newest pages carrying this tag" in html
    # Two pages of four: the six newest articles (by id), newest published first; 0 to 3 are left out.
    articles = [href for href in in_main(client, "/tags/listed/?articles=2") if href.startswith("/articles/")]
    assert articles == [f"/articles/listed-article-{n:03}/" for n in (8, 9)]
    assert "/tags/listed/?articles=3" not in in_main(client, "/tags/listed/?articles=2")

    monkeypatch.setattr("fanwiki.views.TAG_SECTION_LIMIT", 10)
    html = client.get("/tags/listed/").content.decode()
    assert 'Articles <span class="muted">(10)</span>' in html and "newest pages carrying" not in html


@pytest.mark.parametrize(
    "query", ["people=abc", "people=0", "people=-1", "people=99999", "articles=1.5&people="]
)
def test_tag_page_survives_bad_section_numbers(client, short, query):
    grow(6)
    assert client.get(f"/tags/listed/?{query}").status_code == 200


def test_browse_links_every_page_of_every_list(client, short):
    grow(9)
    links = set(in_main(client, "/browse/"))
    for url, model in (("/dramas/", Drama), ("/people/", Person), ("/articles/", Article)):
        pages = -(-model.objects.count() // PAGE_SIZE)
        assert pages >= 3
        assert {url} | {f"{url}?page={number}" for number in range(2, pages + 1)} <= links
        assert f"{url}?page={pages + 1}" not in links


CRAWLED_AWAY = ("/admin/", "/missing/", "/search/", "/feeds/", "/static/")


def clicks_from_home(client, max_clicks):
    """{url: fewest clicks from home} for every internal link reached within max_clicks (a BFS)."""
    clicks = {"/": 0}
    queue = deque(["/"])
    while queue:
        url = queue.popleft()
        if clicks[url] == max_clicks or url.startswith(CRAWLED_AWAY) or "/history/" in url:
            continue
        for href in hrefs(client, url):
            href = href.split("#")[0]
            if href.startswith("/") and href not in clicks:
                clicks[href] = clicks[url] + 1
                queue.append(href)
    return clicks


def test_every_page_is_within_three_clicks_of_home(client, short):
    # Far more articles than the home page and the article list's neighbouring page links reach.
    call_command(
        "generate_demo_data", "--dramas=24", "--people=40", "--articles=80", stdout=io.StringIO(), verbosity=0
    )
    reached = clicks_from_home(client, 3)
    for page in [*Drama.objects.all(), *Person.objects.all(), *Article.objects.published()]:
        assert page.get_absolute_url() in reached, page
    # What keeps that true at any size, whatever else links where: every page of every list is
    # two clicks away (home, /browse/, the list page), so everything listed is three.
    for url, count in (
        ("/dramas/", Drama.objects.count()),
        ("/people/", Person.objects.count()),
        ("/articles/", Article.objects.published().count()),
    ):
        pages = -(-count // PAGE_SIZE)
        assert pages > 5
        for number in range(2, pages + 1):
            assert reached.get(f"{url}?page={number}", 99) <= 2, f"{url}?page={number}"
