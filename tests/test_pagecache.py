"""The page cache in front of Django: readers get kept pages, and never a stale one.

Requests go through the WSGI layer (tests/wsgi_client.py), on two "workers" (two PageCache
instances, each with its own copies of pages) sharing one version store: the database table, or
Redis (db 6 of the local server). Edits go through the real admin forms as an editor.
"""

import os
import re

import pytest
import redis
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dramas.models import Drama
from fanwiki.pagecache.dependencies import depends_on
from fanwiki.pagecache.fragments import fragment
from fanwiki.pagecache.versions import RedisStore, get_store
from fanwiki.pagecache.wsgi import PageCache
from people.models import Person
from tests.admin_forms import admin_form_data, change_url
from tests.factories import make_article
from tests.wsgi_client import WsgiClient

TEST_REDIS_URL = os.environ.get("FANWIKI_TEST_REDIS_URL", "redis://127.0.0.1:6379/6")
# A port nothing listens on (this project's range): Redis is "down".
CLOSED_REDIS_URL = "redis://127.0.0.1:8344/6"

QUEEN = "/dramas/queen-of-tears/"
STAR = "/dramas/my-love-from-the-star/"
KIM_JI_WON = "/people/kim-ji-won/"
KIM_SOO_HYUN = "/people/kim-soo-hyun/"
JUN_JI_HYUN = "/people/jun-ji-hyun/"
COSMOPOLITAN = "/articles/kim-ji-won-cosmopolitan-interview/"
OST_ARTICLE = "/articles/kim-soo-hyun-sings-queen-of-tears-ost/"


@pytest.fixture
def seed(module_seed):
    """Every test here reads the seed: load it once for the module."""


@pytest.fixture(scope="module")
def django_app():
    return WSGIHandler()


class CountingApp:
    """The Django application, counting the requests that reach it."""

    def __init__(self, application):
        self.application = application
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.application(environ, start_response)


def _redis_or_skip():
    client = redis.Redis.from_url(TEST_REDIS_URL, socket_timeout=1, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {TEST_REDIS_URL} (set FANWIKI_TEST_REDIS_URL; .ci/run starts one)")
    return client


@pytest.fixture(params=["database", "redis"])
def store(request, settings):
    """The process's version store, as the settings choose it; Redis starts empty."""
    if request.param == "redis":
        client = _redis_or_skip()
        client.flushdb()
        request.addfinalizer(client.flushdb)
        settings.PAGECACHE_REDIS_URL = TEST_REDIS_URL
    else:
        settings.PAGECACHE_REDIS_URL = ""
    return get_store()


@pytest.fixture
def django_calls(django_app):
    return CountingApp(django_app)


@pytest.fixture
def workers(store, django_calls, seed):
    """Two workers' page caches in front of the same Django, sharing the store."""
    return [WsgiClient(PageCache(django_calls, release="test")) for _ in range(2)]


@pytest.fixture
def reader(workers):
    return workers[0]


def warm(workers, *urls):
    """Every worker has every page kept: a second request is a hit."""
    for worker in workers:
        for url in urls:
            worker.get(url)
            assert worker.get(url).headers["X-Cache"] == "hit", url


def cache_state(worker, url):
    return worker.get(url).headers["X-Cache"]


# Hits, misses and what is kept


def test_a_second_request_is_answered_without_django(reader, django_calls):
    first = reader.get(QUEEN)
    calls = django_calls.calls
    second = reader.get(QUEEN)

    assert (first.status_code, first.headers["X-Cache"]) == (200, "miss")
    assert (second.status_code, second.headers["X-Cache"]) == (200, "hit")
    assert django_calls.calls == calls
    assert second.content == first.content
    assert "Queen of Tears" in second.text


def test_another_worker_checks_the_same_versions(workers):
    warm(workers, QUEEN)
    for worker in workers:
        assert cache_state(worker, QUEEN) == "hit"


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/dramas/",
        "/people/",
        "/articles/",
        "/articles/?page=1",
        "/tags/queen-of-tears/",
        QUEEN,
        QUEEN + "links/",
        QUEEN + "links/?page=1",
    ],
)
def test_public_pages_are_kept(reader, url):
    assert cache_state(reader, url) == "miss"
    assert cache_state(reader, url) == "hit"


