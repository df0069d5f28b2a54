"""A database that cannot be reached (a PostgreSQL restart) gives the 503 page with Retry-After.

The shared server is never restarted: the connection is made to fail the way a restart makes it
fail, by raising Django's OperationalError or InterfaceError from the connection's cursor.
"""

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.test import Client

from fanwiki.database_down import RETRY_AFTER_SECONDS
from fanwiki.pagecache.versions import _Store
from fanwiki.pagecache.wsgi import PageCache
from tests.factories import make_drama
from tests.wsgi_client import WsgiClient

pytestmark = pytest.mark.django_db

QUEEN = "/dramas/queen-of-tears/"


@pytest.fixture
def reader():
    # As a server answers: an unhandled error is a response, not an exception in the test.
    return Client(raise_request_exception=False)


def database_down(monkeypatch, error=OperationalError, usable=False):
    """Every query fails with `error`; the connection reads as cut off unless `usable`."""
    connection = connections[DEFAULT_DB_ALIAS]

    def cursor(*args, **kwargs):
        raise error("server closed the connection unexpectedly")

    monkeypatch.setattr(connection, "cursor", cursor)
    monkeypatch.setattr(connection, "is_usable", lambda: usable)


def assert_unavailable(response):
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Cache-Control"] == "no-store"
    assert b"Back in a moment" in response.content


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
@pytest.mark.parametrize("url", [QUEEN, "/", "/recent-changes/", "/search/?q=Kim"])
def test_pages_answer_503_with_retry_after_while_the_database_is_down(reader, monkeypatch, url, error):
    make_drama("Queen of Tears")
    database_down(monkeypatch, error)
    assert_unavailable(reader.get(url))


def test_a_failed_connection_is_unavailable_too(reader, monkeypatch):
    connection = connections[DEFAULT_DB_ALIAS]

    def cursor(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(connection, "cursor", cursor)
    monkeypatch.setattr(connection, "connection", None)  # connecting is what failed
    assert_unavailable(reader.get(QUEEN))


def test_a_database_error_on_a_working_connection_is_still_a_500(reader, monkeypatch):
    make_drama("Queen of Tears")
    database_down(monkeypatch, OperationalError, usable=True)  # e.g. a missing table: a bug
    response = reader.get(QUEEN)
    assert response.status_code == 500
    assert "Retry-After" not in response


def test_other_errors_keep_the_500_page(reader, monkeypatch):
    monkeypatch.setattr(connections[DEFAULT_DB_ALIAS], "cursor", lambda *a, **k: 1 / 0)
    response = reader.get(QUEEN)
    assert response.status_code == 500
    assert b"Something went wrong" in response.content


def test_the_503_page_renders_without_the_database_or_template_tags():
    template = Path(django_settings.BASE_DIR, "templates", "503.html").read_text()
    assert "{%" not in template and "{{" not in template


class MemoryStore(_Store):
    """The page cache's version store, in memory: it needs no database."""

    def __init__(self):
        super().__init__()
        self.versions, self.pages = {}, {}

    def _read(self, keys):
        return tuple(self.versions.get(key) for key in keys)

    def _bump(self, keys):
        for key in keys:
            self.versions[key] = self.versions.get(key, 0) + 1

    def fetch(self, name):
        return self.pages.get(name)

    def keep(self, name, data):
        self.pages[name] = data


def test_pages_the_page_cache_holds_are_still_served(settings, monkeypatch):
    settings.PAGECACHE_ENABLED = True
    make_drama("Queen of Tears")
    worker = WsgiClient(PageCache(WSGIHandler(), store=MemoryStore(), release="test"))
    assert worker.get(QUEEN).headers["X-Cache"] == "miss"

    database_down(monkeypatch)

    kept = worker.get(QUEEN)
    assert (kept.status_code, kept.headers["X-Cache"]) == (200, "hit")
    other = worker.get("/dramas/")
    assert other.status_code == 503 and other.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
