"""Moves leave redirects: every old address of a page answers 301 with its current address.

When a page's slug changes, the old slug is kept in a slug history (`OldSlug`,
keyed by the page registry's kind and the page id). A request that would be a
404 under an old slug (the page, its history, a revision, a diff) is sent on
to the same view under the page's current slug, with the query string kept.
The page is looked up at request time, so a page renamed many times sends
every old address straight to where it is now: there are no chains. A live
page always wins: a slug taken by a page (a new one, or one moving back) loses
its row, so a reused slug never redirects and no loop can form.
"""

from django.http import HttpResponsePermanentRedirect
from django.urls import Resolver404, resolve, reverse

from fanwiki.models import OldSlug
from fanwiki.pages import KINDS_BY_SEGMENT, kind_of


def remember_move(sender, instance, created=False, **kwargs):
    """post_save of a page: keep the slug it left, and free the slug it holds now."""
    kind = kind_of(sender)
    stored = getattr(instance, "_wiki_stored", None)  # the row before the save, read in render_page
    old_slug = stored["slug"] if stored else None
    if old_slug == instance.slug and not created:
        return
    OldSlug.objects.filter(kind=kind.name, slug=instance.slug).delete()
    if old_slug:
        OldSlug.objects.update_or_create(kind=kind.name, slug=old_slug, defaults={"page_id": instance.pk})


def forget_moves(sender, instance, **kwargs):
    """post_delete of a page: its old addresses lead nowhere now, so they become plain 404s."""
    OldSlug.objects.filter(kind=kind_of(sender).name, page_id=instance.pk).delete()


def current_address(path):
    """The path under the page's current slug for a path under one of its old slugs, or None."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    slug = match.kwargs.get("slug")
    kind = KINDS_BY_SEGMENT.get(path.strip("/").split("/", 1)[0])
    if slug is None or kind is None:
        return None
    moved = OldSlug.objects.filter(kind=kind.name, slug=slug).values_list("page_id", flat=True).first()
    if moved is None:
        return None
    current = kind.public_pages().filter(pk=moved).values_list("slug", flat=True).first()
    if current is None or current == slug:
        return None
    return reverse(match.view_name, kwargs={**match.kwargs, "slug": current})


class MovedPageRedirectMiddleware:
    """Turns a 404 under an old slug into a 301 to the page's current address (like contrib.redirects)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        path = current_address(request.path_info)
        if path is None:
            return response
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(f"{path}?{query}" if query else path)
