"""The sitemap index at /sitemap.xml and its sections, each split into files of SECTION_LIMIT URLs."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from dramas.models import Drama
from fanwiki.models import Article
from people.models import Person

# The protocol allows 50,000 URLs per file; a smaller file is quicker to build and to fetch.
SECTION_LIMIT = 10_000


class ListPagesSitemap(Sitemap):
    limit = SECTION_LIMIT
    changefreq = "daily"
    priority = 0.6

    def items(self):
        return ["fanwiki:home", "dramas:list", "people:list", "fanwiki:article_list"]

    def location(self, item):
        return reverse(item)


class PageSitemap(Sitemap):
    limit = SECTION_LIMIT
    changefreq = "weekly"

    def lastmod(self, page):
        return page.updated

    def get_latest_lastmod(self):
        # For the index: one aggregate, where Django's default would load every page of the section.
        return self.items().order_by().aggregate(latest=Max("updated"))["latest"]


class DramaSitemap(PageSitemap):
    priority = 0.8

    def items(self):
        return Drama.objects.only("slug", "updated").order_by("pk")


class PersonSitemap(PageSitemap):
    priority = 0.7

    def items(self):
        return Person.objects.only("slug", "updated").order_by("pk")


class ArticleSitemap(PageSitemap):
    priority = 0.5

    def items(self):
        return Article.objects.published().only("slug", "updated").order_by("pk")


SITEMAPS = {
    "lists": ListPagesSitemap,
    "dramas": DramaSitemap,
    "people": PersonSitemap,
    "articles": ArticleSitemap,
}
