"""Backups of the whole wiki, and restoring them: pages, history, tags, users, pictures.

A backup is one `.tar.gz` archive holding `manifest.json`, the data and the pictures' files:

- `wiki.sqlite3`: on SQLite, a snapshot made with SQLite's online backup API
  (`sqlite3.Connection.backup`), so the site keeps serving and editors keep saving
  while it is taken. It restores into SQLite only.
- `wiki.wikijson`: on any database, `dumpdata` with natural foreign keys (content types,
  permissions and users by name), read in one snapshot, as JSON that keeps times to the
  microsecond (fanwiki/exact_json.py). It restores into any database.

Primary keys are kept, so each revision stays attached to its page. Content types and
permissions are not in a backup: `migrate` makes them, and natural keys find them again.
Sessions, login-throttle records and the page cache are not kept either.

Restoring refuses a database that already holds pages or users unless forced; a JSON restore
runs in one transaction, so a broken archive changes nothing.
"""

import json
import shutil
import sqlite3
import tarfile
import tempfile
import weakref
import zlib
from contextlib import contextmanager
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import signals
from django.utils import timezone

from fanwiki.changes import announce, keys_for_page
from fanwiki.pages import PAGE_KINDS

ARCHIVE_FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "wiki.sqlite3"
JSON_MEMBER = "wiki.wikijson"  # JSON that keeps microseconds: fanwiki/exact_json.py
MEDIA_MEMBER = "media"
# Rebuilt or re-made by Django, or worth nothing after a restore.
NOT_BACKED_UP = ["contenttypes", "auth.permission", "sessions", "axes", "pagecache"]
MODEL_SIGNALS = [
    signals.pre_save,
    signals.post_save,
    signals.pre_delete,
    signals.post_delete,
    signals.m2m_changed,
]


def default_kind():
    return "sqlite" if connection.vendor == "sqlite" else "json"


def backed_up_models():
    """Every model whose rows a backup holds, in a stable order."""
    skipped_apps = {label for label in NOT_BACKED_UP if "." not in label}
    skipped_models = {label for label in NOT_BACKED_UP if "." in label}
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label not in skipped_apps
        and model._meta.label_lower not in skipped_models
        and model._meta.managed
        and not model._meta.proxy
    ]


def wiki_contents():
    """What a restore would replace: the number of pages of each kind and of user accounts."""
    counts = {kind.segment: kind.model._default_manager.count() for kind in PAGE_KINDS}
    counts["users"] = get_user_model()._default_manager.count()
    return counts


def media_root():
    """The local folder of the pictures' files, or None when they live in a bucket."""
    if getattr(settings, "MEDIA_BUCKET", ""):
        return None
    return Path(settings.MEDIA_ROOT)


# Backing up


