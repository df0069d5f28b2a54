from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from dramas.models import Drama
from fanwiki.models import Article
from people.models import Person


class ListPagesSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.6

    def items(self):
        return ["fanwiki:home", "dramas:list", "people:list", "fanwiki:article_list"]

    def location(self, item):
        return reverse(item)


class PageSitemap(Sitemap):
    changefreq = "weekly"

    def lastmod(self, page):
        return page.updated


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
