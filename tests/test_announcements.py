"""Every kind of write announces, after commit, exactly the pages and dependency keys it changed."""

import pytest
from django.core.management import call_command
from django.db import transaction

from dramas.models import Credit
from fanwiki.changes import pages_changed
from fanwiki.pages import PageRef
from people.models import AlternativeName
from tests.admin_forms import admin_form_data, change_url
from tests.factories import make_article, make_credit, make_drama, make_person


@pytest.fixture
def announced(after_commit):
    """Collects the PageChanges sent after commit; `announced.pages` / `.keys` merge them all."""

    class Announced(list):
        @property
        def pages(self):
            return set().union(*(changes.pages for changes in self))

        @property
        def deleted(self):
            return set().union(*(changes.deleted for changes in self))

        @property
        def keys(self):
            return set().union(*(changes.keys for changes in self))

    received = Announced()

    def receiver(changes, **kwargs):
        received.append(changes)

    pages_changed.connect(receiver, dispatch_uid="test-announced")
    yield received
    pages_changed.disconnect(dispatch_uid="test-announced")


def ref(page):
    return PageRef(type(page).__name__.lower(), page.pk)


@pytest.fixture
def wiki(after_commit):
    """A drama with two credited people, an article tagged with the drama, and one linking to it."""
    with after_commit():
        drama = make_drama("Queen of Tears")
        kim, hong = make_person("Kim Soo-hyun"), make_person("Kim Ji-won")
        make_credit(drama, kim, character="Baek Hyun-woo")
        make_credit(drama, hong, character="Hong Hae-in")
        tagged = make_article("Ratings news", tags=["Queen of Tears"])
        linking = make_article("Review", body="We loved [[Queen of Tears]].")
    return drama, kim, hong, tagged, linking


def tag_id(name):
    from taggit.models import Tag

    return Tag.objects.get(name=name).pk


def test_editing_a_drama_synopsis_changes_only_its_own_page(wiki, announced, after_commit):
    drama = wiki[0]
    drama.synopsis = "A marriage in crisis."
    with after_commit():
        drama.save()
    assert announced.pages == {ref(drama)}
    assert announced.keys == {f"page:drama:{drama.pk}"}


def test_renaming_a_drama_changes_its_people_lists_tags_and_linking_pages(wiki, announced, after_commit):
    drama, kim, hong, tagged, linking = wiki
    old_tag = tag_id("Queen of Tears")
    drama.title = "Queen of Tears (2024)"
    with after_commit():
        drama.save()
    new_tag = tag_id("Queen of Tears (2024)")
    # Its credited people list its title; the linking article's [[Queen of Tears]] went red (re-rendered).
    assert announced.pages == {ref(drama), ref(kim), ref(hong), ref(linking)}
    assert {"list:drama", "home", "tags", f"tag:{old_tag}", f"tag:{new_tag}"} <= announced.keys
    # The article tagged with the old name lost nothing: the tag is the article's, only the drama left it.
    assert f"page:article:{tagged.pk}" not in announced.keys


def test_tagging_an_article_changes_the_tag_page_and_sidebars(wiki, announced, after_commit):
    drama, kim, hong, tagged, linking = wiki
    with after_commit():
        linking.tags.add("Queen of Tears")
    qot = tag_id("Queen of Tears")
    assert announced.pages == {ref(linking)}
    assert announced.keys == {f"page:article:{linking.pk}", f"tag:{qot}", f"sidebar:{qot}", "tags", "home"}


def test_a_credit_changes_the_drama_the_person_and_their_co_workers(wiki, announced, after_commit):
    drama, kim, hong, *_ = wiki
    newcomer = make_person("Park Seong-hoon")
    announced.clear()
    with after_commit():
        credit = make_credit(drama, newcomer, kind=Credit.Kind.CAST, character="Yoon Eun-seong")
    # Kim Soo-hyun's and Kim Ji-won's "worked with" lists gain the newcomer.
    assert announced.pages == {ref(drama), ref(newcomer), ref(kim), ref(hong)}
    announced.clear()
    with after_commit():
        credit.delete()
    assert announced.pages == {ref(drama), ref(newcomer), ref(kim), ref(hong)}


def test_renaming_a_person_changes_their_dramas_and_co_workers(wiki, announced, after_commit):
    drama, kim, hong, *_ = wiki
    with after_commit():
        elsewhere = make_person("Jun Ji-hyun")
        make_credit(make_drama("My Love from the Star"), elsewhere)
    announced.clear()
    kim.name = "Kim Soo-hyun (actor)"
    with after_commit():
        kim.save()
    # Queen of Tears lists him in its cast, Kim Ji-won under "worked with"; Jun Ji-hyun shares nothing.
    assert {ref(kim), ref(drama), ref(hong)} <= announced.pages
    assert ref(elsewhere) not in announced.pages


