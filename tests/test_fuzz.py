"""Fuzzing: every public URL pattern, and the admin forms an editor posts, take hostile input without a 5xx.

Input reaches three places: path segments, query strings, and admin form values. It includes Unicode
of every category, NUL and control characters, invalid UTF-8 (percent-encoded bytes no decoder
accepts), 10,000-character values, SQL and full-text-search operators, bad page numbers and revision
ids, path traversal, and Hangul both composed (NFC) and decomposed (NFD).

Example counts come from the hypothesis profile in tests/conftest.py (HYPOTHESIS_PROFILE=fuzz for
a longer run).
"""

import re
import unicodedata
from contextlib import contextmanager
from urllib.parse import quote, unquote_to_bytes
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client
from django.urls import URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dramas.models import Credit, Drama
from fanwiki.models import Article
from fanwiki.sitemaps import SITEMAPS
from people.models import Person
from tests.admin_forms import admin_form_data, change_url
from tests.factories import make_editor

QUEEN = "눈물의 여왕"
HOSTILE_VALUES = [
    # SQL and full-text-search operators
    "' OR '1'='1",
    '"; DROP TABLE fanwiki_article; --',
    "%",
    "_",
    "\\",
    "*",
    "kim* OR soo:*",
    'NEAR("kim" "soo", 2)',
    "a & !b | (c <-> d)",
    '"unbalanced',
    "((((",
    "-kim +soo ~ji",
    "MATCH AGAINST",
    # markup
    "<script>alert(1)</script>",
    "[[Queen of Tears]]",
    "{{ request }}",
    "{% debug %}",
    # bad numbers
    "-1",
    "0",
    "00",
    "1.5",
    "1e9",
    "NaN",
    "inf",
    "last",
    "2147483648",
    "9223372036854775808",
    "9" * 40,
    "１２",  # fullwidth digits
    "٣",  # an Arabic-Indic digit: int() accepts it
    " 2 ",
    # path traversal
    "../../etc/passwd",
    "..%2f..%2fetc%2fpasswd",
    "....//....//",
    "/",
    "//",
    ".",
    "..",
    "%2e%2e",
    # control characters and invisible ones
    "\x00",
    "kim\x00soo",
    "\x1b[31m",
    "\r\nSet-Cookie: x=1",
    "\t\x0b\x0c",
    "\u202eevil",
    "\ufeff",
    "\u200b",
    # Hangul, composed and decomposed, and other scripts
    QUEEN,
    unicodedata.normalize("NFD", QUEEN),
    "김지원",
    unicodedata.normalize("NFD", "김지원"),
    "ﾀﾞ",
    "\U0001f600",
    "",
    " ",
    # long values
    "a" * 10_000,
    "가" * 10_000,
    "%" * 10_000,
]
# Bytes no UTF-8 decoder accepts, sent percent-encoded as a browser would send raw bytes.
INVALID_UTF8 = ["%FF", "%C3%28", "%ED%A0%80", "%80abc", "%F0%28%8C%BC", "abc%E2%82", "%C0%AF"]

# Every Unicode category but lone surrogates, which no client can put in a URL (INVALID_UTF8 covers them).
any_unicode = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
long_values = st.builds(
    lambda char, size: char * size, st.characters(exclude_categories=["Cs"]), st.just(10_000)
)
hostile_text = st.one_of(st.sampled_from(HOSTILE_VALUES), any_unicode, long_values)
# As a URL carries them: percent-encoded text, or raw invalid UTF-8.
encoded_value = st.one_of(
    hostile_text.map(lambda text: quote(text, safe="")),
    st.sampled_from(INVALID_UTF8),
    st.binary(min_size=1, max_size=12).map(lambda raw: "".join(f"%{byte:02X}" for byte in raw)),
)

OST_ARTICLE = "kim-soo-hyun-sings-queen-of-tears-ost"
# Real values for each named URL segment, so the hostile value in another segment reaches the view.
GOOD_SEGMENTS = {
    "kind": ["dramas", "people", "articles"],
    "slug": ["queen-of-tears", "kim-ji-won", OST_ARTICLE, "ost", "눈물의-여왕"],
    "revision_id": ["1", "2"],
    "section": sorted(SITEMAPS),
}
# Query parameters the views read, and one they do not.
QUERY_KEYS = ["q", "page", "from", "to", "title", "next", "kind", "before", "after", "zz"]

pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.NonInteractiveExampleWarning")


def public_routes():
    """(name, path template) for every URL pattern outside the admin, segments as {name}."""
    routes = []

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            route = prefix + str(pattern.pattern).lstrip("^").rstrip("$")
            if isinstance(pattern, URLResolver):
                if pattern.namespace != "admin":
                    walk(pattern.url_patterns, route, pattern.namespace or namespace)
                continue
            template = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", route)  # re_path groups
            template = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", template)  # path converters
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            routes.append((name, "/" + template))

    walk(get_resolver().url_patterns, "", None)
    return sorted(routes)


ROUTES = public_routes()


def segments_of(template):
    return re.findall(r"{(\w+)}", template)


def assert_no_server_error(response, url):
    assert response.status_code < 500, (response.status_code, url[:300])
    body = response.content.decode("utf-8", "replace")
    assert "Traceback" not in body, url[:300]
    assert "Exception Value" not in body, url[:300]


def fuzz_settings(**overrides):
    # One database transaction (the module's seed) is shared by every example of a test.
    return settings(
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], **overrides
    )


@pytest.fixture
def seed(module_seed):
    """Every test here reads the seed: load it once for the module."""


@pytest.fixture
def reader():
    # A 500 comes back as a response to inspect, as a browser would see it.
    return Client(raise_request_exception=False)


def test_every_public_url_pattern_is_fuzzed():
    names = {name for name, _ in ROUTES}
    assert {"fanwiki:home", "fanwiki:tag_detail", "history:revision", "dramas:detail", "sitemap"} <= names
    assert ("history:revision", "/{kind}/{slug}/history/{revision_id}/") in ROUTES
    for _name, template in ROUTES:
        assert set(segments_of(template)) <= set(GOOD_SEGMENTS), f"{template}: give its segments good values"
        assert not set(template) & set("()[]?*+|\\"), f"{template} still holds regular expression syntax"


@pytest.mark.parametrize(("name", "template"), [route for route in ROUTES if segments_of(route[1])])
@fuzz_settings()
@given(data=st.data())
def test_hostile_path_segments(seed, reader, name, template, data):
    values = {}
    for segment in segments_of(template):
        values[segment] = data.draw(st.one_of(st.sampled_from(GOOD_SEGMENTS[segment]), encoded_value))
    url = template.format(**{key: quote(value, safe="%") for key, value in values.items()})
    assert_no_server_error(reader.get(url), url)


@pytest.mark.parametrize(("name", "template"), ROUTES)
@fuzz_settings()
@given(data=st.data())
def test_hostile_query_strings(seed, reader, name, template, data):
    path = template.format(**{segment: GOOD_SEGMENTS[segment][0] for segment in segments_of(template)})
    pairs = data.draw(st.lists(st.tuples(st.sampled_from(QUERY_KEYS), encoded_value), min_size=1, max_size=4))
    url = path + "?" + "&".join(f"{key}={value}" for key, value in pairs)
    assert_no_server_error(reader.get(url), url)


def wsgi_get(url):
    """A GET through fanwiki.wsgi.application, with every layer in front of Django, as a server sends it."""
    from fanwiki.wsgi import application

    path, _, query = url.partition("?")
    # Servers decode the percent escapes of the path and hand WSGI the raw bytes as latin-1.
    environ = {"PATH_INFO": unquote_to_bytes(path).decode("latin-1"), "QUERY_STRING": query}
    setup_testing_defaults(environ)
    environ["HTTP_HOST"] = "testserver"
    started = {}

    def start_response(status, headers, exc_info=None):
        started["status"] = int(status.split()[0])

    # As Django's test client does: the request must not close the test's connection, which holds the
    # test's transaction (on PostgreSQL, closing it ends the test's session).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        chunks = application(environ, start_response)
        try:
            body = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return started["status"], body


