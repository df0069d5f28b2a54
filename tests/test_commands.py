"""manage.py create_editor: a staff account in Editors, never a superuser, with a checked password."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories import make_editor

GOOD_PASSWORD = "plum-violet-harbour-1987"
User = get_user_model()


@pytest.fixture
def no_prompt(monkeypatch):
    def fail(prompt=""):
        raise AssertionError("the command prompted although a password was supplied")

    monkeypatch.setattr("getpass.getpass", fail)


def answers(monkeypatch, *replies):
    """Make getpass.getpass return these replies in turn; returns the prompts it was asked."""
    replies = iter(replies)
    prompts = []

    def fake_getpass(prompt=""):
        prompts.append(prompt)
        return next(replies)

    monkeypatch.setattr("getpass.getpass", fake_getpass)
    return prompts


def create_editor(*args):
    call_command("create_editor", *args, stdout=io.StringIO(), stderr=io.StringIO())


def test_creates_an_editor_from_an_environment_variable(db, monkeypatch, no_prompt):
    monkeypatch.setenv("EDITOR_PASSWORD", GOOD_PASSWORD)

    create_editor("minji", "--email", "minji@example.com", "--password-from-env", "EDITOR_PASSWORD")

    user = User.objects.get(username="minji")
    assert user.is_staff
    assert not user.is_superuser
    assert user.email == "minji@example.com"
    assert set(user.groups.values_list("name", flat=True)) == {"Editors"}
    assert user.check_password(GOOD_PASSWORD)
    assert user.has_perm("fanwiki.add_article")
    assert not user.has_perm("fanwiki.delete_article")


def test_the_new_editor_can_log_in_to_the_admin(client, db, monkeypatch, no_prompt):
    monkeypatch.setenv("EDITOR_PASSWORD", GOOD_PASSWORD)
    create_editor("minji", "--password-from-env", "EDITOR_PASSWORD")

    # Through the login form: the login throttle needs the request, which client.login() does not pass.
    credentials = {"username": "minji", "password": GOOD_PASSWORD, "next": "/admin/"}
    response = client.post("/admin/login/", credentials)
    assert response.status_code == 302
    assert client.get("/admin/fanwiki/article/add/").status_code == 200


def test_empty_environment_variable_is_refused(db, monkeypatch, no_prompt):
    monkeypatch.delenv("UNSET_PASSWORD_VAR", raising=False)
    with pytest.raises(CommandError, match="UNSET_PASSWORD_VAR"):
        create_editor("minji", "--password-from-env", "UNSET_PASSWORD_VAR")
    assert not User.objects.filter(username="minji").exists()


def test_prompts_for_the_password_without_an_environment_variable(db, monkeypatch):
    prompts = answers(monkeypatch, GOOD_PASSWORD, GOOD_PASSWORD)

    create_editor("jisoo")

    assert len(prompts) == 2
    user = User.objects.get(username="jisoo")
    assert user.check_password(GOOD_PASSWORD)
    assert user.is_staff and not user.is_superuser


def test_prompt_asks_again_after_a_mismatch(db, monkeypatch):
    prompts = answers(monkeypatch, GOOD_PASSWORD, "typo", GOOD_PASSWORD, GOOD_PASSWORD)

    create_editor("jisoo")

    assert len(prompts) == 4
    assert User.objects.get(username="jisoo").check_password(GOOD_PASSWORD)


def test_prompt_gives_up_after_three_failed_tries(db, monkeypatch):
    answers(monkeypatch, "", "", "a", "b", "", "")
    with pytest.raises(CommandError):
        create_editor("jisoo")
    assert not User.objects.filter(username="jisoo").exists()


def test_refuses_an_existing_username(db, monkeypatch, no_prompt):
    make_editor(username="taken")
    monkeypatch.setenv("EDITOR_PASSWORD", GOOD_PASSWORD)

    with pytest.raises(CommandError, match="taken"):
        create_editor("taken", "--password-from-env", "EDITOR_PASSWORD")

    assert User.objects.filter(username="taken").count() == 1


@pytest.mark.parametrize("weak", ["password", "12345678", "short", "minji2024"])
def test_refuses_a_weak_password(db, monkeypatch, no_prompt, weak):
    monkeypatch.setenv("EDITOR_PASSWORD", weak)

    with pytest.raises(CommandError):
        create_editor("minji2024", "--password-from-env", "EDITOR_PASSWORD")

    assert not User.objects.filter(username="minji2024").exists()


def test_weak_prompted_password_is_refused_too(db, monkeypatch):
    answers(monkeypatch, "password", "password")
    with pytest.raises(CommandError):
        create_editor("jisoo")
    assert not User.objects.filter(username="jisoo").exists()


def test_dry_run_writes_nothing(db, monkeypatch, no_prompt):
    monkeypatch.setenv("EDITOR_PASSWORD", GOOD_PASSWORD)
    users_before = User.objects.count()

    create_editor("minji", "--password-from-env", "EDITOR_PASSWORD", "--dry-run")

    assert User.objects.count() == users_before
    assert not User.objects.filter(username="minji").exists()


def test_dry_run_still_checks_the_password(db, monkeypatch, no_prompt):
    monkeypatch.setenv("EDITOR_PASSWORD", "password")
    with pytest.raises(CommandError):
        create_editor("minji", "--password-from-env", "EDITOR_PASSWORD", "--dry-run")
