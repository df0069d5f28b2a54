"""The related-articles sidebar: published articles sharing the most tags."""

from django.db.models import Count

from fanwiki.models import Article
from fanwiki.pages import kind_of

SIDEBAR_SIZE = 5


def related_articles(page, limit=SIDEBAR_SIZE):
    """Rank published articles by tags shared with the page, then newest; one query.

    The page's own tags go in as a subquery, so the tag list is never fetched first.
    """
    shared = (
        Article.objects.published()
        .filter(tags__in=page.tags.all())
        .annotate(shared_tags=Count("tags"))
        .order_by("-shared_tags", "-published", "title")
    )
    if "sidebars" in kind_of(page).shown_on:
        # A page that sidebars list is never related to itself.
        shared = shared.exclude(pk=page.pk)
    return shared.listed()[:limit]
