"""After a write commits: bump the keys it announced, then let a CDN or Varnish in front purge them."""

import logging
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string

from fanwiki.pagecache.versions import get_store

logger = logging.getLogger(__name__)

# Keys per purge request: Fastly takes at most 256 surrogate keys in one.
PURGE_BATCH = 200
PURGE_TIMEOUT_SECONDS = 2


def pages_changed(sender, changes, **kwargs):
    """Receiver of fanwiki.changes.pages_changed: every page depending on these keys is stale now."""
    if not changes.keys:
        return
    keys = sorted(changes.keys)
    get_store().bump(keys)
    hook = purge_hook()
    if hook is not None:
        try:
            hook(keys)
        except Exception:
            # The write has committed and our own cache is right; a CDN that missed it is logged.
            logger.exception("Page cache: the purge hook failed for %d keys", len(keys))


def purge_hook():
    """PAGECACHE_PURGE_HOOK (a dotted path), else http_purge when PAGECACHE_PURGE_URL is set, else None."""
    if settings.PAGECACHE_PURGE_HOOK:
        return import_string(settings.PAGECACHE_PURGE_HOOK)
    if settings.PAGECACHE_PURGE_URL:
        return http_purge
    return None


def http_purge(keys):
    """Send `PURGE <PAGECACHE_PURGE_URL>` naming the keys, as Varnish with xkey reads them."""
    for start in range(0, len(keys), PURGE_BATCH):
        names = " ".join(keys[start : start + PURGE_BATCH])
        request = urllib.request.Request(  # noqa: S310 (the operator's own URL)
            settings.PAGECACHE_PURGE_URL,
            method="PURGE",
            headers={"xkey-purge": names, "Surrogate-Key": names},
        )
        with urllib.request.urlopen(request, timeout=PURGE_TIMEOUT_SECONDS):  # noqa: S310
            pass
