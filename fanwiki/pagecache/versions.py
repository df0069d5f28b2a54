"""The shared version of every dependency key: read in one round trip, bumped after each committed write.

Two stores, the same contract:

- Redis (`REDIS_URL` set): one `MGET` reads any number of keys; one `MSET` bumps them. Rendered pages
  are kept there too, so every worker and every host shares them.
- The database otherwise (`KeyVersion` rows): one query reads the keys, one upsert bumps them. Every
  worker and every process that writes (the admin, management commands) sees the same table.

A version is a random number, new at every bump. In Redis a key read before it was ever bumped gets
one at once, so a key that vanishes (Redis flushed, or evicted) never comes back with a value a
kept page was checked against. In the database, every version read carries the store's generation,
a row made at the first read: a database emptied or recreated starts a new one. The pseudo-key
EPOCH changes at every bump, so a render that overlapped a write can tell and is not stored.

If the store cannot be reached, reading raises StoreUnavailable and the page comes from Django. A
bump that fails is kept and retried first thing at the next read or bump of the same process; until
it succeeds that process serves nothing from the cache.
"""

import functools
import hashlib
import logging
import secrets
import threading
import time
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connections, transaction

logger = logging.getLogger(__name__)

EPOCH = "*"
# The database store's generation: made when first read, so an emptied or recreated database (or a
# test's rolled-back transaction) never meets a kept page from before.
GENERATION = "*generation"
# After Redis failed, don't try it again for this long: meanwhile pages come straight from Django.
RETRY_AFTER_SECONDS = 2.0
# SQLite allows 32766 parameters per statement (999 before 3.32); pages depend on far fewer keys.
READ_CHUNK = 900


class StoreUnavailable(Exception):
    """The version store could not be reached: serve from Django, store nothing."""


def new_version():
    return secrets.randbits(62)


class _Store:
    """What both stores share: bumps that failed are retried before anything else."""

    def __init__(self):
        self._pending = set()
        self._lock = threading.Lock()

    def read(self, keys):
        """The current versions of these keys (None for a key never bumped), in one round trip."""
        self._flush_pending()
        return self._read(list(keys))

    def bump(self, keys):
        """Give every key a new version, and EPOCH too. Never raises: a failure is retried later."""
        with self._lock:
            self._pending.update(keys)
            self._pending.add(EPOCH)
        try:
            self._flush_pending()
        except StoreUnavailable:
            logger.warning("Page cache: could not bump %d keys; retrying at the next request", len(keys))

    def _flush_pending(self):
        if not self._pending:
            return
        with self._lock:
            keys, self._pending = self._pending, set()
        try:
            self._bump(sorted(keys))
        except StoreUnavailable:
            with self._lock:
                self._pending |= keys
            raise

    # Rendered pages and parts shared between workers; only Redis keeps them.
    def fetch(self, name):
        return None

    def keep(self, name, data):
        pass


class DatabaseStore(_Store):
    name = "database"

    def __init__(self, using="default"):
        super().__init__()
        self.using = using

    def _read(self, keys):
        found = self._select([*keys, GENERATION])
        if GENERATION not in found:
            self._initialise(GENERATION)
            found.update(self._select([GENERATION]))
        # Keys never bumped have no row: they read as the generation alone.
        generation = found.pop(GENERATION)
        return tuple(f"{generation}:{found.get(key, '')}" for key in keys)

    def _select(self, keys):
        from fanwiki.pagecache.models import KeyVersion

        connection = connections[self.using]
        table, key_column, version_column = map(
            connection.ops.quote_name, (KeyVersion._meta.db_table, "key", "version")
        )
        found = {}
        try:
            with connection.cursor() as cursor:
                for start in range(0, len(keys), READ_CHUNK):
                    chunk = keys[start : start + READ_CHUNK]
                    marks = ", ".join(["%s"] * len(chunk))
                    # Only quoted names and placeholders are formatted in; the keys are parameters.
                    sql = (
                        f"SELECT {key_column}, {version_column} FROM {table} WHERE {key_column} IN ({marks})"  # noqa: S608
                    )
                    cursor.execute(sql, chunk)
                    found.update(cursor.fetchall())
        except DatabaseError as error:
            raise StoreUnavailable(str(error)) from error
        return found

    def _initialise(self, key):
        from fanwiki.pagecache.models import KeyVersion

        try:
            with transaction.atomic(using=self.using):
                KeyVersion.objects.using(self.using).bulk_create(
                    [KeyVersion(key=key, version=new_version())], ignore_conflicts=True
                )
        except DatabaseError as error:
            raise StoreUnavailable(str(error)) from error

    def _bump(self, keys):
        from fanwiki.pagecache.models import KeyVersion

        version = new_version()
        rows = [KeyVersion(key=key, version=version) for key in keys]
        try:
            with transaction.atomic(using=self.using):
                KeyVersion.objects.using(self.using).bulk_create(
                    rows, update_conflicts=True, unique_fields=["key"], update_fields=["version"]
                )
        except DatabaseError as error:
            raise StoreUnavailable(str(error)) from error


