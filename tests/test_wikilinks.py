"""[[Wiki links]]: resolution, red links, hostile targets and re-rendering when targets come and go."""

import pytest
from django.contrib.auth.models import Permission, User
from django.http import QueryDict
from django.urls import reverse

from fanwiki.markup import render_markdown
from fanwiki.models import Article
from people.models import AlternativeName
from tests.factories import make_article, make_drama, make_person
from tests.html_elements import elements, without_json_ld

MISSING_URL = "/missing/"


def links(html):
    return [element for element in elements(html) if element["tag"] == "a"]


def only_link(html):
    found = links(html)
    assert len(found) == 1, html
    return found[0]


def link_with_text(html, text):
    found = [link for link in links(html) if link["text"].strip() == text]
    assert found, f"no link {text!r} in {html}"
    return found[0]


def classes(link):
    return set((link["attrs"].get("class") or "").split())


def assert_blue(link, url):
    assert classes(link) == {"wikilink"}
    assert link["attrs"]["href"] == url
    assert "rel" not in link["attrs"]


def assert_red(link, title):
    assert classes(link) == {"redlink"}
    assert link["attrs"]["rel"] == "nofollow"
    href = link["attrs"]["href"]
    assert href.startswith(f"{MISSING_URL}?")
    assert QueryDict(href.split("?", 1)[1])["title"] == title


# Resolution -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_link_to_a_drama_by_title():
    drama = make_drama("Queen of Tears")
    link = only_link(render_markdown("Watch [[Queen of Tears]] now."))
    assert_blue(link, drama.get_absolute_url())
    assert link["text"] == "Queen of Tears"


@pytest.mark.django_db
def test_link_with_a_label_shows_the_label_and_leads_to_the_page():
    person = make_person("Kim Ji-won", alternative_names=["Kim Ji Won"])
    link = only_link(render_markdown("[[Kim Ji Won|Kim Ji-won]] stars."))
    assert_blue(link, person.get_absolute_url())
    assert link["text"] == "Kim Ji-won"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "written",
    ["Kim Ji-won", "Kim Ji Won", "kim ji won", "KIM-JI-WON", "KimJiWon", "  kim   ji-won ", "김지원"],
)
def test_person_link_ignores_case_spaces_and_hyphens_and_accepts_hangul(written):
    person = make_person("Kim Ji-won", hangul_name="김지원")
    assert_blue(only_link(render_markdown(f"[[{written}]]")), person.get_absolute_url())


@pytest.mark.django_db
def test_person_link_by_alternative_name():
    person = make_person("Park Seong-hoon", alternative_names=["Park Sung-hoon"])
    assert_blue(only_link(render_markdown("[[park sung hoon]]")), person.get_absolute_url())


@pytest.mark.django_db
def test_drama_link_by_hangul_title():
    drama = make_drama("Queen of Tears", hangul_title="눈물의 여왕")
    assert_blue(only_link(render_markdown("[[눈물의 여왕]]")), drama.get_absolute_url())


@pytest.mark.django_db
def test_link_to_a_published_article():
    article = make_article("Ratings hit a record")
    assert_blue(only_link(render_markdown("See [[ratings hit a record]].")), article.get_absolute_url())


@pytest.mark.django_db
def test_link_to_a_missing_page_is_a_red_link():
    link = only_link(render_markdown("Soon: [[Future Drama]]."))
    assert_red(link, "Future Drama")
    assert link["text"] == "Future Drama"


@pytest.mark.django_db
def test_red_link_keeps_its_label():
    link = only_link(render_markdown("[[Future Drama|the sequel]]"))
    assert_red(link, "Future Drama")
    assert link["text"] == "the sequel"


@pytest.mark.django_db
def test_a_draft_article_is_not_a_link_target():
    make_article("Secret scoop", status=Article.Status.DRAFT, body="hush")
    assert_red(only_link(render_markdown("[[Secret scoop]]")), "Secret scoop")


# Hostile targets --------------------------------------------------------------------------------

HOSTILE_TEXTS = [
    "[[<script>]]",
    "[[<script>alert(1)</script>]]",
    "[[javascript:alert(1)]]",
    "[[javascript:alert(1)|click me]]",
    "[[a|<img onerror=x>]]",
    "[[a|<img src=x onerror=alert(1)>]]",
    '[[x" onmouseover="alert(1)]]',
    "[click](javascript:alert(1)) <script>alert(1)</script> <img src=x onerror=alert(1)>",
]


