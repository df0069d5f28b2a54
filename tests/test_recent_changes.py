"""Recent changes: every public edit across the wiki, newest first, as a page and as an Atom feed."""

import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from dramas.models import Drama
from fanwiki import recent_changes
from fanwiki.models import Article
from people.models import Person
from tests.factories import make_article, make_drama, make_editor, make_person

ATOM_NS = {"atom": "http://www.w3.org/2005/Atom"}


def entries(client, query=""):
    response = client.get(f"/recent-changes/{query}")
    assert response.status_code == 200
    html = unescape(response.content.decode())
    return re.findall(r'<li class="revision recent-change">(.*?)</li>', html, re.S)


def page_titles(items):
    return [re.search(r'class="recent-change__page"[^>]*>([^<]*)</a>', item).group(1) for item in items]


def edit(page, text_field, text, *, user=None, summary=None):
    setattr(page, text_field, text)
    page._history_user = user
    page._change_reason = summary
    page.save()
    return page.history.order_by("-history_id").first()


def at(record, minutes):
    """Date a revision a given number of minutes from now, so the order under test is explicit."""
    type(record).objects.filter(pk=record.pk).update(history_date=timezone.now() + timedelta(minutes=minutes))


@pytest.mark.django_db
def test_lists_edits_of_every_kind_newest_first_with_a_diff_link(client):
    drama = make_drama("Queen of Tears", synopsis="First.")
    person = make_person("Kim Ji-won", biography="First.")
    article = make_article("Casting news", body="First.")
    at(drama.history.get(), 1)
    at(person.history.get(), 2)
    at(article.history.get(), 3)
    second = edit(drama, "synopsis", "Second.")
    at(second, 4)

    items = entries(client)

    assert page_titles(items) == ["Queen of Tears", "Casting news", "Kim Ji-won", "Queen of Tears"]
    first = drama.history.earliest("history_date")
    assert f"/dramas/queen-of-tears/history/diff/?from={first.history_id}&to={second.history_id}" in items[0]
    assert '<span class="recent-change__kind muted">Drama</span>' in items[0]
    assert '<span class="recent-change__kind muted">Article</span>' in items[1]
    assert '<span class="recent-change__kind muted">Person</span>' in items[2]
    # A page's first revision has nothing to compare with: it links to the revision itself.
    assert f'href="/dramas/queen-of-tears/history/{first.history_id}/">new page</a>' in items[3]
    assert 'href="/dramas/queen-of-tears/">Queen of Tears</a>' in items[3]


@pytest.mark.django_db
def test_the_diff_link_shows_that_edit(client):
    drama = make_drama("Queen of Tears", synopsis="Before the edit.")
    edit(drama, "synopsis", "After the edit.")
    diff_url = re.search(r'href="([^"]+)">changes</a>', entries(client)[0]).group(1)
    html = unescape(client.get(diff_url).content.decode())
    assert "<del>Before </del>the edit." in html and "<ins>After </ins>the edit." in html


@pytest.mark.django_db
def test_shows_the_editors_full_name_and_the_edit_summary_never_a_username(client):
    named = get_user_model().objects.create_user(username="hae-in-fan", first_name="Mina", last_name="Park")
    unnamed = make_editor(username="secret-login")
    person = make_person("Kim Ji-won", biography="One.")
    at(edit(person, "biography", "Two.", user=named, summary="Add early roles"), 1)
    at(edit(person, "biography", "Three.", user=unnamed, summary="Fix typo"), 2)

    newest, middle, oldest = entries(client)

    assert '<span class="revision__who">an editor</span>' in newest
    assert "“Fix typo”" in newest
    assert '<span class="revision__who">Mina Park</span>' in middle
    assert "“Add early roles”" in middle
    assert '<span class="revision__who">maintenance</span>' in oldest  # saved by code, no user
    assert "Created" in oldest  # no summary: what kind of edit it was
    html = client.get("/recent-changes/").content.decode()
    assert "hae-in-fan" not in html and "secret-login" not in html


