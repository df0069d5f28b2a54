"""What django-axes needs from us: the client's real IP address and the lock-out page.

Settings (AXES_* in fanwiki/settings.py): a username is locked for one IP address after
DJANGO_LOGIN_FAILURE_LIMIT failures, for DJANGO_LOGIN_COOLOFF_MINUTES.
"""

from ipaddress import ip_address

from django.conf import settings
from django.shortcuts import render

LOCKED_OUT_STATUS = 429  # Too Many Requests


def _valid(value):
    try:
        return str(ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request):
    """REMOTE_ADDR, or with N proxies in front the address the outermost one saw.

    Each proxy appends the address it was connected from to X-Forwarded-For, so the Nth entry from
    the right was written by our outermost proxy; anything left of it came from the client and may
    be forged. Without trusted proxies the header is ignored.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if not forwarded:
        return remote
    # Fewer entries than proxies: the leftmost is the furthest address any proxy recorded.
    chosen = forwarded[-count] if len(forwarded) >= count else forwarded[0]
    return _valid(chosen) or remote


def locked_out(request, original_response=None, credentials=None):
    """The 429 page for a locked-out login: what happened and when to try again."""
    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    context = {"cooloff_minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT}
    return render(request, "fanwiki/login_locked_out.html", context, status=LOCKED_OUT_STATUS)
