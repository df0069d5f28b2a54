"""Search: what it finds (any spelling, Hangul, initial consonants, particles), how it ranks, that any
input is safe, and that the index follows every committed write. Runs on SQLite and PostgreSQL alike."""

import io
import re
from collections import Counter
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from dramas.models import Drama
from fanwiki.models import Article, SearchDocument
from fanwiki.pages import PAGE_KINDS
from fanwiki.search import RESULTS_PER_PAGE, search
from fanwiki.search.engines import PostgresEngine, SQLiteEngine, engine
from fanwiki.search.query import Query
from fanwiki.search.text import choseong, key, name_keys, without_particle
from people.models import AlternativeName, Person
from tests.factories import make_article, make_credit, make_drama, make_person

KIM_JI_WON = "/people/kim-ji-won/"
QUEEN_OF_TEARS = "/dramas/queen-of-tears/"
OST_ARTICLE = "/articles/kim-soo-hyun-sings-queen-of-tears-ost/"
HIT_LINK = re.compile(r'<h3 class="card__title"><a href="([^"]+)">')


@pytest.fixture
def seed(module_seed):
    """Every test here starts from the seed, loaded once for the module and committed (so indexed)."""


def result_urls(client, query, **params):
    response = client.get("/search/", {"q": query, **params})
    assert response.status_code == 200
    return HIT_LINK.findall(response.content.decode())


# What it must find


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("Kim Ji Won", KIM_JI_WON),
        ("kim jiwon", KIM_JI_WON),
        ("김지원", KIM_JI_WON),
        ("queen tears", QUEEN_OF_TEARS),
        ("tears queen", QUEEN_OF_TEARS),
        ("눈물의 여왕", QUEEN_OF_TEARS),
        ("ost kim soo hyun", OST_ARTICLE),
        # Initial consonants (choseong), as Korean portals take them.
        ("ㄱㅈㅇ", KIM_JI_WON),
        ("ㄴㅁㅇㅇㅇ", QUEEN_OF_TEARS),
        ("김ㅈㅇ", KIM_JI_WON),
        # A particle after the name, or no space where the title has one.
        ("김지원이", KIM_JI_WON),
        ("눈물의여왕", QUEEN_OF_TEARS),
        ("눈물의 여왕을", QUEEN_OF_TEARS),
    ],
)
def test_finds_the_page_first(client, seed, query, first):
    urls = result_urls(client, query)
    assert urls and urls[0] == first, urls


@pytest.mark.parametrize("query", ["Hong Hae-in", "hong haein", "홍해인", "HONG HAE IN"])
def test_a_character_finds_the_actor_and_the_drama(client, seed, query):
    urls = result_urls(client, query)
    assert KIM_JI_WON in urls
    assert QUEEN_OF_TEARS in urls


def test_choseong_of_a_name_finds_nothing_else(client, seed):
    # ㄱㅈㅇ is 김지원's; 김수현 (ㄱㅅㅎ) and 전지현 (ㅈㅈㅎ) must not come up.
    urls = result_urls(client, "ㄱㅈㅇ")
    assert "/people/kim-soo-hyun/" not in urls
    assert "/people/jun-ji-hyun/" not in urls


def test_article_text_is_searched(client, seed):
    make_article("Plain title", body="The **zygomorphic** orchid scene was filmed at night.")
    assert result_urls(client, "zygomorphic") == []  # not committed: the index has not seen it
    article = Article.objects.get(slug="plain-title")
    SearchDocument.objects.all().delete()
    call_command("rebuild_search", stdout=io.StringIO())
    assert result_urls(client, "zygomorphic orchid") == [article.get_absolute_url()]


# How it ranks


