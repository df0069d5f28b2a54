"""The related-articles sidebar: published articles sharing the most tags."""

from django.db.models import Count, OuterRef, Subquery

from fanwiki.models import Article, TaggedArticle
from fanwiki.pages import kind_of
from fanwiki.tagging import newest_carriers

SIDEBAR_SIZE = 5
# Per tag, only its newest articles are candidates: "OST" is on thousands, and ranking them all
# would cost a page more the bigger the wiki grows. Read off the tag, article index, newest rows first.
CANDIDATES_PER_TAG = 100


def related_articles(page, limit=SIDEBAR_SIZE):
    """Rank published articles by tags shared with the page, then newest; one query.

    The page's tags are prefetched by its view (its sidebar's cache keys read them too). Each tag
    offers its CANDIDATES_PER_TAG newest articles; the shared tags of those are counted exactly.
    """
    tag_ids = [tag.pk for tag in page.tags.all()]
    if not tag_ids:
        return Article.objects.none()
    # One list of candidates, a UNION ALL of each tag's window: PostgreSQL answers an OR of IN
    # subqueries with a scan of every article (0.8 s at 100,000). Each window is wrapped in a plain
    # id lookup because SQLite allows no LIMIT in the parts of a compound query.
    windows = [
        Article.objects.filter(pk__in=newest_carriers(Article, tag_id, CANDIDATES_PER_TAG))
        .order_by()
        .values("pk")
        for tag_id in tag_ids
    ]
    candidates = windows[0].union(*windows[1:], all=True)
    # Counted per candidate on the (article, tag) unique index, so the query starts from the candidates.
    shared_tags = (
        TaggedArticle.objects.filter(content_object=OuterRef("pk"), tag_id__in=tag_ids)
        .values("content_object")
        .annotate(n=Count("pk"))
        .values("n")
    )
    # The windows hold published articles only; asking published() again here would let the planner
    # walk every published article in date order instead of looking up the few candidates.
    shared = (
        Article.objects.filter(pk__in=candidates)
        .annotate(shared_tags=Subquery(shared_tags))
        .order_by("-shared_tags", "-published", "title")
    )
    if "sidebars" in kind_of(page).shown_on:
        # A page that sidebars list is never related to itself.
        shared = shared.exclude(pk=page.pk)
    return shared.listed()[:limit]
