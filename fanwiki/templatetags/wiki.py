"""The wiki's shared page parts, for drama, person and article templates alike."""

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime

from fanwiki import editors
from fanwiki.links import pages_linking_to
from fanwiki.markup import sanitize_html
from fanwiki.pagecache.dependencies import depends_on, page_keys, sidebar_keys
from fanwiki.pages import kind_of
from fanwiki.sidebar import related_articles

register = template.Library()


@register.simple_tag
def page_body(page):
    """The page's rendered Markdown, sanitized when it was saved and again now."""
    return sanitized(kind_of(page).html(page))


@register.simple_tag
def page_kind(page):
    """The page's entry in the page registry: its URL segment, label and list URL name."""
    return kind_of(page)


@register.filter
def sanitized(html):
    """Stored HTML through today's sanitizer: it was made by an older one, perhaps."""
    return mark_safe(sanitize_html(html or ""))  # noqa: S308


@register.filter
def editor_name(user):
    """How public pages name a user: never a login name."""
    return editors.editor_name(user)


@register.filter
def revision_author(record):
    """Who made a revision: an editor's name, "import" for a loaded fixture, or "maintenance"."""
    return editors.revision_author(record)


@register.inclusion_tag("includes/related_articles.html", takes_context=True)
def related_articles_sidebar(context, page):
    depends_on(_request(context), *sidebar_keys(page))
    return {"related_articles": related_articles(page)}


@register.inclusion_tag("includes/tag_list.html", takes_context=True)
def tag_list(context, page):
    depends_on(_request(context), *page_keys([page]))
    return {"tags": page.tags.all()}


@register.inclusion_tag("includes/what_links_here.html", takes_context=True)
def what_links_here(context, page):
    # A page that starts or stops linking here, or renames, announces this page (fanwiki.signals).
    depends_on(_request(context), *page_keys([page]))
    return {"backlinks": pages_linking_to(page)}


@register.simple_tag
def admin_change_url(page):
    """The admin form for this page: readers who open it are asked to log in."""
    opts = page._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[page.pk])


def _request(context):
    """The request a template renders for; None outside one (render_to_string without a request)."""
    return getattr(context, "request", None)


@register.filter
def datetime_attr(value):
    """A <time datetime> value: ISO 8601 in the current time zone, to the whole second.

    `date:"c"` writes microseconds, which HTML's datetime syntax does not allow (milliseconds at most).
    """
    if not value:
        return ""
    if hasattr(value, "microsecond"):
        value = template_localtime(value).replace(microsecond=0)
    return value.isoformat()
