"""Canonical URLs, descriptions and link previews (OpenGraph, Twitter cards, JSON-LD) in templates."""

from django import template

from fanwiki import previews

register = template.Library()


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """The absolute URL of the page shown; a paginated list keeps its page number. None without a
    request (the bare server-error page)."""
    request = context.get("request")
    if request is None:
        return ""
    page = context.get("page_obj") or context.get("results")
    return previews.canonical_url(request, getattr(page, "number", None))


@register.simple_tag
def page_description(page):
    return previews.describe(page)


@register.inclusion_tag("includes/page_preview.html", takes_context=True)
def page_preview(context, page):
    return {"preview": previews.page_preview(context["request"], page)}
