"""How search engines and feed readers find the wiki: the sitemap index, the Atom feeds, robots.txt."""

import re
import xml.etree.ElementTree as ET

import feedparser
import pytest

from fanwiki.models import Article
from fanwiki.sitemaps import SITEMAPS
from tests.factories import make_article
from tests.html_elements import elements

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
ATOM_NS = {"atom": "http://www.w3.org/2005/Atom"}


@pytest.fixture
def seed(module_seed):
    """Every test here reads the seed: load it once for the module."""


def locations(client, url, element):
    response = client.get(url)
    assert response.status_code == 200, url
    root = ET.fromstring(response.content)
    return [
        loc.text.removeprefix("http://testserver") for loc in root.findall(f"sm:{element}/sm:loc", SITEMAP_NS)
    ]


def sitemap_paths(client):
    """Every page URL in every file the index at /sitemap.xml names."""
    paths = []
    for section in locations(client, "/sitemap.xml", "sitemap"):
        paths += locations(client, section, "url")
    assert len(paths) == len(set(paths)), "a page is listed twice"
    return set(paths)


def test_sitemap_lists_every_public_page_and_no_draft(client, seed):
    draft = make_article("Unfinished story", status=Article.Status.DRAFT)
    paths = sitemap_paths(client)
    assert {"/", "/dramas/", "/people/", "/articles/"} <= paths
    assert {"/dramas/queen-of-tears/", "/dramas/my-love-from-the-star/", "/people/kim-ji-won/"} <= paths
    published = {article.get_absolute_url() for article in Article.objects.published()}
    assert published <= paths
    assert draft.get_absolute_url() not in paths


