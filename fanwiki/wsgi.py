import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fanwiki.settings")

from fanwiki.media import with_media  # noqa: E402  (after the settings module is named)

# Pictures' files are answered in front of Django (fanwiki/media.py), by the same process.
application = with_media(get_wsgi_application())
