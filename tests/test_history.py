"""Page history: every change recorded (who, when, why) and the public history, revision and diff pages."""

import re
from html import unescape

import pytest
from django.core.management import call_command
from django.test import Client

from dramas.models import Credit, Drama
from fanwiki.models import Article
from people.models import Person
from tests.admin_forms import admin_form_data, change_url
from tests.factories import make_article, make_credit, make_drama, make_person


def history_url(page, suffix=""):
    kind = {Drama: "dramas", Person: "people", Article: "articles"}[type(page)]
    return f"/{kind}/{page.slug}/history/{suffix}"


def revisions(page):
    return list(page.history.order_by("history_date", "history_id"))


def latest(page):
    return revisions(page)[-1]


def text(response):
    assert response.status_code == 200, response.status_code
    return unescape(response.content.decode())


def make_article_page(**fields):
    return make_article("Casting news", body="First text.", **fields)


def make_drama_page(**fields):
    return make_drama("Queen of Tears", synopsis="First text.", **fields)


def make_person_page(**fields):
    return make_person("Kim Ji-won", biography="First text.", **fields)


PAGES = {
    "article": (make_article_page, "body"),
    "drama": (make_drama_page, "synopsis"),
    "person": (make_person_page, "biography"),
}


# Recording ---------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("kind", PAGES)
def test_changes_through_code_are_recorded(kind):
    make_page, text_field = PAGES[kind]
    page = make_page()
    assert [r.history_type for r in revisions(page)] == ["+"]

    setattr(page, text_field, "Second text.")
    page.save()

    records = revisions(page)
    assert [r.history_type for r in records] == ["+", "~"]
    assert [getattr(r, text_field) for r in records] == ["First text.", "Second text."]
    assert records[-1].history_user is None
    assert records[0].history_date < records[1].history_date

    page_id = page.pk
    page.delete()
    assert type(page).history.filter(id=page_id).latest("history_date").history_type == "-"


