"""The two search engines: SQLite FTS5 with the trigram tokenizer, PostgreSQL full-text search with pg_trgm.

Each engine only says which documents match (`hits`, one SQL subquery). The ranking into tiers, the
count and the page are the same SQL for both, so one search is one query:

    tier 0  a name of the page is the query, letters run together ("kimjiwon", "ᄀᄌᄋ")
    tier 1  the page's names hold every word, or the query's letters run together
    tier 2  the characters played in or by the page do ("hong haein" finds Kim Ji-won)
    tier 3  the text does

and within a tier, the engine's relevance (bm25 or ts_rank), then the title. Among pages whose names
hold every word, the shortest name comes first: "queen tears" is nearer to "Queen of Tears" than to
an article titled "Queen of Tears leads the TV topicality chart...".

A common word matches most of a large wiki, and ranking every match would cost in proportion. So the
candidates come from bounded windows, each read newest first straight off the index and stopped at
its size: the pages named exactly so; pages whose names match, among the kinds of page that are few
(dramas, people) and among all; and pages whose text matches. Relevance is worked out for those
rows only. A search costs the same at 2,000 pages or 100,000.
"""

from django.db import connection

from fanwiki.search.query import FULL_TEXT_MIN_LENGTH

# Candidate windows (newest first): exact names, names in the kinds of page that are few, names in
# any, any text.
EXACT_WINDOW = 1000
FEW_NAMES_WINDOW = 1000
NAMES_WINDOW = 1000
TEXT_WINDOW = 1000
CANDIDATES_MAX = EXACT_WINDOW + FEW_NAMES_WINDOW + NAMES_WINDOW + TEXT_WINDOW
# Kinds of page that come by the thousand: their name matches get no window of their own.
MANY_PAGES_KINDS = ("article",)

DOCUMENTS = "fanwiki_searchdocument"
KEYS = "fanwiki_searchkey"
NAMES_FTS = "fanwiki_search_names_fts"
FEW_NAMES_FTS = "fanwiki_search_few_fts"  # the same, for the kinds of page that are few
TEXT_FTS = "fanwiki_search_text_fts"


class Engine:
    # SQL's "position of a substring" function, (haystack, needle) in both engines' argument order.
    position = None

    def windows(self, query):
        """[(SQL, params)], each selecting (id, score) of at most one window's documents; lower scores
        rank first."""
        raise NotImplementedError

    def exact_hits(self, query):
        placeholders = ", ".join(["%s"] * len(query.keys))
        sql = (
            f"SELECT document_id AS id, 0 AS score FROM {KEYS} WHERE key IN ({placeholders}) "
            f"ORDER BY document_id DESC LIMIT {EXACT_WINDOW}"
        )
        return sql, list(query.keys)

    def hits(self, query):
        """The candidates: exact names and every window, each document once with its best score."""
        parts = [self.exact_hits(query)]
        if not query.exact_only:
            parts += self.windows(query)
        union = " UNION ALL ".join(
            f"SELECT * FROM ({sql}) w{number}" for number, (sql, _) in enumerate(parts)
        )
        params = [param for _, part_params in parts for param in part_params]
        return f"SELECT id, MIN(score) AS score FROM ({union}) u GROUP BY id", params

    def page(self, query, offset, limit):
        """[(id, kind, url, title, subtitle, text, tier, total)] for one page of results."""
        hits_sql, hits_params = self.hits(query)
        tier_sql, tier_params = self.tier(query)
        sql = f"""
            SELECT d.id, d.kind, d.url, d.title, d.subtitle, d.text, r.tier, r.total
            FROM (
                SELECT t.*, CASE WHEN t.tier = 1 THEN t.title_length ELSE 0 END AS nearness
                FROM (
                    SELECT h.id, {tier_sql} AS tier, h.score, length(d.title) AS title_length, d.title,
                           COUNT(*) OVER () AS total
                    FROM ({hits_sql}) h JOIN {DOCUMENTS} d ON d.id = h.id
                ) t
                ORDER BY t.tier, nearness, t.score, t.title, t.id
                LIMIT %s OFFSET %s
            ) r JOIN {DOCUMENTS} d ON d.id = r.id
            ORDER BY r.tier, r.nearness, r.score, d.title, d.id
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, [*tier_params, *hits_params, limit, offset])
            return cursor.fetchall()

    def tier(self, query):
        keys = ", ".join(["%s"] * len(query.keys))
        names, names_params = self._holds("d.names", query)
        roles, roles_params = self._holds("d.roles", query)
        sql = f"""CASE
            WHEN EXISTS (SELECT 1 FROM {KEYS} k WHERE k.document_id = d.id AND k.key IN ({keys})) THEN 0
            WHEN {names} THEN 1
            WHEN {roles} THEN 2
            ELSE 3 END"""
        return sql, [*query.keys, *names_params, *roles_params]

    def _holds(self, column, query):
        """SQL true when a word of the column starts with each word of the query (or its stem), or the
        column holds the query's letters run together: "ost" finds "OST", not "poster"."""
        starts = f"{self.position}(' ' || {column}, %s) > 0"
        every_word = " AND ".join([f"({starts} OR {starts})"] * len(query.words)) or "1 = 0"
        params = [f" {form}" for pair in query.alternatives() for form in pair]
        whole = " OR ".join([f"{self.position}({column}, %s) > 0"] * len(query.keys))
        return f"(({every_word}) OR {whole})", [*params, *query.keys]