@pytest.mark.django_db
def test_can_be_filtered_by_kind_of_page(client):
    make_drama("Queen of Tears")
    make_person("Kim Ji-won")
    make_article("Casting news")

    assert page_titles(entries(client, "?kind=drama")) == ["Queen of Tears"]
    assert page_titles(entries(client, "?kind=person")) == ["Kim Ji-won"]
    assert page_titles(entries(client, "?kind=article")) == ["Casting news"]
    # An unknown kind is no filter rather than an error.
    assert len(entries(client, "?kind=nonsense")) == 3
    assert len(entries(client, "?kind=%00")) == 3


def nav_links(client, query):
    html = unescape(client.get(f"/recent-changes/{query}").content.decode())
    nav = re.search(r'<nav class="pagination".*?</nav>', html, re.S)
    return (
        dict(re.findall(r'<a(?: rel="\w+")? href="/recent-changes/([^"]*)">(\w+)', nav.group(0)))
        if nav
        else {}
    )


def link_to(links, label):
    return next(query for query, text in links.items() if text == label)


@pytest.mark.django_db
def test_pages_go_older_and_newer_by_position_and_keep_the_filter(client, monkeypatch):
    monkeypatch.setattr(recent_changes, "CHANGES_PER_PAGE", 2)
    person = make_person("Kim Ji-won", biography="0")
    at(person.history.get(), 0)
    for number in range(1, 5):
        at(edit(person, "biography", str(number)), number)
    make_drama("Queen of Tears")

    first = entries(client, "?kind=person")
    assert len(first) == 2
    links = nav_links(client, "?kind=person")
    assert list(links.values()) == ["Older"]  # the newest page: nothing newer
    older = link_to(links, "Older")
    assert older.startswith("?kind=person&before=")
    second = entries(client, older)
    third = entries(client, link_to(nav_links(client, older), "Older"))
    assert [len(second), len(third)] == [2, 1]
    assert len({*first, *second, *third}) == 5  # every revision once, none skipped
    last = link_to(nav_links(client, older), "Older")
    assert "Older" not in nav_links(client, last).values()
    # Newer from the second page is the first page again, with no "newer" of its own.
    back = link_to(nav_links(client, older), "Newer")
    assert entries(client, back) == first
    assert set(nav_links(client, back).values()) == {"Older"}
    assert link_to(nav_links(client, older), "Newest") == "?kind=person"


@pytest.mark.django_db
def test_an_edit_made_while_reading_neither_repeats_nor_hides_a_row(client, monkeypatch):
    monkeypatch.setattr(recent_changes, "CHANGES_PER_PAGE", 2)
    person = make_person("Kim Ji-won", biography="0")
    for number in range(1, 4):
        edit(person, "biography", str(number))
    first = entries(client)
    older = link_to(nav_links(client, ""), "Older")
    edit(person, "biography", "4")  # a page number would now shift every row by one
    assert len({*first, *entries(client, older)}) == 4


@pytest.mark.django_db
def test_revisions_of_different_kinds_at_the_same_moment_are_each_listed_once(client, monkeypatch):
    monkeypatch.setattr(recent_changes, "CHANGES_PER_PAGE", 1)
    pages = [make_drama("Queen of Tears"), make_person("Kim Ji-won"), make_article("Casting news")]
    moment = timezone.now()
    for page in pages:
        type(page).history.model.objects.update(history_date=moment)
    seen, query = [], ""
    for _ in range(5):
        seen += page_titles(entries(client, query))
        links = nav_links(client, query)
        if "Older" not in links.values():
            break
        query = link_to(links, "Older")
    assert sorted(seen) == ["Casting news", "Kim Ji-won", "Queen of Tears"]


@pytest.mark.parametrize(
    "query",
    [
        "?page=2",
        "?page=abc",
        "?before=abc",
        "?after=1.drama",
        "?before=-5.drama.1",
        "?before=1.nonsense.1",
        "?before=1.drama.0",
        "?before=99999999999999999999.drama.1",
        "?after=1.drama.99999999999999999999",
        "?before=%EF%BC%91.drama.1",  # a fullwidth digit
        "?before=" + "9" * 5000,
    ],
)
@pytest.mark.django_db
def test_a_bad_position_gives_the_newest_page(client, query):
    make_drama("Queen of Tears")
    make_person("Kim Ji-won")
    assert len(entries(client, query)) == 2