def test_exact_name_then_title_words_then_characters_then_text(client, seed, after_commit):
    with after_commit():
        exact = make_person("Zebulon Quill")
        in_title = make_drama("The Zebulon Quill Affair")
        plays = make_credit(make_drama("Night Shift"), make_person("Ada Lim"), character="Zebulon Quill")
        in_text = make_article("Casting roundup", body="Zebulon Quill joins the cast, reports say.")
    urls = result_urls(client, "zebulon quill")
    assert urls[:2] == [exact.get_absolute_url(), in_title.get_absolute_url()]
    characters = {plays.person.get_absolute_url(), plays.drama.get_absolute_url()}
    assert set(urls[2:4]) == characters
    assert urls[4] == in_text.get_absolute_url()


def test_the_nearest_title_comes_first_among_title_matches(client, seed):
    urls = result_urls(client, "queen tears")
    titled = Article.objects.filter(title__icontains="Queen of Tears").values_list("slug", flat=True)
    assert urls[0] == QUEEN_OF_TEARS
    assert {f"/articles/{slug}/" for slug in titled} <= set(urls)


def test_exact_matches_are_flagged(seed):
    hits = search("Kim Ji-won").hits
    assert hits[0].exact and hits[0].url == KIM_JI_WON
    assert not any(hit.exact for hit in hits[1:])


# Snippets: escaped, then marked


def test_snippet_marks_the_matched_words(client, seed):
    html = client.get("/search/", {"q": "drama tvN"}).content.decode()
    assert "<mark>tvN</mark> <mark>drama</mark>" in html
    # A name typed without its spaces or hyphens is marked whole.
    html = client.get("/search/", {"q": "hong haein"}).content.decode()
    assert "<mark>Hong Hae-in</mark>" in html
    # Short words only where they are whole words.
    html = client.get("/search/", {"q": "Hong Hae in"}).content.decode()
    assert "s<mark>in</mark>g" not in html


def test_titles_and_snippets_are_escaped_before_marking(client, seed, after_commit):
    with after_commit():
        make_article(
            "Zanzibar <script>alert(1)</script> & co",
            summary='Zanzibar said "<img src=x onerror=alert(1)>" & left.',
        )
    html = client.get("/search/", {"q": "zanzibar"}).content.decode()
    assert "<mark>Zanzibar</mark> &lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<script>alert" not in html and "<img src=x" not in html


def test_hangul_in_snippets_is_marked_korean(seed):
    hit = search("김지원").hits[0]
    assert '<span lang="ko">김지원</span>' in hit.snippet
    assert hit.subtitle == "김지원"


# Any input is safe

JUNK = [
    '"',
    '""',
    "*",
    "kim*",
    "NEAR(",
    "NEAR(kim ji, 2)",
    "kim AND OR NOT",
    "AND",
    "OR OR",
    "NOT kim",
    "-x",
    "-kim",
    "x:y",
    "names:kim",
    "{names roles} : kim",
    "((",
    "kim) OR (",
    '"unbalanced kim',
    "^kim",
    "kim' OR 1=1 --",
    "%_\\%",
    "x" * 10_000,
    "김" * 10_000,
    "\x00kim",
    "\x01\x02\x1f\x7f",
    "\u202e\ufeff\u200b",
    "ㄱ",
    "ㄱㅈ",
    "ᄀ",
    "🙂🙂🙂",
]


