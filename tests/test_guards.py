"""Project-wide guards: every named public URL renders with one <h1>; no missing migrations; robots.txt."""

import re

import pytest
from django.core.management import call_command
from django.urls import URLResolver, get_resolver, reverse

from dramas.models import Drama
from fanwiki.models import Article
from people.models import Person

PUBLIC_NAMESPACES = {"fanwiki", "dramas", "people", "history"}
OST_ARTICLE = "kim-soo-hyun-sings-queen-of-tears-ost"
PAGE_SLUGS = {"dramas": "queen-of-tears", "people": "kim-ji-won", "articles": OST_ARTICLE}
PAGE_MODELS = {"dramas": Drama, "people": Person, "articles": Article}

# Named URLs that answer something other than 200 on purpose.
EXPECTED_STATUS = {
    "fanwiki:missing_page": 404,  # a red link's target: "not written yet"
    "fanwiki:disambiguation": 404,  # without a name several pages claim, it is the "not written yet" page
}


def named_public_urls():
    """Every "namespace:name" in the URLconf under the public namespaces."""
    names = set()

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif pattern.name and namespace in PUBLIC_NAMESPACES:
                names.add(f"{namespace}:{pattern.name}")

    walk(get_resolver().url_patterns, None)
    return sorted(names)


def latest_revision_id(kind):
    page = PAGE_MODELS[kind].objects.get(slug=PAGE_SLUGS[kind])
    return page.history.order_by("-history_date").values_list("history_id", flat=True).first()


def kwargs_for(name):
    """Every set of arguments to try for a named URL, built from the seed."""
    history_pages = [{"kind": kind, "slug": slug} for kind, slug in PAGE_SLUGS.items()]
    table = {
        "fanwiki:home": [{}],
        "fanwiki:article_list": [{}],
        "fanwiki:article_detail": [
            {"slug": OST_ARTICLE},
            {"slug": "queen-of-tears-tops-topicality-six-weeks"},
        ],
        "fanwiki:tag_detail": [{"slug": "queen-of-tears"}, {"slug": "ost"}],
        "fanwiki:search": [{}],
        "fanwiki:browse": [{}],
        "fanwiki:missing_page": [{}],
        "fanwiki:recent_changes": [{}],
        "fanwiki:disambiguation": [{}],
        "fanwiki:what_links_here": history_pages,
        "dramas:list": [{}],
        "dramas:detail": [{"slug": "queen-of-tears"}, {"slug": "my-love-from-the-star"}],
        "people:list": [{}],
        "people:detail": [{"slug": "kim-ji-won"}, {"slug": "kim-soo-hyun"}],
        "history:list": history_pages,
        "history:diff": history_pages,
        "history:revision": [
            {"kind": kind, "slug": slug, "revision_id": latest_revision_id(kind)}
            for kind, slug in PAGE_SLUGS.items()
        ],
    }
    assert name in table, f"{name} is a new public URL: give it sample arguments here"
    return table[name]


@pytest.fixture
def seed(module_seed):
    """Every test here reads the seed: load it once for the module."""


def test_the_public_namespaces_are_all_found():
    names = named_public_urls()
    assert {name.split(":")[0] for name in names} == PUBLIC_NAMESPACES
    assert "fanwiki:home" in names and "history:revision" in names


@pytest.mark.parametrize("name", named_public_urls())
def test_every_named_url_renders_with_exactly_one_h1(client, seed, name):
    for kwargs in kwargs_for(name):
        url = reverse(name, kwargs=kwargs)
        response = client.get(url)
        assert response.status_code == EXPECTED_STATUS.get(name, 200), url
        html = response.content.decode()
        assert len(re.findall(r"<h1[\s>]", html)) == 1, url
        assert html.count("<main") == 1, url


@pytest.mark.parametrize("name", named_public_urls())
def test_every_named_url_with_an_unknown_slug_is_404_not_500(client, seed, name):
    for kwargs in kwargs_for(name):
        if "slug" not in kwargs:
            continue
        url = reverse(name, kwargs={**kwargs, "slug": "no-such-page"})
        assert client.get(url).status_code == 404, url


def test_unknown_revision_is_404(client, seed):
    url = reverse(
        "history:revision", kwargs={"kind": "dramas", "slug": "queen-of-tears", "revision_id": 999999}
    )
    assert client.get(url).status_code == 404


def test_no_missing_migrations(db):
    # Raises SystemExit when a model change has no migration yet.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_robots_txt_is_plain_text(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "User-agent: *" in body
    assert "Disallow: /admin/" in body
    assert "Disallow: /dramas/*/links/" in body