@pytest.mark.django_db
def test_credit_changes_through_code_are_recorded():
    credit = make_credit(make_drama("Queen of Tears"), make_person("Kim Ji-won"), character="Hong Hae-in")
    credit.character = "Hong Hae-in (older)"
    credit.save()
    assert [(r.history_type, r.character) for r in credit.history.order_by("history_date")] == [
        ("+", "Hong Hae-in"),
        ("~", "Hong Hae-in (older)"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", PAGES)
def test_admin_edit_records_the_editor_and_the_edit_summary(kind, editor, editor_client):
    make_page, text_field = PAGES[kind]
    page = make_page()
    url = change_url(page)
    data = admin_form_data(editor_client.get(url), **{text_field: "Better text.", "edit_summary": "Fix typo"})

    response = editor_client.post(url, data)

    assert response.status_code == 302
    records = revisions(page)
    assert len(records) == 2
    assert getattr(records[-1], text_field) == "Better text."
    assert records[-1].history_user == editor
    assert records[-1].history_change_reason == "Fix typo"


@pytest.mark.django_db
def test_admin_add_records_the_editor(editor, editor_client):
    form = editor_client.get("/admin/people/person/add/")
    data = admin_form_data(form, name="Lee Joo-bin", slug="lee-joo-bin", edit_summary="New page")
    data.pop("base_version")

    assert editor_client.post("/admin/people/person/add/", data).status_code == 302

    record = Person.objects.get(slug="lee-joo-bin").history.get()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "+",
        editor,
        "New page",
    )


@pytest.mark.django_db
def test_credit_added_in_the_drama_admin_is_recorded_and_listed(client, editor, editor_client):
    drama = make_drama_page()
    person = make_person("Kim Soo-hyun")
    form = editor_client.get(change_url(drama))
    data = admin_form_data(
        form,
        **{
            "credits-0-person": str(person.pk),
            "credits-0-kind": "lead",
            "credits-0-character": "Baek Hyun-woo",
        },
    )
    assert data["credits-TOTAL_FORMS"] == "1"

    assert editor_client.post(change_url(drama), data).status_code == 302

    credit = Credit.objects.get(drama=drama)
    record = credit.history.get()
    assert (record.history_type, record.history_user) == ("+", editor)
    html = text(client.get(history_url(drama)))
    assert "Changes to the cast and crew" in html
    assert re.search(r"Created: Kim Soo-hyun, Lead as Baek Hyun-woo\s*<span[^>]*>by an editor</span>", html)


@pytest.mark.django_db
def test_a_credit_edited_on_its_own_form_keeps_the_edit_summary(editor, editor_client):
    credit = make_credit(make_drama_page(), make_person("Kim Soo-hyun"), character="Baek Hyun-woo")
    url = change_url(credit)
    data = admin_form_data(
        editor_client.get(url), note="Sings an OST track too.", edit_summary="Added the OST"
    )

    assert editor_client.post(url, data).status_code == 302

    latest = credit.history.order_by("-history_date", "-history_id").first()
    assert (latest.note, latest.history_change_reason, latest.history_user) == (
        "Sings an OST track too.",
        "Added the OST",
        editor,
    )


# The public revision list -----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("kind", PAGES)
def test_history_page_lists_revisions_with_editor_and_summary(kind, client, editor_client):
    make_page, text_field = PAGES[kind]
    page = make_page()
    url = change_url(page)
    data = admin_form_data(
        editor_client.get(url), **{text_field: "Second.", "edit_summary": "Add cast notes"}
    )
    assert editor_client.post(url, data).status_code == 302

    html = text(client.get(history_url(page)))

    items = re.findall(r'<li class="revision">(.*?)</li>', html, re.S)
    assert len(items) == 2
    newest, oldest = items
    assert '<span class="revision__who">an editor</span>' in newest  # never the login name
    assert "“Add cast notes”" in newest
    assert '<span class="revision__who">maintenance</span>' in oldest  # saved by code, no user
    for record in revisions(page):
        assert f'href="{history_url(page, f"{record.history_id}/")}"' in html
    first, second = revisions(page)
    assert f"?from={first.history_id}&to={second.history_id}" in newest  # its "changes" link


@pytest.mark.django_db
def test_page_links_to_its_history(client):
    drama = make_drama_page()
    assert f'href="{history_url(drama)}"' in client.get(drama.get_absolute_url()).content.decode()


# One revision as it was -------------------------------------------------------------------------


@pytest.mark.django_db
def test_revision_page_shows_the_old_text_and_old_title(client, editor, editor_client):
    article = make_article("Old headline", body="The **old** text.")
    url = change_url(article)
    data = admin_form_data(
        editor_client.get(url), title="New headline", body="The new text.", edit_summary="Rewrite"
    )
    assert editor_client.post(url, data).status_code == 302
    first, second = revisions(article)

    html = text(client.get(history_url(article, f"{first.history_id}/")))
    assert "<h1>Old headline</h1>" in html
    assert "The <strong>old</strong> text." in html
    assert "The new text." not in html
    assert "by maintenance" in html

    html = text(client.get(history_url(article, f"{second.history_id}/")))
    assert "<h1>New headline</h1>" in html
    assert "The new text." in html
    assert "by an editor (“Rewrite”)" in html


@pytest.mark.django_db
def test_revision_of_another_page_is_not_found(client):
    one, other = make_drama("One"), make_drama("Other")
    other_revision = latest(other)
    assert client.get(history_url(one, f"{other_revision.history_id}/")).status_code == 404
    assert client.get(history_url(one, "999999/")).status_code == 404
    assert client.get(history_url(one, "99999999999999999999999/")).status_code == 404


# Diffs -------------------------------------------------------------------------------------------


def diff_page(client, page, old=None, new=None):
    query = {} if old is None else {"from": old.history_id, "to": new.history_id}
    return text(client.get(history_url(page, "diff/"), query))


def diff_lines(html, kind):
    """The full text of each added or removed line, whether whole-line or word-level marked."""
    tag = {"added": "ins", "removed": "del"}[kind]
    pattern = rf'<li class="diff__line diff__line--{kind}"><span[^>]*>{kind}: </span>(.*?)</li>'
    lines = re.findall(pattern, html)
    assert all(f"<{tag}>" in line for line in lines), f"a {kind} line without <{tag}> marks"
    return [re.sub(rf"</?{tag}>", "", line) for line in lines]


@pytest.mark.django_db
def test_diff_marks_added_and_removed_lines_and_changed_fields(client):
    article = make_article("Old headline", body="Line one\nLine two\nLine three")
    article.title = "New headline"
    article.body = "Line one\nLine 2, rewritten\nLine three\nLine four"
    article.save()
    first, second = revisions(article)

    html = diff_page(client, article, first, second)

    assert diff_lines(html, "removed") == ["Line two"]
    assert diff_lines(html, "added") == ["Line 2, rewritten", "Line four"]
    assert '<li class="diff__line diff__line--same">Line one</li>' in html
    assert "<dt>Title</dt><dd><del>Old headline</del> → <ins>New headline</ins></dd>" in html
    assert "<dt>Slug</dt>" not in html  # unchanged fields are not listed


@pytest.mark.django_db
def test_diff_in_either_order_compares_older_to_newer(client):
    drama = make_drama("Queen of Tears", synopsis="Before")
    drama.synopsis = "After"
    drama.save()
    first, second = revisions(drama)

    html = diff_page(client, drama, second, first)

    assert diff_lines(html, "removed") == ["Before"]
    assert diff_lines(html, "added") == ["After"]


@pytest.mark.django_db
def test_diff_compares_any_two_revisions(client):
    person = make_person("Kim Ji-won", biography="v1")
    for body in ("v2", "v3", "v4"):
        person.biography = body
        person.save()
    records = revisions(person)

    html = diff_page(client, person, records[0], records[2])

    assert diff_lines(html, "removed") == ["v1"]
    assert diff_lines(html, "added") == ["v3"]


@pytest.mark.django_db
def test_diff_without_parameters_shows_the_latest_change(client):
    article = make_article_page()
    article.body = "Second text."
    article.save()
    html = diff_page(client, article)
    assert diff_lines(html, "removed") == ["First text."]
    assert diff_lines(html, "added") == ["Second text."]


BAD_QUERIES = [
    {},
    {"from": "abc", "to": "xyz"},
    {"from": "0", "to": "-1"},
    {"from": "1"},
    {"to": "1"},
    {"from": "", "to": ""},
    {"from": "1.5", "to": "2e3"},
    {"from": "999998", "to": "999999"},
    {"from": "1", "to": "1"},
    {"from": "<script>", "to": "'; DROP TABLE x;--"},
    {"from": "99999999999999999999999", "to": "1"},
]


@pytest.mark.django_db
@pytest.mark.parametrize("query", BAD_QUERIES, ids=lambda query: repr(query))
def test_diff_with_bad_or_missing_revisions_is_a_normal_page(query):
    article = make_article_page()  # a single revision: nothing to compare by default
    reader = Client(raise_request_exception=False)
    response = reader.get(history_url(article, "diff/"), query)
    assert response.status_code == 200
    assert "Changes to Casting news" in response.content.decode()


@pytest.mark.django_db
def test_diff_with_revisions_of_another_page_compares_nothing(client):
    one = make_article("One", body="Text of one")
    other = make_article("Other", body="Text of other")
    other.body = "Other changed"
    other.save()
    first, second = revisions(other)
    html = diff_page(client, one, first, second)
    assert "Text of other" not in html
    assert "Other changed" not in html
    assert "Pick two revisions" in html


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["dramas", "people", "articles"])
@pytest.mark.parametrize("suffix", ["", "1/", "diff/", "diff/?from=1&to=2"])
def test_unknown_slugs_are_not_found(client, kind, suffix):
    assert client.get(f"/{kind}/no-such-page/history/{suffix}").status_code == 404


