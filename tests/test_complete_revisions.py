"""Complete revisions: a page's tags and a drama's credits are part of each revision, in diffs and reverts."""

import re
from html import unescape

import pytest
from django.core.management import call_command

from dramas.models import Credit, Drama
from fanwiki.models import Article, RevisionSnapshot
from fanwiki.pages import kind_of
from people.models import Person
from tests.admin_forms import admin_form_data, change_url
from tests.factories import make_article, make_credit, make_drama, make_person


def revisions(page):
    return list(page.history.order_by("history_date", "history_id"))


def snapshot(page, record):
    return RevisionSnapshot.objects.get(kind=kind_of(page).name, history_id=record.history_id)


def tags_of(page, record):
    return snapshot(page, record).tags


def credits_of(page, record):
    return [(c["person_name"], c["kind"], c["character"]) for c in snapshot(page, record).credits]


def history_url(page, suffix=""):
    return f"/{kind_of(page).segment}/{page.slug}/history/{suffix}"


def diff_html(client, page, old, new):
    response = client.get(history_url(page, "diff/"), {"from": old.history_id, "to": new.history_id})
    assert response.status_code == 200
    return unescape(response.content.decode())


def section(html, heading):
    match = re.search(rf'<h2 id="[^"]+">{heading}</h2>(.*?)</section>', html, re.S)
    if match is None:
        return {"added": [], "removed": []}
    body = match.group(1)
    return {
        "added": re.findall(r"<ins>(.*?)</ins>", body),
        "removed": re.findall(r"<del>(.*?)</del>", body),
    }


def revert_url(page, record):
    opts = page._meta
    return f"/admin/{opts.app_label}/{opts.model_name}/{page.pk}/history/{record.history_id}/"


def revert(client, page, record):
    form = client.get(revert_url(page, record))
    response = client.post(revert_url(page, record), admin_form_data(form))
    assert response.status_code == 302, response.content.decode()[:2000]
    return form


@pytest.fixture
def drama(after_commit):
    """Queen of Tears with two credits and a tag, saved and committed: later writes are edits of their own."""
    with after_commit():
        drama = make_drama("Queen of Tears", synopsis="First.", tags=["tvN"])
        make_credit(drama, make_person("Kim Soo-hyun"), character="Baek Hyun-woo", billing_order=1)
        make_credit(drama, make_person("Kim Ji-won"), character="Hong Hae-in", billing_order=2)
    return drama


# Recording ---------------------------------------------------------------------------------------


def test_a_new_page_records_its_tags_and_credits_in_its_first_revision(drama):
    (first,) = revisions(drama)
    assert tags_of(drama, first) == ["Queen of Tears", "tvN"]  # its subject tag, and the one given
    assert credits_of(drama, first) == [
        ("Kim Soo-hyun", "lead", "Baek Hyun-woo"),
        ("Kim Ji-won", "lead", "Hong Hae-in"),
    ]


def test_the_seed_records_tags_and_credits_with_each_imported_revision(seed):
    queen = Drama.objects.get(slug="queen-of-tears")
    (first,) = revisions(queen)
    assert first.history_change_reason == "Imported from the seed"
    assert set(tags_of(queen, first)) == set(queen.tags.values_list("name", flat=True))
    assert len(credits_of(queen, first)) == queen.credits.count() == 9
    kim = Person.objects.get(slug="kim-soo-hyun")
    assert set(tags_of(kim, revisions(kim)[0])) == {"Kim Soo-hyun", "OST"}


def test_reloading_the_seed_over_a_removed_tag_restores_it_as_an_imported_revision(seed, after_commit):
    queen = Drama.objects.get(slug="queen-of-tears")
    with after_commit():
        queen.tags.remove("tvN")
    removed = revisions(queen)[-1]
    assert "tvN" not in tags_of(queen, removed)

    with after_commit():
        call_command("loaddata", "seed", verbosity=0)

    restored = revisions(queen)[-1]
    assert restored.history_change_reason == "Imported from the seed"
    assert "tvN" in tags_of(queen, restored)
    with after_commit():
        call_command("loaddata", "seed", verbosity=0)
    assert revisions(queen)[-1] == restored  # nothing differs: no revision


