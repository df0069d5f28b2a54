"""The title index: which names each public page answers to in a [[link]]."""

import re
import unicodedata
from urllib.parse import urlencode

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from fanwiki.models import PageTitle
from fanwiki.pages import kind_of

_IGNORED_IN_TITLES = re.compile(r"[\s\-_‐-―]+")


def normalise_title(text):
    """Fold a title so "Kim Ji Won", "kim ji-won" and "KimJiWon" meet."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _IGNORED_IN_TITLES.sub("", folded)[:200]


def title_rows(page):
    """{key: (display title, url)}: the rows the page should have in the title index."""
    names = kind_of(page).names(page)
    display_title = names[0] if names else ""
    url = page.get_absolute_url()
    rows = {}
    for name in names:
        key = normalise_title(name or "")
        if key and key not in rows:
            rows[key] = (display_title, url)
    return rows


def sync_page_titles(page):
    """Bring the page's rows in the title index up to date.

    Returns the keys whose target appeared, disappeared or moved: pages linking to them need a re-render.
    """
    content_type = ContentType.objects.get_for_model(page)
    wanted = title_rows(page)
    existing = {
        row.key: row for row in PageTitle.objects.filter(content_type=content_type, object_id=page.pk)
    }
    stale = set(existing) - set(wanted)
    if stale:
        PageTitle.objects.filter(content_type=content_type, object_id=page.pk, key__in=stale).delete()
    changed = set(stale)
    for key, (title, url) in wanted.items():
        row = existing.get(key)
        if row is None:
            PageTitle.objects.create(
                key=key, title=title, url=url, content_type=content_type, object_id=page.pk
            )
            changed.add(key)
        elif (row.title, row.url) != (title, url):
            # A new slug or title: links to this page elsewhere hold the old ones in their HTML.
            row.title, row.url = title, url
            row.save(update_fields=["title", "url"])
            changed.add(key)
    return changed


def drop_page_titles(page):
    """Remove a deleted page from the index; return the keys it held."""
    rows = PageTitle.objects.filter(content_type=ContentType.objects.get_for_model(page), object_id=page.pk)
    keys = set(rows.values_list("key", flat=True))
    rows.delete()
    return keys


def resolve_titles(names):
    """Map each normalised key among names to (title, url) of the page it names, in one query.

    A name several pages claim leads to its disambiguation page, which lists them all.
    """
    keys = {normalise_title(name) for name in names} - {""}
    if not keys:
        return {}
    claimants = {}
    for row in PageTitle.objects.filter(key__in=keys).order_by("key", "content_type_id", "object_id"):
        claimants.setdefault(row.key, []).append(row)
    return {key: _link_target(key, rows) for key, rows in claimants.items()}


def _link_target(key, rows):
    if len(rows) == 1:
        return (rows[0].title, rows[0].url)
    # Named by the first claimant's title when that is the name itself, so the address reads well.
    name = next((row.title for row in rows if normalise_title(row.title) == key), key)
    url = f"{reverse('fanwiki:disambiguation')}?{urlencode({'title': name})}"
    return (f"{name} (several pages)", url)


def claimants(name):
    """The (content type id, object id) of every page answering to name, in a stable order; one query."""
    key = normalise_title(name)
    if not key:
        return []
    rows = PageTitle.objects.filter(key=key).order_by("content_type_id", "object_id")
    return list(rows.values_list("content_type_id", "object_id"))
