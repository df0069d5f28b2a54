import os

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from hypothesis import settings as hypothesis_settings
from pytest_django.plugin import blocking_manager_key

from tests.commits import committed
from tests.factories import make_editor

# Property and fuzz tests: few, fixed examples in the suite so CI stays quick and repeatable;
# `HYPOTHESIS_PROFILE=fuzz` runs many random ones (see docs/reliability.md).
hypothesis_settings.register_profile("suite", max_examples=10, deadline=None, derandomize=True, database=None)
hypothesis_settings.register_profile("fuzz", max_examples=300, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))


def load_seed():
    # As in real use, the load commits: links between the fixture's pages resolve after commit.
    with committed():
        call_command("loaddata", "seed", verbosity=0)


@pytest.fixture
def seed(db):
    """The wiki as `make run` leaves it: the seed fixture loaded."""
    load_seed()


@pytest.fixture(scope="module")
def _seed_once(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        load_seed()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def module_seed(_seed_once, db):
    """The seed loaded once for a whole module; each test still rolls back its own changes.

    Only for modules whose every test wants the seed: the data stays for the module's other tests.
    """


def _is_transactional(item):
    marker = item.get_closest_marker("django_db")
    uses_flush = {"transactional_db", "live_server"} & set(item.fixturenames)
    return bool(uses_flush) or bool(marker and marker.kwargs.get("transaction"))


@pytest.fixture(scope="session", autouse=True)
def _migrated_data(django_db_setup, django_db_blocker):
    """What the migrations put in the test database (the Editors group...), serialized by Django.

    Django serializes it only when some test asks for a serialized rollback (the browser tests and
    tests/test_concurrent_writes.py do). Read at the start, on the test thread's first connection.
    """
    from django.db import connection

    with django_db_blocker.unblock():
        _MIGRATED_DATA[:] = [getattr(connection, "_test_serialized_contents", None)]
    return _MIGRATED_DATA[0]


_MIGRATED_DATA = [None]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    # A transactional test ends by emptying every table. The tests that run after it on the same
    # worker (pytest-xdist does not keep them last) need what the data migrations made back, and
    # the content types, which return with new ids that the in-process cache does not know.
    result = yield
    # With no next test the session's teardown has just destroyed the test database.
    if nextitem is not None and _is_transactional(item) and _MIGRATED_DATA[0]:
        from django.db import connection

        ContentType.objects.clear_cache()
        with item.config.stash[blocking_manager_key].unblock():
            connection.creation.deserialize_db_from_string(_MIGRATED_DATA[0])
    return result


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The real hasher is slow on purpose; the suite creates and logs in many editors.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def editor(db):
    return make_editor()


@pytest.fixture
def editor_client(editor):
    """A logged-in editor's own client: the `client` fixture stays an anonymous fan."""
    editor_client = Client()
    editor_client.force_login(editor)
    return editor_client


@pytest.fixture
def after_commit(db):
    """Runs what a write does once its transaction commits (tests run inside one that never does).

    with after_commit():
        page.save()
    """
    return committed


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """STATIC_ROOT as `make serve` fills it: collectstatic with the production storage, run once."""
    from tests.production import clean_environment, manage

    static_root = tmp_path_factory.mktemp("staticfiles")
    env = clean_environment(DJANGO_SECRET_KEY="collectstatic-" + "k3Y" * 16, DJANGO_STATIC_ROOT=static_root)
    manage("collectstatic", "--noinput", "--verbosity", "0", env=env)
    return static_root


@pytest.fixture(autouse=True)
def _empty_media_storage(settings):
    # A new in-memory storage for every test (tests/settings.py): no test sees another's pictures.
    settings.STORAGES = {**settings.STORAGES}
