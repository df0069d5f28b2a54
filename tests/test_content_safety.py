"""Content that cannot attack readers: feed summaries are text, public history names no login, links
that leave the site are marked, only wiki links look like wiki links, stored HTML is cleaned on output."""

import xml.etree.ElementTree as ET
from html import unescape

import markdown
import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from dramas.models import Drama
from fanwiki import markup
from fanwiki.markup import render_markdown, sanitize_html
from fanwiki.models import Article
from tests.factories import make_article, make_drama
from tests.html_elements import elements, without_json_ld

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE_SUMMARY = 'Cast news <img src="x" onerror="alert(1)"> & <b>more</b>'


def links(html):
    return [element for element in elements(html) if element["tag"] == "a"]


# The Atom feed


def test_a_summary_holding_markup_reaches_feed_readers_as_text(client, db):
    make_article("Casting news", summary=HOSTILE_SUMMARY)
    response = client.get("/feeds/articles/")
    assert response.status_code == 200
    feed = ET.fromstring(response.content)
    (entry,) = feed.findall(f"{ATOM}entry")
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    # What a feed reader renders as HTML holds no element, and shows the editor's text as typed.
    assert elements(summary.text) == []
    assert unescape(summary.text) == HOSTILE_SUMMARY


# Public history: display names, never logins


def save_as(page, user, text):
    page.body = text
    page._history_user = user
    page.save()


@pytest.fixture
def article_edited_by_staff(db):
    users = get_user_model().objects
    admin = users.create_superuser("root-admin-login", "root@example.org", "a-long-test-password-1")
    named = users.create_user("mk-login", password="a-long-test-password-1", is_staff=True)
    named.first_name, named.last_name = "Min-ji", "Kim"
    named.save()
    article = make_article("Casting news", body="First text.")
    save_as(article, admin, "Second text.")
    save_as(article, named, "Third text.")
    return article


def test_history_list_names_editors_by_display_name_only(client, article_edited_by_staff):
    html = unescape(client.get(f"/articles/{article_edited_by_staff.slug}/history/").content.decode())
    assert "root-admin-login" not in html and "mk-login" not in html
    assert '<span class="revision__who">an editor</span>' in html  # the superuser, who has no name
    assert '<span class="revision__who">Min-ji Kim</span>' in html


def test_revision_page_names_the_editor_by_display_name_only(client, article_edited_by_staff):
    article = article_edited_by_staff
    for revision in article.history.exclude(history_user=None):
        url = f"/articles/{article.slug}/history/{revision.history_id}/"
        html = unescape(client.get(url).content.decode())
        assert revision.history_user.username not in html
        assert f"by {revision.history_user.get_full_name() or 'an editor'}" in html


def test_drama_credit_changes_name_no_login(client, db):
    from tests.factories import make_credit, make_person

    admin = get_user_model().objects.create_superuser("root-admin-login", "root@example.org", "x-long-pass-1")
    drama = make_drama("Queen of Tears")
    credit = make_credit(drama, make_person("Kim Ji-won"), character="Hong Hae-in")
    credit.character = "Hong Hae-in (lead)"
    credit._history_user = admin
    credit.save()
    html = unescape(client.get(f"/dramas/{drama.slug}/history/").content.decode())
    assert "root-admin-login" not in html
    assert "by an editor" in html


# Links in Markdown


def test_links_that_leave_the_site_are_marked_nofollow_ugc_noopener(db):
    html = render_markdown(
        "[report](https://example.com/news) [mail](mailto:desk@example.com) "
        "[here](/dramas/queen-of-tears/) [note](#credits)"
    )
    rel = {link["attrs"]["href"]: link["attrs"].get("rel") for link in links(html)}
    assert rel == {
        "https://example.com/news": "nofollow ugc noopener",
        "mailto:desk@example.com": "nofollow ugc noopener",
        "/dramas/queen-of-tears/": None,
        "#credits": None,
    }


def test_wiki_links_keep_their_classes(db):
    make_drama("Queen of Tears")
    html = render_markdown("[[Queen of Tears]] and [[No Such Drama]]")
    found = {link["text"]: (link["attrs"].get("class"), link["attrs"].get("rel")) for link in links(html)}
    assert found == {"Queen of Tears": ("wikilink", None), "No Such Drama": ("redlink", "nofollow")}


def test_attribute_lists_are_not_markdown_here(db):
    make_drama("Queen of Tears")
    html = render_markdown('[[Queen of Tears]]{: href="https://evil.example/" }\n\n## Cast {: #x .wikilink }')
    (link,) = links(html)
    wiki_link = {"href": "/dramas/queen-of-tears/", "class": "wikilink", "title": "Queen of Tears"}
    assert link["attrs"] == wiki_link
    assert "{: href=" in unescape(html)  # shown as the editor typed it, not applied
    assert all("id" not in element["attrs"] for element in elements(html))


