"""The WSGI application: Django, behind the layers that answer some requests before it runs.

LAYERS wrap the Django application in order, the last one outermost; each takes the application
it wraps and returns the one to serve.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fanwiki.settings")

django_application = get_wsgi_application()

# After the settings are loaded above.
from fanwiki.media import with_media  # noqa: E402
from fanwiki.pagecache.wsgi import PageCache  # noqa: E402

LAYERS = [
    # Readers' pages from the cache, before Django's request handling (fanwiki/pagecache).
    PageCache,
    # Pictures' files, by the same process (fanwiki/media.py).
    with_media,
]

application = django_application
for layer in LAYERS:
    application = layer(application)
