"""The wiki's shared page parts, for drama, person and article templates alike."""

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime

from fanwiki import editors
from fanwiki.links import some_pages_linking_to
from fanwiki.markup import sanitized_html
from fanwiki.pagecache.dependencies import depends_on, page_keys, sidebar_keys
from fanwiki.pagecache.fragments import fragment, prefetch_versions
from fanwiki.pages import kind_of, page_ref
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
    """Stored HTML through today's sanitizer: it was made by an older one, perhaps (remembered by
    digest, so a page's HTML is sanitized once per pipeline, not once per view)."""
    return mark_safe(sanitized_html(html))  # noqa: S308


@register.filter
def editor_name(user):
    """How public pages name a user: never a login name."""
    return editors.editor_name(user)


@register.filter
def revision_author(record):
    """Who made a revision: an editor's name, "import" for a loaded fixture, or "maintenance"."""
    return editors.revision_author(record)


@register.simple_tag(takes_context=True)
def related_articles_sidebar(context, page):
    """The sidebar box: kept until an article with one of the page's tags changes."""
    return fragment(
        _request(context),
        ("related_articles", page_ref(page).key),
        sidebar_keys(page),
        lambda: _include(context, "includes/related_articles.html", related_articles=related_articles(page)),
    )


@register.inclusion_tag("includes/tag_list.html", takes_context=True)
def tag_list(context, page):
    depends_on(_request(context), *page_keys([page]))
    return {"tags": page.tags.all()}


@register.simple_tag(takes_context=True)
def what_links_here(context, page):
    """The backlinks box: a page that starts or stops linking here, or renames, announces this page.

    The first few only, so a page linked from thousands stays small; the rest are a link away.
    """

    def render():
        backlinks, more = some_pages_linking_to(page)
        return _include(context, "includes/what_links_here.html", page=page, backlinks=backlinks, more=more)

    return fragment(_request(context), ("what_links_here", page_ref(page).key), page_keys([page]), render)


@register.tag
def page_part(parser, token):
    """{% page_part page %}...{% endpage_part %}: a part that shows the page itself and nothing else.

    Kept until the page's own key is bumped, and rendered only then: put the queries it needs
    inside it (lazy querysets, tags), so a page rendered again for its sidebar runs none of them.
    """
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("{% page_part %} takes one page")
    nodelist = parser.parse(("endpage_part",))
    parser.delete_first_token()
    return PagePartNode(
        nodelist, parser.compile_filter(bits[1]), f"{parser.origin.template_name}:{token.lineno}"
    )


class PagePartNode(template.Node):
    def __init__(self, nodelist, page, where):
        self.nodelist = nodelist
        self.page = page
        self.where = where

    def render(self, context):
        page = self.page.resolve(context)
        # The sidebar's keys in the same round trip: it renders after this part.
        prefetch_versions(_request(context), [*page_keys([page]), *sidebar_keys(page)])
        return fragment(
            _request(context),
            ("page_part", self.where, page_ref(page).key),
            page_keys([page]),
            lambda: self.nodelist.render(context),
        )


@register.simple_tag
def admin_change_url(page):
    """The admin form for this page: readers who open it are asked to log in."""
    opts = page._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[page.pk])


def _include(context, template_name, **values):
    """A partial rendered as an inclusion tag renders it, in a context of its own."""
    return context.template.engine.get_template(template_name).render(context.new(values))


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