def test_an_admin_edit_of_tags_and_credits_is_one_revision(client, drama, editor, editor_client):
    newcomer = make_person("Park Seong-hoon")
    url = change_url(drama)
    data = admin_form_data(
        editor_client.get(url),
        tags="tvN, Romance",
        **{
            "credits-2-person": str(newcomer.pk),
            "credits-2-kind": "cast",
            "credits-2-character": "Yoon Eun-seong",
            "credits-2-billing_order": "3",
            "edit_summary": "Cast and tags",
        },
    )
    assert editor_client.post(url, data).status_code == 302

    first, second = revisions(drama)
    assert (second.history_user, second.history_change_reason) == (editor, "Cast and tags")
    assert tags_of(drama, second) == ["Queen of Tears", "Romance", "tvN"]
    assert ("Park Seong-hoon", "cast", "Yoon Eun-seong") in credits_of(drama, second)

    html = diff_html(client, drama, first, second)
    assert section(html, "Tags") == {"added": ["Romance"], "removed": []}
    assert section(html, "Cast and crew") == {
        "added": ["Park Seong-hoon, Cast as Yoon Eun-seong"],
        "removed": [],
    }


def test_a_tag_change_on_its_own_is_a_revision_of_its_own(client, after_commit):
    with after_commit():
        article = make_article("Casting news", body="Text.", tags=["Casting"])
    with after_commit():
        article.tags.add("Queen of Tears")
        article.tags.remove("Casting")
    first, second = revisions(article)
    assert (second.history_type, second.history_change_reason) == ("~", "Tags changed")
    assert tags_of(article, second) == ["Queen of Tears"]
    html = diff_html(client, article, first, second)
    assert section(html, "Tags") == {"added": ["Queen of Tears"], "removed": ["Casting"]}
    assert "The text is the same in both revisions." in html
    # Recent changes lists it like any edit.
    assert "“Tags changed”" in unescape(client.get("/recent-changes/").content.decode())


def test_a_credit_changed_on_its_own_is_a_drama_revision_by_its_editor(client, drama, editor, editor_client):
    credit = Credit.objects.get(drama=drama, character="Hong Hae-in")
    url = f"/admin/dramas/credit/{credit.pk}/change/"
    data = admin_form_data(editor_client.get(url), character="Hong Hae-in (older)")
    assert editor_client.post(url, data).status_code == 302

    first, second = revisions(drama)
    assert (second.history_change_reason, second.history_user) == ("Cast and crew changed", editor)
    html = diff_html(client, drama, first, second)
    assert section(html, "Cast and crew") == {
        "added": ["Kim Ji-won, Lead as Hong Hae-in (older)"],
        "removed": ["Kim Ji-won, Lead as Hong Hae-in"],
    }


def test_a_write_that_changes_nothing_makes_no_revision(drama, after_commit):
    with after_commit():
        drama.tags.add("tvN")  # already there
        credit = Credit.objects.get(drama=drama, character="Hong Hae-in")
        credit.save()
    assert len(revisions(drama)) == 1


def test_deleting_a_page_makes_no_revision_for_the_tags_and_credits_it_loses(drama, after_commit):
    drama_id = drama.pk
    with after_commit():
        drama.delete()
    assert [r.history_type for r in Drama.history.filter(id=drama_id).order_by("history_id")] == ["+", "-"]


def test_deleting_a_person_is_a_cast_change_of_their_dramas(drama, after_commit):
    with after_commit():
        Person.objects.get(name="Kim Ji-won").delete()
    last = revisions(drama)[-1]
    assert last.history_change_reason == "Cast and crew changed"
    assert credits_of(drama, last) == [("Kim Soo-hyun", "lead", "Baek Hyun-woo")]


def test_an_old_revision_shows_the_tags_and_credits_it_had(client, drama, after_commit):
    with after_commit():
        drama.tags.add("Romance")
        Credit.objects.filter(character="Hong Hae-in").delete()
    first = revisions(drama)[0]
    html = unescape(client.get(history_url(drama, f"{first.history_id}/")).content.decode())
    assert re.findall(
        r"<li>(.*?)</li>", html.split("Cast and crew in this revision")[1].split("</ul>")[0]
    ) == [
        "Kim Soo-hyun, Lead as Baek Hyun-woo",
        "Kim Ji-won, Lead as Hong Hae-in",
    ]
    assert "Romance" not in html.split("Tags in this revision")[1]


