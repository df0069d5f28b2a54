"""Keyboard use and print: the skip link, the focus ring, and a printout holding only the content."""

import pytest

from tests.browser.tools import PHONE
from tests.factories import make_article

DRAMA = "/dramas/queen-of-tears/"

# The contrast ratio of the focused element's outline against the background it is drawn on.
OUTLINE_CONTRAST = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    const rgb = (colour) => colour.match(/[\\d.]+/g).map(Number);
    const luminance = ([r, g, b]) => [r, g, b]
        .map((c) => c / 255)
        .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4))
        .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
    let behind = el.parentElement;
    while (behind && rgb(getComputedStyle(behind).backgroundColor)[3] === 0) behind = behind.parentElement;
    const backdrop = luminance(rgb(getComputedStyle(behind || document.documentElement).backgroundColor));
    const ring = luminance(rgb(style.outlineColor));
    return {
        element: el.outerHTML.slice(0, 80),
        style: style.outlineStyle,
        width: parseFloat(style.outlineWidth),
        contrast: (Math.max(ring, backdrop) + 0.05) / (Math.min(ring, backdrop) + 0.05),
    };
}"""


def test_skip_link_is_first_shows_when_focused_and_moves_focus_to_the_content(browsing):
    page = browsing.open(DRAMA)
    page.keyboard.press("Tab")
    skip_link = page.locator(".skip-link")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    box = skip_link.bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0  # on screen while focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"
    page.keyboard.press("Tab")  # the next stop is inside the content, past the header
    assert page.evaluate("document.getElementById('content').contains(document.activeElement)")
    browsing.assert_clean()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_keyboard_stop_shows_a_visible_focus_ring(scheme, browsing):
    page = browsing.page
    page.emulate_media(color_scheme=scheme)
    browsing.open(DRAMA)
    rings = []
    for _ in range(14):  # skip link, header, page tools and the first links of the content
        page.keyboard.press("Tab")
        rings.append(page.evaluate(OUTLINE_CONTRAST))
    faint = [ring for ring in rings if ring["style"] == "none" or ring["width"] < 2 or ring["contrast"] < 3]
    assert faint == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_print_shows_only_the_content_in_black_on_white_with_external_targets(scheme, browsing):
    make_article(
        "Printed news",
        body="Read [the broadcaster's notice](https://example.com/notice) about [[Queen of Tears]].",
        source_outlet="Example Daily",
        source_url="https://example.org/story",
        tags=["Queen of Tears"],
    )
    page = browsing.open("/articles/printed-news/")
    page.emulate_media(media="print", color_scheme=scheme)
    for part in (".skip-link", ".site-header", ".site-nav", ".site-search", ".page__sidebar", ".site-footer"):
        assert not page.locator(part).is_visible(), part
    assert page.locator("main h1").is_visible()
    assert page.locator(".prose").is_visible()
    after = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll("main a")].map(
            (a) => [a.getAttribute("href"), getComputedStyle(a, "::after").content]))"""
    )
    assert after["https://example.com/notice"] == '" (https://example.com/notice)"'
    assert after["https://example.org/story"] == '" (https://example.org/story)"'
    assert after["/dramas/queen-of-tears/"] == "none"  # internal links are not spelled out
    colours = page.evaluate(
        """() => [getComputedStyle(document.documentElement).backgroundColor,
                  getComputedStyle(document.body).color]"""
    )
    assert colours == ["rgb(255, 255, 255)", "rgb(0, 0, 0)"]
    browsing.assert_clean()


def test_menu_labels_stay_whole_on_a_phone(browsing):
    page = browsing.page
    page.set_viewport_size(PHONE)
    browsing.open("/")
    broken = page.evaluate(
        """() => [...document.querySelectorAll(".site-nav a, .site-search button")]
            .filter((el) => el.offsetHeight >= 2 * parseFloat(getComputedStyle(el).lineHeight))
            .map((el) => el.textContent)"""
    )
    assert broken == []
