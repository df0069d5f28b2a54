"""Print per-page timings and SQL query counts at the seed size and at a larger size.

Runs against a throwaway SQLite database in a temporary folder; touches nothing else.
Usage: python bench/pages.py [--articles N] [--credits N] [--repeat N]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000, help="extra tagged articles at the large size")
    parser.add_argument("--credits", type=int, default=200, help="extra credits on Queen of Tears")
    parser.add_argument("--repeat", type=int, default=20, help="requests per page and size")
    options = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="fanwiki-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fanwiki.settings")
    os.environ["DJANGO_DEBUG"] = "1"  # the test client's host and the finders for static files

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("loaddata", "seed", verbosity=0)
    print(f"{'page':50} {'size':>6} {'queries':>7} {'median ms':>9} {'p95 ms':>7}")
    measure(options.repeat, "seed")
    grow(options.articles, options.credits)
    measure(options.repeat, "large")


def pages():
    return [
        "/",
        "/dramas/",
        "/dramas/queen-of-tears/",
        "/people/",
        "/people/kim-soo-hyun/",
        "/articles/",
        "/articles/kim-soo-hyun-sings-queen-of-tears-ost/",
        "/tags/queen-of-tears/",
        "/search/?q=kim+ji+won",
        "/dramas/queen-of-tears/history/",
    ]


def measure(repeat, label):
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    for url in pages():
        # With DEBUG on the query log is a bounded deque; a full one would count nothing.
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        timings = []
        for _ in range(repeat):
            start = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        timings.sort()
        p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
        print(f"{url:50} {label:>6} {len(queries):>7} {statistics.median(timings):>9.1f} {p95:>7.1f}")


def grow(article_count, credit_count):
    from django.db import transaction
    from django.utils import timezone

    from dramas.models import Credit, Drama
    from fanwiki.models import Article
    from people.models import Person

    start = time.perf_counter()
    drama = Drama.objects.get(slug="queen-of-tears")
    with transaction.atomic():
        for number in range(credit_count):
            person = Person.objects.create(name=f"Bench Actor {number}", slug=f"bench-actor-{number}")
            Credit.objects.create(drama=drama, person=person, kind="supporting", character=f"Role {number}")
        for number in range(article_count):
            article = Article.objects.create(
                title=f"Bench story {number}",
                slug=f"bench-story-{number}",
                summary="A generated story for the benchmark.",
                body=f"Story {number} about [[Queen of Tears]] and [[Kim Soo-hyun]].",
                status="published",
                published=timezone.now(),
            )
            article.tags.add("Queen of Tears", "Kim Soo-hyun", f"bench {number % 20}")
    seconds = time.perf_counter() - start
    print(
        f"-- grew by {credit_count} credits and {article_count} articles "
        f"in {seconds:.1f} s ({seconds / max(1, article_count + credit_count) * 1000:.1f} ms per save)"
    )


if __name__ == "__main__":
    main()
