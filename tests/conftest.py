import pytest
from django.core.management import call_command
from django.db import transaction

from tests.factories import make_editor


@pytest.fixture
def seed(db):
    """The wiki as `make run` leaves it: the seed fixture loaded."""
    call_command("loaddata", "seed", verbosity=0)


@pytest.fixture(scope="module")
def _seed_once(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("loaddata", "seed", verbosity=0)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def module_seed(_seed_once, db):
    """The seed loaded once for a whole module; each test still rolls back its own changes.

    Only for modules whose every test wants the seed: the data stays for the module's other tests.
    """


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The real hasher is slow on purpose; the suite creates and logs in many editors.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def editor(db):
    return make_editor()


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rendered Markdown is cached by content; tests must not see each other's renders.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