def test_a_new_spelling_changes_the_person_and_pages_linking_to_it(after_commit, announced):
    with after_commit():
        person = make_person("Park Seong-hoon")
        linking = make_article("News", body="[[Park Sung-hoon]] joins.")
    announced.clear()
    with after_commit():
        AlternativeName.objects.create(person=person, name="Park Sung-hoon")
    assert announced.pages == {ref(person), ref(linking)}


def test_publishing_an_article_changes_lists_tags_and_sidebars(after_commit, announced):
    with after_commit():
        draft = make_article("Big reveal", status="draft", tags=["Queen of Tears"])
    announced.clear()
    draft.status = "published"
    with after_commit():
        draft.save()
    qot = tag_id("Queen of Tears")
    assert announced.pages == {ref(draft)}
    assert {"list:article", "home", f"tag:{qot}", f"sidebar:{qot}"} <= announced.keys


def test_deleting_a_person_announces_the_deletion_and_their_dramas(wiki, announced, after_commit):
    drama, kim, *_ = wiki
    kim_ref = ref(kim)
    with after_commit():
        kim.delete()
    assert announced.deleted == {kim_ref}
    assert ref(drama) in announced.pages
    assert kim_ref not in announced.pages


def test_a_rolled_back_write_announces_nothing_and_fans_out_to_nothing(wiki, announced, after_commit):
    drama, *_, linking = wiki
    html_before = type(linking).objects.get(pk=linking.pk).body_html
    with after_commit(), pytest.raises(RuntimeError), transaction.atomic():
        drama.title = "Something Else"
        drama.save()
        raise RuntimeError("editor's request failed")
    assert announced == []
    assert type(linking).objects.get(pk=linking.pk).body_html == html_before


def test_one_transaction_sends_one_announcement(after_commit, announced):
    with after_commit(), transaction.atomic():
        drama = make_drama("Queen of Tears")
        make_credit(drama, make_person("Kim Ji-won"))
        drama.tags.add("Romance")
    assert len(announced) == 1


def test_loading_the_seed_announces_every_seeded_page(db, announced, after_commit):
    with after_commit():
        call_command("loaddata", "seed", verbosity=0)

    from dramas.models import Drama
    from fanwiki.models import Article
    from people.models import Person

    expected = {PageRef("drama", pk) for pk in Drama.objects.values_list("pk", flat=True)}
    expected |= {PageRef("person", pk) for pk in Person.objects.values_list("pk", flat=True)}
    expected |= {PageRef("article", pk) for pk in Article.objects.values_list("pk", flat=True)}
    assert announced.pages == expected


def test_a_rename_linked_from_many_pages_finishes_after_the_response(after_commit, monkeypatch):
    from django.core.signals import request_finished
    from django.db import close_old_connections

    from fanwiki import links

    monkeypatch.setattr(links, "RERENDER_BATCH_SIZE", 2)
    with after_commit():
        linking = [make_article(f"Review {n}", body="[[Future Drama]]") for n in range(5)]
    monkeypatch.setattr(links._queue, "in_request", True)
    with after_commit():
        make_drama("Future Drama")

    def blue_count():
        bodies = type(linking[0]).objects.filter(pk__in=[a.pk for a in linking]).values_list("body_html")
        return sum('class="wikilink"' in body for (body,) in bodies)

    # During the request only the first batch was done; the editor's response is not held up.
    assert blue_count() == 2
    # As Django's test client does: the response is finished, but the test's connection stays open.
    request_finished.disconnect(close_old_connections)
    try:
        with after_commit():
            request_finished.send(sender=None)
    finally:
        request_finished.connect(close_old_connections)
    assert blue_count() == 5


def test_an_admin_save_with_an_inline_credit_announces_the_credited_person(
    wiki, announced, editor_client, after_commit
):
    drama, kim, hong, *_ = wiki
    url = change_url(drama)
    data = admin_form_data(editor_client.get(url), **{"credits-0-character": "Baek Hyun-woo (older)"})
    with after_commit():
        response = editor_client.post(url, data)
    assert response.status_code == 302
    # Kim Ji-won's "worked with" shows Kim Soo-hyun's role in the drama.
    assert {ref(drama), ref(kim), ref(hong)} <= announced.pages
