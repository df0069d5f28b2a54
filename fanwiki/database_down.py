"""While the database cannot be reached (a PostgreSQL restart), readers get a 503 page, not a 500.

Django's 500 handler (`handler500` in fanwiki/urls.py) is where an unhandled error from any view
or middleware ends up. When that error is the database's and the connection is gone (it could not
connect, or the server closed it), the answer is the 503 page with `Retry-After`: nothing is
broken, come back in a moment. Any other error, including a database error on a working
connection (a missing table, a bug), stays a 500. Pages the page cache holds are served before
Django runs (fanwiki/pagecache/wsgi.py), so anonymous readers of those see nothing of it.

Like the 500 page, templates/503.html has no tags: it renders without the database.
"""

import sys

from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.http import HttpResponse
from django.template import loader
from django.views import defaults

# A fast restart takes a few seconds; connections are health-checked before reuse (settings.py).
RETRY_AFTER_SECONDS = 10


def database_unavailable(error):
    """Whether the error means the database is out of reach, rather than something wrong with a query."""
    if isinstance(error, InterfaceError):
        return True  # the connection was closed under us
    if not isinstance(error, OperationalError):
        return False
    connection = connections[DEFAULT_DB_ALIAS]
    # None: connecting is what failed. Otherwise ask the server, which a restart has cut off.
    return connection.connection is None or not connection.is_usable()


def unavailable_response():
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """handler500: the 503 page while the database is down, else Django's own 500 page."""
    if database_unavailable(sys.exc_info()[1]):
        return unavailable_response()
    return defaults.server_error(request, template_name)
