# Search reads bounded windows of candidates (fanwiki/search/engines.py). On SQLite the one FTS5 table
# becomes three, each kept in step with the documents table by triggers:
#   names   names and characters, trigram-tokenized (substrings, Hangul, name keys, initial consonants);
#           short rows, so even a common trigram stays cheap;
#   few     the same for the kinds of page that are few (not articles), so their name matches are never
#           crowded out by thousands of articles; its content is a view of those documents;
#   text    names and text in unicode61 words with prefix indexes, whose posting lists stay small
#           however long the articles are.
# PostgreSQL gains a tsvector of names and characters alone, so names can be matched without the text,
# and partial GIN indexes over the kinds of page that are few.

from django.db import migrations

SOURCE = "fanwiki_searchdocument"
OLD = "fanwiki_search_fts"
NAMES = "fanwiki_search_names_fts"
FEW = "fanwiki_search_few_fts"
FEW_VIEW = "fanwiki_search_few"
TEXT = "fanwiki_search_text_fts"
# The kinds of page that come by the thousand (fanwiki.search.engines.MANY_PAGES_KINDS).
MANY = "'article'"


def _triggers(table, columns, when_new="", when_old=""):
    """Statements keeping an external-content FTS5 table in step with the documents table."""
    names = ", ".join(columns)
    new = ", ".join(f"new.{column}" for column in columns)
    old = ", ".join(f"old.{column}" for column in columns)
    delete = f"INSERT INTO {table} ({table}, rowid, {names}) SELECT 'delete', old.id, {old}{when_old};"
    insert = f"INSERT INTO {table} (rowid, {names}) SELECT new.id, {new}{when_new};"
    return [
        f"CREATE TRIGGER {table}_insert AFTER INSERT ON {SOURCE} BEGIN {insert} END",
        f"CREATE TRIGGER {table}_delete AFTER DELETE ON {SOURCE} BEGIN {delete} END",
        f"CREATE TRIGGER {table}_update AFTER UPDATE ON {SOURCE} BEGIN {delete} {insert} END",
    ]


def _fts(table, columns, tokenize, content=SOURCE, only_few=False):
    conditions = {}
    if only_few:
        conditions = {"when_new": f" WHERE new.kind NOT IN ({MANY})", "when_old": f" WHERE old.kind NOT IN ({MANY})"}
    return [
        f"""CREATE VIRTUAL TABLE {table} USING fts5(
            {", ".join(columns)}, content='{content}', content_rowid='id', {tokenize}
        )""",
        *_triggers(table, columns, **conditions),
        # Index what the documents table holds already.
        f"INSERT INTO {table} ({table}) VALUES ('rebuild')",
    ]


def _drop(table):
    return [
        f"DROP TRIGGER IF EXISTS {table}_update",
        f"DROP TRIGGER IF EXISTS {table}_delete",
        f"DROP TRIGGER IF EXISTS {table}_insert",
        f"DROP TABLE IF EXISTS {table}",
    ]


TRIGRAM = "tokenize='trigram case_sensitive 0'"

FORWARDS = {
    "sqlite": [
        *_drop(OLD),
        *_fts(NAMES, ["names", "roles"], TRIGRAM),
        f"CREATE VIEW {FEW_VIEW} AS SELECT id, names, roles FROM {SOURCE} WHERE kind NOT IN ({MANY})",
        *_fts(FEW, ["names", "roles"], TRIGRAM, content=FEW_VIEW, only_few=True),
        *_fts(TEXT, ["names", "text"], "tokenize='unicode61 remove_diacritics 2', prefix='2 3'"),
    ],
    "postgresql": [
        """ALTER TABLE fanwiki_searchdocument ADD COLUMN names_vector tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('simple', names), 'A') || setweight(to_tsvector('simple', roles), 'B')
        ) STORED""",
        "CREATE INDEX fanwiki_search_names_vector_idx ON fanwiki_searchdocument USING gin (names_vector)",
        # The same for the kinds of page that are few, so their window never reads the articles.
        f"""CREATE INDEX fanwiki_search_few_names_vector_idx ON fanwiki_searchdocument
            USING gin (names_vector) WHERE kind NOT IN ({MANY})""",
        f"""CREATE INDEX fanwiki_search_few_names_trgm_idx ON fanwiki_searchdocument
            USING gin (names gin_trgm_ops) WHERE kind NOT IN ({MANY})""",
        f"""CREATE INDEX fanwiki_search_few_roles_trgm_idx ON fanwiki_searchdocument
            USING gin (roles gin_trgm_ops) WHERE kind NOT IN ({MANY})""",
    ],
}
BACKWARDS = {
    "sqlite": [
        *_drop(TEXT),
        *_drop(FEW),
        f"DROP VIEW IF EXISTS {FEW_VIEW}",
        *_drop(NAMES),
        *_fts(OLD, ["names", "roles", "text"], TRIGRAM),
    ],
    "postgresql": [
        "DROP INDEX IF EXISTS fanwiki_search_few_roles_trgm_idx",
        "DROP INDEX IF EXISTS fanwiki_search_few_names_trgm_idx",
        "DROP INDEX IF EXISTS fanwiki_search_few_names_vector_idx",
        "DROP INDEX IF EXISTS fanwiki_search_names_vector_idx",
        "ALTER TABLE fanwiki_searchdocument DROP COLUMN IF EXISTS names_vector",
    ],
}


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("fanwiki", "0009_snapshot_latest_revisions"),
    ]

    operations = [migrations.RunPython(_run(FORWARDS), _run(BACKWARDS))]