@pytest.mark.django_db
def test_a_position_past_either_end_gives_an_empty_page_that_leads_to_the_newest(client):
    make_drama("Queen of Tears")
    html = client.get("/recent-changes/?before=1.drama.1").content.decode()
    assert "No public edits here" in html and 'href="/recent-changes/">first page</a>' in html
    far_future = recent_changes.Position(timezone.now() + timedelta(days=365 * 1000), "drama", 1)
    assert entries(client, f"?after={far_future}") == []


def test_a_position_reads_back_as_itself():
    position = recent_changes.Position(timezone.now(), "person", 17)
    assert recent_changes.Position.parse(str(position)) == position


@pytest.mark.django_db
def test_draft_era_edits_and_drafts_never_appear(client):
    draft = make_article("Secret scoop", status=Article.Status.DRAFT, body="Draft text.")
    edit(draft, "body", "Second draft.")
    assert page_titles(entries(client)) == []

    draft.status = Article.Status.PUBLISHED
    published = edit(draft, "body", "Public text.", summary="Publish")

    items = entries(client)
    assert page_titles(items) == ["Secret scoop"]
    assert "“Publish”" in items[0]
    # The first public revision has no public predecessor to compare with.
    assert f'/articles/secret-scoop/history/{published.history_id}/">new page</a>' in items[0]
    assert "?from=" not in items[0]


@pytest.mark.django_db
def test_a_renamed_page_links_to_its_current_address(client):
    drama = make_drama("Queen of Tears", slug="queen-of-tear")
    drama.slug = "queen-of-tears"
    drama.save()
    for item in entries(client):
        assert 'href="/dramas/queen-of-tears/history/' in item
        assert "queen-of-tear/" not in item


def feed_entries(client, query=""):
    response = client.get(f"/feeds/recent-changes/{query}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content).findall("atom:entry", ATOM_NS)


@pytest.mark.django_db
def test_atom_feed_lists_the_newest_edits_with_links_and_summaries(client):
    drama = make_drama("Queen of Tears", synopsis="One.")
    at(drama.history.get(), 1)
    at(edit(drama, "synopsis", "Two.", summary="<b>Bold</b> claim & more"), 2)
    make_person("Kim Ji-won")

    newest, *rest = feed_entries(client)

    assert newest.find("atom:title", ATOM_NS).text == "Queen of Tears (Drama): changed by maintenance"
    link = newest.find("atom:link", ATOM_NS).get("href")
    assert link.startswith("http://testserver/dramas/queen-of-tears/history/diff/?from=")
    # The edit summary is plain text: escaped in the HTML summary, never markup.
    assert newest.find("atom:summary", ATOM_NS).text == "&lt;b&gt;Bold&lt;/b&gt; claim &amp; more"
    assert len(rest) == 2
    titles = [entry.find("atom:title", ATOM_NS).text for entry in feed_entries(client, "?kind=person")]
    assert titles == ["Kim Ji-won (Person): created by maintenance"]


@pytest.mark.django_db
def test_the_page_and_the_site_point_to_recent_changes_and_its_feed(client):
    make_drama("Queen of Tears")
    html = client.get("/").content.decode()
    assert 'href="/recent-changes/"' in html
    html = client.get("/recent-changes/?kind=drama").content.decode()
    assert (
        'type="application/atom+xml" title="FanWiki: recent changes" href="/feeds/recent-changes/?kind=drama"'
        in (html)
    )


def test_the_seeds_revisions_say_they_were_imported(client, seed):
    items = entries(client)
    assert len(items) == Drama.objects.count() + Person.objects.count() + Article.objects.published().count()
    for item in items:
        assert '<span class="revision__who">import</span>' in item
        assert "“Imported from the seed”" in item