def test_revisions_from_before_tags_were_recorded_say_so(client, drama, after_commit):
    with after_commit():
        drama.synopsis = "Second."
        drama.save()
    first, second = revisions(drama)
    RevisionSnapshot.objects.filter(history_id=first.history_id).delete()
    html = diff_html(client, drama, first, second)
    assert "saved before FanWiki recorded tags and credits" in html


# Reverting ---------------------------------------------------------------------------------------


def test_revert_restores_the_tags(client, editor_client, after_commit):
    with after_commit():
        article = make_article("Casting news", body="Text.", tags=["Casting", "Queen of Tears"])
    with after_commit():
        article.body = "Vandalised."
        article.save()
        article.tags.set(["Spam"])
    original = revisions(article)[0]

    form = revert(editor_client, article, original)

    assert (
        admin_form_data(form)["tags"] == '"Queen of Tears", Casting'
    )  # the revision's, as taggit writes them
    assert sorted(article.tags.values_list("name", flat=True)) == ["Casting", "Queen of Tears"]
    newest = revisions(article)[-1]
    assert newest.history_change_reason == f"Reverted to revision {original.history_id}"
    assert tags_of(article, newest) == ["Casting", "Queen of Tears"]
    html = diff_html(client, article, revisions(article)[-2], newest)
    assert section(html, "Tags") == {"added": ["Casting", "Queen of Tears"], "removed": ["Spam"]}


def test_revert_brings_the_credits_back(drama, editor_client, after_commit):
    with after_commit():
        Credit.objects.filter(character="Hong Hae-in").delete()
        lead = Credit.objects.get(character="Baek Hyun-woo")
        lead.character, lead.note = "Someone else", "Wrong"
        lead.save()
        make_credit(drama, make_person("Vandal"), character="Nobody")
    original = revisions(drama)[0]

    form = revert(editor_client, drama, original)

    assert "Kim Ji-won, Lead as Hong Hae-in" in unescape(form.content.decode())  # shown before saving
    assert sorted(Credit.objects.filter(drama=drama).values_list("person__name", "character", "note")) == [
        ("Kim Ji-won", "Hong Hae-in", ""),
        ("Kim Soo-hyun", "Baek Hyun-woo", ""),
    ]
    newest = revisions(drama)[-1]
    assert newest.history_change_reason == f"Reverted to revision {original.history_id}"
    assert credits_of(drama, newest) == credits_of(drama, original)
    assert len(revisions(drama)) == 3  # the credit changes, then the revert: one revision each


def test_revert_leaves_out_people_deleted_since(drama, editor_client, after_commit):
    original = revisions(drama)[0]
    with after_commit():
        Person.objects.get(name="Kim Ji-won").delete()
    revert(editor_client, drama, original)
    assert list(Credit.objects.filter(drama=drama).values_list("character", flat=True)) == ["Baek Hyun-woo"]


def test_revert_of_a_revision_without_a_snapshot_keeps_tags_and_credits(drama, editor_client, after_commit):
    original = revisions(drama)[0]
    RevisionSnapshot.objects.filter(history_id=original.history_id).delete()
    with after_commit():
        drama.tags.add("Romance")
    form = revert(editor_client, drama, original)
    assert "they stay as they are now" in form.content.decode()
    assert "Romance" in drama.tags.values_list("name", flat=True)
    assert Credit.objects.filter(drama=drama).count() == 2


def test_a_failed_revert_changes_nothing(drama, editor_client, after_commit):
    with after_commit():
        Credit.objects.filter(character="Hong Hae-in").delete()
    original = revisions(drama)[0]
    form = editor_client.get(revert_url(drama, original))
    data = admin_form_data(form, title="")  # the title is required: the form is refused
    response = editor_client.post(revert_url(drama, original), data)
    assert response.status_code == 200
    assert Credit.objects.filter(drama=drama).count() == 1
    assert len(revisions(drama)) == 2


def test_an_existing_wiki_gets_its_latest_revisions_snapshotted_by_the_migration(seed):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("fanwiki.migrations.0009_snapshot_latest_revisions")
    queen = Drama.objects.get(slug="queen-of-tears")
    RevisionSnapshot.objects.all().delete()  # as before snapshots existed

    migration.snapshot_latest_revisions(apps, None)

    (first,) = revisions(queen)
    assert set(tags_of(queen, first)) == set(queen.tags.values_list("name", flat=True))
    assert len(credits_of(queen, first)) == 9
    assert (
        RevisionSnapshot.objects.count()
        == Drama.objects.count() + Person.objects.count() + Article.objects.count()
    )
