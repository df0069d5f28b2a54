from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from fanwiki.models import Article

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
