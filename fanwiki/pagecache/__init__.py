"""The page cache: anonymous readers get public pages from a cache that is never stale.

- `dependencies`: which pages may be cached, and the keys each one depends on, declared by the
  views and template tags that read them while the page renders.
- `middleware`: turns those keys into the response's `Surrogate-Key` header (the contract with
  the WSGI layer, and with a CDN or Varnish in front).
- `versions`: the shared version of every key (Redis, or a table in the database), bumped after
  each committed write by the keys it announced (`fanwiki.changes`).
- `wsgi`: the layer in front of Django that answers hits without running Django at all.
- `purge`: after a write, bump the keys and call the purge hook of a CDN.
"""
