"""CPU per request, in process, through the whole WSGI application: whole renders, page-cache misses, hits.

Runs against a throwaway SQLite database holding the seed; touches nothing else. For each page:

- whole:        the page cache off (no kept page, no kept parts): what a page costs from nothing;
- sidebar bump: a kept page's sidebar changed (an article tagged like it): only the sidebar renders;
- page bump:    the page itself was edited: its main part and "what links here" render again;
- hit:          the WSGI layer answers from the kept page, Django does not run.

Usage: python bench/render_cpu.py [--repeat N] [--rounds N]
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = {
    "/dramas/queen-of-tears/": ("drama", "queen-of-tears"),
    "/people/kim-soo-hyun/": ("person", "kim-soo-hyun"),
    "/articles/kim-soo-hyun-sings-queen-of-tears-ost/": ("article", "kim-soo-hyun-sings-queen-of-tears-ost"),
    "/": None,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200, help="requests per page and mode in a round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the fastest is printed")
    options = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="fanwiki-render-cpu-")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fanwiki.settings")
    os.environ["DJANGO_DEBUG"] = "1"  # the development key and plain static files (no collectstatic)
    os.environ.pop("REDIS_URL", None)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("loaddata", "seed", verbosity=0)
    settings.DEBUG = False  # served as in production: no query log, no debug pages

    from django.test import RequestFactory

    from fanwiki.pagecache.versions import get_store
    from fanwiki.wsgi import application

    factory = RequestFactory()

    def request(url):
        outcome = []

        def start_response(status, headers, exc_info=None):
            outcome.append(headers)

        result = application(factory.get(url).environ, start_response)
        try:
            b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        return dict(outcome[0]).get("X-Cache")

    modes = {
        "whole": lambda url: settings.__setattr__("PAGECACHE_ENABLED", False),
        "sidebar bump": lambda url: get_store().bump(sidebar_keys(url)),
        "page bump": lambda url: get_store().bump(page_keys(url)),
        "hit": lambda url: None,
    }
    print(f"{'page':50} " + " ".join(f"{mode:>13}" for mode in modes) + "   (CPU ms per request)")
    for url in PAGES:
        figures = []
        for mode, before in modes.items():
            settings.PAGECACHE_ENABLED = True
            best = None
            for _ in range(options.rounds):
                spent = 0.0
                for _ in range(options.repeat):
                    request(url)  # keep the page (and its parts) first
                    before(url)
                    started = time.process_time()
                    outcome = request(url)
                    spent += time.process_time() - started
                    settings.PAGECACHE_ENABLED = True
                best = min(best or spent, spent)
            expected = {"hit": "hit", "whole": "pass"}.get(mode, "miss")
            assert outcome == expected or (mode == "whole" and outcome is None), (url, mode, outcome)
            figures.append(1000 * best / options.repeat)
        print(f"{url:50} " + " ".join(f"{figure:13.2f}" for figure in figures))


def page_keys(url):
    from fanwiki.pages import KINDS_BY_NAME

    if PAGES[url] is None:
        return ["home"]
    kind, slug = PAGES[url]
    page = KINDS_BY_NAME[kind].model._default_manager.get(slug=slug)
    return [f"page:{kind}:{page.pk}"]


def sidebar_keys(url):
    from fanwiki.pages import KINDS_BY_NAME

    if PAGES[url] is None:
        return ["tags"]
    kind, slug = PAGES[url]
    page = KINDS_BY_NAME[kind].model._default_manager.get(slug=slug)
    return [f"sidebar:{tag.pk}" for tag in page.tags.all()]


if __name__ == "__main__":
    main()