@pytest.mark.parametrize(
    "href",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "/\t/evil.example/",
        "HTTPS://evil.example/",
    ],
)
def test_only_site_relative_links_may_look_like_wiki_links(db, href):
    # Straight through the sanitizer, as stored HTML goes on output (Markdown would expand the tab).
    html = sanitize_html(f'<a class="wikilink" href="{href}">Queen of Tears</a>')
    (link,) = links(html)
    assert "class" not in link["attrs"]
    assert link["attrs"]["rel"] == "nofollow ugc noopener"


def test_a_raw_link_in_markdown_that_leaves_the_site_loses_the_wiki_class(db):
    (link,) = links(render_markdown('<a class="wikilink" href="https://evil.example/">Queen of Tears</a>'))
    assert link["attrs"] == {"href": "https://evil.example/", "rel": "nofollow ugc noopener"}


def test_a_site_relative_raw_link_may_be_a_wiki_link(db):
    (link,) = links(render_markdown('<a class="wikilink" href="/people/kim-ji-won/">Kim Ji-won</a>'))
    assert link["attrs"] == {"class": "wikilink", "href": "/people/kim-ji-won/"}


# Stored HTML is cleaned again on output

STORED_ATTACK = (
    '<p>Kept text.</p><script>alert(1)</script><img src="x" onerror="alert(2)">'
    '<a class="wikilink" href="https://evil.example/">lure</a><a href="javascript:alert(3)">js</a>'
    '<p style="position:fixed">cover</p>'
)


def assert_cleaned(html):
    assert "Kept text." in html
    # The page's own JSON-LD is a data block (never run); nothing of the attack is in it either.
    assert "<script" not in without_json_ld(html)
    for attack in ("alert(", "onerror", "javascript:", "style=", 'class="wikilink" href="https'):
        assert attack not in html, attack
    (lure,) = [link for link in links(html) if link["text"] == "lure"]
    assert lure["attrs"] == {"href": "https://evil.example/", "rel": "nofollow ugc noopener"}


def test_page_bodies_are_sanitized_again_when_shown(client, db):
    article = make_article("Casting news", body="Text.")
    drama = make_drama("Queen of Tears", synopsis="Text.")
    # As if saved by an older, laxer pipeline.
    Article.objects.filter(pk=article.pk).update(body_html=STORED_ATTACK)
    Drama.objects.filter(pk=drama.pk).update(synopsis_html=STORED_ATTACK)
    for url in (article.get_absolute_url(), drama.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 200
        assert_cleaned(response.content.decode())


def test_old_revisions_are_sanitized_again_when_shown(client, db):
    article = make_article("Casting news", body="Text.")
    revision = article.history.get()
    # An old revision is rendered afresh from its Markdown (links as they resolve today), so hostile
    # Markdown and hostile stored HTML alike must come out clean.
    Article.history.filter(history_id=revision.history_id).update(body=STORED_ATTACK, body_html=STORED_ATTACK)
    response = client.get(f"/articles/{article.slug}/history/{revision.history_id}/")
    assert response.status_code == 200
    assert_cleaned(response.content.decode())


def test_an_old_revision_shown_from_its_stored_html_is_sanitized_again(client, db, monkeypatch):
    article = make_article("Casting news", body="Plain words, no links.")
    revision = article.history.get()
    # No wiki link in the text or the stored HTML: it "still resolves as it did", so the stored HTML
    # is what is shown, not a new rendering. It must be cleaned all the same.
    Article.history.filter(history_id=revision.history_id).update(
        body_html=STORED_ATTACK.replace("wikilink", "x")
    )
    monkeypatch.setattr(markdown.Markdown, "convert", lambda self, text: pytest.fail("rendered again"))
    response = client.get(f"/articles/{article.slug}/history/{revision.history_id}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kept text." in html and "<script>alert" not in html
    for attack in ("alert(", "onerror", "javascript:", "style="):
        assert attack not in without_json_ld(html), attack


def test_sanitized_html_is_remembered_by_digest_and_never_skips_the_sanitizer(db, monkeypatch):
    cache.clear()  # other tests have shown this HTML
    calls = []
    original = markup.sanitize_html
    monkeypatch.setattr(markup, "sanitize_html", lambda html: calls.append(html) or original(html))
    clean = markup.sanitized_html(STORED_ATTACK)
    assert markup.sanitized_html(STORED_ATTACK) == clean == original(STORED_ATTACK)
    assert calls == [STORED_ATTACK]  # the second time from the cache
    # A different HTML is a different digest; a new pipeline a different key altogether.
    assert "alert(" not in markup.sanitized_html(STORED_ATTACK + "<p onclick=alert(4)>x</p>")
    assert len(calls) == 2
    monkeypatch.setattr(markup, "pipeline_version", lambda: "another")
    markup.sanitized_html(STORED_ATTACK)
    assert len(calls) == 3