@pytest.mark.parametrize(
    "url",
    [
        "/search/?q=Kim",  # search reads its query: never kept
        QUEEN + "?utm_source=feed",  # a parameter the page does not read
        "/articles/?page=1&page=2",
        "/missing/?title=Nothing",  # a 404
        "/dramas/no-such-drama/",
        "/feeds/articles/",  # not HTML
        "/robots.txt",
        QUEEN + "history/",
    ],
)
def test_other_requests_always_reach_django(reader, django_calls, url):
    reader.get(url)
    calls = django_calls.calls
    response = reader.get(url)

    assert django_calls.calls == calls + 1
    assert response.headers["X-Cache"] != "hit"


def test_surrogate_keys_name_the_page_its_sidebar_tags_and_lists(reader):
    drama = Drama.objects.get(slug="queen-of-tears")
    keys = set(reader.get(QUEEN).headers["Surrogate-Key"].split())

    assert f"page:drama:{drama.pk}" in keys
    assert {f"sidebar:{tag.pk}" for tag in drama.tags.all()} <= keys
    assert set(reader.get("/").headers["Surrogate-Key"].split()) == {"home", "tags"}
    assert reader.get("/people/").headers["Surrogate-Key"] == "list:person"


def test_html_has_no_max_age(reader):
    for response in (reader.get(QUEEN), reader.get(QUEEN)):
        assert response.headers["Cache-Control"] == "no-cache"
        assert "max-age" not in response.headers["Cache-Control"]


def test_editors_always_get_pages_from_django(workers, django_calls, editor_client):
    reader, _ = workers
    warm(workers, QUEEN)
    editor = WsgiClient(reader.application, cookies={"sessionid": editor_client.cookies["sessionid"].value})
    calls = django_calls.calls

    first, second = editor.get(QUEEN), editor.get(QUEEN)

    assert django_calls.calls == calls + 2
    assert first.headers["X-Cache"] == second.headers["X-Cache"] == "pass"
    # Nor do they leave their page behind for readers, or a key for a CDN.
    assert first.headers["Surrogate-Key"] is None
    assert cache_state(reader, QUEEN) == "hit"


def test_a_messages_cookie_also_bypasses_the_cache(reader):
    warm([reader], QUEEN)
    assert WsgiClient(reader.application, cookies={"messages": "x"}).get(QUEEN).headers["X-Cache"] == "pass"


def test_head_is_answered_from_the_kept_page_without_a_body(reader):
    first = reader.head("/people/")
    second = reader.head("/people/")
    page = reader.get("/people/")

    assert (first.headers["X-Cache"], second.headers["X-Cache"], page.headers["X-Cache"]) == (
        "miss",
        "hit",
        "hit",
    )
    assert first.content == second.content == b""
    assert second.headers["Content-Length"] == str(len(page.content))


# Conditional GET