def test_sitemap_sections_are_split_into_files_of_at_most_their_limit(client, seed, monkeypatch):
    for number in range(5):
        make_article(f"Extra story {number}")
    monkeypatch.setattr(SITEMAPS["articles"], "limit", 4)
    published = Article.objects.published().count()
    files = [url for url in locations(client, "/sitemap.xml", "sitemap") if "articles" in url]
    assert (
        files
        == ["/sitemap-articles.xml", "/sitemap-articles.xml?p=2", "/sitemap-articles.xml?p=3"][
            : -(-published // 4)
        ]
    )
    sizes = [len(locations(client, url, "url")) for url in files]
    assert max(sizes) == 4 and sum(sizes) == published
    assert client.get("/sitemap-articles.xml?p=99").status_code == 404
    assert client.get("/sitemap-articles.xml?p=abc").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_feed_lists_newest_published_articles_first(client, seed):
    newest = make_article("Breaking casting news", summary="A new cast member joins.")
    make_article("Secret draft", status=Article.Status.DRAFT)
    response = client.get("/feeds/articles/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    entries = ET.fromstring(response.content).findall("atom:entry", ATOM_NS)
    titles = [entry.find("atom:title", ATOM_NS).text for entry in entries]
    assert titles[0] == newest.title
    assert "Secret draft" not in titles
    assert set(titles) == {article.title for article in Article.objects.published()}


def test_pages_advertise_the_feed(client, seed):
    response = client.get("/")
    assert b'type="application/atom+xml"' in response.content
    assert b'href="/feeds/articles/"' in response.content


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_the_admin(client, db):
    body = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body


def disallowed(robots_txt, path):
    """Whether a Disallow rule for all agents matches path, as RFC 9309 reads "*" and "$"."""
    for line in robots_txt.splitlines():
        field, _, value = line.partition(":")
        if field.strip().lower() != "disallow" or not value.strip():
            continue
        pattern = re.escape(value.strip()).replace(r"\*", ".*")
        if pattern.endswith(r"\$"):
            pattern = pattern[:-2] + "$"
        if re.match(pattern, path):
            return True
    return False


def test_robots_txt_keeps_crawlers_out_of_history_revisions_and_diffs(client, seed):
    body = client.get("/robots.txt").content.decode()
    article = Article.objects.published().first()
    revision = article.history.first().history_id
    for kind, slug in (("dramas", "queen-of-tears"), ("people", "kim-ji-won"), ("articles", article.slug)):
        assert disallowed(body, f"/{kind}/{slug}/history/"), kind
        assert disallowed(body, f"/{kind}/{slug}/history/diff/?from=1&to=2"), kind
        assert not disallowed(body, f"/{kind}/{slug}/"), kind
    assert disallowed(body, f"/articles/{article.slug}/history/{revision}/")
    for path in ("/", "/dramas/", "/people/", "/articles/", "/tags/ost/", "/sitemap.xml"):
        assert not disallowed(body, path), path


def test_sitemap_and_feed_run_a_fixed_number_of_queries(client, seed, django_assert_max_num_queries):
    # Guards against a query per page for its URL or date (sitemap) or per entry (feed).
    for number in range(30):
        make_article(f"Extra story {number}")
    with django_assert_max_num_queries(6):
        client.get("/sitemap.xml")
    with django_assert_max_num_queries(2):
        client.get("/sitemap-articles.xml")
    with django_assert_max_num_queries(2):
        client.get("/feeds/articles/")


# Feeds per tag, read with a real feed parser


def read_feed(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def test_tag_feed_lists_the_tags_published_articles_newest_first(client, seed):
    newest = make_article("Fresh OST news", summary="Another song.", tags=["OST"])
    make_article("Untagged news")
    make_article("Draft OST news", status=Article.Status.DRAFT, tags=["OST"])
    feed = read_feed(client, "/tags/ost/feed/")
    assert feed.feed.title == "FanWiki: articles tagged “OST”"
    assert feed.feed.link == "http://testserver/tags/ost/"
    titles = [entry.title for entry in feed.entries]
    assert titles[0] == newest.title
    tagged = Article.objects.published().filter(tags__slug="ost")
    assert set(titles) == {article.title for article in tagged}
    assert "Draft OST news" not in titles and "Untagged news" not in titles
    assert feed.entries[0].link == f"http://testserver{newest.get_absolute_url()}"
    assert feed.entries[0].summary == "Another song."


def test_site_wide_feed_reads_with_a_feed_parser(client, seed):
    feed = read_feed(client, "/feeds/articles/")
    assert {entry.title for entry in feed.entries} == {a.title for a in Article.objects.published()}


def test_tag_page_advertises_its_feed(client, seed):
    links = [
        element["attrs"]
        for element in elements(client.get("/tags/queen-of-tears/").content.decode())
        if element["tag"] == "link" and element["attrs"].get("rel") == "alternate"
    ]
    feeds = {link["href"]: link for link in links if link.get("type") == "application/atom+xml"}
    assert set(feeds) == {"/feeds/articles/", "/tags/queen-of-tears/feed/"}
    assert feeds["/tags/queen-of-tears/feed/"]["title"] == "FanWiki: articles tagged “Queen of Tears”"


def test_a_draft_only_tag_has_no_feed(client, seed):
    make_article("Secret", status=Article.Status.DRAFT, tags=["Hush-hush"])
    assert client.get("/tags/hush-hush/").status_code == 404
    assert client.get("/tags/hush-hush/feed/").status_code == 404
    assert client.get("/tags/no-such-tag/feed/").status_code == 404


def test_a_hangul_tag_has_a_feed(client, seed):
    article = make_article("Korean-tagged story", tags=["김지원"])
    feed = read_feed(client, "/tags/김지원/feed/")
    assert [entry.title for entry in feed.entries] == [article.title]


def test_tag_feed_runs_a_fixed_number_of_queries(client, seed, django_assert_max_num_queries):
    for number in range(30):
        make_article(f"More OST {number}", tags=["OST"])
    with django_assert_max_num_queries(2):
        client.get("/tags/ost/feed/")
