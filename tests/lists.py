"""Short list pages, so a small wiki already fills many pages of each paginated list."""

from contextlib import contextmanager

import pytest

# (module, name) of every page size the paginated lists and /browse/ read.
PAGE_SIZES = [
    ("dramas.views", "DRAMAS_PER_PAGE"),
    ("fanwiki.views", "DRAMAS_PER_PAGE"),
    ("people.views", "PEOPLE_PER_PAGE"),
    ("fanwiki.views", "PEOPLE_PER_PAGE"),
    ("fanwiki.views", "ARTICLES_PER_PAGE"),
    ("fanwiki.views", "TAG_SECTION_SIZE"),
    ("fanwiki.views", "BACKLINKS_PER_PAGE"),
]


@contextmanager
def short_pages(size):
    with pytest.MonkeyPatch.context() as patch:
        for module, name in PAGE_SIZES:
            patch.setattr(f"{module}.{name}", size)
        yield
