from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from fanwiki.models import Article
from fanwiki.tagging import public_tags

FEED_SIZE = 20


class LatestArticlesFeed(Feed):
    feed_type = Atom1Feed
    title = "FanWiki: latest articles"
    subtitle = "New articles on FanWiki, the Korean drama fan wiki."

    def link(self):
        return reverse("fanwiki:article_list")

    def items(self):
        return Article.objects.published().listed()[:FEED_SIZE]

    def item_title(self, article):
        return article.title

    def item_description(self, article):
        # Atom says <summary type="html">: readers render it as HTML, and a summary is plain text.
        return escape(article.summary)

    def item_pubdate(self, article):
        return article.published

    def item_updateddate(self, article):
        return article.updated


class TagArticlesFeed(LatestArticlesFeed):
    """/tags/<slug>/feed/: the newest published articles with one tag. A tag only drafts carry is a 404."""

    def get_object(self, request, slug):
        return get_object_or_404(public_tags(), slug=slug)

    def title(self, tag):
        return f"FanWiki: articles tagged “{tag.name}”"

    def subtitle(self, tag):
        return f"New articles on FanWiki tagged “{tag.name}”."

    def link(self, tag):
        return reverse("fanwiki:tag_detail", kwargs={"slug": tag.slug})

    def feed_url(self, tag):
        return reverse("tag_feed", kwargs={"slug": tag.slug})

    def items(self, tag):
        return Article.objects.published().filter(tags=tag).listed()[:FEED_SIZE]
