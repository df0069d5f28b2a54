"""Backups round-trip the whole wiki (pages, history, tags, users); a restore never clobbers by accident."""

import json
import tarfile

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError

from dramas.models import Drama
from fanwiki.backups import NOT_BACKED_UP, backed_up_models, make_backup, wiki_receivers_muted
from fanwiki.models import Article
from tests.factories import make_article, make_editor
from tests.production import clean_environment, manage

pytestmark = pytest.mark.django_db


def snapshot():
    """Every backed-up row, by model; content types by name, as their ids are the database's own."""
    state = {}
    for model in backed_up_models():
        rows = []
        for row in model._default_manager.order_by("pk").values():
            for field in model._meta.concrete_fields:
                if field.is_relation and field.related_model is ContentType and row.get(field.attname):
                    row[field.attname] = ContentType.objects.get_for_id(row[field.attname]).natural_key()
            rows.append(row)
        state[model._meta.label_lower] = rows
    return state


@pytest.fixture
def edited_wiki(seed):
    """The seed, an editor account and an article the editor changed twice: revisions by a user."""
    editor = make_editor(username="alice")
    article = make_article("Casting news", body="First words.", tags=["OST"])
    for text in ("Second words about [[Queen of Tears]].", "Third words."):
        article.body = text
        article._history_user = editor
        article.save()
    return article


def test_a_json_backup_round_trips_pages_history_tags_and_users(edited_wiki, tmp_path):
    before = snapshot()
    assert before["fanwiki.historicalarticle"] and before["auth.user"] and before["taggit.tag"]
    path, manifest = make_backup(tmp_path, "json")
    assert manifest["rows"]["fanwiki.historicalarticle"] == len(before["fanwiki.historicalarticle"])

    Article.objects.all().delete()  # a disaster
    get_user_model().objects.all().delete()
    call_command("restore_wiki", str(path), "--force", verbosity=0)

    assert snapshot() == before
    article = Article.objects.get(slug="casting-news")
    assert [revision.history_user.username for revision in article.history.all()[:2]] == ["alice", "alice"]


def test_restoring_into_a_wiki_with_content_refuses_without_force(edited_wiki, tmp_path):
    path, _ = make_backup(tmp_path, "json")
    Article.objects.filter(slug="casting-news").update(title="Changed after the backup")
    before = snapshot()

    with pytest.raises(CommandError, match="--force"):
        call_command("restore_wiki", str(path), verbosity=0)

    assert snapshot() == before


def test_a_forced_restore_replaces_pages_made_after_the_backup(edited_wiki, tmp_path):
    path, _ = make_backup(tmp_path, "json")
    before = snapshot()
    make_article("Written after the backup")

    call_command("restore_wiki", str(path), "--force", verbosity=0)

    assert not Article.objects.filter(slug="written-after-the-backup").exists()
    assert snapshot() == before


def test_a_broken_archive_is_refused_and_changes_nothing(edited_wiki, tmp_path):
    path, _ = make_backup(tmp_path, "json")
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    before = snapshot()

    with pytest.raises(CommandError):
        call_command("restore_wiki", str(broken), "--force", verbosity=0)

    assert snapshot() == before


def test_a_backup_whose_data_does_not_load_changes_nothing(edited_wiki, tmp_path):
    path, manifest = make_backup(tmp_path, "json")
    with tarfile.open(path) as archive:
        data = json.load(archive.extractfile("wiki.wikijson"))
    drama = next(entry for entry in data if entry["model"] == "dramas.drama")
    drama["fields"]["episodes"] = "sixteen"
    bad = tmp_path / "bad.tar.gz"
    with tarfile.open(bad, "w:gz") as archive:
        for name, content in (("manifest.json", manifest), ("wiki.wikijson", data)):
            member = tmp_path / name
            member.write_text(json.dumps(content), encoding="utf-8")
            archive.add(member, arcname=name)
    before = snapshot()

    with pytest.raises(Exception, match="sixteen"):
        call_command("restore_wiki", str(bad), "--force", verbosity=0)

    assert snapshot() == before


def test_dry_runs_write_nothing(edited_wiki, tmp_path):
    call_command("backup_wiki", "--output", str(tmp_path), "--dry-run", verbosity=0)
    assert not list(tmp_path.iterdir())
    path, _ = make_backup(tmp_path, "json")
    Drama.objects.filter(slug="queen-of-tears").update(episodes=99)
    before = snapshot()

    call_command("restore_wiki", str(path), "--dry-run", verbosity=0)

    assert snapshot() == before


def test_while_muted_the_wiki_receivers_add_no_revision(seed):
    drama = Drama.objects.get(slug="queen-of-tears")
    revisions = drama.history.count()
    with wiki_receivers_muted():
        drama.synopsis = "Restored from a backup."
        drama.save_base(raw=True)
    assert drama.history.count() == revisions
    drama.synopsis = "Changed by a loaded fixture."
    drama.save_base(raw=True)  # unmuted again: a loaded change gets its revision
    assert drama.history.count() == revisions + 1


# SQLite's online backup, through manage.py as `make backup` and `make restore` run it.


def dumped(env):
    """The wiki as JSON rows, content types and users by natural key: comparable across databases."""
    excluded = [option for label in NOT_BACKED_UP for option in ("--exclude", label)]
    output = manage("dumpdata", "--natural-foreign", *excluded, env=env).stdout
    return sorted(json.dumps(entry, sort_keys=True) for entry in json.loads(output))


@pytest.mark.slow
def test_a_sqlite_snapshot_round_trips_through_manage_py(tmp_path):
    def sqlite_env(name):
        return clean_environment(
            DJANGO_DEBUG="1",
            DATABASE_URL=f"sqlite:///{tmp_path / name}",
            DJANGO_MEDIA_ROOT=tmp_path / "media",
        )

    live = sqlite_env("live.sqlite3")
    manage("migrate", "--noinput", env=live)
    manage("load_seed", env=live)
    manage("create_editor", "alice", "--password-from-env", "ALICE_PASSWORD",
           env={**live, "ALICE_PASSWORD": "a-long-test-password-1"})  # fmt: skip
    manage("shell", "-c", EDIT_AS_ALICE, env=live)
    result = manage("backup_wiki", "--output", str(tmp_path / "backups"), env=live)
    (archive,) = (tmp_path / "backups").glob("fanwiki-*-sqlite.tar.gz")
    assert "Backed up" in result.stdout
    with tarfile.open(archive) as contents:
        assert {"manifest.json", "wiki.sqlite3"} <= set(contents.getnames())

    fresh = sqlite_env("fresh.sqlite3")
    manage("migrate", "--noinput", env=fresh)
    refused = manage("restore_wiki", str(archive), env={**live}, check=False)
    assert refused.returncode != 0 and "--force" in refused.stderr
    manage("restore_wiki", str(archive), env=fresh)

    assert dumped(fresh) == dumped(live)
    integrity = manage("shell", "-c", INTEGRITY_CHECK, env=fresh).stdout
    assert integrity.strip().endswith("('ok',)")


INTEGRITY_CHECK = """
from django.db import connection
with connection.cursor() as cursor:
    print(cursor.execute("PRAGMA integrity_check").fetchone())
"""
EDIT_AS_ALICE = """
from django.contrib.auth import get_user_model
from fanwiki.models import Article
article = Article.objects.get(slug="kim-soo-hyun-sings-queen-of-tears-ost")
article.body += "\\n\\nAn editor's addition."
article._history_user = get_user_model().objects.get(username="alice")
article.save()
"""
