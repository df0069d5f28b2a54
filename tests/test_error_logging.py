"""An unhandled error is logged with its traceback on stderr, as the 500 page tells the reader, and
e-mailed to DJANGO_ADMINS when they are set. Run in a fresh process with the production settings."""

import json

import pytest

from tests.production import clean_environment, manage

pytestmark = pytest.mark.slow

RAISE_IN_A_VIEW = """
import json
from django.core import mail
from django.test import Client
from django.test.utils import override_settings, setup_test_environment
setup_test_environment()  # e-mail to mail.outbox instead of SMTP
with override_settings(ROOT_URLCONF="tests.error_urls"):
    response = Client(raise_request_exception=False).get("/broken/", secure=True)
    bad_host = Client().get("/", secure=True, headers={"host": "evil.example"})
print(json.dumps({
    "status": response.status_code,
    "bad_host_status": bad_host.status_code,
    "page": response.content.decode(),
    "mail": [{"to": message.to, "subject": message.subject, "body": message.body} for message in mail.outbox],
}))
"""


def raise_in_a_view(tmp_path, **variables):
    """(what the script printed, the process's stderr)."""
    env = clean_environment(
        DJANGO_SECRET_KEY="a-test-key-" + "x7Yq" * 12,
        DATABASE_URL=f"sqlite:///{tmp_path / 'errors.sqlite3'}",
        **variables,
    )
    result = manage("shell", "--no-imports", "-c", RAISE_IN_A_VIEW, env=env)
    return json.loads(result.stdout), result.stderr


@pytest.fixture(scope="module")
def without_admins(tmp_path_factory):
    return raise_in_a_view(tmp_path_factory.mktemp("errors"))


def test_an_error_in_a_view_is_logged_with_its_traceback_to_stderr(without_admins):
    outcome, stderr = without_admins
    assert outcome["status"] == 500
    assert "The error has been logged" in outcome["page"]
    assert "ERROR django.request" in stderr
    assert "Internal Server Error: /broken/" in stderr
    assert "Traceback (most recent call last):" in stderr
    assert 'in broken_view\n    raise RuntimeError("boom: a test of error logging")' in stderr
    assert "RuntimeError: boom: a test of error logging" in stderr
    assert outcome["mail"] == []  # nobody to tell


def test_security_warnings_go_to_stderr(without_admins):
    outcome, stderr = without_admins
    assert outcome["bad_host_status"] == 400
    assert "django.security.DisallowedHost" in stderr
    assert "Invalid HTTP_HOST header: 'evil.example'" in stderr


def test_with_admins_set_the_error_is_also_mailed(tmp_path):
    outcome, stderr = raise_in_a_view(
        tmp_path, DJANGO_ADMINS="Wiki admins <admins@example.org>", DJANGO_SERVER_EMAIL="wiki@example.org"
    )
    assert "RuntimeError: boom: a test of error logging" in stderr
    subjects = [message["subject"] for message in outcome["mail"]]
    (message,) = [mail for mail in outcome["mail"] if "Internal Server Error: /broken/" in mail["subject"]]
    assert message["to"] == ["admins@example.org"]
    assert "RuntimeError at /broken/" in message["body"]
    assert any("Invalid HTTP_HOST header" in subject for subject in subjects)  # security errors too
