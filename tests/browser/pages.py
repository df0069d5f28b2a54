"""One page of every public kind on the seeded wiki, for the checks that look at each kind."""

from dramas.models import Drama
from tests.factories import make_drama, make_person

DRAMA = "/dramas/queen-of-tears/"

# name: (path, HTTP status); "{revision}" is filled in by public_pages().
PAGES = {
    "home": ("/", 200),
    "drama list": ("/dramas/", 200),
    "drama": (DRAMA, 200),
    "people list": ("/people/", 200),
    "person": ("/people/kim-ji-won/", 200),
    "article list": ("/articles/", 200),
    "article": ("/articles/kim-soo-hyun-sings-queen-of-tears-ost/", 200),
    "stub article": ("/articles/kim-ji-won-cosmopolitan-interview/", 200),
    "tag": ("/tags/queen-of-tears/", 200),
    "search results": ("/search/?q=kim+ji-won", 200),
    "search, nothing found": ("/search/?q=zzzz", 200),
    "history": (DRAMA + "history/", 200),
    "revision": (DRAMA + "history/{revision}/", 200),
    "diff": (DRAMA + "history/diff/", 200),
    "recent changes": ("/recent-changes/", 200),
    "browse": ("/browse/", 200),
    "disambiguation": ("/disambiguation/?title=Lee+Min-ho", 200),
    "missing page": ("/missing/?title=Daily+Sports", 404),
    "404": ("/no-such-page/", 404),
}


def public_pages():
    """{name: (path, status)} on the seeded wiki, after one edit so the history has a diff to show,
    and with a name two pages claim."""
    make_person("Lee Min-ho", slug="lee-min-ho")
    make_drama("Lee Min-ho", slug="lee-min-ho")
    drama = Drama.objects.get(slug="queen-of-tears")
    first_revision = drama.history.earliest("history_date")
    drama.synopsis += "\n\nA paragraph added by a second revision, so the diff has something to show."
    drama.save()
    revision = first_revision.history_id
    return {name: (path.format(revision=revision), status) for name, (path, status) in PAGES.items()}
