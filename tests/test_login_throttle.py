"""Logins are throttled (django-axes): a username is locked for one IP address after a few failures,
for a cool-off period, with a 429 page; the IP is the reader's, read behind trusted proxies only."""

import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import RequestFactory

from fanwiki.login_throttle import client_ip
from tests.factories import make_editor

PASSWORD = "a-long-test-password-1"
LOGIN_URL = "/admin/login/"


@pytest.fixture
def editor(db):
    return make_editor(username="minji", password=PASSWORD)


def attempt(client, password, *, username="minji", ip="198.51.100.7", forwarded=None):
    extra = {"REMOTE_ADDR": ip}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    data = {"username": username, "password": password, "next": "/admin/"}
    return client.post(LOGIN_URL, data, **extra)


def fail_until_locked(client, **where):
    """The failures up to the limit: all but the last are the ordinary wrong-password form."""
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "wrong", **where).status_code == 200
    return attempt(client, "wrong", **where)


def test_the_limit_is_a_few_failures_and_the_lock_lasts_a_while():
    assert 3 <= settings.AXES_FAILURE_LIMIT <= 10
    assert timedelta(minutes=5) <= settings.AXES_COOLOFF_TIME
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_a_locked_out_login_gets_429_with_a_clear_message_even_with_the_right_password(client, editor):
    locked = fail_until_locked(client)
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Too many failed logins" in html
    assert f"paused for {settings.AXES_COOLOFF_TIME.seconds // 60} minutes" in html
    right = attempt(client, PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lock_is_on_username_and_ip_together(client, editor):
    make_editor(username="jisoo", password=PASSWORD)
    assert fail_until_locked(client).status_code == 429
    # The same account from another address, and another account from the same address, still log in.
    assert attempt(client, PASSWORD, ip="198.51.100.8").status_code == 302
    client.logout()
    assert attempt(client, PASSWORD, username="jisoo").status_code == 302


def test_the_lock_ends_after_the_cool_off_period(client, editor):
    assert fail_until_locked(client).status_code == 429
    earlier = settings.AXES_COOLOFF_TIME + timedelta(seconds=1)
    for record in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=record.pk).update(attempt_time=record.attempt_time - earlier)
    assert attempt(client, PASSWORD).status_code == 302


def test_a_successful_login_clears_the_count(client, editor):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "wrong")
    assert attempt(client, PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "wrong").status_code == 200
    assert attempt(client, PASSWORD).status_code == 302


def test_a_lock_out_is_logged(client, editor, caplog):
    with caplog.at_level(logging.WARNING, logger="axes"):
        fail_until_locked(client)
    messages = [record.getMessage() for record in caplog.records if record.name.startswith("axes")]
    assert any(
        message.startswith("AXES: Locking out") and "minji" in message and "198.51.100.7" in message
        for message in messages
    ), messages


# The client's address behind proxies


def test_without_trusted_proxies_a_forged_forwarded_for_changes_nothing(client, editor, settings):
    settings.PROXY_COUNT = 0
    limit = settings.AXES_FAILURE_LIMIT
    # A new X-Forwarded-For each time makes no new client: the lock holds for REMOTE_ADDR.
    responses = [attempt(client, "wrong", forwarded=f"203.0.113.{number}") for number in range(limit)]
    assert responses[-1].status_code == 429
    assert attempt(client, PASSWORD, forwarded="203.0.113.99").status_code == 429


def test_behind_one_proxy_the_reader_is_the_address_it_appended(client, editor, settings):
    settings.PROXY_COUNT = 1
    proxy = "127.0.0.1"
    # The reader forges an entry; nginx appends the real address last.
    assert fail_until_locked(client, ip=proxy, forwarded="10.9.9.9, 203.0.113.5").status_code == 429
    assert attempt(client, PASSWORD, ip=proxy, forwarded="203.0.113.5").status_code == 429
    # Another reader behind the same proxy is not locked out.
    assert attempt(client, PASSWORD, ip=proxy, forwarded="203.0.113.6").status_code == 302


@pytest.mark.parametrize(
    "count, forwarded, expected",
    [
        (0, "203.0.113.5", "192.0.2.1"),
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "10.0.0.1, 203.0.113.5", "203.0.113.5"),
        (2, "10.0.0.1, 203.0.113.5, 192.0.2.44", "203.0.113.5"),
        (2, "203.0.113.5", "203.0.113.5"),
        (1, "", "192.0.2.1"),
        (1, "not-an-address", "192.0.2.1"),
        (1, " 2001:db8::1 ", "2001:db8::1"),
    ],
)
def test_client_ip(settings, count, forwarded, expected):
    settings.PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
