"""The page navigation under paginated lists."""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from fanwiki.paging import PAGE_PARAM, page_url

register = template.Library()


@register.inclusion_tag("includes/pagination.html", takes_context=True)
def pagination(context, page, param=PAGE_PARAM, label="Pages", browse="", extra_query=""):
    """Previous and next, the first and last pages and those around the current one.

    For the lists /browse/ links page by page, `browse` names the list there ("All pages").
    `extra_query` is the view's filter, kept on every link.
    """
    request = context["request"]

    def url(number):
        return page_url(request, param, number, extra_query)

    paginator = page.paginator
    numbers = []
    for number in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1):
        if number == paginator.ELLIPSIS:
            numbers.append((None, None))
        else:
            numbers.append((number, url(number)))
    return {
        "page": page,
        "label": label,
        "browse": browse,
        "numbers": numbers,
        "previous_url": url(page.number - 1) if page.has_previous() else "",
        "next_url": url(page.number + 1) if page.has_next() else "",
    }


@register.simple_tag
def every_page_link(url, num_pages):
    """A list item linking each page of the list at `url`: thousands for a big list, so built in one pass."""
    href = escape(url)
    items = [f'<li><a href="{href}">1</a></li>']
    items.extend(f'<li><a href="{href}?page={n}">{n}</a></li>' for n in range(2, num_pages + 1))
    return mark_safe("".join(items))  # noqa: S308 - the URL is escaped, the rest are numbers
