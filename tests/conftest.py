import pytest
from django.core.management import call_command

from tests.factories import make_editor


@pytest.fixture
def seed(db):
    """The wiki as `make run` leaves it: the seed fixture loaded."""
    call_command("loaddata", "seed", verbosity=0)


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
