from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path, register_converter

from fanwiki import history, views
from fanwiki.disambiguation import disambiguation
from fanwiki.feeds import LatestArticlesFeed, TagArticlesFeed
from fanwiki.pages import KINDS_BY_SEGMENT
from fanwiki.recent_changes import RecentChangesFeed, recent_changes_view
from fanwiki.sitemaps import SITEMAPS


class TagSlugConverter:
    """Tag slugs may be Hangul, so not <slug:>; NUL bytes, which no slug has, never match."""

    regex = r"[^/\x00]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(TagSlugConverter, "tagslug")

wiki_patterns = [
    path("", views.home, name="home"),
    path("articles/", views.article_list, name="article_list"),
    # Article slugs may be Hangul: an article titled only in Korean still gets a readable URL.
    re_path(r"^articles/(?P<slug>[-\w]+)/$", views.article_detail, name="article_detail"),
    path("tags/<tagslug:slug>/", views.tag_detail, name="tag_detail"),
    path("search/", views.search, name="search"),
    path("browse/", views.browse, name="browse"),
    path("missing/", views.missing_page, name="missing_page"),
    path("recent-changes/", recent_changes_view, name="recent_changes"),
    path("disambiguation/", disambiguation, name="disambiguation"),
    # The full list behind a page's "What links here" box.
    re_path(
        rf"^(?P<kind>{'|'.join(KINDS_BY_SEGMENT)})/(?P<slug>[-\w]+)/links/$",
        views.what_links_here,
        name="what_links_here",
    ),
]

_PAGE = rf"^(?P<kind>{'|'.join(KINDS_BY_SEGMENT)})/(?P<slug>[-\w]+)/history/"
history_patterns = [
    re_path(_PAGE + r"$", history.revision_list, name="list"),
    re_path(_PAGE + r"diff/$", history.revision_diff, name="diff"),
    re_path(_PAGE + r"(?P<revision_id>[0-9]+)/$", history.revision_detail, name="revision"),
]

urlpatterns = [
    path("", include((history_patterns, "history"))),
    path("", include((wiki_patterns, "fanwiki"))),
    path("dramas/", include("dramas.urls")),
    path("people/", include("people.urls")),
    path("admin/", admin.site.urls),
    # Machine-readable endpoints, outside the namespaces of HTML pages.
    path("feeds/articles/", LatestArticlesFeed(), name="article_feed"),
    path("feeds/recent-changes/", RecentChangesFeed(), name="recent_changes_feed"),
    path("tags/<tagslug:slug>/feed/", TagArticlesFeed(), name="tag_feed"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path("sitemap-<section>.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS}, name="sitemap_section"),
]

# A database that cannot be reached gives the 503 page with Retry-After; any other error the 500 page.
handler500 = "fanwiki.database_down.server_error"
