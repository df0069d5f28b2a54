"""The worst case of each public view at its input caps, against a stated budget (output, not a test).

Every anonymous request must do bounded work. This fills a throwaway SQLite wiki with pages at
the caps (texts at their maximum length, a drama with 200 credits, revisions that are as hard to
compare as they can be) and times each public view, uncached, with the worst input it accepts.

Usage: python bench/worst_case.py [--repeat N]
"""

import argparse
import logging
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Milliseconds of one uncached request on a 2-core machine. Generous on purpose: the point is that
# no input makes a view take seconds (a quadratic diff took minutes at 80 KB).
BUDGET_MS = {"page": 250, "diff": 600}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="requests per view (median and max are shown)")
    options = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="fanwiki-worst-")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/worst.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fanwiki.settings")
    os.environ["DJANGO_DEBUG"] = "1"  # the test client's host and the finders for static files

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False  # error pages as readers get them (the debug page re-reads a bad query string)
    logging.disable(logging.ERROR)  # the 400 case is logged as a security warning: not news here

    call_command("migrate", verbosity=0)
    call_command("loaddata", "seed", verbosity=0)
    cases = build_worst_cases()
    print(f"{'view':24} {'worst input':58} {'queries':>7} {'budget':>6} {'median':>7} {'max':>7}")
    over = 0
    for name, url, what, budget in cases:
        over += measure(name, url, what, budget, options.repeat)
    print(f"-- {len(cases)} worst cases, {over} over budget (times in ms, uncached, DEBUG templates)")


def build_worst_cases():
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from dramas.models import Credit, Drama
    from fanwiki.diffs import WORD_DIFF_MAX_CHARS
    from fanwiki.models import Article
    from fanwiki.search.query import QUERY_MAX_LENGTH as SEARCH_QUERY_MAX
    from people.models import Person

    setup_test_environment()
    rng = random.Random(17)
    body_cap = Article._meta.get_field("body").max_length
    synopsis_cap = Drama._meta.get_field("synopsis").max_length
    words = [
        "Queen",
        "of",
        "Tears",
        "[[Kim Ji-won]]",
        "[[Nobody Yet]]",
        "**bold**",
        "김지원",
        "눈물의",
        "여왕",
    ]

    def prose(size):
        text = " ".join(rng.choice(words) for _ in range(size // 4))
        return text[:size]

    # An article at the cap, then rewritten as the hardest pairs to compare: many short repeated lines
    # shifted by one (quadratic for difflib), and one long paragraph with every word changed.
    article = Article.objects.create(
        title="Worst case article",
        slug="worst-case-article",
        body=prose(body_cap),
        status="published",
        published=timezone.now(),
    )
    article.tags.add(*[f"tag {number}" for number in range(40)])
    revision_ids = [article.history.latest("history_date").history_id]
    for body in ("a\n" * (body_cap // 2), "b\na\n" * (body_cap // 4), prose(WORD_DIFF_MAX_CHARS // 2)):
        article.body = body
        article.save()
        revision_ids.append(article.history.latest("history_date").history_id)
    article.body = " ".join(reversed(article.body.split(" ")))
    article.save()
    revision_ids.append(article.history.latest("history_date").history_id)

    drama = Drama.objects.get(slug="queen-of-tears")
    drama.synopsis = prose(synopsis_cap)
    drama.save()
    for number in range(200):
        person = Person.objects.create(
            name=f"Worst Actor {number}", slug=f"worst-actor-{number}", biography=prose(2000)
        )
        Credit.objects.create(drama=drama, person=person, kind="supporting", character=f"Role {number}")
    for _ in range(60):  # more revisions than one history page shows
        drama.synopsis = prose(synopsis_cap)
        drama.save()

    history = "/articles/worst-case-article/history"
    longest_query = ("%_" * SEARCH_QUERY_MAX)[:SEARCH_QUERY_MAX]
    return [
        ("home", "/", "the seed plus 260 pages", BUDGET_MS["page"]),
        (
            "article detail",
            "/articles/worst-case-article/",
            f"a {body_cap:,}-character body",
            BUDGET_MS["page"],
        ),
        ("drama detail", "/dramas/queen-of-tears/", "200 credits, synopsis at the cap", BUDGET_MS["page"]),
        ("person list", "/people/?page=999999", "a page number past the end", BUDGET_MS["page"]),
        ("article list", "/articles/?page=-1", "a negative page number", BUDGET_MS["page"]),
        ("tag page", "/tags/queen-of-tears/", "the subject tag of the big drama", BUDGET_MS["page"]),
        ("search", f"/search/?q={longest_query}", "100 LIKE wildcards", BUDGET_MS["page"]),
        (
            "search",
            "/search/?q=" + "kim OR " * 14 + "NEAR",
            "full-text operators, 100 characters",
            BUDGET_MS["page"],
        ),
        (
            "search",
            "/search/?q=" + "김" * SEARCH_QUERY_MAX,
            "100 Hangul syllables, one repeated",
            BUDGET_MS["page"],
        ),
        ("search", "/search/?q=" + "가" * 5000, "5,000 Hangul characters (cut to 100)", BUDGET_MS["page"]),
        ("missing page", "/missing/?title=" + "x" * 10_000, "a 10,000-character title", BUDGET_MS["page"]),
        (
            "history list",
            "/dramas/queen-of-tears/history/",
            "62 revisions, 200 credit changes",
            BUDGET_MS["page"],
        ),
        (
            "revision",
            f"{history}/{revision_ids[0]}/",
            f"a {body_cap:,}-character revision",
            BUDGET_MS["page"],
        ),
        (
            "diff (lines)",
            f"{history}/diff/?from={revision_ids[1]}&to={revision_ids[2]}",
            "25,000 repeated lines against 12,500 shifted pairs",
            BUDGET_MS["diff"],
        ),
        (
            "diff (words)",
            f"{history}/diff/?from={revision_ids[3]}&to={revision_ids[4]}",
            f"one {WORD_DIFF_MAX_CHARS // 2:,}-character paragraph, word order reversed",
            BUDGET_MS["diff"],
        ),
        (
            "diff (whole)",
            f"{history}/diff/?from={revision_ids[0]}&to={revision_ids[2]}",
            "prose at the cap against repeated lines",
            BUDGET_MS["diff"],
        ),
        ("recent changes", "/recent-changes/", "400 fresh revisions", BUDGET_MS["page"]),
        ("article feed", "/feeds/articles/", "the newest articles", BUDGET_MS["page"]),
        ("sitemap", "/sitemap.xml", "the sitemap index", BUDGET_MS["page"]),
        (
            "query string",
            "/search/?" + "&".join(f"p{n}=x" for n in range(5000)),
            "5,000 parameters (400)",
            50,
        ),
    ]


def measure(name, url, what, budget, repeat):
    from django.core.cache import cache
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    reset_queries()
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    # Counted now: the captured list is a slice of the connection's log, which the next request clears.
    query_count = len(queries)
    assert response.status_code in {200, 400, 404}, (url[:80], response.status_code)
    timings = []
    for _ in range(repeat):
        cache.clear()  # the diff cache and the rendered Markdown: every run is the uncached worst case
        start = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
    median, worst = statistics.median(timings), max(timings)
    flag = "" if worst <= budget else "  OVER"
    print(f"{name:24} {what[:58]:58} {query_count:>7} {budget:>6} {median:>7.1f} {worst:>7.1f}{flag}")
    return int(worst > budget)


if __name__ == "__main__":
    main()