@fuzz_settings()
@given(data=st.data())
def test_hostile_paths_through_every_layer_in_front_of_django(seed, data):
    template = data.draw(st.sampled_from([template for _, template in ROUTES] + ["/media/{file}"]))
    values = {
        segment: data.draw(st.one_of(st.sampled_from(GOOD_SEGMENTS.get(segment, ["img"])), encoded_value))
        for segment in segments_of(template)
    }
    url = template.format(**{key: quote(value, safe="%/") for key, value in values.items()})
    if data.draw(st.booleans()):
        url += "?" + data.draw(encoded_value)
    status, body = wsgi_get(url)
    assert status < 500, (status, url[:300])
    assert b"Traceback" not in body, url[:300]


def test_the_admin_login_takes_a_hostile_next_without_a_5xx(seed, reader):
    for value in [*HOSTILE_VALUES, *INVALID_UTF8]:
        url = "/admin/login/?next=" + quote(value, safe="%")
        assert_no_server_error(reader.get(url), url)


# Admin forms: an editor posts hostile values into the real forms of each kind of page.

EDITED = {
    "article": (
        Article,
        OST_ARTICLE,
        ["title", "slug", "summary", "body", "tags", "source_outlet", "source_url"],
    ),
    "drama": (
        Drama,
        "queen-of-tears",
        ["title", "slug", "hangul_title", "synopsis", "tags", "first_aired", "episodes", "broadcast_days"],
    ),
    "person": (Person, "kim-ji-won", ["name", "slug", "hangul_name", "biography", "tags"]),
}
# Fields of the first inline row on each form that holds one.
INLINE_FIELDS = {
    "drama": ["credits-0-character", "credits-0-billing_order", "credits-0-kind", "credits-0-person"],
    "person": ["alternative_names-0-name"],
}
FORM_VALUES = st.one_of(hostile_text, st.sampled_from(["2024-02-30", "0000-00-00", "99999-1-1"]))


@contextmanager
def rolled_back():
    """Each example starts from the seed: what a successful post saved is undone afterwards."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture
def editor_browser(db):
    client = Client(raise_request_exception=False)
    client.force_login(make_editor(username="fuzzing-editor"))
    return client


@pytest.mark.parametrize("kind", EDITED)
@fuzz_settings()
@given(data=st.data())
def test_hostile_admin_form_values(seed, editor_browser, kind, data):
    model, slug, fields = EDITED[kind]
    names = data.draw(
        st.lists(st.sampled_from(fields + INLINE_FIELDS.get(kind, [])), min_size=1, max_size=3, unique=True)
    )
    changes = {name: data.draw(FORM_VALUES) for name in names}
    with rolled_back():
        url = change_url(model.objects.get(slug=slug))
        response = editor_browser.post(url, admin_form_data(editor_browser.get(url), **changes))
    assert_no_server_error(response, f"{url} {sorted(changes)}")


@fuzz_settings()
@given(values=st.lists(FORM_VALUES, min_size=4, max_size=4))
def test_hostile_values_in_a_new_credit(seed, editor_browser, values):
    character, note, order, kind = values
    drama, person = Drama.objects.get(slug="queen-of-tears"), Person.objects.get(slug="kim-ji-won")
    data = {
        "drama": str(drama.pk),
        "person": str(person.pk),
        "kind": kind if kind else Credit.Kind.SUPPORTING,
        "character": character,
        "character_hangul": character,
        "note": note,
        "billing_order": order,
        "_save": "Save",
    }
    with rolled_back():
        response = editor_browser.post("/admin/dramas/credit/add/", data)
    assert_no_server_error(response, sorted(data))


@fuzz_settings()
@given(values=st.lists(FORM_VALUES, min_size=3, max_size=3))
def test_hostile_values_in_a_new_network(seed, editor_browser, values):
    name, slug, note = values
    with rolled_back():
        response = editor_browser.post(
            "/admin/dramas/network/add/", {"name": name, "slug": slug, "note": note, "_save": "Save"}
        )
    assert_no_server_error(response, repr(values)[:300])


@fuzz_settings()
@given(title=hostile_text, slug=hostile_text)
def test_hostile_titles_and_slugs_in_a_new_article(seed, editor_browser, title, slug):
    data = {
        "title": title,
        "slug": slug,
        "body": title,
        "tags": title,
        "status": "published",
        "base_version": "",
        "_save": "Save",
    }
    with rolled_back():
        response = editor_browser.post("/admin/fanwiki/article/add/", data)
    assert_no_server_error(response, repr((title[:50], slug[:50])))