def assert_harmless(html):
    for element in elements(html):
        assert element["tag"] != "script", html
        for name, value in element["attrs"].items():
            assert not name.startswith("on"), html
            if name in {"href", "src"} and value:
                assert not value.strip().lower().startswith(("javascript:", "data:", "vbscript:")), html


@pytest.mark.django_db
@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_hostile_link_targets_render_harmless(text):
    html = render_markdown(text)
    assert "<script" not in html.lower()
    assert_harmless(html)


@pytest.mark.django_db
def test_hostile_links_are_harmless_on_the_public_page(client):
    article = make_article("Hostile", body="\n\n".join(HOSTILE_TEXTS))
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = without_json_ld(response.content.decode())
    assert "<script" not in html.lower()
    assert_harmless(html)
    # Still a link, just a red one: the reader sees the text, no javascript: href.
    assert_red(link_with_text(html, "javascript:alert(1)"), "javascript:alert(1)")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "target", "label"),
    [
        ("[[<script>]]", "<script>", "<script>"),
        ("[[a|<img onerror=x>]]", "a", "<img onerror=x>"),
        ("[[a|<b>bold</b>]]", "a", "<b>bold</b>"),
    ],
)
def test_link_label_is_shown_as_plain_text_never_as_markup(text, target, label):
    # The reader sees what the editor typed between the brackets; nothing in it becomes an element.
    html = render_markdown(text)
    link = only_link(html)
    assert_red(link, target)
    assert link["text"] == label
    assert [element["tag"] for element in elements(html)] == ["p", "a"]


# Stored HTML and re-rendering --------------------------------------------------------------------


@pytest.mark.django_db
def test_rendered_html_is_stored_when_the_page_is_saved():
    drama = make_drama("Queen of Tears")
    article = make_article("News", body="About [[Queen of Tears]] and [[Nobody Yet]].")
    article.refresh_from_db()
    assert_blue(link_with_text(article.body_html, "Queen of Tears"), drama.get_absolute_url())
    assert_red(link_with_text(article.body_html, "Nobody Yet"), "Nobody Yet")


@pytest.mark.django_db
def test_drama_synopsis_and_person_biography_links_are_rendered(client):
    person = make_person("Kim Soo-hyun")
    drama = make_drama("Queen of Tears", synopsis="Starring [[Kim Soo-hyun]].")
    person.biography = "Lead in [[Queen of Tears]] and [[Unknown Show]]."
    person.save()

    drama_html = client.get(drama.get_absolute_url()).content.decode()
    assert_blue(link_with_text(drama_html, "Kim Soo-hyun"), person.get_absolute_url())

    person_html = client.get(person.get_absolute_url()).content.decode()
    assert_blue(link_with_text(person_html, "Queen of Tears"), drama.get_absolute_url())
    assert_red(link_with_text(person_html, "Unknown Show"), "Unknown Show")


@pytest.mark.django_db
def test_creating_a_target_turns_the_red_link_blue_without_resaving(client, after_commit):
    article = make_article("Casting news", body="Filming starts on [[Future Drama]].")
    article.refresh_from_db()
    assert_red(link_with_text(article.body_html, "Future Drama"), "Future Drama")
    revisions, version, updated = article.history.count(), article.version, article.updated

    with after_commit():
        drama = make_drama("Future Drama")

    article.refresh_from_db()
    assert_blue(link_with_text(article.body_html, "Future Drama"), drama.get_absolute_url())
    # A re-render is not an edit.
    assert article.history.count() == revisions
    assert article.version == version
    assert article.updated == updated
    page = client.get(article.get_absolute_url()).content.decode()
    assert_blue(link_with_text(page, "Future Drama"), drama.get_absolute_url())


@pytest.mark.django_db
def test_deleting_the_target_turns_the_link_red_again(client, after_commit):
    drama = make_drama("Future Drama")
    article = make_article("Casting news", body="Filming starts on [[Future Drama]].")
    revisions, version = article.history.count(), article.version

    with after_commit():
        drama.delete()

    article.refresh_from_db()
    assert_red(link_with_text(article.body_html, "Future Drama"), "Future Drama")
    assert article.history.count() == revisions
    assert article.version == version
    page = client.get(article.get_absolute_url()).content.decode()
    assert_red(link_with_text(page, "Future Drama"), "Future Drama")


