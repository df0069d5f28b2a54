"""Every public page kind, at phone and desktop width, light and dark: axe finds no WCAG 2.2 A/AA
violation, standalone tap targets are 24 px or more, nothing scrolls sideways, the console stays quiet
and nothing loads from another origin."""

import pytest

from tests.browser.pages import PAGES, public_pages
from tests.browser.tools import DESKTOP, PHONE, Browsing, axe_violations, scrolls_sideways, small_targets

VARIANTS = [(size, scheme) for size in (PHONE, DESKTOP) for scheme in ("light", "dark")]


@pytest.mark.parametrize("name", PAGES)
def test_page_kind_is_accessible_at_every_width_and_scheme(name, chromium, axe_source, site):
    path, status = public_pages()[name]
    with Browsing(chromium, site, axe_source=axe_source) as browsing:
        page = browsing.open(path, status)
        problems = {}
        for size, scheme in VARIANTS:
            page.set_viewport_size(size)
            page.emulate_media(color_scheme=scheme)
            variant = f"{size['width']}px {scheme}"
            found = axe_violations(page)
            if scrolls_sideways(page):
                found.append("the page scrolls sideways")
            found += [f"under 24 px: {target}" for target in small_targets(page)]
            if found:
                problems[variant] = found
        assert problems == {}
        browsing.assert_clean()


def test_axe_reports_a_violation_it_is_shown(chromium, axe_source, site):
    """The check above can fail: an image without alt text is caught."""
    with Browsing(chromium, site, axe_source=axe_source) as browsing:
        page = browsing.open("/")
        page.evaluate(
            """() => {
                const img = document.createElement("img");
                img.src = "/static/img/favicon.svg";
                document.querySelector("main").append(img);
            }"""
        )
        assert any(line.startswith("image-alt:") for line in axe_violations(page))


def test_sideways_scrolling_is_detected(chromium, site):
    with Browsing(chromium, site, viewport=PHONE) as browsing:
        page = browsing.open("/")
        assert not scrolls_sideways(page)
        page.evaluate(
            """() => {
                const wide = document.createElement("div");
                wide.textContent = "wide";
                wide.style.width = "2000px";  // through the CSSOM, which a strict CSP allows
                document.querySelector("main").append(wide);
            }"""
        )
        assert scrolls_sideways(page)


def test_dark_scheme_changes_the_colours(browsing):
    page = browsing.open("/dramas/queen-of-tears/")
    colours = {}
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        colours[scheme] = page.evaluate(
            """() => [document.documentElement, ...document.querySelectorAll(".sidebar-box, a.tag")]
                .map((el) => { const s = getComputedStyle(el); return [s.backgroundColor, s.color]; })"""
        )
    # Every sampled surface has a new background and a new text colour.
    for light, dark in zip(colours["light"], colours["dark"], strict=True):
        assert light[0] != dark[0] and light[1] != dark[1]
