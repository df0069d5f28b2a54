"""Print, as JSON, the URLs bench/run.py drives for each kind of page, read from the database.

Runs with the environment of the wiki being measured (DATABASE_URL and the rest). Several URLs
per kind, picked with a fixed seed, so a run measures typical pages rather than one cached row.
"""

import json
import os
import random
import sys
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PER_KIND = 50


def sample(rng, items, size=PER_KIND):
    items = list(items)
    return rng.sample(items, min(size, len(items)))


def list_pages(url, count, per_page, rng):
    pages = max(1, -(-count // per_page))
    numbers = sorted({1, pages, *sample(rng, range(1, pages + 1), 8)})
    return [url if number == 1 else f"{url}?page={number}" for number in numbers]


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fanwiki.settings")
    import django

    django.setup()
    from django.urls import reverse

    from dramas.models import Drama
    from dramas.views import DRAMAS_PER_PAGE
    from fanwiki.models import Article
    from fanwiki.tagging import popular_tags, public_tags
    from fanwiki.views import ARTICLES_PER_PAGE
    from people.models import Person
    from people.views import PEOPLE_PER_PAGE

    rng = random.Random(1)
    dramas = Drama.objects.values_list("slug", flat=True)
    people = Person.objects.values_list("slug", flat=True)
    articles = Article.objects.published().values_list("slug", flat=True)
    drama_urls = [f"/dramas/{slug}/" for slug in sample(rng, dramas)]
    person_urls = [f"/people/{slug}/" for slug in sample(rng, people)]
    article_urls = [f"/articles/{slug}/" for slug in sample(rng, articles)]
    queen = (
        "/dramas/queen-of-tears/" if Drama.objects.filter(slug="queen-of-tears").exists() else drama_urls[0]
    )
    tags = list(public_tags().values_list("slug", flat=True))
    # Random tags are mostly the long tail: the biggest are where a tag page's cost would grow.
    big_tags = [tag.slug for tag in popular_tags(3)]
    # Lists: the first and last pages and a few between, of each paginated list, and /browse/.
    lists = [
        *list_pages(reverse("dramas:list"), Drama.objects.count(), DRAMAS_PER_PAGE, rng),
        *list_pages(reverse("people:list"), Person.objects.count(), PEOPLE_PER_PAGE, rng),
        *list_pages(reverse("fanwiki:article_list"), articles.count(), ARTICLES_PER_PAGE, rng),
        reverse("fanwiki:browse"),
    ]
    names = [*sample(rng, people, 10), *sample(rng, dramas, 10)]
    searches = [name.split("-", 1)[-1].replace("-", " ") for name in names]
    searches += list(Person.objects.exclude(hangul_name="").values_list("hangul_name", flat=True)[:5])
    searches += ["Kim", "queen", "ratings", "OST", ""]  # "": the empty search shows popular tags
    history = [f"{url}history/" for url in (*drama_urls[:10], *person_urls[:10], *article_urls[:10])]
    kinds = {
        "home": [reverse("fanwiki:home")],
        "queen-of-tears": [queen],
        "drama": drama_urls,
        "person": person_urls,
        "article": article_urls,
        "lists": lists,
        "tag": [reverse("fanwiki:tag_detail", args=[slug]) for slug in [*big_tags, *sample(rng, tags)]],
        # The full lists behind "What links here": the drama most linked to, and others.
        "backlinks": [f"{url}links/" for url in (queen, *drama_urls[:10], *person_urls[:10])],
        "search": [f"{reverse('fanwiki:search')}?{urlencode({'q': query})}" for query in searches],
        "history": history,
        "feed": [reverse("article_feed"), reverse("recent_changes_feed")],
    }
    sizes = {"dramas": dramas.count(), "people": people.count(), "articles": articles.count()}
    json.dump({"kinds": kinds, "sizes": sizes}, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
