"""A system check: the database can run the search engine the migrations set up."""

import sqlite3

from django.core.checks import Error
from django.db import connections

# FTS5's trigram tokenizer came with SQLite 3.34.
SQLITE_TRIGRAM_VERSION = (3, 34, 0)


def check_search_engine(app_configs=None, databases=None, **kwargs):
    errors = []
    for alias in databases or ():
        if connections[alias].vendor != "sqlite":
            continue
        if sqlite3.sqlite_version_info < SQLITE_TRIGRAM_VERSION:
            errors.append(
                Error(
                    f"Search needs SQLite 3.34 or newer (FTS5 with the trigram tokenizer); this Python "
                    f"has SQLite {sqlite3.sqlite_version}.",
                    hint="Use a newer Python build, or PostgreSQL (DATABASE_URL).",
                    id="fanwiki.E001",
                )
            )
    return errors