def test_if_none_match_gets_304_until_the_page_changes(reader, editor_client, after_commit):
    etag = reader.get(KIM_JI_WON).headers["ETag"]
    assert etag

    not_modified = reader.get(KIM_JI_WON, HTTP_IF_NONE_MATCH=etag)
    assert (not_modified.status_code, not_modified.content) == (304, b"")
    assert not_modified.headers["ETag"] == etag

    person = Person.objects.get(slug="kim-ji-won")
    with after_commit():
        save_admin_form(editor_client, person, biography="A new line about her work.")

    changed = reader.get(KIM_JI_WON, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed.headers["ETag"] not in {None, etag}
    assert "A new line about her work." in changed.text


def test_etag_comes_from_versions_not_from_the_body(reader, store):
    first = reader.get(QUEEN)
    # Nothing the page shows changed, but one of its keys was bumped: a new version, a new ETag.
    store.bump([f"page:drama:{Drama.objects.get(slug='queen-of-tears').pk}"])
    second = reader.get(QUEEN)

    assert second.content == first.content
    assert second.headers["ETag"] != first.headers["ETag"]


# Edits through the admin


def save_admin_form(editor_client, page, **changes):
    form = editor_client.get(change_url(page))
    response = editor_client.post(change_url(page), admin_form_data(form, **changes))
    assert response.status_code == 302, response.content.decode()[:2000]


def assert_fresh(workers, url, *texts, absent=()):
    """The very next request on each worker renders the page again and shows the change."""
    for worker in workers:
        response = worker.get(url)
        assert response.headers["X-Cache"] == "miss", url
        for text in texts:
            assert text in response.text, (url, text)
        for text in absent:
            assert text not in response.text, (url, text)


def assert_still_kept(workers, *urls):
    for worker in workers:
        for url in urls:
            assert cache_state(worker, url) == "hit", url


def test_renaming_a_person_updates_every_page_that_shows_her(workers, editor_client, after_commit):
    affected = [
        KIM_JI_WON,
        QUEEN,  # her cast row, and "what links here" (her biography links to it)
        KIM_SOO_HYUN,  # "what links here": her biography links to him
        "/people/",
        "/",
        "/tags/queen-of-tears/",  # not there: the control below
    ]
    unaffected = [STAR, JUN_JI_HYUN, COSMOPOLITAN, "/dramas/", "/articles/"]
    warm(workers, *affected, *unaffected)
    person = Person.objects.get(slug="kim-ji-won")

    with after_commit():
        save_admin_form(editor_client, person, name="Kim Ji-won Renamed")

    for url in [KIM_JI_WON, QUEEN, KIM_SOO_HYUN, "/people/", "/"]:
        assert_fresh(workers, url, "Kim Ji-won Renamed")
    # She carries no tag "Queen of Tears", so that tag page never showed her.
    assert_still_kept(workers, "/tags/queen-of-tears/", *unaffected)


def test_publishing_an_article_updates_lists_tags_sidebars_and_links(workers, editor_client, after_commit):
    with after_commit():
        linking = make_article("Fan theories", body="Some expect a [[Charity Gala Reunion]] soon.")
    linking_url = linking.get_absolute_url()
    affected = [
        QUEEN,  # its sidebar (shares Queen of Tears and tvN) and "what links here"
        QUEEN + "links/",  # the full list of what links to it
        KIM_JI_WON,  # her sidebar reads her tag
        "/tags/queen-of-tears/",
        "/",
        "/articles/",
        linking_url,  # its red link turns blue
    ]
    unaffected = [STAR, JUN_JI_HYUN, "/dramas/", "/people/"]
    warm(workers, *affected, *unaffected)
    assert "/missing/?title=Charity" in workers[0].get(linking_url).text

    with after_commit():
        response = editor_client.post(
            "/admin/fanwiki/article/add/",
            {
                "title": "Charity Gala Reunion",
                "slug": "charity-gala-reunion",
                "summary": "The leads met again.",
                "body": "The cast of [[Queen of Tears]] met again.",
                "tags": "Queen of Tears, Kim Ji-won, tvN",
                "status": "published",
                "published_0": "",
                "published_1": "",
                "edit_summary": "New article",
                "base_version": "",
                "_save": "Save",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]

    new_url = "/articles/charity-gala-reunion/"
    for url in affected:
        assert_fresh(workers, url, new_url)
    assert_still_kept(workers, *unaffected)


def test_editing_a_synopsis_leaves_the_casts_pages_kept(workers, editor_client, after_commit):
    warm(workers, QUEEN, KIM_JI_WON, KIM_SOO_HYUN, "/dramas/", "/")
    drama = Drama.objects.get(slug="queen-of-tears")

    with after_commit():
        # Its links stay: the pages they lead to keep the same "what links here".
        save_admin_form(editor_client, drama, synopsis=drama.synopsis + "\n\nA line added by an editor.")

    assert_fresh(workers, QUEEN, "A line added by an editor.")
    # Their pages show the drama's title and year, which did not change; nor did the lists.
    assert_still_kept(workers, KIM_JI_WON, KIM_SOO_HYUN, "/dramas/", "/")


def test_adding_a_tag_updates_the_page_and_the_tag_pages(workers, editor_client, after_commit):
    warm(workers, COSMOPOLITAN, "/tags/interview/", "/", STAR)
    with after_commit():
        article = make_article("Interview with the writer", tags=["Interview"])
        article.tags.add("Queen of Tears")

    assert_fresh(workers, COSMOPOLITAN, article.get_absolute_url())  # its sidebar reads "Interview"
    assert_fresh(workers, "/tags/interview/", article.get_absolute_url())
    assert_fresh(workers, "/", article.get_absolute_url())
    assert_still_kept(workers, STAR)


def test_renaming_a_network_updates_its_dramas_and_lists(workers, after_commit):
    warm(workers, QUEEN, "/dramas/", "/", STAR)
    with after_commit():
        network = Drama.objects.get(slug="queen-of-tears").network
        network.name = "tvN Renamed"
        network.save()

    for url in (QUEEN, "/dramas/", "/"):
        assert_fresh(workers, url, "tvN Renamed")
    assert_still_kept(workers, STAR)


def test_a_new_spelling_updates_the_list_of_people(workers, editor_client, after_commit):
    warm(workers, "/people/", KIM_JI_WON)
    person = Person.objects.get(slug="kim-ji-won")

    with after_commit():
        person.alternative_names.create(name="Gim Ji-won")

    assert_fresh(workers, "/people/", "Gim Ji-won")
    assert_fresh(workers, KIM_JI_WON, "Gim Ji-won")


def test_a_write_during_a_render_is_not_kept_stale(store, seed):
    """A write announced while the page renders may or may not show in it: that page is not kept."""
    drama = Drama.objects.get(slug="queen-of-tears")
    django_app = WSGIHandler()

    def writes_while_rendering(environ, start_response):
        result = django_app(environ, start_response)
        store.bump([f"page:drama:{drama.pk}"])
        return result

    reader = WsgiClient(PageCache(writes_while_rendering, release="test"))
    assert cache_state(reader, QUEEN) == "miss"
    assert cache_state(reader, QUEEN) == "miss"


def test_a_rolled_back_write_bumps_nothing(reader, store):
    warm([reader], QUEEN)
    drama = Drama.objects.get(slug="queen-of-tears")
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        drama.synopsis = "Never saved."
        drama.save()
        raise RuntimeError("roll back")

    assert cache_state(reader, QUEEN) == "hit"


def test_a_new_release_starts_afresh(store, django_calls, seed):
    old, new = (WsgiClient(PageCache(django_calls, release=name)) for name in ("one", "two"))
    warm([old], QUEEN)
    assert cache_state(new, QUEEN) == "miss"


def test_responses_setting_a_cookie_are_not_kept(store, django_app, seed):
    def sets_a_cookie(environ, start_response):
        def add_cookie(status, headers, exc_info=None):
            return start_response(status, [*headers, ("Set-Cookie", "tracking=1")], exc_info)

        return django_app(environ, add_cookie)

    reader = WsgiClient(PageCache(sets_a_cookie, release="test"))
    assert cache_state(reader, QUEEN) == "miss"
    assert cache_state(reader, QUEEN) == "miss"


# When Redis is down


@pytest.fixture
def redis_down(settings):
    settings.PAGECACHE_REDIS_URL = CLOSED_REDIS_URL
    store = get_store()
    assert isinstance(store, RedisStore)
    return store


def test_pages_come_from_django_when_redis_is_down(redis_down, django_app, seed):
    reader = WsgiClient(PageCache(django_app, release="test"))
    for url in (QUEEN, "/", KIM_JI_WON):
        for _ in range(2):
            response = reader.get(url)
            assert response.status_code == 200
            assert response.headers["X-Cache"] == "pass"


def test_edits_succeed_when_redis_is_down(redis_down, seed, editor_client, after_commit):
    person = Person.objects.get(slug="kim-ji-won")

    with after_commit():
        save_admin_form(editor_client, person, biography="Written while Redis was away.")

    assert "Written while Redis was away." in Person.objects.get(pk=person.pk).biography_html
    # The bump waits for Redis: until it lands, this process serves nothing from the cache.
    assert redis_down._pending


# The purge hook

purged = []


def record_purge(keys):
    purged.append(set(keys))


def test_writes_call_the_purge_hook_with_their_keys(store, seed, settings, after_commit):
    settings.PAGECACHE_PURGE_HOOK = "tests.test_pagecache.record_purge"
    purged.clear()
    drama = Drama.objects.get(slug="queen-of-tears")

    with after_commit():
        drama.synopsis = "Purged."
        drama.save()

    assert purged and f"page:drama:{drama.pk}" in set().union(*purged)


# Parts of pages kept on their own (fanwiki/pagecache/fragments.py)


def queried_tables(queries):
    return [table for query in queries for table in re.findall(r'FROM "(\w+)"', query["sql"])]


def get_counting(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, queries.captured_queries


def test_a_page_rendered_again_for_its_sidebar_keeps_its_other_parts(store, seed, client):
    drama = Drama.objects.get(slug="queen-of-tears")
    first, cold = get_counting(client, QUEEN)
    assert "fanwiki_wikilink" in queried_tables(cold)

    store.bump([f"sidebar:{drama.tags.get(name='tvN').pk}"])
    again, warm = get_counting(client, QUEEN)

    # The sidebar is asked again; "what links here" and the main part (its portraits) come as kept.
    assert "fanwiki_article" in queried_tables(warm)
    assert "fanwiki_wikilink" not in queried_tables(warm)
    assert queried_tables(warm).count("fanwiki_pageimage") < queried_tables(cold).count("fanwiki_pageimage")
    assert len(warm) < len(cold)
    assert again.content == first.content

    store.bump([f"page:drama:{drama.pk}"])
    _, after_edit = get_counting(client, QUEEN)
    # Now the main part and "what links here" render again, and the sidebar comes as kept.
    assert "fanwiki_wikilink" in queried_tables(after_edit)
    assert queried_tables(after_edit).count("fanwiki_pageimage") == queried_tables(cold).count(
        "fanwiki_pageimage"
    )
    assert "fanwiki_article" not in queried_tables(after_edit)


def test_a_cold_render_reads_the_versions_in_one_query(seed, client, settings):
    settings.PAGECACHE_REDIS_URL = ""
    settings.PAGECACHE_ENABLED = False
    _, whole = get_counting(client, KIM_SOO_HYUN)
    settings.PAGECACHE_ENABLED = True
    get_store().read([])  # the store's generation, made once per database
    _, cold = get_counting(client, KIM_SOO_HYUN)

    assert len(cold) == len(whole) + 1 <= 10
    assert sum("pagecache_keyversion" in query["sql"] for query in cold) == 1


def test_uncommitted_writes_are_shown_at_once(store, seed, client):
    client.get(QUEEN)
    drama = Drama.objects.get(slug="queen-of-tears")
    drama.synopsis += "\n\nNot committed yet."
    drama.save()

    assert "Not committed yet." in client.get(QUEEN).content.decode()


def test_editors_get_whole_renders(store, seed, client, editor_client):
    client.get(QUEEN)
    _, queries = get_counting(editor_client, QUEEN)
    assert "fanwiki_wikilink" in queried_tables(queries)


def test_a_part_reading_more_than_its_keys_is_never_kept(store, seed, rf):
    request = rf.get("/")
    renders = []

    def honest():
        renders.append("honest")
        depends_on(request, "page:drama:1")
        return "honest"

    def reads_more():
        renders.append("reads more")
        depends_on(request, "sidebar:1")
        return "reads more"

    for _ in range(2):
        assert fragment(request, ("test", "honest"), ["page:drama:1"], honest) == "honest"
        assert fragment(request, ("test", "reads more"), ["page:drama:1"], reads_more) == "reads more"

    assert renders == ["honest", "reads more", "reads more"]
    assert request.page_dependencies == {"page:drama:1", "sidebar:1"}
