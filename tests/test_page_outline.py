"""Markup every page kind must get right without a browser: headings never skip a level, and every
<time datetime> is valid HTML (whole seconds, no microseconds)."""

import re

import pytest

from tests.browser.pages import PAGES, public_pages
from tests.html_elements import elements

# A date, or a date and time to the second with a time-zone offset.
VALID_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}([+-]\d{2}:?\d{2}|Z))?")


def heading_levels(html):
    return [int(element["tag"][1]) for element in elements(html) if re.fullmatch(r"h[1-6]", element["tag"])]


@pytest.fixture
def pages(seed):
    return public_pages()


@pytest.mark.parametrize("name", PAGES)
def test_headings_start_at_h1_and_never_skip_a_level(name, pages, client):
    path, status = pages[name]
    response = client.get(path)
    assert response.status_code == status
    levels = heading_levels(response.content.decode())
    assert levels[0] == 1
    assert levels.count(1) == 1
    skips = [(before, after) for before, after in zip(levels, levels[1:], strict=False) if after > before + 1]
    assert skips == []


@pytest.mark.parametrize("name", ["home", "article", "history", "revision", "diff", "recent changes"])
def test_time_elements_have_valid_datetime_values(name, pages, client):
    path, status = pages[name]
    html = client.get(path).content.decode()
    values = [element["attrs"]["datetime"] for element in elements(html) if element["tag"] == "time"]
    assert values
    assert [value for value in values if not VALID_DATETIME.fullmatch(value)] == []