# Drafts -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_draft_articles_history_is_not_public(client):
    draft = make_article("Scoop", status=Article.Status.DRAFT, body="Secret draft text.")
    record = latest(draft)
    assert client.get(history_url(draft)).status_code == 404
    assert client.get(history_url(draft, f"{record.history_id}/")).status_code == 404
    assert client.get(history_url(draft, "diff/")).status_code == 404


@pytest.mark.django_db
def test_draft_era_revisions_stay_hidden_after_publishing(client):
    article = make_article("Scoop", status=Article.Status.DRAFT, body="Secret draft text.")
    article.body = "Second secret draft."
    article.save()
    article.body = "Public text."
    article.status = Article.Status.PUBLISHED
    article.save()
    article.body = "Public text, corrected."
    article.save()
    draft_one, draft_two, published, corrected = revisions(article)

    html = text(client.get(history_url(article)))
    assert len(re.findall(r'<li class="revision">', html)) == 2
    assert f"/{draft_one.history_id}/" not in html
    assert f"/{draft_two.history_id}/" not in html
    for record in (draft_one, draft_two):
        assert client.get(history_url(article, f"{record.history_id}/")).status_code == 404

    html = diff_page(client, article, draft_one, corrected)
    assert "secret" not in html.lower()

    # Comparing the first public revision with the next is fine, and shows no draft text either.
    html = diff_page(client, article)
    assert diff_lines(html, "removed") == ["Public text."]
    assert "secret" not in html.lower()
    assert f"?from={published.history_id}&to={corrected.history_id}" in text(client.get(history_url(article)))


# The seed ----------------------------------------------------------------------------------------


SEED_MODELS = [Drama, Person, Article, Credit]


def test_loading_the_seed_gives_each_page_one_first_revision(client, seed):
    for model in SEED_MODELS:
        objects = list(model.objects.all())
        assert objects
        for obj in objects:
            (record,) = obj.history.all()
            assert record.history_change_reason == "Imported from the seed"
            assert record.history_user is None

    html = text(client.get("/dramas/queen-of-tears/history/"))
    assert "“Imported from the seed”" in html
    assert '<span class="revision__who">import</span>' in html
    assert "maintenance" not in html  # a loaded revision says what made it
    assert "Changes to the cast and crew" in html


def test_loading_the_seed_twice_adds_no_revision(seed):
    counts = {model: model.history.count() for model in SEED_MODELS}
    call_command("loaddata", "seed", verbosity=0)
    assert {model: model.history.count() for model in SEED_MODELS} == counts


def test_reloading_the_seed_over_an_edit_is_recorded(seed):
    drama = Drama.objects.get(slug="queen-of-tears")
    original = drama.synopsis
    drama.synopsis = "Vandalised."
    drama.save()

    call_command("loaddata", "seed", verbosity=0)

    drama.refresh_from_db()
    assert drama.synopsis == original
    assert [r.history_change_reason for r in revisions(drama)] == [
        "Imported from the seed",
        None,
        "Imported from the seed",
    ]
    assert Drama.objects.get(slug="my-love-from-the-star").history.count() == 1
