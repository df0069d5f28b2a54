"""Every public page answers with its content and links; drafts never show; bad input never breaks a page."""

import re
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from dramas.credits import split_credits
from dramas.models import Drama
from fanwiki.models import Article
from people.models import Person
from tests.factories import make_article, make_drama, make_person

NOT_FOUND_TEXT = "There is no page at this address"
HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}

OST_ARTICLE = "kim-soo-hyun-sings-queen-of-tears-ost"
STUB_ARTICLE = "queen-of-tears-tops-topicality-six-weeks"


# A small DOM, enough to ask "which links are in the infobox" without a third-party parser.


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag = tag
        self.attrs = {name: value or "" for name, value in attrs}
        self.parent = parent
        self.children = []

    @property
    def classes(self):
        return self.attrs.get("class", "").split()

    def nodes(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.nodes()

    def find_all(self, tag=None, cls=None):
        return [
            node
            for node in self.nodes()
            if (tag is None or node.tag == tag) and (cls is None or cls in node.classes)
        ]

    def find(self, tag=None, cls=None):
        found = self.find_all(tag, cls)
        assert found, f"no <{tag or '*'} class={cls}> in the page"
        return found[0]

    def text(self):
        return " ".join(
            " ".join(child.split()) if isinstance(child, str) else child.text() for child in self.children
        ).strip()

    def hrefs(self):
        return [node.attrs["href"] for node in self.find_all("a") if "href" in node.attrs]

    def lang(self):
        node = self
        while node is not None:
            if "lang" in node.attrs:
                return node.attrs["lang"]
            node = node.parent
        return None

    def text_runs(self):
        """(text, element holding it) for every piece of text readers get: not a script's data (JSON-LD)."""
        for child in self.children:
            if isinstance(child, str):
                yield child, self
            elif child.tag not in {"script", "style"}:
                yield from child.text_runs()


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", [], None)
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        if tag not in VOID_ELEMENTS:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, attrs, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(response):
    builder = _TreeBuilder()
    builder.feed(response.content.decode())
    builder.close()
    return builder.root


def get_ok(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


def unwrapped_hangul(node):
    """Text holding Hangul with no lang="ko" on it or an ancestor."""
    return [
        text.strip() for text, element in node.text_runs() if HANGUL.search(text) and element.lang() != "ko"
    ]


def section_headed(page, word):
    """The first <section> whose first <h2> mentions the word."""
    for section in page.find_all("section"):
        headings = section.find_all("h2")
        if headings and word in headings[0].text():
            return section
    raise AssertionError(f"no section headed {word!r}")


def internal_links(root):
    return {href for href in root.hrefs() if href.startswith("/") and not href.startswith("/admin/")}


# The seed is loaded once for this module; each test still runs in its own savepoint, rolled back after.


@pytest.fixture
def seed(module_seed):
    """Every test here reads the seed: load it once for the module."""


# Home and the lists


def test_home_links_every_drama_person_and_latest_articles(client, seed):
    page = parse(get_ok(client, "/"))
    links = page.hrefs()
    for obj in [*Drama.objects.all(), *Person.objects.all(), *Article.objects.published()]:
        assert obj.get_absolute_url() in links, obj
    assert {"/dramas/", "/people/", "/articles/"} <= set(links)


def test_every_page_is_within_two_clicks_of_home(client, seed):
    # More of everything than the home page lists, so the list pages must carry the rest.
    for number in range(15):
        make_drama(f"Extra drama {number}")
        make_person(f"Extra person {number}")
        make_article(f"Extra article {number}")

    first_click = internal_links(parse(get_ok(client, "/")))
    reachable = set(first_click)
    for url in first_click:
        path = urlsplit(url).path
        if path in {"/dramas/", "/people/", "/articles/"}:
            reachable |= internal_links(parse(get_ok(client, url)))
    for obj in [*Drama.objects.all(), *Person.objects.all(), *Article.objects.published()]:
        assert obj.get_absolute_url() in reachable, obj


def test_drama_list_links_each_drama_with_its_hangul_title(client, seed):
    page = parse(get_ok(client, "/dramas/"))
    for drama in Drama.objects.all():
        assert drama.get_absolute_url() in page.hrefs()
        assert drama.hangul_title in page.text()
    assert not unwrapped_hangul(page)


def test_person_list_links_each_person_with_names(client, seed):
    page = parse(get_ok(client, "/people/"))
    text = page.text()
    for person in Person.objects.all():
        assert person.get_absolute_url() in page.hrefs()
        assert person.name in text
    assert "Kim Ji Won" in text
    assert "Park Sung-hoon" in text


def test_article_list_links_every_published_article(client, seed):
    page = parse(get_ok(client, "/articles/"))
    for article in Article.objects.published():
        assert article.get_absolute_url() in page.hrefs()


# Drama page


def infobox_rows(page):
    """{row heading: the row's value cell} of the page's infobox."""
    rows = {}
    for row in page.find(cls="infobox").find_all("tr"):
        headings, cells = row.find_all("th"), row.find_all("td")
        if headings and cells:
            rows[headings[0].text()] = cells[0]
    return rows


def test_queen_of_tears_infobox(client, seed):
    rows = infobox_rows(parse(get_ok(client, "/dramas/queen-of-tears/")))
    korean = [cell for cell in rows.values() if "눈물의 여왕" in cell.text()]
    assert korean and all(cell.lang() == "ko" for cell in korean)
    assert rows["Network"].text() == "tvN"
    assert rows["Episodes"].text() == "16"
    aired = {node.attrs.get("datetime") for node in rows["Aired"].find_all("time")}
    assert aired == {"2024-03-09", "2024-04-28"}
    assert rows["Writer"].hrefs() == ["/people/park-ji-eun/"]
    assert "Park Ji-eun" in rows["Writer"].text()


def test_queen_of_tears_cast_table_links_people_and_names_characters(client, seed):
    page = parse(get_ok(client, "/dramas/queen-of-tears/"))
    cast = page.find("table", cls="cast-table")
    drama = Drama.objects.get(slug="queen-of-tears")
    credits = split_credits(drama.credits.select_related("person")).cast
    assert len(credits) == 5
    for credit in credits:
        assert credit.person.get_absolute_url() in cast.hrefs()
        assert credit.character in cast.text()
        assert credit.character_hangul in cast.text()


def test_cast_tables_give_billing_only_where_the_sources_state_it(client, seed):
    cast = parse(get_ok(client, "/dramas/queen-of-tears/")).find("table", cls="cast-table")
    roles = {row.hrefs()[0]: row.find_all("td")[-1].text() for row in cast.find_all("tr") if row.hrefs()}
    assert roles == {
        "/people/kim-soo-hyun/": "Lead",
        "/people/kim-ji-won/": "Lead",
        "/people/park-seong-hoon/": "Cast",
        "/people/kwak-dong-yeon/": "Cast",
        "/people/lee-joo-bin/": "Cast",
    }
    filmography = parse(get_ok(client, "/people/jun-ji-hyun/")).find("table", cls="filmography")
    rows = [row for row in filmography.find_all("tr") if "/dramas/my-love-from-the-star/" in row.hrefs()]
    assert len(rows) == 1
    assert "Cast" in rows[0].text() and "Lead" not in rows[0].text()


def test_queen_of_tears_lists_ost_credit_tags_and_sidebar(client, seed):
    drama = Drama.objects.get(slug="queen-of-tears")
    page = parse(get_ok(client, drama.get_absolute_url()))
    ost_section = section_headed(page, "OST")
    assert "/people/kim-soo-hyun/" in ost_section.hrefs()

    tag_links = page.find(cls="tag-list").hrefs()
    for tag in drama.tags.all():
        assert reverse("fanwiki:tag_detail", args=[tag.slug]) in tag_links
        assert f"/tags/{tag.slug}/" in tag_links

    sidebar = page.find("aside")
    assert "/articles/kim-soo-hyun-sings-queen-of-tears-ost/" in sidebar.hrefs()


# Person pages


def test_kim_ji_won_page(client, seed):
    page = parse(get_ok(client, "/people/kim-ji-won/"))
    h1 = page.find("h1")
    assert "김지원" in h1.text()
    assert not unwrapped_hangul(h1)
    assert "Kim Ji Won" in page.find(cls="infobox").text()

    filmography = page.find("table", cls="filmography")
    rows = [row for row in filmography.find_all("tr") if "/dramas/queen-of-tears/" in row.hrefs()]
    assert len(rows) == 1
    assert "Hong Hae-in" in rows[0].text()
    assert "2024" in rows[0].text()


def test_kim_soo_hyun_page_lists_both_dramas_and_both_ost_credits(client, seed):
    page = parse(get_ok(client, "/people/kim-soo-hyun/"))
    both = {"/dramas/queen-of-tears/", "/dramas/my-love-from-the-star/"}
    assert both <= set(page.find("table", cls="filmography").hrefs())
    ost_section = section_headed(page, "OST")
    assert both <= set(ost_section.hrefs())


# Article pages


def test_ost_article_shows_source_date_tags_and_rendered_body(client, seed):
    article = Article.objects.get(slug=OST_ARTICLE)
    page = parse(get_ok(client, article.get_absolute_url()))
    main = page.find("main")
    assert "Daily Sports" in main.text()
    assert timezone.localdate(article.published).isoformat() in {
        node.attrs.get("datetime", "")[:10] for node in main.find_all("time")
    }
    tag_links = page.find(cls="tag-list").hrefs()
    for tag in article.tags.all():
        assert f"/tags/{tag.slug}/" in tag_links
    prose = page.find(cls="prose")
    assert "/people/kim-soo-hyun/" in prose.hrefs()  # [[Kim Soo-hyun]] resolved
    assert not prose.find_all("script")
    assert not prose.find_all("h1")
    assert main.find_all(cls="badge--stub") == []


def test_stub_article_is_marked_stub(client, seed):
    article = Article.objects.get(slug=STUB_ARTICLE)
    assert article.is_stub
    page = parse(get_ok(client, article.get_absolute_url()))
    main = page.find("main")
    assert main.find_all(cls="badge--stub")
    assert "stub" in main.find(cls="stub-notice").text()


# Tag pages


def test_tag_page_lists_dramas_people_and_articles_bearing_the_tag(client, seed):
    make_person("Tagged Person", tags=["OST"])
    page = parse(get_ok(client, "/tags/ost/"))
    links = page.find("main").hrefs()
    tag = Tag.objects.get(slug="ost")
    expected = [
        *Drama.objects.filter(tags=tag),
        *Person.objects.filter(tags=tag),
        *Article.objects.published().filter(tags=tag),
    ]
    assert {type(obj) for obj in expected} == {Drama, Person, Article}
    for obj in expected:
        assert obj.get_absolute_url() in links, obj
    assert "/people/kim-ji-won/" not in links


def test_tag_with_hangul_slug_has_a_page(client, seed):
    drama = Drama.objects.get(slug="queen-of-tears")
    drama.tags.add("눈물의 여왕")
    tag = Tag.objects.get(name="눈물의 여왕")
    assert tag.slug == "눈물의-여왕"

    for url in (
        "/tags/눈물의-여왕/",
        f"/tags/{quote('눈물의-여왕')}/",
        reverse("fanwiki:tag_detail", args=[tag.slug]),
    ):
        page = parse(get_ok(client, url))
        assert drama.get_absolute_url() in page.find("main").hrefs()
    # The drama page links to the tag page by the same route.
    drama_page = parse(get_ok(client, drama.get_absolute_url()))
    assert reverse("fanwiki:tag_detail", args=[tag.slug]) in drama_page.find(cls="tag-list").hrefs()


# Not found


@pytest.mark.parametrize(
    "url",
    [
        "/dramas/no-such-drama/",
        "/people/no-such-person/",
        "/articles/no-such-article/",
        "/tags/no-such-tag/",
        "/tags/없는-태그/",
        pytest.param("/tags/" + "x" * 3000 + "/", id="/tags/<very long>/"),
        # A NUL byte, as scanners send: PostgreSQL refuses it in a query parameter.
        pytest.param("/tags/junk%00slug/", id="/tags/<NUL byte>/"),
        "/no-such-page/",
    ],
)
def test_unknown_slugs_give_the_styled_404(client, seed, url):
    response = client.get(url)
    assert response.status_code == 404
    content = response.content.decode()
    assert NOT_FOUND_TEXT in content
    assert "<main" in content


# Drafts are never public


@pytest.fixture
def draft(seed, after_commit):
    # Committed, so that listeners to the change (the search index) have seen it.
    with after_commit():
        return make_article(
            "Secret draft about Queen of Tears",
            status=Article.Status.DRAFT,
            summary="Unpublishedword appears only here.",
            body="Unpublishedword in the body too, about [[Queen of Tears]] and [[Kim Ji Won]].",
            tags=["Queen of Tears", "Kim Soo-hyun", "OST", "tvN", "Kim Ji-won"],
        )


def test_draft_detail_and_history_are_404(client, draft):
    for url in (draft.get_absolute_url(), f"{draft.get_absolute_url()}history/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert NOT_FOUND_TEXT in response.content.decode()


def test_unpublished_article_leaves_every_public_page(client, seed, after_commit):
    with after_commit():
        article = make_article("Soon withdrawn", summary="Withdrawnword", tags=["Queen of Tears"])
    urls = [article.get_absolute_url(), "/articles/", "/tags/queen-of-tears/", "/search/?q=Withdrawnword"]
    assert all(article.get_absolute_url() in get_ok(client, url).content.decode() for url in urls)

    article.status = Article.Status.DRAFT
    with after_commit():
        article.save()

    assert client.get(article.get_absolute_url()).status_code == 404
    for url in urls[1:] + ["/search/?q=Soon+withdrawn", "/dramas/queen-of-tears/"]:
        assert article.get_absolute_url() not in get_ok(client, url).content.decode(), url


def test_draft_is_absent_from_lists_tags_search_and_sidebars(client, draft):
    urls = [
        "/",
        "/articles/",
        "/tags/queen-of-tears/",
        "/tags/ost/",
        "/search/?q=Unpublishedword",
        "/search/?q=Secret+draft",
        "/dramas/queen-of-tears/",
        "/people/kim-soo-hyun/",
        "/people/kim-ji-won/",
        f"/articles/{OST_ARTICLE}/",
        "/dramas/queen-of-tears/history/",
    ]
    for url in urls:
        page = parse(get_ok(client, url))
        assert draft.get_absolute_url() not in page.hrefs(), url
        results = page.find("main")
        for form in results.find_all("form"):
            form.children = []  # the search box echoes the query
        text = results.text() + (page.find("aside").text() if page.find_all("aside") else "")
        assert "Secret draft" not in text.replace("“Secret draft”", ""), url


def test_published_twin_of_the_draft_does_show(client, seed, after_commit):
    # Control for the draft test: the same article published shows on the same pages.
    with after_commit():
        article = make_article(
            "Public twin about Queen of Tears", summary="Publicword", tags=["Queen of Tears"]
        )
    for url in ("/articles/", "/tags/queen-of-tears/", "/search/?q=Publicword", "/dramas/queen-of-tears/"):
        assert article.get_absolute_url() in get_ok(client, url).content.decode(), url


# Bad query strings


@pytest.mark.parametrize("query", ["page=abc", "page=99999", "page=-1", "page=0", "page=1.5", "page="])
def test_article_list_survives_bad_page_numbers(client, seed, query):
    page = parse(get_ok(client, f"/articles/?{query}"))
    assert page.find_all("main")
    assert Article.objects.get(slug=OST_ARTICLE).get_absolute_url() in page.hrefs()


@pytest.mark.parametrize("query", ["page=abc", "page=99999"])
def test_tag_page_survives_bad_page_numbers(client, seed, query):
    page = parse(get_ok(client, f"/tags/queen-of-tears/?{query}"))
    assert f"/articles/{OST_ARTICLE}/" in page.hrefs()


@pytest.mark.parametrize(
    "q",
    [
        "",
        "   ",
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "%%__\\'\";--",
        "x" * 5000,
        "눈물의 여왕 " * 200,
        "\x00nul",
        "\u202e\ufeffzero-width",
    ],
)
def test_search_survives_junk(client, seed, q):
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    content = response.content.decode()
    assert "<main" in content
    assert "<script>alert" not in content
    assert "<img src=x" not in content


def test_search_escapes_its_echo(client, seed):
    content = get_ok(client, "/search/?q=<script>alert(1)</script>").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "<script>" not in content


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("Kim Ji Won", "/people/kim-ji-won/"),
        ("kim ji-won", "/people/kim-ji-won/"),
        ("김지원", "/people/kim-ji-won/"),
        ("Park Sung-hoon", "/people/park-seong-hoon/"),
        ("눈물의 여왕", "/dramas/queen-of-tears/"),
    ],
)
def test_search_finds_pages_by_any_spelling_and_hangul(client, seed, q, expected):
    page = parse(get_ok(client, f"/search/?q={quote(q)}"))
    assert expected in page.find("main").hrefs()


# Every page: a <main>, one <h1>, Hangul marked as Korean


def seed_page_urls():
    return [
        "/",
        "/dramas/",
        "/dramas/queen-of-tears/",
        "/dramas/my-love-from-the-star/",
        "/people/",
        "/people/kim-ji-won/",
        "/people/kim-soo-hyun/",
        "/articles/",
        f"/articles/{OST_ARTICLE}/",
        f"/articles/{STUB_ARTICLE}/",
        "/tags/queen-of-tears/",
        "/tags/ost/",
        "/search/?q=kim",
    ]


@pytest.mark.parametrize("url", seed_page_urls())
def test_page_has_main_and_exactly_one_h1(client, seed, url):
    page = parse(get_ok(client, url))
    assert len(page.find_all("main")) == 1
    assert len(page.find_all("h1")) == 1


@pytest.mark.parametrize("url", seed_page_urls())
def test_hangul_in_page_furniture_is_marked_korean(client, seed, url):
    # Names and titles the templates print from Hangul fields.
    page = parse(get_ok(client, url))
    for prose in page.find_all(cls="prose"):
        prose.children = []  # editors' Markdown is checked separately below
    assert unwrapped_hangul(page) == []


def test_hangul_anywhere_in_a_page_is_marked_korean(client, seed):
    # Includes editors' Markdown: the seed's own text names "(눈물의 여왕)", "(김수현)"... in running prose.
    unmarked = {}
    for url in seed_page_urls():
        found = unwrapped_hangul(parse(get_ok(client, url)))
        if found:
            unmarked[url] = found
    assert unmarked == {}


# What the site says about itself


def test_footer_claims_only_what_the_wiki_does(client, seed):
    footer = parse(get_ok(client, "/")).find("footer").text()
    assert "written by fans" in footer
    assert "broadcast records" not in footer and "checked" not in footer
