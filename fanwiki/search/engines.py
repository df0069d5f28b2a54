"""The two search engines: SQLite FTS5 with the trigram tokenizer, PostgreSQL full-text search with pg_trgm.

Each engine only says which documents match and how well (`hits`): one SQL subquery. The ranking
into tiers, the count and the page are the same SQL for both, so one search is one query:

    tier 0  a name of the page is the query, letters run together ("kimjiwon", "ᄀᄌᄋ")
    tier 1  the page's names hold every word, or the query's letters run together
    tier 2  the characters played in or by the page do ("hong haein" finds Kim Ji-won)
    tier 3  the text does

and within a tier, the engine's relevance (bm25 or ts_rank), then the title. Among pages whose names
hold every word, the shortest name comes first: "queen tears" is nearer to "Queen of Tears" than to
an article titled "Queen of Tears leads the TV topicality chart...".
"""

from django.db import connection

from fanwiki.search.query import FULL_TEXT_MIN_LENGTH

# The best matches an engine hands on for ranking and paging: a common word costs no more than this.
CANDIDATES_MAX = 1000

DOCUMENTS = "fanwiki_searchdocument"
KEYS = "fanwiki_searchkey"
FTS = "fanwiki_search_fts"


class Engine:
    # SQL's "position of a substring" function, (haystack, needle) in both engines' argument order.
    position = None

    def hits(self, query):
        """(SQL, params) selecting (id, score) of matching documents, best first, lower score better."""
        raise NotImplementedError

    def exact_hits(self, query):
        placeholders = ", ".join(["%s"] * len(query.keys))
        sql = f"SELECT document_id AS id, 0 AS score FROM {KEYS} WHERE key IN ({placeholders}) GROUP BY 1"
        return sql, list(query.keys)

    def page(self, query, offset, limit):
        """[(id, kind, url, title, subtitle, text, tier, total)] for one page of results."""
        hits_sql, hits_params = self.exact_hits(query) if query.exact_only else self.hits(query)
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
        """SQL true when the column holds every word (or its stem), or the query's letters run together."""
        every_word = [f"({self.position}({column}, %s) > 0 OR {self.position}({column}, %s) > 0)"] * len(
            query.words
        )
        params = [form for pair in query.alternatives() for form in pair]
        whole = [f"{self.position}({column}, %s) > 0"] * len(query.keys)
        words_sql = " AND ".join(every_word) or "1 = 0"
        return f"(({words_sql}) OR {' OR '.join(whole)})", [*params, *query.keys]


def long_enough(forms):
    return [form for form in dict.fromkeys(forms) if len(form) >= FULL_TEXT_MIN_LENGTH]


class SQLiteEngine(Engine):
    """FTS5 over names, roles and text, trigram-tokenized: substrings of three characters and more match,
    in any script, with no word splitting to get wrong for Korean."""

    position = "instr"
    # bm25 weights of the indexed columns: names, roles, text.
    WEIGHTS = (10.0, 4.0, 1.0)

    def hits(self, query):
        weights = ", ".join(str(weight) for weight in self.WEIGHTS)
        sql = (
            f"SELECT rowid AS id, bm25({FTS}, {weights}) AS score FROM {FTS} WHERE {FTS} MATCH %s "
            f"ORDER BY score LIMIT {CANDIDATES_MAX}"
        )
        return sql, [self.match_expression(query)]

    @staticmethod
    def match_expression(query):
        """The FTS5 query: every long enough word, or the query as one name key; user text is quoted."""
        clauses = []
        every_word = [
            "(" + " OR ".join(quote(form) for form in forms) + ")"
            for forms in (long_enough(pair) for pair in query.alternatives())
            if forms
        ]
        if every_word:
            clauses.append(" AND ".join(every_word))
        keys = long_enough(query.keys)
        if keys:
            clauses.append("{names roles} : (" + " OR ".join(quote(key) for key in keys) + ")")
        return " OR ".join(f"({clause})" for clause in clauses) or quote(query.keys[0])


def quote(text):
    """An FTS5 string: whatever it holds is searched for as text, never read as query syntax."""
    return '"' + text.replace('"', '""') + '"'


class PostgresEngine(Engine):
    """A weighted tsvector (names A, roles B, text C; the 'simple' configuration, as names and Korean
    have no English stems) with a GIN index, and pg_trgm GIN indexes on names and roles for the
    name keys: substrings, spaces ignored."""

    position = "strpos"

    def hits(self, query):
        pairs = [(word, stem) for word, stem in query.alternatives() if len(word) >= FULL_TEXT_MIN_LENGTH]
        rank, rank_params, conditions, params = "0", [], [], []
        if pairs:
            # websearch_to_tsquery never fails on any input; each word goes in as a quoted phrase, so
            # "or" and "-" are words too. The stems' query is ORed in for trailing particles.
            tsquery = "(websearch_to_tsquery('simple', %s) || websearch_to_tsquery('simple', %s))"
            tsquery_params = [phrases(word for word, _ in pairs), phrases(stem for _, stem in pairs)]
            rank, rank_params = f"ts_rank(d.search_vector, {tsquery})", tsquery_params
            conditions.append(f"d.search_vector @@ {tsquery}")
            params += tsquery_params
        for key in long_enough(query.keys):
            # pg_trgm's GIN indexes serve these substring matches.
            conditions.append("d.names LIKE %s OR d.roles LIKE %s")
            params += ["%" + escape_like(key) + "%"] * 2
        where = " OR ".join(f"({condition})" for condition in conditions) or "1 = 0"
        sql = (
            f"SELECT d.id, -{rank} AS score FROM {DOCUMENTS} d WHERE {where} "
            f"ORDER BY score LIMIT {CANDIDATES_MAX}"
        )
        return sql, [*rank_params, *params]


def phrases(words):
    return " ".join(f'"{word}"' for word in words)


def escape_like(text):
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def engine():
    return PostgresEngine() if connection.vendor == "postgresql" else SQLiteEngine()