@pytest.mark.django_db
def test_renaming_a_target_moves_its_links(after_commit):
    drama = make_drama("Working Title")
    article = make_article("News", body="[[Working Title]] is now [[Final Title]].")

    drama.title = "Final Title"
    with after_commit():
        drama.save()

    article.refresh_from_db()
    assert_red(link_with_text(article.body_html, "Working Title"), "Working Title")
    assert_blue(link_with_text(article.body_html, "Final Title"), drama.get_absolute_url())


@pytest.mark.django_db
def test_a_new_slug_moves_the_links_that_point_at_the_page(client, after_commit):
    drama = make_drama("Queen of Tears", slug="queen-of-tears-draft-slug")
    article = make_article("News", body="Watch [[Queen of Tears]] tonight.")

    drama.slug = "queen-of-tears"
    with after_commit():
        drama.save()

    article.refresh_from_db()
    assert_blue(link_with_text(article.body_html, "Queen of Tears"), "/dramas/queen-of-tears/")
    page = client.get(article.get_absolute_url()).content.decode()
    assert "queen-of-tears-draft-slug" not in page


@pytest.mark.django_db
def test_person_page_re_renders_when_a_drama_it_links_to_appears(after_commit):
    person = make_person("Kim Soo-hyun", biography="Next: [[Future Drama]].")
    with after_commit():
        drama = make_drama("Future Drama")
    person.refresh_from_db()
    assert_blue(link_with_text(person.biography_html, "Future Drama"), drama.get_absolute_url())
    assert person.history.count() == 1
    assert person.version == 1


@pytest.mark.django_db
def test_drama_synopsis_re_renders_when_a_person_it_links_to_appears(after_commit):
    drama = make_drama("Queen of Tears", synopsis="Starring [[Kim Soo-hyun]].")
    with after_commit():
        person = make_person("Kim Soo-hyun")
    drama.refresh_from_db()
    assert_blue(link_with_text(drama.synopsis_html, "Kim Soo-hyun"), person.get_absolute_url())
    assert drama.history.count() == 1
    assert drama.version == 1


@pytest.mark.django_db
def test_adding_an_alternative_name_makes_links_to_that_spelling_resolve(after_commit):
    person = make_person("Park Seong-hoon")
    article = make_article("News", body="[[Park Sung-hoon]] joins the cast.")
    article.refresh_from_db()
    assert_red(link_with_text(article.body_html, "Park Sung-hoon"), "Park Sung-hoon")
    revisions, version = article.history.count(), article.version

    with after_commit():
        alternative = AlternativeName.objects.create(person=person, name="Park Sung-hoon")

    article.refresh_from_db()
    assert_blue(link_with_text(article.body_html, "Park Sung-hoon"), person.get_absolute_url())
    assert (article.history.count(), article.version) == (revisions, version)

    with after_commit():
        alternative.delete()

    article.refresh_from_db()
    assert_red(link_with_text(article.body_html, "Park Sung-hoon"), "Park Sung-hoon")


@pytest.mark.django_db
def test_a_draft_article_becomes_a_link_target_when_published(after_commit):
    draft = make_article("Big reveal", status=Article.Status.DRAFT, body="Soon.")
    linking = make_article("Teaser", body="Read [[Big reveal]].")
    linking.refresh_from_db()
    assert_red(link_with_text(linking.body_html, "Big reveal"), "Big reveal")
    revisions, version = linking.history.count(), linking.version

    draft.status = Article.Status.PUBLISHED
    with after_commit():
        draft.save()

    linking.refresh_from_db()
    assert_blue(link_with_text(linking.body_html, "Big reveal"), draft.get_absolute_url())
    assert (linking.history.count(), linking.version) == (revisions, version)

    draft.status = Article.Status.DRAFT
    with after_commit():
        draft.save()

    linking.refresh_from_db()
    assert_red(link_with_text(linking.body_html, "Big reveal"), "Big reveal")


@pytest.mark.django_db
def test_a_new_page_that_links_to_itself_gets_a_blue_link():
    # The page's own title is a target the moment it is saved; its stored HTML must not call it missing.
    drama = make_drama("Self Reference", synopsis="[[Self Reference]] is a drama.")
    drama.refresh_from_db()
    assert_blue(link_with_text(drama.synopsis_html, "Self Reference"), drama.get_absolute_url())


# The seed --------------------------------------------------------------------------------------


