"""Journeys through the wiki as a fan and as editors would make them, clicking through real pages."""

import re

from fanwiki.models import Article
from tests.browser.tools import Browsing, expect
from tests.factories import make_article, make_editor

PASSWORD = "a-long-test-password-1"


def heading(page):
    return page.locator("h1").inner_text()


def test_fan_goes_from_home_through_drama_person_article_tag_and_search_to_links(browsing):
    page = browsing.open("/")
    page.locator("#dramas-heading + ul").get_by_role("link", name="Queen of Tears").click()
    page.wait_for_url("**/dramas/queen-of-tears/")
    assert heading(page).startswith("Queen of Tears")

    page.locator(".cast-table").get_by_role("link", name="Kim Ji-won", exact=True).click()
    page.wait_for_url("**/people/kim-ji-won/")
    assert heading(page).startswith("Kim Ji-won")

    related = page.locator(".related-articles li a").first
    title = related.inner_text()
    related.click()
    page.wait_for_url("**/articles/*/")
    assert heading(page).startswith(title)

    tag = page.locator(".tag-list a.tag").first
    tag_name = tag.inner_text()
    tag.click()
    assert heading(page) == f"Tagged “{tag_name}”"
    assert page.locator("main").get_by_role("link", name=title).count() == 1  # the article carries it

    page.get_by_role("searchbox", name="Search the wiki").fill("kim ji won")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=kim\+ji\+won$"))
    page.locator(".search-results").get_by_role("link", name="Kim Ji-won", exact=True).click()
    page.wait_for_url("**/people/kim-ji-won/")

    page.get_by_role("searchbox", name="Search the wiki").fill("soundtrack")
    page.get_by_role("button", name="Search").click()
    page.locator(".search-results").get_by_role("link", name="Kim Soo-hyun sings").first.click()
    prose = page.locator(".prose")
    prose.locator("a.wikilink", has_text="Queen of Tears").first.click()
    page.wait_for_url("**/dramas/queen-of-tears/")
    page.go_back()
    browsing.expect_missing("/missing/?title=Daily+Sports")  # where red links lead: a 404 page
    prose.locator("a.redlink", has_text="Daily Sports").click()
    page.wait_for_url(re.compile(r"/missing/\?title=Daily\+Sports$"))
    assert "Daily Sports" in heading(page)
    browsing.assert_clean()


def log_in(page, username):
    page.goto("/admin/login/?next=/admin/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")


def test_editor_adds_a_tagged_article_that_fans_see_in_the_right_sidebars(chromium, browsing, site):
    make_editor("mina", PASSWORD)
    page = browsing.page
    log_in(page, "mina")
    page.goto("/admin/fanwiki/article/add/")
    page.get_by_label("Title:", exact=True).press_sequentially("Kim Ji-won starts filming her next drama")
    assert page.get_by_label("Slug:", exact=True).input_value() == "kim-ji-won-starts-filming-her-next-drama"
    page.get_by_label("Summary:", exact=True).fill("Filming began this week.")
    page.get_by_label("Body:", exact=True).fill("After [[Queen of Tears]], filming of her next drama began.")
    page.get_by_label("Tags:", exact=True).fill("Kim Ji-won, interview")
    page.get_by_label("Status:", exact=True).select_option(label="Published")
    page.get_by_role("button", name="Save", exact=True).first.click()
    expect(page.locator(".messagelist .success")).to_have_count(1)

    title = "Kim Ji-won starts filming her next drama"
    with Browsing(chromium, site) as fan:
        for path in ("/people/kim-ji-won/", "/articles/kim-ji-won-cosmopolitan-interview/"):
            sidebar = fan.open(path).locator(".related-articles")
            assert sidebar.get_by_role("link", name=title).count() == 1, path
        sidebar = fan.open("/dramas/my-love-from-the-star/").locator(".related-articles")
        assert sidebar.get_by_role("link", name=title).count() == 0  # shares no tag with it
        fan.open("/tags/interview/").get_by_role("link", name=title).click()
        fan.page.wait_for_url("**/articles/kim-ji-won-starts-filming-her-next-drama/")
        fan.assert_clean()


def test_edit_conflict_in_two_browsers_keeps_the_second_editors_text(chromium, site):
    article = make_article("Casting news", body="Original text.")
    make_editor("alice", PASSWORD)
    make_editor("bob", PASSWORD)
    change_form = f"/admin/fanwiki/article/{article.pk}/change/"
    with Browsing(chromium, site) as alice, Browsing(chromium, site) as bob:
        for editor, name in ((alice, "alice"), (bob, "bob")):
            log_in(editor.page, name)
            editor.page.goto(change_form)  # both open the same version

        alice.page.get_by_label("Body:", exact=True).fill("Alice's text.")
        alice.page.get_by_role("button", name="Save", exact=True).first.click()
        expect(alice.page.locator(".messagelist .success")).to_have_count(1)

        bob.page.get_by_label("Body:", exact=True).fill("Bob's text, written meanwhile.")
        bob.page.get_by_role("button", name="Save", exact=True).first.click()
        conflict = bob.page.locator(".edit-conflict")
        expect(conflict).to_be_visible()
        assert re.search(r"alice saved this page", conflict.inner_text())
        assert conflict.locator(".edit-conflict-theirs").inner_text() == "Alice's text."
        assert bob.page.get_by_label("Body:", exact=True).input_value() == "Bob's text, written meanwhile."
        article.refresh_from_db()
        assert article.body == "Alice's text."  # nothing overwritten yet

        bob.page.get_by_role("button", name="Save", exact=True).first.click()  # after reading both
        expect(bob.page.locator(".messagelist .success")).to_have_count(1)
    article.refresh_from_db()
    assert article.body == "Bob's text, written meanwhile."
    assert [r.body for r in Article.history.filter(id=article.pk).order_by("history_date")] == [
        "Original text.",
        "Alice's text.",
        "Bob's text, written meanwhile.",
    ]
