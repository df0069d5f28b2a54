"""Every public page runs at most ten SQL queries, and the same number at the seed's size and at ten times it.

The seed is loaded and each page counted once; then the wiki grows tenfold (credits on Queen of
Tears with new people, Kim Soo-hyun credited on new dramas, tagged published articles linking to
seeded pages, more revisions) and each page is counted again. A loop that queries per row shows up
as a count that grows with the data. Lists have short pages here, so the grown wiki fills several
pages of each and later pages are counted too.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import resolve

from dramas.models import Credit, Drama
from fanwiki.models import Article
from people.models import Person
from tests.commits import committed
from tests.factories import (
    make_article,
    make_credit,
    make_drama,
    make_editor,
    make_network,
    make_page_image,
    make_person,
)
from tests.lists import short_pages
from tests.test_guards import named_public_urls

OST_ARTICLE = "kim-soo-hyun-sings-queen-of-tears-ost"
MAX_QUERIES = 10
FAR_FUTURE = 32503680000000000  # the year 3000, in microseconds since 1970 (recent changes' positions)

# url -> the N+1 its count guards against. {drama}, {person} and {article} stand for the id of the
# page's latest revision, {drama_first} for the first one, filled in when the page is fetched.
PAGES = {
    "/": "a query per listed drama's network, or per article's stub flag",
    "/browse/": "a query per page of a list",
    "/dramas/": "a query per drama for its network",
    "/dramas/?page=2": "a query per drama for its network",
    "/dramas/queen-of-tears/": "a query per credit for its person (cast, crew, OST) or portrait, per tag, "
    "per related article or per backlink",
    "/people/": "a query per person for their alternative names",
    "/people/?page=2": "a query per person for their alternative names",
    "/people/kim-soo-hyun/": "a query per credit for its drama (filmography, OST), per alternative name, "
    "per tag, per related article or per backlink",
    "/articles/": "a query per article for its stub flag, tags or source",
    "/articles/?page=2": "a query per article for its stub flag, tags or source",
    f"/articles/{OST_ARTICLE}/": "a query per tag, per related article or per backlink",
    # The seed's OST tag is on a drama, a person and an article: every section of a tag page shows.
    "/tags/ost/": "a query per drama for its network, or per tagged article",
    "/tags/ost/?people=2&articles=2": "a query per person or per tagged article",
    "/search/?q=Daily+Sports": "a query per result for its page, kind or snippet",
    "/missing/?title=Nobody+Yet": "a query per similar title",
    "/dramas/queen-of-tears/history/": "a query per revision for its editor or previous revision, or per "
    "credit change for its person",
    "/people/kim-soo-hyun/history/": "a query per revision for its editor or previous revision",
    f"/articles/{OST_ARTICLE}/history/": "a query per revision for its editor or previous revision",
    "/recent-changes/": "a query per kind of page, or per change for its editor, page or previous revision",
    "/recent-changes/?kind=person": "a query per change for its editor, page or previous revision",
    # An older page, from a position past every revision: the same queries as the newest page.
    f"/recent-changes/?before={FAR_FUTURE}.article.1": "a query per kind, or per change for its editor, page "
    "or previous revision",
    "/feeds/recent-changes/": "a query per kind, or per change for its editor, page or previous revision",
    "/disambiguation/?title=Lee+Min-ho": "a query per claimant, or per person's credit for its drama",
    "/dramas/queen-of-tears/links/": "a query per linking page",
    "/people/kim-soo-hyun/links/?page=2": "a query per linking page",
    "/dramas/queen-of-tears/history/{drama}/": "a query for the revision's editor or instance",
    "/people/kim-soo-hyun/history/{person}/": "a query for the revision's editor or instance",
    f"/articles/{OST_ARTICLE}/history/{{article}}/": "a query for the revision's editor or instance",
    "/dramas/queen-of-tears/history/diff/": "a query per changed field or line",
    "/dramas/queen-of-tears/history/diff/?from={drama_first}&to={drama}": "a query per changed field or line",
    "/people/kim-soo-hyun/history/diff/": "a query per changed field or line",
    f"/articles/{OST_ARTICLE}/history/diff/": "a query per changed field or line",
    "/feeds/articles/": "a query per entry for its date or link",
    "/sitemap.xml": "a query per section page, or per page for its date",
    "/sitemap-dramas.xml": "a query per drama for its URL or date",
    "/sitemap-people.xml": "a query per person for its URL or date",
    "/sitemap-articles.xml": "a query per article for its URL or date",
    "/sitemap-lists.xml": "a query per list",
    "/robots.txt": "a query at all",
}
# Pages that show no more at ten times the data, by design.
SAME_SIZE = {
    "/missing/?title=Nobody+Yet": "the page says only that the title is not written yet",
    "/sitemap.xml": "one file per section until a section passes SECTION_LIMIT pages",
    "/sitemap-lists.xml": "the same four lists",
    "/robots.txt": "the same rules",
    "/dramas/queen-of-tears/history/{drama}/": "one revision, however long the history",
    "/people/kim-soo-hyun/history/{person}/": "one revision, however long the history",
    f"/articles/{OST_ARTICLE}/history/{{article}}/": "one revision, however long the history",
}
EXPECTED_STATUS = {"/missing/?title=Nobody+Yet": 404}

GROWTH = 10
NAMESAKES = 3


def revision_ids():
    ids = {}
    for name, page in (
        ("drama", Drama.objects.get(slug="queen-of-tears")),
        ("person", Person.objects.get(slug="kim-soo-hyun")),
        ("article", Article.objects.get(slug=OST_ARTICLE)),
    ):
        revisions = page.history.order_by("history_date", "history_id").values_list("history_id", flat=True)
        ids[f"{name}_first"], ids[name] = revisions.first(), revisions.last()
    return ids


def measure(client, url):
    """(number of queries, size of the page) for one anonymous GET."""
    url = url.format(**revision_ids())
    client.get(url)  # warm process-wide caches (content types) so only the page's own queries count
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == EXPECTED_STATUS.get(url, 200), url
    return len(queries), len(response.content)


def add_namesakes(count, start=0):
    """People, dramas and articles all called "Lee Min-ho": a name several pages claim."""
    for number in range(start, start + count):
        slug = f"lee-min-ho-{number}"
        maker = [make_person, make_drama, make_article][number % 3]
        page = maker("Lee Min-ho", slug=slug)
        if maker is make_person:
            make_credit(make_drama(f"Lee drama {number}"), page)


def grow_tenfold():
    add_namesakes(NAMESAKES * GROWTH, start=NAMESAKES)
    queen = Drama.objects.get(slug="queen-of-tears")
    kim = Person.objects.get(slug="kim-soo-hyun")
    ost_article = Article.objects.get(slug=OST_ARTICLE)
    editor = make_editor(username="grower")

    seeded_credits = queen.credits.count()
    for number in range(seeded_credits * GROWTH):
        person = make_person(
            f"Kim Extra {number}",
            hangul_name="김엑스트라",
            alternative_names=[f"Kim X {number}"],
            tags=["Queen of Tears", "Romance", "OST"],
        )
        make_page_image(person, size=(40, 50))  # a portrait in the cast table
        kind = [Credit.Kind.SUPPORTING, Credit.Kind.DIRECTOR, Credit.Kind.OST_VOCALIST][number % 3]
        make_credit(queen, person, kind=kind, character=f"Role {number}", character_hangul="역할")

    make_page_image(queen, size=(80, 120))
    make_page_image(kim, size=(60, 80))

    seeded_kim_credits = kim.credits.count()
    for number in range(seeded_kim_credits * GROWTH):
        drama = make_drama(
            f"Kim Drama {number}",
            hangul_title="드라마",
            network=make_network(f"Network {number}"),
            tags=["Kim Soo-hyun", "OST"],
        )
        make_credit(
            drama, kim, kind=[Credit.Kind.LEAD, Credit.Kind.OST_VOCALIST][number % 2], character="Lead"
        )

    seeded_articles = Article.objects.count()
    for number in range(seeded_articles * GROWTH):
        make_article(
            f"Kim news {number}",
            summary="Kim in the news.",
            body=f"[[Kim Soo-hyun]] and [[Queen of Tears]], see [[{ost_article.title}]]." * (number % 2),
            source_outlet="Daily Sports",
            tags=["Queen of Tears", "Kim Soo-hyun", "OST", "tvN", f"Extra {number}"],
        )

    for page in (queen, kim, ost_article):
        for number in range(GROWTH):
            page._history_user = editor
            page._change_reason = f"Edit {number}"
            if isinstance(page, Drama):
                page.synopsis += f"\n\nMore {number}."
            elif isinstance(page, Person):
                page.biography += f"\n\nMore {number}."
            else:
                page.body += f"\n\nMore {number}."
            page.save()


@pytest.fixture(scope="module")
def counts(django_db_setup, django_db_blocker):
    """{url: (queries, page size) at the seed's size}; the data is grown tenfold once they are taken."""
    # Whole renders: the page cache's kept parts would spare queries (tests/test_pagecache.py counts them).
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        short_pages(10),
        override_settings(PAGECACHE_ENABLED=False),
    ):
        # Committed as in real use, so after-commit listeners (the search index) see the writes.
        with committed():
            call_command("loaddata", "seed", verbosity=0)
            add_namesakes(NAMESAKES)
        client = Client()
        small = {url: measure(client, url) for url in PAGES}
        with committed():
            grow_tenfold()
        yield small
        transaction.set_rollback(True)


@pytest.mark.parametrize("url", PAGES)
def test_query_count_does_not_grow_with_the_data(counts, db, client, settings, url):
    settings.PAGECACHE_ENABLED = False
    small_queries, small_size = counts[url]
    large_queries, large_size = measure(client, url)
    if url not in SAME_SIZE:
        assert large_size > small_size, f"{url} shows no more at ten times the data: the check would be empty"
    assert large_queries == small_queries, f"{url}: {PAGES[url]}"
    assert large_queries <= MAX_QUERIES, f"{url} runs {large_queries} queries"


def test_every_public_url_is_counted():
    counted = {resolve(urlsplit(re.sub(r"{\w+}", "1", url)).path).view_name for url in PAGES}
    assert set(named_public_urls()) <= counted
    assert {"article_feed", "sitemap", "sitemap_section", "robots_txt"} <= counted


def test_the_grown_lists_have_later_pages(counts, db, client):
    # Otherwise "?page=2" would count the first page again.
    for url in ("/people/?page=2", "/articles/?page=2", "/tags/ost/?people=2&articles=2"):
        html = client.get(url).content.decode()
        assert 'aria-current="page" href="' in html, url
        assert ">1</a>" in html and 'rel="prev"' in html, url
