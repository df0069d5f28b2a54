"""The production settings, read from the environment the README shows, in fresh processes.

`manage.py check --deploy` with the README's production variables reports no issue; debug is off
unless asked for; a missing key stops start-up with a message that says what to do.
"""

import json
import logging
import re
import runpy
from types import SimpleNamespace

import pytest
from django.core.management.utils import get_random_secret_key

from fanwiki.checks import check_shared_cache
from tests.production import ROOT, clean_environment, manage

pytestmark = pytest.mark.slow

ENV_BLOCK_MARKER = "# fanwiki.env"


def readme_production_environment():
    """The variables of the README's production environment file, with a real secret key."""
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```sh\n(.*?)```", readme, re.S)
    (block,) = [block for block in blocks if block.startswith(ENV_BLOCK_MARKER)]
    variables = {}
    for line in block.splitlines():
        match = re.fullmatch(r"([A-Z][A-Z0-9_]*)=(.*)", line.strip())
        if match:
            variables[match.group(1)] = match.group(2).strip('"')
    assert "DJANGO_SECRET_KEY" in variables and "DJANGO_DEBUG" not in variables
    variables["DJANGO_SECRET_KEY"] = get_random_secret_key()
    return variables


def test_check_deploy_reports_no_issues_with_the_readme_production_environment():
    env = clean_environment(**readme_production_environment())
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_switching_the_https_redirect_off_for_loopback_also_drops_secure_cookies():
    env = clean_environment(**{**readme_production_environment(), "DJANGO_SECURE_SSL_REDIRECT": "0"})
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env, check=False)
    assert result.returncode != 0
    # No redirect (W008); session and CSRF cookies without Secure, so plain HTTP logins work (W012, W016).
    assert re.findall(r"\(([\w.]+)\)", result.stderr) == ["security.W008", "security.W012", "security.W016"]


SETTINGS_DUMP = """
import json
from django.conf import settings
from django.core.cache import caches
names = ["DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
         "SECURE_HSTS_PRELOAD", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
         "CSRF_COOKIE_HTTPONLY", "SECURE_PROXY_SSL_HEADER", "CSRF_TRUSTED_ORIGINS", "ALLOWED_HOSTS", "ADMINS",
         "SERVER_EMAIL", "PROXY_COUNT"]
values = {name: getattr(settings, name) for name in names}
values["CONN_MAX_AGE"] = settings.DATABASES["default"]["CONN_MAX_AGE"]
values["CONN_HEALTH_CHECKS"] = settings.DATABASES["default"]["CONN_HEALTH_CHECKS"]
values["CACHE"] = settings.CACHES["default"]["BACKEND"]
values["STORAGE"] = settings.STORAGES["staticfiles"]["BACKEND"]
values["KEY_IS_DEVELOPMENT_KEY"] = "insecure" in settings.SECRET_KEY
print(json.dumps(values))
"""


def settings_in(env):
    return json.loads(manage("shell", "--no-imports", "-c", SETTINGS_DUMP, env=env).stdout)


def test_the_readme_production_environment_gives_a_public_site_behind_tls():
    values = settings_in(clean_environment(**readme_production_environment()))
    assert values["DEBUG"] is False
    assert values["KEY_IS_DEVELOPMENT_KEY"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] == 365 * 24 * 60 * 60
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_HSTS_PRELOAD"] is True
    assert values["SESSION_COOKIE_SECURE"] is values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is values["CSRF_COOKIE_HTTPONLY"] is True
    # One proxy in front: it says whether the reader's connection was HTTPS.
    assert values["PROXY_COUNT"] == 1
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["CSRF_TRUSTED_ORIGINS"] == ["https://wiki.example.org"]
    assert values["ALLOWED_HOSTS"] == ["wiki.example.org"]
    assert values["ADMINS"] == [["Wiki admins", "admins@example.org"]]
    assert values["CONN_MAX_AGE"] == 60 and values["CONN_HEALTH_CHECKS"] is True
    assert values["CACHE"] == "fanwiki.resilient_cache.ResilientRedisCache"
    assert values["STORAGE"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_without_a_proxy_forwarded_headers_are_not_trusted_and_debug_stays_off():
    env = clean_environment(DJANGO_SECRET_KEY=get_random_secret_key(), DJANGO_DEBUG="")
    values = settings_in(env)
    assert values["DEBUG"] is False
    assert values["PROXY_COUNT"] == 0
    assert values["SECURE_PROXY_SSL_HEADER"] is None
    assert values["SECURE_SSL_REDIRECT"] is True  # safe by default, even without the README's values
    assert values["CACHE"] == "django.core.cache.backends.locmem.LocMemCache"


def test_a_missing_secret_key_stops_start_up_with_a_clear_message():
    result = manage("check", env=clean_environment(), check=False)
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY is not set." in result.stderr
    assert "DJANGO_DEBUG=1" in result.stderr


def test_debug_asked_for_runs_with_the_development_key():
    values = settings_in(clean_environment(DJANGO_DEBUG="1"))
    assert values["DEBUG"] is True
    assert values["KEY_IS_DEVELOPMENT_KEY"] is True
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0


# Several workers, each with its own cache


def test_debug_off_with_a_per_process_cache_is_warned_about(settings):
    settings.DEBUG = False
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    (warning,) = check_shared_cache(None)
    assert warning.id == "fanwiki.W001"
    assert "REDIS_URL" in warning.hint


@pytest.mark.parametrize(
    "debug, backend",
    [
        (False, "django.core.cache.backends.redis.RedisCache"),
        (True, "django.core.cache.backends.locmem.LocMemCache"),
    ],
)
def test_a_shared_cache_or_debug_gives_no_warning(settings, debug, backend):
    settings.DEBUG = debug
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": "redis://127.0.0.1:6379/3"}}
    assert check_shared_cache(None) == []


@pytest.mark.parametrize("workers, warned", [(2, True), (1, False)])
def test_gunicorn_workers_say_at_start_up_that_their_caches_are_separate(settings, caplog, workers, warned):
    settings.DEBUG = False
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    worker = SimpleNamespace(cfg=SimpleNamespace(workers=workers), log=logging.getLogger("gunicorn.error"))
    with caplog.at_level(logging.WARNING, logger="gunicorn.error"):
        config["post_worker_init"](worker)
    messages = [record.getMessage() for record in caplog.records]
    assert any("each server worker has its own" in message for message in messages) is warned
