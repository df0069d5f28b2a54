"""Commits inside tests, which otherwise run in one transaction that never commits.

Code that runs "after commit" (re-rendering linking pages, pages_changed
listeners) would never run at all. `commit()` runs what a real commit would
run at this point: the on-commit callbacks registered so far, and those they
register in turn.
"""

from contextlib import contextmanager

from django.db import connection


def commit():
    while connection.run_on_commit:
        callbacks, connection.run_on_commit = connection.run_on_commit, []
        for _, callback, _ in callbacks:
            callback()


@contextmanager
def committed():
    """What came before is committed; what happens inside commits at the end."""
    commit()
    yield
    commit()
