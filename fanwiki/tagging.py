"""Tag names: one spelling per tag, the editors' tags box, and each drama's and person's subject tag."""

import unicodedata

from django import forms
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from taggit.forms import TagField
from taggit.models import Tag
from taggit.utils import _parse_tags

TAG_NAME_MAX_LENGTH = Tag._meta.get_field("name").max_length


def normalise_tag_name(name):
    """One spelling per tag: composed Unicode (Hangul as NFC), single spaces, none at the ends.

    Case is left as typed: TAGGIT_CASE_INSENSITIVE already makes "ost" join "OST".
    """
    return " ".join(unicodedata.normalize("NFC", name).split())


def parse_tag_names(tag_string):
    """The tags an editor typed (TAGGIT_TAGS_FROM_STRING): names differing only in case or spacing are one."""
    names = {}
    for name in map(normalise_tag_name, _parse_tags(tag_string)):
        if name:
            names.setdefault(name.casefold(), name)
    return sorted(names.values())


class WikiTagField(TagField):
    """The tags box of every page form; a name too long to store is a form error, not a database error."""

    def clean(self, value):
        names = super().clean(value)
        too_long = [name for name in names if len(name) > TAG_NAME_MAX_LENGTH]
        if too_long:
            raise forms.ValidationError(
                "A tag can be at most %(limit)d characters long: %(tag)s…",
                code="tag_too_long",
                params={"limit": TAG_NAME_MAX_LENGTH, "tag": too_long[0][:40]},
            )
        return names


def subject_tag_name(page_name):
    """The tag a page carries for its own name, cut to what a tag can hold (titles may be longer)."""
    return normalise_tag_name(page_name or "")[:TAG_NAME_MAX_LENGTH].strip()


def _public_taggings(kind):
    """The tag rows of this kind's public pages, the condition joined in from the page's own row."""
    return kind.model.tags.through.objects.filter(kind.public_q(via="content_object__"))


def newest_carriers(model, tag, limit):
    """Ids of the `limit` newest public pages of this kind carrying the tag (by id), read off the tag,
    page index: a bounded window onto a tag that may be on tens of thousands of pages."""
    from fanwiki.pages import kind_of

    rows = _public_taggings(kind_of(model)).filter(tag=tag).order_by("-content_object_id")
    return rows.values("content_object_id")[:limit]


def public_tags():
    """Tags carried by at least one page readers may see: a tag used only by drafts stays private.

    Per tag, a probe into its own rows (the tag, page index) through a join to the page, which stops
    at the first public one; never a list of every public page's id.
    """
    from fanwiki.pages import PAGE_KINDS

    carried = Q()
    for kind in PAGE_KINDS:
        carried |= Exists(_public_taggings(kind).filter(tag=OuterRef("pk")))
    return Tag.objects.filter(carried)


def popular_tags(limit):
    """The `limit` public tags carried by the most public pages, ties by name: one query.

    One pass over every kind's public tag rows (each joined to its page), grouped by tag, rather
    than a count per tag: Django cannot group over a UNION ALL, so the outer query is written here
    around the ORM's own SQL for each kind.
    """
    from fanwiki.pages import PAGE_KINDS

    parts, params = [], []
    for kind in PAGE_KINDS:
        sql, part_params = _public_taggings(kind).values("tag_id").query.sql_with_params()
        parts.append(sql)
        params.extend(part_params)
    table = connection.ops.quote_name(Tag._meta.db_table)
    # Only quoted names and the ORM's own SQL are pasted in; every value goes as a parameter.
    sql = (
        f"SELECT {table}.*, carried.uses FROM {table} JOIN ("  # noqa: S608
        f"SELECT tag_id, COUNT(*) AS uses FROM ({' UNION ALL '.join(parts)}) AS taggings GROUP BY tag_id"
        f") AS carried ON carried.tag_id = {table}.id ORDER BY carried.uses DESC, {table}.name LIMIT %s"
    )
    return list(Tag.objects.raw(sql, [*params, limit]))
