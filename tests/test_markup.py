"""fanwiki.markup.render_markdown: hostile Markdown and HTML come out harmless; ordinary Markdown survives."""

import re
from urllib.parse import urlsplit

import pytest
from django.utils.text import Truncator

from fanwiki.markup import plain_text, render_markdown, text_start
from tests.factories import make_article, make_drama, make_person
from tests.html_elements import elements as html_elements
from tests.html_elements import without_json_ld

SAFE_SCHEMES = {"", "http", "https", "mailto"}


def elements(html):
    """(tag, attributes) of every element in the fragment."""
    return [(element["tag"], element["attrs"]) for element in html_elements(html)]


def assert_harmless(html):
    for tag, attrs in elements(html):
        assert tag not in {"script", "style", "iframe", "object", "embed", "form", "svg", "math", "base"}, tag
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert name not in {"style", "srcdoc", "formaction"}, (tag, name)
            if name in {"href", "src"}:
                # What a browser would see: control characters and spaces are ignored in schemes.
                cleaned = re.sub(r"[\x00-\x20]", "", value or "").lower()
                assert urlsplit(cleaned).scheme in SAFE_SCHEMES, (tag, name, value)


HOSTILE = {
    "script": "Hello <script>alert('x')</script> world",
    "script in markdown list": "- item <script src=https://evil.example/x.js></script>",
    "img onerror": '<img src="x.png" onerror="alert(1)">',
    "a onclick": '<a href="https://example.com" onclick="alert(1)">click</a>',
    "markdown javascript link": "[x](javascript:alert(1))",
    "markdown javascript link, mixed case": "[x](JaVaScRiPt:alert(1))",
    "markdown javascript link, entity": "[x](jav&#x09;ascript:alert(1))",
    "raw javascript link": '<a href="javascript:alert(1)">x</a>',
    "raw javascript link, spaced": '<a href=" javascript:alert(1)">x</a>',
    "vbscript link": '<a href="vbscript:msgbox(1)">x</a>',
    "iframe": '<iframe src="https://evil.example/"></iframe>',
    "style element": "<style>body { display: none }</style>",
    "style attribute": '<p style="position:fixed;top:0">cover</p>',
    "data image in markdown": "![pixel](data:image/png;base64,iVBORw0KGgo=)",
    "data image in html": '<img src="data:image/svg+xml;base64,PHN2Zz4=" alt="x">',
    "data link": '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    "svg onload": '<svg onload="alert(1)"><circle r="1"/></svg>',
    "object": '<object data="https://evil.example/x.swf"></object>',
    "form": '<form action="https://evil.example/"><input name="password"></form>',
    "base": '<base href="https://evil.example/">',
    "meta refresh": '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    "event attribute without quotes": "<b onmouseover=alert(1)>hover</b>",
    "wiki link label with markup": "[[Anything|<img src=x onerror=alert(1)>]]",
    "wiki link target with markup": "[[<script>alert(1)</script>]]",
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_input_is_neutralised(db, text):
    html = render_markdown(text)
    assert_harmless(html)
    assert "<script" not in html.lower()
    assert "javascript:" not in html.lower()


def test_script_text_is_dropped_not_just_the_tag(db):
    html = render_markdown("Before <script>stealCookies()</script> after")
    assert "stealCookies" not in html
    assert "Before" in html and "after" in html


def test_style_content_is_dropped(db):
    html = render_markdown("<style>body { display: none }</style>Visible")
    assert "display" not in html
    assert "Visible" in html


def test_javascript_markdown_link_keeps_its_text_but_loses_its_href(db):
    html = render_markdown("[click me](javascript:alert(1))")
    assert "click me" in html
    hrefs = [attrs.get("href") for tag, attrs in elements(html) if tag == "a"]
    assert all(not href for href in hrefs)


def test_data_image_loses_its_source(db):
    html = render_markdown("![pixel](data:image/png;base64,iVBORw0KGgo=)")
    assert "data:" not in html


def test_only_wiki_classes_survive(db):
    html = render_markdown('<a class="wikilink evil" href="https://example.com">x</a> <p class="evil">y</p>')
    classes = [attrs.get("class") for tag, attrs in elements(html) if attrs.get("class")]
    assert all(set(value.split()) <= {"wikilink", "redlink"} for value in classes)


def test_unsafe_rel_tokens_are_dropped(db):
    html = render_markdown('<a href="/dramas/queen-of-tears/" rel="nofollow opener evil">x</a>')
    (rel,) = [attrs.get("rel") for tag, attrs in elements(html) if tag == "a"]
    assert rel == "nofollow"


# Ordinary Markdown


def test_emphasis_and_strong(db):
    html = render_markdown("Some *emphasis* and **strong** words.")
    assert "<em>emphasis</em>" in html
    assert "<strong>strong</strong>" in html


def test_lists(db):
    html = render_markdown("- one\n- two\n\n1. first\n2. second\n")
    assert "<ul>" in html and "<li>one</li>" in html and "<li>two</li>" in html
    assert "<ol>" in html and "<li>first</li>" in html


def test_https_and_mailto_links_are_kept(db):
    html = render_markdown("[report](https://example.com/news?id=1) and [mail](mailto:fan@example.com)")
    hrefs = [attrs["href"] for tag, attrs in elements(html) if tag == "a"]
    assert hrefs == ["https://example.com/news?id=1", "mailto:fan@example.com"]


def test_tables(db):
    text = "| Actor | Role |\n| --- | :-: |\n| Kim Ji-won | Hong Hae-in |\n"
    html = render_markdown(text)
    tags = [tag for tag, _ in elements(html)]
    assert {"table", "thead", "tbody", "tr", "th", "td"} <= set(tags)
    assert "Hong Hae-in" in html


def test_images_with_https_source_are_kept(db):
    html = render_markdown("![still](https://example.com/still.jpg)")
    assert ("img", {"src": "https://example.com/still.jpg", "alt": "still"}) in elements(html)


def test_korean_lang_spans_are_kept(db):
    html = render_markdown('The title <span lang="ko">눈물의 여왕</span>.')
    assert 'lang="ko"' in html
    assert "눈물의 여왕" in html


def test_headings_are_demoted_below_the_page_title(db):
    html = render_markdown("# Heading\n\ntext\n\n## Sub\n\n### Subsub\n")
    tags = [tag for tag, _ in elements(html)]
    assert "h1" not in tags
    assert "<h2>Heading</h2>" in html
    assert "<h3>Sub</h3>" in html
    assert "<h4>Subsub</h4>" in html


def test_headings_start_at_h2_and_never_skip_a_level(db):
    html = render_markdown("## Section\n\n#### Deep\n\n### Sub\n\n## Next\n\n###### Deepest\n")
    assert [tag for tag, _ in elements(html) if tag.startswith("h")] == ["h2", "h3", "h3", "h2", "h3"]


def test_raw_h1_is_not_a_second_page_title(db):
    html = render_markdown("<h1>Shouting</h1>\n\nSetext title\n============\n")
    assert "<h1" not in html
    assert "Shouting" in html


def test_empty_text_renders_nothing(db):
    assert render_markdown("") == ""
    assert render_markdown("   \n ") == ""
    assert render_markdown(None) == ""


# Through saved pages


HOSTILE_BODY = "\n\n".join(
    [
        "# Big news",
        "<script>document.title='pwned'</script>",
        '<img src="x.png" onerror="alert(1)">',
        "[x](javascript:alert(1))",
        '<iframe src="https://evil.example/"></iframe>',
    ]
)


def test_saved_article_page_carries_no_script_from_its_body(client, db):
    article = make_article("Hostile article", body=HOSTILE_BODY)
    assert_harmless(article.body_html)

    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script" not in without_json_ld(html)
    assert "pwned" not in html
    assert "onerror" not in html
    assert "javascript:" not in html
    assert "<iframe" not in html
    assert html.count("<h1") == 1
    assert "<h2>Big news</h2>" in html


def test_saved_drama_and_person_pages_carry_no_script(client, db):
    drama = make_drama("Hostile Drama", synopsis=HOSTILE_BODY)
    person = make_person("Hostile Person", biography=HOSTILE_BODY)
    for page in (drama, person):
        html = client.get(page.get_absolute_url()).content.decode()
        assert "<script" not in without_json_ld(html)
        assert "pwned" not in html
        assert "onerror" not in html
        assert "javascript:" not in html
        assert "<h2>Big news</h2>" in html


def test_editing_the_body_re_renders_it(db):
    article = make_article("Edited article", body="first *version*")
    assert "<em>version</em>" in article.body_html
    article.body = "second <script>x()</script>**version**"
    article.save()
    article.refresh_from_db()
    assert "<strong>version</strong>" in article.body_html
    assert "<script" not in article.body_html


def test_the_start_of_a_long_page_is_read_from_the_start_of_its_html_alone(db):
    body = " ".join(f"[[Kim Ji-won]] and **word {number}**, 눈물의 여왕." for number in range(3000))
    html = render_markdown(body)
    assert len(html) > 100_000
    whole = plain_text(html)
    start = text_start(html, 160)
    assert len(start) > 160 and whole.startswith(start[:-20])
    assert Truncator(start).chars(160) == Truncator(whole).chars(160)


def test_an_opening_of_markup_only_is_read_whole(db):
    html = "<p>" + "<b></b>" * 2000 + "Text at last.</p>"
    assert text_start(html, 160) == "Text at last."
