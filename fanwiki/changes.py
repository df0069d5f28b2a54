"""Which pages a write changed, announced once its transaction commits.

Receivers in fanwiki/signals.py call `announce()` from inside the write's
transaction. Nothing leaves the transaction until it commits: then one
`pages_changed` signal goes out with everything the transaction touched, and
the work that fans out to other pages (re-rendering pages whose links changed
colour) starts. A rolled-back write announces nothing.

Listeners (the page cache, the search index, purge hooks) receive a
`PageChanges`:

- `pages`: every page whose HTML may have changed, as PageRefs;
- `deleted`: pages that no longer exist;
- `keys`: every dependency key the write touched. A cached response that
  depends on one of these keys is stale. The keys are:
    page:<kind>:<pk>   a page's own HTML
    list:<kind>        the list of a kind's pages (/dramas/, feeds, sitemaps)
    home               the home page
    tags               the list of tags in use
    tag:<tag id>       a tag page (/tags/<slug>/)
    sidebar:<tag id>   every related-articles sidebar that reads this tag
"""

import threading
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.dispatch import Signal

from fanwiki.pages import PageRef

# Sent after commit with `changes`, a PageChanges.
pages_changed = Signal()


@dataclass(frozen=True)
class PageChanges:
    pages: frozenset = frozenset()
    deleted: frozenset = frozenset()
    keys: frozenset = frozenset()

    def __bool__(self):
        return bool(self.pages or self.deleted or self.keys)


@dataclass
class _Pending:
    pages: set = field(default_factory=set)
    deleted: set = field(default_factory=set)
    keys: set = field(default_factory=set)
    # Title-index keys whose target appeared, vanished or moved: pages linking to them need a re-render.
    retitled: set = field(default_factory=set)
    # Title-index keys whose "what links here" list gained or lost a page.
    relinked: set = field(default_factory=set)


class _State(threading.local):
    pending = None
    callback = None


_state = _State()


def announce(*, pages=(), deleted=(), keys=(), retitled=(), relinked=()):
    """Record what the current write changes; it is sent when the transaction commits."""
    connection = connections[DEFAULT_DB_ALIAS]
    if not connection.in_atomic_block:
        # Autocommit: the write has already committed.
        pending = _Pending()
    else:
        if _state.pending is None or not _callback_still_registered(connection):
            # The transaction's first announcement, or the last transaction rolled back with its callback.
            _state.pending = _Pending()
            _state.callback = _new_flush_callback(_state.pending)
            transaction.on_commit(_state.callback)
        pending = _state.pending
    pending.pages.update(pages)
    pending.deleted.update(deleted)
    pending.keys.update(keys)
    pending.retitled.update(retitled)
    pending.relinked.update(relinked)
    if not connection.in_atomic_block:
        _send(pending)


def has_uncommitted_changes():
    """Whether this thread's open transaction has written pages it has not committed yet.

    Caches read by version must not serve or keep anything then: the versions move only at commit.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    return (
        _state.pending is not None and connection.in_atomic_block and _callback_still_registered(connection)
    )


def _new_flush_callback(pending):
    def flush():
        if _state.pending is pending:
            _state.pending = _state.callback = None
        _send(pending)

    return flush


def _callback_still_registered(connection):
    return any(callback is _state.callback for _, callback, _ in connection.run_on_commit)


def _send(pending):
    from fanwiki.links import pages_titled, rerender_linking_pages

    pages = set(pending.pages)
    # Pages whose "what links here" changed, looked up now that the title index is committed.
    pages.update(pages_titled(pending.relinked))
    pages -= pending.deleted
    keys = set(pending.keys) | {ref.key for ref in pages | pending.deleted}
    changes = PageChanges(frozenset(pages), frozenset(pending.deleted), frozenset(keys))
    if changes:
        pages_changed.send(sender=PageChanges, changes=changes)
    if pending.retitled:
        rerender_linking_pages(pending.retitled)


def keys_for_page(kind, pk, tag_ids=(), shown_elsewhere=True):
    """The dependency keys a change to one page touches, by where its kind is shown."""
    keys = {PageRef(kind.name, pk).key}
    if not shown_elsewhere:
        return keys
    if "list" in kind.shown_on:
        keys.add(f"list:{kind.name}")
    if "home" in kind.shown_on:
        keys.add("home")
    if "tag_pages" in kind.shown_on:
        keys.update(f"tag:{tag_id}" for tag_id in tag_ids)
    if "sidebars" in kind.shown_on:
        keys.update(f"sidebar:{tag_id}" for tag_id in tag_ids)
    return keys
