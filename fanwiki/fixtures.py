"""Which fixture is being loaded, so the revisions a load makes say what made them."""

from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from fanwiki.editors import IMPORT_REASON_PREFIX

# When the loader is not ours (a raw save outside `loaddata`), the fixture has no name.
FIXTURE_REVISION_REASON = f"{IMPORT_REASON_PREFIX}a fixture"

_loading = ContextVar("fanwiki_loading_fixture", default="")


def fixture_name(label):
    """ "seed", "fixtures/seed.json" and "seed.json.gz" all name the seed."""
    return Path(label).name.split(".", 1)[0]


@contextmanager
def loading_fixture(label):
    token = _loading.set(fixture_name(label))
    try:
        yield
    finally:
        _loading.reset(token)


def import_reason():
    """The edit summary of a revision made by loading a fixture: "Imported from the seed"."""
    name = _loading.get()
    return f"{IMPORT_REASON_PREFIX}the {name}" if name else FIXTURE_REVISION_REASON
