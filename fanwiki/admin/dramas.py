from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from dramas.models import Credit, Drama, Network
from fanwiki.admin.autocomplete import LenientAutocompleteMixin
from fanwiki.admin.conflicts import CreditForm, WikiPageAdmin
from fanwiki.admin.images import image_inline_for


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["name", "note"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class CreditInline(LenientAutocompleteMixin, admin.TabularInline):
    model = Credit
    extra = 1
    autocomplete_fields = ["person"]
    fields = ["person", "kind", "character", "character_hangul", "note", "billing_order"]


@admin.register(Drama)
class DramaAdmin(WikiPageAdmin):
    text_field = "synopsis"
    list_display = ["title", "hangul_title", "network", "first_aired", "episodes"]
    list_filter = ["network", "tags"]
    search_fields = ["title", "hangul_title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    list_select_related = ["network"]
    inlines = [image_inline_for(Drama), CreditInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "hangul_title", "synopsis", "tags"]}),
        (
            "Broadcast",
            {"fields": ["network", "first_aired", "last_aired", "broadcast_days", "episodes", "streaming"]},
        ),
    ]


@admin.register(Credit)
class CreditAdmin(LenientAutocompleteMixin, SimpleHistoryAdmin):
    form = CreditForm
    list_display = ["person", "drama", "kind", "character", "billing_order"]
    list_filter = ["kind", "drama"]
    search_fields = ["person__name", "drama__title", "character"]
    autocomplete_fields = ["person", "drama"]
    list_select_related = ["person", "drama"]

    def get_queryset(self, request):
        # The drama's version is read with the credit: the form's edit-conflict check starts from it.
        return super().get_queryset(request).select_related("drama")

    def save_model(self, request, obj, form, change):
        # The edit summary the form asks for goes into the credit's revision, as on a page's form.
        obj._change_reason = form.cleaned_data.get("edit_summary", "")
        super().save_model(request, obj, form, change)