def make_backup(destination, kind=None):
    """Write an archive to `destination` (a file, or a folder to put a dated file in); return its path."""
    kind = kind or default_kind()
    if kind == "sqlite" and connection.vendor != "sqlite":
        raise CommandError("A SQLite snapshot needs a SQLite database; use --format json for this one.")
    destination = Path(destination)
    if destination.is_dir() or not destination.suffix:
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        destination = destination / f"fanwiki-{stamp}-{kind}.tar.gz"
    destination.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="fanwiki-backup-") as scratch:
        scratch = Path(scratch)
        if kind == "sqlite":
            data, counts = scratch / SQLITE_MEMBER, _sqlite_snapshot(scratch / SQLITE_MEMBER)
        else:
            data, counts = scratch / JSON_MEMBER, _json_dump(scratch / JSON_MEMBER)
        media = media_root()
        manifest = {
            "format": ARCHIVE_FORMAT,
            "kind": kind,
            "made": timezone.now().isoformat(),
            "database": connection.vendor,
            "rows": counts,
            "media": bool(media and media.is_dir()),
        }
        (scratch / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        partial = destination.with_name(destination.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(scratch / MANIFEST, arcname=MANIFEST)
            archive.add(data, arcname=data.name)
            if manifest["media"]:
                archive.add(media, arcname=MEDIA_MEMBER)
        # Only a complete archive gets the name: a backup cut short never looks like a good one.
        partial.replace(destination)
    return destination, manifest


def _sqlite_snapshot(path):
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        # Copies the database page by page while other connections read and write it.
        connection.connection.backup(target)
        counts = {}
        for model in backed_up_models():
            (count,) = target.execute(f'SELECT COUNT(*) FROM "{model._meta.db_table}"').fetchone()  # noqa: S608
            counts[model._meta.label_lower] = count
    finally:
        target.close()
    return counts


def _json_dump(path):
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            # One snapshot for every table, as of the first read; writers carry on meanwhile.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        call_command(
            "dumpdata",
            format="wikijson",
            exclude=NOT_BACKED_UP,
            natural_foreign=True,
            output=str(path),
            verbosity=0,
        )
        counts = {model._meta.label_lower: model._default_manager.count() for model in backed_up_models()}
    return counts


# Restoring


def read_manifest(archive_path):
    try:
        with tarfile.open(archive_path, "r:*") as archive:
            member = archive.extractfile(MANIFEST)
            manifest = json.load(member)
    except (OSError, EOFError, zlib.error, tarfile.TarError, KeyError, ValueError) as error:
        raise CommandError(f"{archive_path} is not a FanWiki backup: {error}") from error
    if manifest.get("format") != ARCHIVE_FORMAT or manifest.get("kind") not in {"sqlite", "json"}:
        raise CommandError(f"{archive_path} is a backup of a format this release does not read: {manifest}")
    return manifest


def restore_backup(archive_path, force=False):
    """Replace the wiki with the archive's. Returns the manifest."""
    manifest = read_manifest(archive_path)
    present = wiki_contents()
    if any(present.values()) and not force:
        held = ", ".join(f"{count} {name}" for name, count in present.items() if count)
        raise CommandError(f"The database already holds {held}. Restoring would replace them; use --force.")
    if manifest["kind"] == "sqlite" and connection.vendor != "sqlite":
        raise CommandError(
            "This backup is a SQLite snapshot: restore it into SQLite, or make a JSON backup "
            "(backup_wiki --format json) to move the wiki to another database."
        )
    with tempfile.TemporaryDirectory(prefix="fanwiki-restore-") as scratch:
        scratch = Path(scratch)
        try:
            with tarfile.open(archive_path, "r:*") as archive:
                archive.extractall(scratch, filter="data")
        except (OSError, EOFError, tarfile.TarError, zlib.error) as error:
            raise CommandError(f"{archive_path} is damaged and was not restored: {error}") from error
        stale_keys = _every_page_key()
        if manifest["kind"] == "sqlite":
            _restore_sqlite(scratch / SQLITE_MEMBER)
        else:
            _restore_json(scratch / JSON_MEMBER)
        if manifest["media"] and media_root() is not None:
            shutil.copytree(scratch / MEDIA_MEMBER, media_root(), dirs_exist_ok=True)
    # Every page, list and tag page may differ now: the page cache must not serve what it kept.
    announce(keys=stale_keys | _every_page_key())
    return manifest


def _restore_sqlite(path):
    source = sqlite3.connect(path)
    try:
        connection.ensure_connection()
        # Page by page into the live database file; other connections see the restored wiki at once.
        source.backup(connection.connection)
    finally:
        source.close()
    # A backup from an older release gets this release's tables.
    call_command("migrate", verbosity=0, interactive=False)


def _restore_json(path):
    with transaction.atomic():
        _delete_all_rows()
        # The backup holds the derived data (rendered HTML, title index, links) and every revision as
        # they were: the wiki's receivers must not add revisions or subject tags while it loads.
        with wiki_receivers_muted():
            call_command("loaddata", str(path), verbosity=0)


def _delete_all_rows():
    """Empty every table but content types and permissions (which the backup names, not holds).

    Sessions and login records go too: a session must not outlive the account it was for.
    DELETE rather than TRUNCATE, so it joins the restore's transaction whatever ran before it.
    """
    kept = {ContentType, apps.get_model("auth", "Permission")}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            if model._meta.managed and not model._meta.proxy and model not in kept:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608


@contextmanager
def wiki_receivers_muted():
    """Disconnect, for the duration, every model-signal receiver defined in the fanwiki package."""
    muted = {}
    for signal in MODEL_SIGNALS:
        with signal.lock:
            muted[signal] = [entry for entry in signal.receivers if _is_ours(entry)]
            signal.receivers = [entry for entry in signal.receivers if not _is_ours(entry)]
            signal.sender_receivers_cache.clear()
    try:
        yield
    finally:
        for signal, entries in muted.items():
            with signal.lock:
                signal.receivers.extend(entries)
                signal.sender_receivers_cache.clear()


def _is_ours(entry):
    # A receiver entry is (lookup key, receiver or a weak reference to it, is_async).
    receiver = entry[1]
    if isinstance(receiver, weakref.ReferenceType):
        receiver = receiver()
    return (getattr(receiver, "__module__", "") or "").startswith("fanwiki.")


def _every_page_key():
    from taggit.models import Tag

    tag_ids = list(Tag.objects.values_list("pk", flat=True))
    keys = set()
    for kind in PAGE_KINDS:
        for pk in kind.model._default_manager.values_list("pk", flat=True):
            keys |= keys_for_page(kind, pk, tag_ids)
    return keys
