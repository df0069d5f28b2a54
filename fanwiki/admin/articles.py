from django.contrib import admin
from django.db import models

from fanwiki.admin.conflicts import WikiPageAdmin
from fanwiki.models import Article


@admin.register(Article)
class ArticleAdmin(WikiPageAdmin):
    text_field = "body"
    list_display = ["title", "status", "published", "source_outlet", "is_stub"]
    list_filter = ["status", "source_outlet", "tags"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body", "tags"]}),
        ("Source", {"fields": ["source_outlet", "source_url"]}),
        ("Publishing", {"fields": ["status", "published"]}),
    ]

    @admin.display(boolean=True, description="stub")
    def is_stub(self, article):
        return article.is_stub

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")
