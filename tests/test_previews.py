"""What a shared link shows: each page's own <title> and description, an absolute canonical URL,
OpenGraph and Twitter cards on detail pages, and schema.org JSON-LD checked against the vocabulary."""

import importlib
import json
import re
from datetime import date, datetime

import pytest

from fanwiki.models import Article
from fanwiki.views import ARTICLES_PER_PAGE
from tests.factories import make_article, make_drama, make_person
from tests.html_elements import elements

OST_ARTICLE = "kim-soo-hyun-sings-queen-of-tears-ost"
DETAIL_PAGES = {
    "/dramas/queen-of-tears/": "TVSeries",
    "/dramas/my-love-from-the-star/": "TVSeries",
    "/people/kim-ji-won/": "Person",
    "/people/kim-soo-hyun/": "Person",
    f"/articles/{OST_ARTICLE}/": "NewsArticle",
    "/articles/queen-of-tears-tops-topicality-six-weeks/": "NewsArticle",
}
OTHER_PAGES = [
    "/",
    "/dramas/",
    "/people/",
    "/articles/",
    "/tags/queen-of-tears/",
    "/tags/ost/",
    "/search/",
    "/search/?q=kim",
    "/dramas/queen-of-tears/history/",
    "/people/kim-ji-won/history/",
    "/missing/?title=Nobody",
]
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S)


@pytest.fixture
def seed(module_seed):
    """Every test here reads the seed: load it once for the module."""


def head(client, url, status=200, **extra):
    response = client.get(url, **extra)
    assert response.status_code == status, url
    html = response.content.decode()
    return html, elements(html[: html.index("</head>")])


def meta(found, **attrs):
    return [element["attrs"].get("content") for element in found if element["tag"] == "meta" and all(
        element["attrs"].get(name) == value for name, value in attrs.items()
    )]  # fmt: skip


def canonical(found):
    links = [e["attrs"]["href"] for e in found if e["tag"] == "link" and e["attrs"].get("rel") == "canonical"]
    assert len(links) == 1
    return links[0]


def json_ld(html):
    blocks = [json.loads(body) for attrs, body in SCRIPT.findall(html) if "application/ld+json" in attrs]
    assert len(blocks) == 1
    return blocks[0]


# Titles, descriptions, canonical URLs


def test_every_page_has_its_own_title_and_description(client, seed):
    titles, descriptions = {}, {}
    for url in [*DETAIL_PAGES, *OTHER_PAGES]:
        html, found = head(client, url, status=404 if url.startswith("/missing/") else 200)
        (title,) = re.findall(r"<title>(.*?)</title>", html, re.S)
        (description,) = meta(found, name="description")
        assert description.strip(), url
        titles.setdefault(title, []).append(url)
        descriptions.setdefault(description, []).append(url)
    assert [urls for urls in titles.values() if len(urls) > 1] == []
    assert [urls for urls in descriptions.values() if len(urls) > 1] == []


@pytest.mark.parametrize("url", [*DETAIL_PAGES, *OTHER_PAGES])
def test_canonical_url_is_absolute(client, seed, url):
    _, found = head(client, url, status=404 if url.startswith("/missing/") else 200)
    assert canonical(found) == "http://testserver" + url.split("?")[0]


def test_canonical_url_keeps_a_real_page_number_only(client, seed):
    for number in range(ARTICLES_PER_PAGE + 5):
        make_article(f"Filler story {number}")
    assert canonical(head(client, "/articles/?page=2")[1]) == "http://testserver/articles/?page=2"
    assert canonical(head(client, "/articles/?page=abc&utm_source=x")[1]) == "http://testserver/articles/"
    assert canonical(head(client, "/articles/?page=999")[1]) == "http://testserver/articles/?page=2"


def test_site_url_setting_names_one_origin_whatever_the_host(client, seed, settings):
    settings.SITE_URL = "https://wiki.example.org"
    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    _, found = head(client, "/dramas/queen-of-tears/", HTTP_HOST="localhost")
    assert canonical(found) == "https://wiki.example.org/dramas/queen-of-tears/"
    assert meta(found, property="og:url") == ["https://wiki.example.org/dramas/queen-of-tears/"]