@pytest.mark.parametrize("query", JUNK)
def test_any_input_gives_results_or_a_clear_no(client, seed, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<main" in html
    # Results, a plain "no", or (for input that cleans away to nothing) the empty search page.
    assert HIT_LINK.search(html) or "No results" in html or "too short" in html or "Popular tags" in html


@pytest.mark.parametrize("page", ["abc", "0", "-1", "99999", "1e9", "", "1.5", "\x00", "NaN", "9" * 400])
def test_any_page_number_gives_a_page(client, seed, page):
    response = client.get("/search/", {"q": "kim", "page": page})
    assert response.status_code == 200
    html = response.content.decode()
    assert HIT_LINK.search(html) or "No results on page" in html


@pytest.mark.parametrize("query", JUNK)
def test_the_interface_never_raises(seed, query):
    for page in (None, "x", 10**9, -5):
        search(query, page)


def test_words_that_look_like_syntax_are_words(seed, after_commit):
    with after_commit():
        article = make_article("Near and far", body="Not everything is near.")
    assert article.get_absolute_url() in {hit.url for hit in search("NEAR and NOT").hits}


# Short queries and empty ones


def test_a_query_under_the_minimum_runs_no_sql(seed, django_assert_num_queries):
    with django_assert_num_queries(0):
        results = search("k")
    assert results.too_short and not results.hits


def test_a_two_letter_query_only_looks_up_exact_names(seed, after_commit):
    with after_commit():
        misaeng = make_drama("Misaeng", hangul_title="미생")
    with CaptureQueriesContext(connection) as queries:
        urls = [hit.url for hit in search("미생").hits]
    assert urls == [misaeng.get_absolute_url()]
    assert len(queries) == 1
    sql = queries[0]["sql"]
    assert "MATCH" not in sql and "@@" not in sql and "LIKE" not in sql
    # "ji" is in many names, but names none exactly.
    assert search("ji").hits == []


def test_empty_query_shows_popular_tags_and_recent_pages(client, seed, after_commit):
    with after_commit():
        kim = Person.objects.get(slug="kim-ji-won")
        kim.biography += "\n\nMore."
        kim.save()
    results = search("")
    carried = Counter(
        tag.name for kind in PAGE_KINDS for page in kind.public_pages() for tag in page.tags.all()
    )
    expected = sorted(carried, key=lambda name: (-carried[name], name))
    assert [tag.name for tag in results.popular_tags] == expected[: len(results.popular_tags)]
    assert len(results.popular_tags) == min(len(expected), 12)
    assert results.recent_pages[0].url == KIM_JI_WON
    html = client.get("/search/").content.decode()
    assert 'href="/tags/queen-of-tears/"' in html
    assert f'href="{KIM_JI_WON}"' in html


def test_popular_tags_leave_out_draft_only_tags(seed, after_commit):
    with after_commit():
        make_article("Secret", status=Article.Status.DRAFT, tags=["Hush-hush"])
    assert "Hush-hush" not in {tag.name for tag in search("").popular_tags}


def test_empty_and_result_pages_run_a_fixed_number_of_queries(client, seed, after_commit):
    def count(url):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    urls = ["/search/", "/search/?q=kim", "/search/?q=kim&page=2", "/search/?q=kim&page=999"]
    before = {url: count(url) for url in urls}
    with after_commit():
        for number in range(RESULTS_PER_PAGE * 3):
            make_article(f"Kim news {number}", body="Kim again.", tags=[f"Kim {number}", "OST"])
    assert {url: count(url) for url in urls} == before
    assert before["/search/?q=kim"] == before["/search/?q=kim&page=999"] == 1


# Pages of results


def test_results_are_paginated_and_keep_the_query(client, seed, after_commit):
    with after_commit():
        for number in range(RESULTS_PER_PAGE * 2 + 5):
            make_article(f"Quokka report {number}")
    first = search("quokka")
    assert (first.total, first.num_pages, len(first.hits)) == (45, 3, RESULTS_PER_PAGE)
    last = search("quokka", "3")
    assert len(last.hits) == 5 and not last.has_next
    assert {hit.url for hit in first.hits}.isdisjoint(hit.url for hit in last.hits)
    past_end = search("quokka", "4")
    assert past_end.past_end and not past_end.hits
    html = client.get("/search/", {"q": "quokka", "page": "4"}).content.decode()
    assert "No results on page 4" in html
    assert f'href="?{escape(urlencode({"q": "quokka", "page": 1}))}"' in html
    html = client.get("/search/", {"q": "quokka"}).content.decode()
    assert f'href="?{escape(urlencode({"q": "quokka", "page": 2}))}"' in html


# The index follows committed writes


def test_new_renamed_and_deleted_pages(seed, after_commit):
    with after_commit():
        drama = make_drama("Wombat Summer", hangul_title="웜뱃의 여름")
    assert search("wombat summer").hits[0].url == drama.get_absolute_url()
    with after_commit():
        drama.title = "Platypus Winter"
        drama.save()
    assert search("wombat summer").hits == []
    assert search("platypus winter").hits[0].url == drama.get_absolute_url()
    with after_commit():
        drama.delete()
    assert search("platypus winter").hits == []
    assert not SearchDocument.objects.filter(kind="drama", object_id=drama.pk).exists()


def test_an_unpublished_article_leaves_the_index(seed, after_commit):
    with after_commit():
        article = make_article("Capybara news")
    assert search("capybara").hits
    article.status = Article.Status.DRAFT
    with after_commit():
        article.save()
    assert search("capybara").hits == []


def test_a_credit_change_reindexes_the_characters(seed, after_commit):
    kim = Person.objects.get(slug="kim-ji-won")
    queen = Drama.objects.get(slug="queen-of-tears")
    with after_commit():
        credit = make_credit(queen, kim, character="Zorro Kang", character_hangul="조로강")
    urls = {hit.url for hit in search("zorro kang").hits}
    assert {KIM_JI_WON, QUEEN_OF_TEARS} <= urls
    assert KIM_JI_WON in {hit.url for hit in search("조로강").hits}
    with after_commit():
        credit.delete()
    assert search("zorro kang").hits == []


def test_a_new_spelling_and_a_renamed_actor_are_found(seed, after_commit):
    kim = Person.objects.get(slug="kim-ji-won")
    with after_commit():
        AlternativeName.objects.create(person=kim, name="Gim Jiweon")
    assert search("gim jiweon").hits[0].url == KIM_JI_WON
    with after_commit():
        kim.name = "Kim Jee-won"
        kim.save()
    # The drama's document names her too, through the character she plays.
    assert QUEEN_OF_TEARS in {hit.url for hit in search("kim jee won hong").hits}


def test_a_rolled_back_write_leaves_the_index_alone(seed, after_commit):
    with after_commit(), transaction.atomic():
        make_drama("Narwhal Dawn")
        transaction.set_rollback(True)
    assert search("narwhal").hits == []


def test_rebuild_search_makes_the_index_again(seed):
    SearchDocument.objects.all().delete()
    assert search("kim ji won").hits == []
    out = io.StringIO()
    call_command("rebuild_search", "--if-empty", stdout=out)
    assert "Search index: 18 pages, 18 brought up to date." in out.getvalue()
    assert search("kim ji won").hits[0].url == KIM_JI_WON
    out = io.StringIO()
    call_command("rebuild_search", "--if-empty", stdout=out)
    assert out.getvalue() == ""  # in place already: nothing done
    out = io.StringIO()
    call_command("rebuild_search", stdout=out)
    assert "Search index: 18 pages, 0 brought up to date." in out.getvalue()


def test_rebuild_wiki_repairs_the_index(seed):
    # Writes that sent no signals: a bulk import, a hand-edited database.
    Drama.objects.filter(slug="queen-of-tears").update(hangul_title="여왕의 눈물")
    Article.objects.filter(slug=OST_ARTICLE.split("/")[2]).update(status=Article.Status.DRAFT)
    SearchDocument.objects.filter(kind="person", object_id=Person.objects.get(slug="kim-ji-won").pk).delete()
    out = io.StringIO()
    call_command("rebuild_wiki", stdout=out)
    assert search("여왕의 눈물").hits[0].url == QUEEN_OF_TEARS
    assert not search("눈물의 여왕").hits[0].exact  # only its synopsis says so now
    assert OST_ARTICLE not in {hit.url for hit in search("ost kim soo hyun").hits}
    assert search("김지원").hits[0].url == KIM_JI_WON


def test_an_index_failure_does_not_break_the_write(seed, after_commit, monkeypatch, caplog):
    def broken(refs):
        raise RuntimeError("index down")

    monkeypatch.setattr("fanwiki.search.documents.index_pages", broken)
    with after_commit():
        drama = make_drama("Ocelot Days")
    assert Drama.objects.filter(pk=drama.pk).exists()
    assert "Could not update the search index" in caplog.text


# The engines


def test_the_engine_fits_the_database(db):
    expected = PostgresEngine if connection.vendor == "postgresql" else SQLiteEngine
    assert isinstance(engine(), expected)


def test_the_migration_made_the_engine_indexes(db):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'fanwiki_searchdocument'"
            )
            indexes = dict(cursor.fetchall())
            assert "USING gin (search_vector)" in indexes["fanwiki_search_vector_idx"]
            assert "gin_trgm_ops" in indexes["fanwiki_search_names_trgm_idx"]
            assert "gin_trgm_ops" in indexes["fanwiki_search_roles_trgm_idx"]
            assert "USING gin (names_vector)" in indexes["fanwiki_search_names_vector_idx"]
        else:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE name LIKE 'fanwiki_search_%_fts'")
            tables = dict(cursor.fetchall())
            assert "tokenize='trigram" in tables["fanwiki_search_names_fts"]
            assert "tokenize='unicode61" in tables["fanwiki_search_text_fts"]


