from django.contrib import admin

from fanwiki.admin.conflicts import WikiPageAdmin
from fanwiki.admin.images import image_inline_for
from people.models import AlternativeName, Person


class AlternativeNameInline(admin.TabularInline):
    model = AlternativeName
    extra = 1


@admin.register(Person)
class PersonAdmin(WikiPageAdmin):
    text_field = "biography"
    list_display = ["name", "hangul_name", "slug", "updated"]
    search_fields = ["name", "hangul_name", "alternative_names__name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [image_inline_for(Person), AlternativeNameInline]
    fieldsets = [(None, {"fields": ["name", "slug", "hangul_name", "biography", "tags"]})]
