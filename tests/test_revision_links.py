"""Old revisions show their links as they resolve now, as MediaWiki does, rendered once and cached."""

import markdown
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dramas.models import Drama
from people.models import Person
from tests.factories import make_drama, make_person
from tests.html_elements import elements


def first_revision(page):
    return page.history.order_by("history_date", "history_id").first()


def revision_url(page, record):
    segment = {Drama: "dramas", Person: "people"}[type(page)]
    return f"/{segment}/{page.slug}/history/{record.history_id}/"


def link_to(html, text):
    found = [e for e in elements(html) if e["tag"] == "a" and e["text"].strip() == text]
    assert found, f"no link {text!r}"
    return found[0]["attrs"]


def revision_page(client, page, record):
    response = client.get(revision_url(page, record))
    assert response.status_code == 200
    return response.content.decode()


# Kim Soo-hyun's biography links to Kim Ji-won, a director's to Queen of Tears: both were loaded first.
SEED_LINKS = [
    ("kim-soo-hyun", "Kim Ji-won", "/people/kim-ji-won/"),
    ("jang-young-woo", "Queen of Tears", "/dramas/queen-of-tears/"),
]


@pytest.mark.parametrize(("slug", "label", "url"), SEED_LINKS)
def test_a_seed_revision_written_before_its_targets_shows_them_blue(client, seed, slug, label, url):
    person = Person.objects.get(slug=slug)
    record = first_revision(person)
    # The revision was saved while the target had no page yet: its own HTML holds a red link.
    assert "redlink" in record.biography_html

    link = link_to(revision_page(client, person, record), label)
    assert (link["class"], link["href"]) == ("wikilink", url)


@pytest.mark.django_db
def test_a_link_whose_target_is_gone_now_is_red_in_the_old_revision(client):
    drama = make_drama("Queen of Tears")
    person = make_person("Kim Ji-won", biography="She stars in [[Queen of Tears]].")
    record = first_revision(person)
    assert "wikilink" in record.biography_html
    drama.delete()

    link = link_to(revision_page(client, person, record), "Queen of Tears")
    assert link["class"] == "redlink"


@pytest.mark.django_db
def test_an_old_revision_is_rendered_once_then_served_from_the_cache(client, monkeypatch):
    text = "Cache probe: she stars in [[Queen of Tears]]."
    person = make_person("Kim Ji-won", biography=text)  # rendered (and cached) with a red link
    make_drama("Queen of Tears")
    person.biography = "A new biography."
    person.save()
    record = first_revision(person)
    conversions = []
    original = markdown.Markdown.convert
    monkeypatch.setattr(
        markdown.Markdown, "convert", lambda self, text: conversions.append(text) or original(self, text)
    )

    first = revision_page(client, person, record)
    second = revision_page(client, person, record)

    assert conversions == [text]  # the first view renders it with today's links; the second reuses that
    assert link_to(first, "Queen of Tears") == link_to(second, "Queen of Tears")


@pytest.mark.django_db
def test_an_old_revision_costs_the_same_queries_however_many_links_it_has(client):
    few = make_person("Few Links", biography="[[Target 0]]")
    many = make_person("Many Links", biography=" ".join(f"[[Target {n}]]" for n in range(40)))
    for n in range(40):
        make_drama(f"Target {n}")

    def count(page):
        record = first_revision(page)
        client.get(revision_url(page, record))  # warm process-wide caches
        with CaptureQueriesContext(connection) as queries:
            html = revision_page(client, page, record)
        return len(queries), html.count('class="wikilink"')

    few_queries, few_links = count(few)
    many_queries, many_links = count(many)
    assert (few_links, many_links) == (1, 40)
    assert many_queries == few_queries


@pytest.mark.django_db
def test_an_old_revision_whose_links_lead_where_they_did_is_not_rendered_again(client, monkeypatch):
    make_drama("Queen of Tears")
    person = make_person("Kim Ji-won", biography="She stars in [[Queen of Tears]], not [[Nobody Yet]].")
    person.biography = "A new biography."
    person.save()
    record = first_revision(person)
    monkeypatch.setattr(markdown.Markdown, "convert", lambda self, text: pytest.fail("rendered again"))

    html = revision_page(client, person, record)

    assert link_to(html, "Queen of Tears")["class"] == "wikilink"
    assert link_to(html, "Nobody Yet")["class"] == "redlink"