class RedisStore(_Store):
    name = "redis"
    # Kept pages expire when nobody asked for them for this long; versions never expire.
    PAGE_TTL_SECONDS = 7 * 24 * 3600

    def __init__(self, url, prefix="fanwiki:pagecache:", timeout=0.25):
        import redis

        super().__init__()
        self._errors = (redis.RedisError, OSError)
        self.client = redis.Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout, retry_on_timeout=False
        )
        self.prefix = prefix
        self._down_until = 0.0

    def _call(self, method, *args, **kwargs):
        if time.monotonic() < self._down_until:
            raise StoreUnavailable("Redis failed a moment ago")
        try:
            return method(*args, **kwargs)
        except self._errors as error:
            self._down_until = time.monotonic() + RETRY_AFTER_SECONDS
            raise StoreUnavailable(str(error)) from error

    def _read(self, keys):
        names = [self.prefix + "v:" + key for key in keys]
        values = self._call(self.client.mget, names)
        missing = [name for name, value in zip(names, values, strict=True) if value is None]
        if missing:
            # A key never bumped (or lost with Redis's data) gets a version now, so a page checked
            # against it can never match again once the key is bumped, even if Redis loses it later.
            pipeline = self.client.pipeline(transaction=False)
            for name in missing:
                pipeline.set(name, new_version(), nx=True)
            pipeline.mget(missing)
            found = dict(zip(missing, self._call(pipeline.execute)[-1], strict=True))
            values = [found.get(name, value) for name, value in zip(names, values, strict=True)]
        return tuple(values)

    def _bump(self, keys):
        version = new_version()
        self._call(self.client.mset, {self.prefix + "v:" + key: version for key in keys})

    def fetch(self, name):
        return self._call(self.client.get, self.prefix + name)

    def keep(self, name, data):
        self._call(self.client.set, self.prefix + name, data, ex=self.PAGE_TTL_SECONDS)


_store = None
_store_lock = threading.Lock()


def get_store():
    """The process's version store, as the settings choose it."""
    global _store
    with _store_lock:
        if _store is None:
            url = settings.PAGECACHE_REDIS_URL
            _store = RedisStore(url) if url else DatabaseStore()
        return _store


def setting_changed(setting, **kwargs):
    global _store
    if setting.startswith("PAGECACHE_"):
        with _store_lock:
            _store = None


def text(version):
    """A version as kept pages hold it (JSON has no bytes): versions compare equal after a round trip."""
    if isinstance(version, bytes):
        return version.decode()
    return None if version is None else str(version)


@functools.cache
def current_release():
    """This process's release version, worked out once."""
    return release_version()


def release_version():
    """One value for everything a page's HTML depends on besides the data: code, templates, static names.

    Worked out at start-up; a deploy that changes any of them starts from an empty cache.
    """
    digest = hashlib.sha256()
    digest.update(f"{settings.PAGECACHE_RELEASE}|{django.get_version()}".encode())
    base = Path(settings.BASE_DIR).resolve()
    roots = [Path(root) for engine in settings.TEMPLATES for root in engine.get("DIRS", ())]
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if base in path.parents and "site-packages" not in path.parts:
            roots.append(path)
    for root in sorted({root.resolve() for root in roots}):
        for path in sorted(root.rglob("*")):
            if path.suffix in {".py", ".html", ".txt", ".xml"} and path.is_file():
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.is_file():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()[:16]
