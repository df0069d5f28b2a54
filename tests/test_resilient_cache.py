"""With Redis down, the cache is a miss, never an error: readers read and editors save."""

import pytest
from django.core.cache import caches

from fanwiki.resilient_cache import ResilientRedisCache
from tests.admin_forms import admin_form_data, change_url
from tests.factories import make_article

# Nothing listens here (a port of this suite's range); the Redis of the tests is database 5.
DEAD_REDIS = "redis://127.0.0.1:8339/0"
LIVE_REDIS = "redis://127.0.0.1:6379/5"


def dead_cache_settings():
    return {"default": {"BACKEND": "fanwiki.resilient_cache.ResilientRedisCache", "LOCATION": DEAD_REDIS}}


def test_a_dead_redis_reads_as_a_miss_and_takes_writes_without_error():
    cache = ResilientRedisCache(DEAD_REDIS, {})
    assert cache.get("key", "default") == "default"
    assert cache.get_many(["a", "b"]) == {}
    assert not cache.has_key("key")
    cache.set("key", "value")
    assert cache.add("key", "value") is False
    cache.set_many({"a": 1})
    assert cache.get("key") is None


def test_a_live_redis_is_a_cache_as_usual():
    cache = ResilientRedisCache(LIVE_REDIS, {"KEY_PREFIX": "fanwiki-test-resilient"})
    try:
        cache.set("key", {"rendered": "<p>x</p>"}, 30)
        assert cache.get("key") == {"rendered": "<p>x</p>"}
    finally:
        cache.delete("key")


@pytest.mark.django_db
def test_with_redis_down_an_editor_saves_and_readers_get_the_page_and_its_diff(
    settings, editor_client, client
):
    settings.CACHES = dead_cache_settings()  # Django's test signals rebuild the cache handler
    article = make_article("Casting news", body="Kim Ji-won joins the cast.")
    url = change_url(article)
    data = admin_form_data(editor_client.get(url), body="Kim Ji-won joins the main cast.")

    response = editor_client.post(url, data)

    assert response.status_code == 302
    assert caches["default"].get("anything") is None  # really the dead Redis
    assert "main cast" in client.get(article.get_absolute_url()).content.decode()
    diff = client.get(f"/articles/{article.slug}/history/diff/")
    assert diff.status_code == 200
    assert "<ins>main </ins>" in diff.content.decode()