def test_a_host_not_allowed_never_gets_into_a_canonical_url(client, seed):
    response = client.get("/dramas/queen-of-tears/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert b"evil.example" not in response.content


def test_hangul_slugs_are_percent_encoded_in_canonical_urls(client, seed, settings):
    article = make_article("김지원 인터뷰")
    assert canonical(head(client, article.get_absolute_url())[1]) == (
        "http://testserver/articles/%EA%B9%80%EC%A7%80%EC%9B%90-%EC%9D%B8%ED%84%B0%EB%B7%B0/"
    )
    settings.SITE_URL = "https://wiki.example.org"
    assert canonical(head(client, article.get_absolute_url())[1]).startswith(
        "https://wiki.example.org/articles/%EA%B9%80"
    )


# OpenGraph and Twitter cards


@pytest.mark.parametrize(
    ("url", "og_type"),
    [
        ("/dramas/queen-of-tears/", "video.tv_show"),
        ("/people/kim-ji-won/", "profile"),
        (f"/articles/{OST_ARTICLE}/", "article"),
    ],
)
def test_detail_pages_carry_opengraph_and_twitter_cards(client, seed, url, og_type):
    html, found = head(client, url)
    (title,) = re.findall(r"<title>(.*?) · FanWiki</title>", html)
    (description,) = meta(found, name="description")
    assert meta(found, property="og:type") == [og_type]
    assert meta(found, property="og:title") == meta(found, name="twitter:title") == [title]
    assert meta(found, property="og:description") == meta(found, name="twitter:description") == [description]
    assert meta(found, property="og:url") == [canonical(found)]
    assert meta(found, property="og:site_name") == ["FanWiki"]
    assert meta(found, name="twitter:card") == ["summary"]


def test_article_cards_carry_dates_and_tags(client, seed):
    _, found = head(client, f"/articles/{OST_ARTICLE}/")
    article = Article.objects.get(slug=OST_ARTICLE)
    assert meta(found, property="article:published_time") == [article.published.isoformat()]
    assert set(meta(found, property="article:tag")) == {tag.name for tag in article.tags.all()}


def test_descriptions_come_from_the_page(client, seed):
    _, found = head(client, "/dramas/queen-of-tears/")
    (description,) = meta(found, name="description")
    assert description.startswith("Queen of Tears (눈물의 여왕) is a tvN drama")
    assert len(description) <= 161 and description.endswith("…")
    _, found = head(client, f"/articles/{OST_ARTICLE}/")
    assert meta(found, name="description") == [Article.objects.get(slug=OST_ARTICLE).summary]


# schema.org JSON-LD, checked against the vocabulary (pydantic2-schemaorg ships every type and its
# properties, inherited ones included)


def schema_type(name):
    return getattr(importlib.import_module(f"pydantic2_schemaorg.{name}"), name)


def property_annotation(cls, name):
    for klass in cls.__mro__:
        annotation = klass.__dict__.get("__annotations__", {}).get(name)
        if annotation is not None:
            return str(annotation)
    raise AssertionError(f"{name} is not a property of {cls.__name__}")


def check_against_schema_org(node, path="$"):
    """Every property of every typed node is one its type has, and each value fits what it expects."""
    cls = schema_type(node["@type"])
    for name, value in node.items():
        if name.startswith("@"):
            continue
        expected = set(re.findall(r"\b[A-Z]\w*", property_annotation(cls, name)))
        for item in value if isinstance(value, list) else [value]:
            where = f"{path}.{name}"
            if isinstance(item, dict):
                nested = {klass.__name__ for klass in schema_type(item["@type"]).__mro__}
                assert nested & expected, f"{where}: a {item['@type']} where {sorted(expected)} is expected"
                check_against_schema_org(item, where)
            elif isinstance(item, bool):
                assert "Boolean" in expected, where
            elif isinstance(item, int):
                assert expected & {"Integer", "Number"}, where
            elif expected & {"Date", "DateTime"} and not expected & {"Text", "URL"}:
                parse = date.fromisoformat if "DateTime" not in expected else datetime.fromisoformat
                parse(item.replace("Z", "+00:00"))
            else:
                assert isinstance(item, str), where


@pytest.mark.parametrize(("url", "type_name"), DETAIL_PAGES.items())
def test_json_ld_fits_the_schema_org_type_it_claims(client, seed, url, type_name):
    html, found = head(client, url)
    data = json_ld(html)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == type_name
    assert data["url"] == canonical(found)
    check_against_schema_org(data)


def test_the_schema_check_catches_a_wrong_property():
    with pytest.raises(AssertionError, match="numberOfEpisode is not a property of TVSeries"):
        check_against_schema_org({"@type": "TVSeries", "numberOfEpisode": 16})
    with pytest.raises(AssertionError, match="a BroadcastService where"):
        check_against_schema_org({"@type": "Person", "knows": {"@type": "BroadcastService", "name": "x"}})


def test_a_drama_is_a_tv_series_with_cast_characters_network_and_episodes(client, seed):
    data = json_ld(client.get("/dramas/queen-of-tears/").content.decode())
    kim = {"@type": "Person", "name": "Kim Ji-won", "url": "http://testserver/people/kim-ji-won/"}
    assert kim in data["actor"]
    assert {"@type": "Person", "name": "Hong Hae-in", "alternateName": "홍해인"} in data["character"]
    assert data["alternateName"] == "눈물의 여왕"
    assert data["numberOfEpisodes"] == 16
    assert data["datePublished"] == "2024-03-09"
    assert data["publication"]["publishedOn"] == {"@type": "BroadcastService", "name": "tvN"}
    assert [person["name"] for person in data["director"]] == ["Jang Young-woo", "Kim Hee-won"]
    assert [person["name"] for person in data["author"]] == ["Park Ji-eun"]


def test_a_person_names_every_spelling_and_the_hangul_name(client, seed):
    data = json_ld(client.get("/people/kim-ji-won/").content.decode())
    assert data["name"] == "Kim Ji-won"
    assert data["alternateName"] == ["김지원", "Kim Ji Won"]


def test_a_news_article_names_its_source_outlet(client, seed):
    data = json_ld(client.get(f"/articles/{OST_ARTICLE}/").content.decode())
    assert data["isBasedOn"]["publisher"] == {"@type": "NewsMediaOrganization", "name": "Daily Sports"}
    assert data["headline"].startswith("Kim Soo-hyun sings")
    assert data["datePublished"] == "2026-11-27T09:17:15Z"
    assert data["publisher"]["name"] == "FanWiki"


def test_a_news_article_without_a_source_claims_none(client, seed):
    data = json_ld(client.get("/articles/queen-of-tears-tops-topicality-six-weeks/").content.decode())
    assert "isBasedOn" not in data


def test_a_source_link_is_named_too(client, seed):
    article = make_article("Linked story", source_outlet="Daily Sports", source_url="https://example.org/n/1")
    data = json_ld(client.get(article.get_absolute_url()).content.decode())
    assert data["isBasedOn"]["url"] == "https://example.org/n/1"
    check_against_schema_org(data)


HOSTILE = "Ends </script><script>alert(1)</script> <!-- & \u2028 here"


@pytest.mark.parametrize(
    "make",
    [
        lambda: make_drama(HOSTILE, slug="hostile", hangul_title="</script>"),
        lambda: make_person(HOSTILE, slug="hostile", alternative_names=["</SCRIPT >"]),
        lambda: make_article(HOSTILE, slug="hostile", summary=HOSTILE, source_outlet="</script>"),
    ],
)
def test_json_ld_cannot_be_broken_out_of(client, seed, make):
    page = make()
    html = client.get(page.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    data = json_ld(html)  # the element ends where it should, and holds valid JSON
    assert data["name"] == HOSTILE


def test_pages_run_no_script_at_all(client, seed):
    # The only <script> elements are JSON-LD data blocks, which browsers never execute: a
    # Content-Security-Policy without script-src (or 'unsafe-inline') blocks nothing the pages need.
    for url in [*DETAIL_PAGES, *OTHER_PAGES]:
        html = client.get(url).content.decode()
        for attrs, _ in SCRIPT.findall(html):
            assert 'type="application/ld+json"' in attrs, url
        assert "<script>" not in html


def test_list_pages_carry_no_json_ld(client, seed):
    for url in OTHER_PAGES:
        html = client.get(url).content.decode()
        assert "application/ld+json" not in html, url
