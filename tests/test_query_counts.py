"""Every public page runs the same number of SQL queries at the seed's size and at ten times it.

The seed is loaded and each page counted once; then the wiki grows tenfold (credits on Queen of
Tears with new people, Kim Soo-hyun credited on new dramas, tagged published articles linking to
seeded pages, more revisions) and each page is counted again. A loop that queries per row shows up
as a count that grows with the data.
"""

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dramas.models import Credit, Drama
from fanwiki.models import Article
from people.models import Person
from tests.factories import make_article, make_credit, make_drama, make_editor, make_network, make_person

OST_ARTICLE = "kim-soo-hyun-sings-queen-of-tears-ost"

# url -> the N+1 its count guards against
PAGES = {
    "/": "a query per listed drama's network, or per article's stub flag",
    "/dramas/": "a query per drama for its network",
    "/dramas/queen-of-tears/": "a query per credit for its person (cast, crew, OST), per tag, per related "
    "article or per backlink",
    "/people/": "a query per person for their alternative names",
    "/people/kim-soo-hyun/": "a query per credit for its drama (filmography, OST), per alternative name, "
    "per tag, per related article or per backlink",
    "/articles/": "a query per article for its stub flag, tags or source",
    f"/articles/{OST_ARTICLE}/": "a query per tag, per related article or per backlink",
    "/tags/queen-of-tears/": "a query per drama for its network, or per tagged article",
    "/search/?q=Kim": "a query per matching title or article",
    "/dramas/queen-of-tears/history/": "a query per revision for its editor or previous revision, or per "
    "credit change for its person",
    "/people/kim-soo-hyun/history/": "a query per revision for its editor or previous revision",
    f"/articles/{OST_ARTICLE}/history/": "a query per revision for its editor or previous revision",
    "/recent-changes/": "a query per kind of page, or per change for its editor, page or previous revision",
    "/recent-changes/?kind=person": "a query per change for its editor, page or previous revision",
    "/feeds/recent-changes/": "a query per kind, or per change for its editor, page or previous revision",
}

GROWTH = 10


def measure(client, url):
    """(number of queries, size of the page) for one anonymous GET."""
    client.get(url)  # warm process-wide caches (content types) so only the page's own queries count
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), len(response.content)


def grow_tenfold():
    queen = Drama.objects.get(slug="queen-of-tears")
    kim = Person.objects.get(slug="kim-soo-hyun")
    ost_article = Article.objects.get(slug=OST_ARTICLE)
    editor = make_editor(username="grower")

    seeded_credits = queen.credits.count()
    for number in range(seeded_credits * GROWTH):
        person = make_person(
            f"Kim Extra {number}",
            hangul_name="김엑스트라",
            alternative_names=[f"Kim X {number}"],
            tags=["Queen of Tears", "Romance"],
        )
        kind = [Credit.Kind.SUPPORTING, Credit.Kind.DIRECTOR, Credit.Kind.OST_VOCALIST][number % 3]
        make_credit(queen, person, kind=kind, character=f"Role {number}", character_hangul="역할")

    seeded_kim_credits = kim.credits.count()
    for number in range(seeded_kim_credits * GROWTH):
        drama = make_drama(
            f"Kim Drama {number}",
            hangul_title="드라마",
            network=make_network(f"Network {number}"),
            tags=["Kim Soo-hyun", "OST"],
        )
        make_credit(
            drama, kim, kind=[Credit.Kind.LEAD, Credit.Kind.OST_VOCALIST][number % 2], character="Lead"
        )

    seeded_articles = Article.objects.count()
    for number in range(seeded_articles * GROWTH):
        make_article(
            f"Kim news {number}",
            summary="Kim in the news.",
            body=f"[[Kim Soo-hyun]] and [[Queen of Tears]], see [[{ost_article.title}]]." * (number % 2),
            source_outlet="Daily Sports",
            tags=["Queen of Tears", "Kim Soo-hyun", "OST", "tvN", f"Extra {number}"],
        )

    for page in (queen, kim, ost_article):
        for number in range(GROWTH):
            page._history_user = editor
            page._change_reason = f"Edit {number}"
            if isinstance(page, Drama):
                page.synopsis += f"\n\nMore {number}."
            elif isinstance(page, Person):
                page.biography += f"\n\nMore {number}."
            else:
                page.body += f"\n\nMore {number}."
            page.save()


@pytest.fixture(scope="module")
def counts(django_db_setup, django_db_blocker):
    """{url: (queries, page size) at the seed's size}; the data is grown tenfold once they are taken."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("loaddata", "seed", verbosity=0)
        client = Client()
        small = {url: measure(client, url) for url in PAGES}
        grow_tenfold()
        yield small
        transaction.set_rollback(True)


@pytest.mark.parametrize("url", PAGES)
def test_query_count_does_not_grow_with_the_data(counts, db, client, url):
    small_queries, small_size = counts[url]
    large_queries, large_size = measure(client, url)
    assert large_size > small_size, f"{url} shows no more at ten times the data: the check would be empty"
    assert large_queries == small_queries, f"{url}: {PAGES[url]}"