def long_enough(forms):
    return [form for form in dict.fromkeys(forms) if len(form) >= FULL_TEXT_MIN_LENGTH]


class SQLiteEngine(Engine):
    """FTS5 tables made by migrations 0007 and 0010. Names and characters, trigram-tokenized:
    substrings of three characters and more match in any script, so name keys, Hangul and initial
    consonants need no word splitting to get wrong for Korean; a second such table holds only the
    kinds of page that are few. Names and text, in unicode61 words matched as prefixes ("여왕" finds
    "여왕을", "drama" finds "dramas")."""

    position = "instr"
    NAMES_WEIGHTS = (10.0, 4.0)  # bm25 weights of names and roles
    TEXT_WEIGHTS = (5.0, 1.0)  # of names and text: a query's words may be spread over both

    def windows(self, query):
        in_names, in_text = self.names_expression(query), self.text_expression(query)
        windows = []
        if in_names:
            windows += [
                self._window(FEW_NAMES_FTS, self.NAMES_WEIGHTS, in_names, FEW_NAMES_WINDOW),
                self._window(NAMES_FTS, self.NAMES_WEIGHTS, in_names, NAMES_WINDOW),
            ]
        if in_text:
            windows.append(self._window(TEXT_FTS, self.TEXT_WEIGHTS, in_text, TEXT_WINDOW))
        return windows

    @staticmethod
    def _window(table, weights, expression, size):
        # Newest first is the index's own order: FTS5 stops after `size` rows, and bm25 is worked
        # out for those rows only.
        weights = ", ".join(map(str, weights))
        sql = (
            f"SELECT rowid AS id, bm25({table}, {weights}) AS score FROM {table} WHERE {table} MATCH %s "
            f"ORDER BY rowid DESC LIMIT {size}"
        )
        return sql, [expression]

    @staticmethod
    def names_expression(query):
        """Every long enough word (or its stem) in names or characters, or the query as one name key.
        Every string is quoted: FTS5 never reads user text as syntax."""
        every_word = " AND ".join(
            "(" + " OR ".join(quote(form) for form in forms) + ")"
            for forms in (long_enough(pair) for pair in query.alternatives())
            if forms
        )
        keys = " OR ".join(quote(key) for key in long_enough(query.keys))
        clauses = [f"({clause})" for clause in (every_word, keys) if clause]
        return "{names roles} : (" + " OR ".join(clauses) + ")" if clauses else ""

    @staticmethod
    def text_expression(query):
        """Every long enough word (or its stem) as a word prefix in the names or the text."""
        return " AND ".join(
            "(" + " OR ".join(f"{quote(form)}*" for form in forms) + ")"
            for forms in (long_enough(pair) for pair in query.alternatives())
            if forms
        )


def quote(text):
    """An FTS5 string: whatever it holds is searched for as text, never read as query syntax."""
    return '"' + text.replace('"', '""') + '"'


class PostgresEngine(Engine):
    """Weighted tsvectors (the 'simple' configuration, as names and Korean have no English stems):
    one of names and characters, one of everything, each with a GIN index; pg_trgm GIN indexes on
    names and roles for the name keys (substrings, spaces ignored)."""

    position = "strpos"

    def windows(self, query):
        pairs = [(word, stem) for word, stem in query.alternatives() if len(word) >= FULL_TEXT_MIN_LENGTH]
        tsquery, tsquery_params, rank = "", [], "0"
        if pairs:
            # websearch_to_tsquery never fails on any input; each word goes in as a quoted phrase, so
            # "or" and "-" are words too. The stems' query is ORed in for trailing particles.
            tsquery = "(websearch_to_tsquery('simple', %s) || websearch_to_tsquery('simple', %s))"
            tsquery_params = [phrases(word for word, _ in pairs), phrases(stem for _, stem in pairs)]
            rank = f"ts_rank(d.search_vector, {tsquery})"
        key_conditions, key_params = [], []
        for key in long_enough(query.keys):
            # pg_trgm's GIN indexes serve these substring matches.
            key_conditions.append("d.names LIKE %s OR d.roles LIKE %s")
            key_params += ["%" + escape_like(key) + "%"] * 2

        def window(vector, size, few=False):
            conditions = ([f"d.{vector} @@ {tsquery}"] if tsquery else []) + key_conditions
            params = (tsquery_params if tsquery else []) + key_params
            where = " OR ".join(f"({condition})" for condition in conditions) or "1 = 0"
            if few:
                # Written as the partial indexes' predicate (migration 0010) so the planner uses them.
                where = f"({where}) AND d.kind NOT IN ({', '.join(map(sql_string, MANY_PAGES_KINDS))})"
            sql = (
                f"SELECT d.id, -{rank} AS score FROM {DOCUMENTS} d WHERE {where} "
                f"ORDER BY d.id DESC LIMIT {size}"
            )
            return sql, [*(tsquery_params if tsquery else []), *params]

        return [
            window("names_vector", FEW_NAMES_WINDOW, few=True),
            window("names_vector", NAMES_WINDOW),
            window("search_vector", TEXT_WINDOW),
        ]


def sql_string(constant):
    """One of our own constants as an SQL string literal."""
    return "'" + constant.replace("'", "''") + "'"


def phrases(words):
    return " ".join(f'"{word}"' for word in words)


def escape_like(text):
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def engine():
    return PostgresEngine() if connection.vendor == "postgresql" else SQLiteEngine()