def test_seed_pages_show_resolved_and_red_links(client, seed):
    html = client.get(reverse("dramas:detail", kwargs={"slug": "queen-of-tears"})).content.decode()
    assert_blue(link_with_text(html, "Kim Ji-won"), "/people/kim-ji-won/")
    assert_blue(link_with_text(html, "My Love from the Star"), "/dramas/my-love-from-the-star/")

    article_url = reverse("fanwiki:article_detail", kwargs={"slug": "kim-soo-hyun-sings-queen-of-tears-ost"})
    html = client.get(article_url).content.decode()
    # [[Kim Ji Won|Kim Ji-won]] and [[Park Sung-hoon]] are alternative spellings.
    assert_blue(link_with_text(html, "Kim Ji-won"), "/people/kim-ji-won/")
    assert_blue(link_with_text(html, "Park Sung-hoon"), "/people/park-seong-hoon/")
    assert_red(link_with_text(html, "Daily Sports"), "Daily Sports")
    assert_blue(
        link_with_text(html, "Queen of Tears leads the TV topicality chart for a sixth straight week"),
        "/articles/queen-of-tears-tops-topicality-six-weeks/",
    )


# Where red links lead ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_missing_page_for_a_reader_is_a_styled_404(client):
    response = client.get(MISSING_URL, {"title": "Future Drama"})
    assert response.status_code == 404
    html = response.content.decode()
    assert "Future Drama" in html
    assert "has no page yet" in html
    assert 'class="site-header"' in html  # the site's own layout, not a bare error page
    assert chooser_links(response) == {}  # only editors are offered the add forms


@pytest.mark.django_db
def test_missing_page_without_a_title_is_a_404(client, editor_client):
    assert client.get(MISSING_URL).status_code == 404
    assert editor_client.get(MISSING_URL).status_code == 404


CHOICES = {
    "Drama": "/admin/dramas/drama/add/?title=Future+Drama&slug=future-drama",
    "Person": "/admin/people/person/add/?name=Future+Drama&slug=future-drama",
    "Article": "/admin/fanwiki/article/add/?title=Future+Drama&slug=future-drama",
}


def chooser_links(response):
    """{kind label: add-form URL} offered by the missing page's chooser."""
    html = response.content.decode()
    return {
        link["attrs"]["data-kind"]: link["attrs"]["href"]
        for link in links(html)
        if "data-kind" in link["attrs"]
    }


@pytest.mark.django_db
def test_missing_page_offers_an_editor_a_drama_a_person_or_an_article(editor_client):
    response = editor_client.get(MISSING_URL, {"title": "Future Drama"})
    assert response.status_code == 200
    assert chooser_links(response) == CHOICES


@pytest.mark.django_db
@pytest.mark.parametrize("kind", CHOICES)
def test_each_choice_opens_its_add_form_prefilled(editor_client, kind):
    form = editor_client.get(CHOICES[kind])
    assert form.status_code == 200
    initial = form.context["adminform"].form.initial
    title_field = "name" if kind == "Person" else "title"
    assert (initial[title_field], initial["slug"]) == ("Future Drama", "future-drama")
    inputs = {element["attrs"].get("name"): element["attrs"] for element in elements(form.content.decode())}
    assert inputs[title_field]["value"] == "Future Drama"
    assert inputs["slug"]["value"] == "future-drama"


@pytest.mark.django_db
def test_the_chooser_offers_only_what_the_user_may_create(client):
    writer = User.objects.create_user(username="writer", is_staff=True)
    writer.user_permissions.add(Permission.objects.get(codename="add_article"))
    client.force_login(writer)
    response = client.get(MISSING_URL, {"title": "Future Drama"})
    assert chooser_links(response) == {"Article": CHOICES["Article"]}


@pytest.mark.django_db
def test_the_chooser_keeps_a_hangul_title(editor_client):
    choices = chooser_links(editor_client.get(MISSING_URL, {"title": "눈물의 여왕"}))
    # Drama and person slugs are ASCII: only the title is filled in. An article slug may be Hangul.
    assert choices["Drama"] == "/admin/dramas/drama/add/?title=%EB%88%88%EB%AC%BC%EC%9D%98+%EC%97%AC%EC%99%95"
    assert choices["Article"].endswith("&slug=%EB%88%88%EB%AC%BC%EC%9D%98-%EC%97%AC%EC%99%95")


@pytest.mark.django_db
def test_red_link_on_a_page_leads_an_editor_to_the_chooser(editor_client):
    article = make_article("News", body="[[Future Drama]]")
    html = editor_client.get(article.get_absolute_url()).content.decode()
    href = link_with_text(html, "Future Drama")["attrs"]["href"]
    assert chooser_links(editor_client.get(href)) == CHOICES
