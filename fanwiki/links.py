"""The link table behind "what links here", and re-rendering pages when their links change colour."""

import threading
from collections import defaultdict, deque

from django.contrib.contenttypes.models import ContentType
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.db.models import Subquery

from fanwiki.changes import announce
from fanwiki.markup import render_markdown
from fanwiki.models import PageTitle, WikiLink
from fanwiki.pages import PageRef, kind_of, load_pages
from fanwiki.titles import normalise_title, resolve_titles
from fanwiki.wikilinks import find_link_targets

# Pages re-rendered at once after a commit; the rest wait until the response has gone out.
RERENDER_BATCH_SIZE = 200
# The "What links here" box on a page shows this many; the rest are on the page's own list of them.
BACKLINKS_SHOWN = 20


def _target_keys(text):
    return {normalise_title(target) for target in find_link_targets(text)} - {""}


def record_links(page):
    """Replace the page's outgoing links with those its text names now; return (old, new) target keys."""
    kind = kind_of(page)
    source_type = ContentType.objects.get_for_model(page)
    keys = _target_keys(kind.text(page))
    rows = WikiLink.objects.filter(source_type=source_type, source_id=page.pk)
    old_keys = set(rows.values_list("target_key", flat=True))
    rows.delete()
    WikiLink.objects.bulk_create(
        WikiLink(
            source_type=source_type,
            source_id=page.pk,
            source_title=str(page),
            source_url=page.get_absolute_url(),
            source_is_public=kind.is_public(page),
            target_key=key,
        )
        for key in sorted(keys)
    )
    return old_keys, keys


def drop_links(page):
    """Remove a deleted page's links; return the keys it linked to."""
    rows = WikiLink.objects.filter(source_type=ContentType.objects.get_for_model(page), source_id=page.pk)
    keys = set(rows.values_list("target_key", flat=True))
    rows.delete()
    return keys


def _refs(rows):
    """PageRefs for (content type id, object id) pairs."""
    refs = set()
    for type_id, object_id in rows:
        refs.add(PageRef(kind_of(ContentType.objects.get_for_id(type_id).model_class()).name, object_id))
    return refs


def pages_titled(keys):
    """The pages answering to any of these title keys, in one query."""
    if not keys:
        return set()
    return _refs(PageTitle.objects.filter(key__in=keys).values_list("content_type", "object_id"))


def pages_linking_to_keys(keys):
    if not keys:
        return set()
    return _refs(WikiLink.objects.filter(target_key__in=keys).values_list("source_type", "source_id"))


def pages_linking_to(page):
    """Public pages whose text links to this page, as (title, url) rows by title, in one query.

    Read off the link table's backlinks index alone: a page linked from thousands reads no rows.
    """
    content_type = ContentType.objects.get_for_model(page)
    own_keys = PageTitle.objects.filter(content_type=content_type, object_id=page.pk).values("key")
    return (
        WikiLink.objects.filter(target_key__in=Subquery(own_keys), source_is_public=True)
        .exclude(source_type=content_type, source_id=page.pk)
        .values("source_title", "source_url")
        .distinct()
        .order_by("source_title")
    )


def some_pages_linking_to(page, shown=BACKLINKS_SHOWN):
    """(the first `shown` backlinks, whether there are more): one query of shown + 1 rows."""
    rows = list(pages_linking_to(page)[: shown + 1])
    return rows[:shown], len(rows) > shown


def rerender_pages(refs):
    """Render these pages' Markdown again in one transaction; return the refs whose HTML changed.

    A re-render is not an edit: no revision, no version bump. Links resolve in one query per batch.
    The pages are read and written under lock: an edit committed between reading a page and
    writing its HTML would otherwise get the HTML of the text it replaced.
    """
    changed = set()
    with transaction.atomic():
        pages = load_pages(refs, lock=True)
        targets = set()
        for page in pages.values():
            targets.update(find_link_targets(kind_of(page).text(page)))
        resolved = resolve_titles(targets)
        changed_by_model = defaultdict(list)
        for page in pages.values():
            kind = kind_of(page)
            html = render_markdown(kind.text(page), resolved=resolved)
            if html != kind.html(page):
                setattr(page, kind.html_field, html)
                changed_by_model[kind].append(page)
        for kind, batch in changed_by_model.items():
            kind.model._default_manager.bulk_update(batch, [kind.html_field])
            changed.update(kind.ref(page) for page in batch)
        announce(pages=changed)
    return changed


class _Queue(threading.local):
    def __init__(self):
        self.refs = deque()
        self.in_request = False


_queue = _Queue()


def rerender_linking_pages(keys):
    """Re-render every page whose text links to one of these title keys (a target appeared, went or moved).

    The first batch is done at once. In a request, the rest waits until the response has been sent,
    so renaming a page linked from thousands does not hold the editor's request.
    """
    _queue.refs.extend(sorted(pages_linking_to_keys(keys)))
    drain_rerender_queue(limit=RERENDER_BATCH_SIZE)
    if not _queue.in_request:
        drain_rerender_queue()


def drain_rerender_queue(limit=None):
    """Re-render queued pages in batches; return how many were processed."""
    done = 0
    while _queue.refs and (limit is None or done < limit):
        batch = []
        while _queue.refs and len(batch) < RERENDER_BATCH_SIZE:
            batch.append(_queue.refs.popleft())
        rerender_pages(batch)
        done += len(batch)
    return done


def _request_started(**kwargs):
    _queue.in_request = True


def _request_finished(**kwargs):
    _queue.in_request = False
    drain_rerender_queue()


request_started.connect(_request_started, dispatch_uid="fanwiki-rerender-request-started")
request_finished.connect(_request_finished, dispatch_uid="fanwiki-rerender-request-finished")
