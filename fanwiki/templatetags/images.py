"""Posters and portraits on pages: {% page_image %} for a page's own picture, portraits in cast tables.

A page without an image renders nothing at all: no empty frame, no placeholder.
"""

from django import template

from fanwiki.images import image_of, picture
from fanwiki.models import PageImage
from fanwiki.pages import kind_of

register = template.Library()

# The `sizes` of each use: how wide the picture is drawn, so the browser picks a rendition.
# A page's own picture by role (static/css/site.css draws them at these widths), and a thumbnail.
PAGE_IMAGE_SIZES = {
    "poster": "(max-width: 22rem) calc(100vw - 2rem), 20rem",
    "portrait": "12rem",
}
THUMBNAIL_SIZES = "3rem"


@register.simple_tag
def main_image(page):
    """{% main_image drama as poster %}: the page's picture, or None (asked again, no new query)."""
    return image_of(page)


@register.inclusion_tag("includes/page_image.html")
def page_image(image):
    """A page's own picture with its caption, credit and licence: the page's largest element.

    Loaded at once with fetchpriority="high", never lazily: it is what the reader came to see.
    """
    return _figure(image, PAGE_IMAGE_SIZES[image.role] if image else "", priority=True)


@register.simple_tag
def images_of(items, via=None):
    """{page id: picture} for a list of pages of one kind, or of rows naming a page in `via`; one query.

    {% images_of cast via="person" as portraits %}
    """
    pages = [getattr(item, via) if via else item for item in items]
    role = kind_of(pages[0]).image_role if pages else None
    if role is None:
        return {}
    rows = PageImage.objects.for_pages(type(pages[0]), {page.pk for page in pages}, role)
    return {row.object_id: row for row in rows}


@register.inclusion_tag("includes/person_thumbnail.html")
def person_thumbnail(portraits, person, sizes=THUMBNAIL_SIZES):
    """A person's name in a table or list, with a small, lazily loaded portrait when there is one."""
    return {"person": person, **_figure(portraits.get(person.pk), sizes, priority=False)}


def _figure(image, sizes, priority):
    if image is None:
        return {"image": None}
    return {"image": image, "picture": picture(image), "sizes": sizes, "priority": priority}