def test_fts5_expressions_quote_every_word():
    query = Query.parse('kim" OR NEAR(x*')
    # "or" is too short for the trigram index to match: only the name key holds it.
    assert SQLiteEngine.names_expression(query) == (
        '{names roles} : ((("kim") AND ("near")) OR ("kimornearx"))'
    )
    assert SQLiteEngine.text_expression(query) == '("kim"*) AND ("near"*)'


def test_a_common_word_reads_bounded_windows_and_still_ranks_the_named_page_first(
    seed, after_commit, monkeypatch
):
    with after_commit():
        drama = make_drama("Zebra Crossing", synopsis="A drama.")
    with after_commit():  # indexed after the drama: newer in every window
        for number in range(12):
            make_article(f"Zebra crossing news {number}", body="The zebra crossing scene again.")
    for name in ("FEW_NAMES_WINDOW", "NAMES_WINDOW", "TEXT_WINDOW"):
        monkeypatch.setattr(f"fanwiki.search.engines.{name}", 3)
    results = search("crossing zebra")  # not the exact name: no exact-key match
    # Newer articles fill the names and text windows; the drama comes through the window of the
    # kinds of page that are few, and its name is nearest the query.
    assert results.hits[0].url == drama.get_absolute_url()
    assert results.total <= 1 + 3 + 3 + 3


# Folding, keys, choseong and particles (no database)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Kim Ji-won", "kimjiwon"),
        ("KIM JI WON", "kimjiwon"),
        ("눈물의 여왕", "눈물의여왕"),
        ("Ｋｉｍ", "kim"),
    ],
)
def test_keys_ignore_case_width_spaces_and_hyphens(name, expected):
    assert key(name) == expected


def test_choseong_of_syllables_and_of_typed_consonants_meet():
    assert choseong("김지원") == choseong("ㄱㅈㅇ") == choseong("김ㅈㅇ") == "\u1100\u110c\u110b"
    assert choseong("Kim") == ""


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("김지원이", "김지원"),
        ("김지원은", "김지원"),
        ("여왕에서", "여왕"),
        ("여왕", "여왕"),
        ("kim", "kim"),
        ("이", "이"),
    ],
)
def test_particles_come_off_korean_words(word, stem):
    assert without_particle(word) == stem


def test_only_names_wholly_in_hangul_get_initial_consonants():
    assert name_keys(["눈물의 여왕"]) == ["눈물의여왕", "\u1102\u1106\u110b\u110b\u110b"]
    assert name_keys(["김지원 interview"]) == ["김지원interview"]
