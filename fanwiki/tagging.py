"""Tag names: one spelling per tag, the editors' tags box, and each drama's and person's subject tag."""

import unicodedata

from django import forms
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
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


def public_tags():
    """Tags carried by at least one page readers may see: a tag used only by drafts stays private."""
    from fanwiki.pages import PAGE_KINDS

    carried = Q()
    for kind in PAGE_KINDS:
        through = kind.model.tags.through
        public_ids = kind.public_pages().values("pk")
        carried |= Exists(through.objects.filter(tag=OuterRef("pk"), content_object__in=public_ids))
    return Tag.objects.filter(carried)


def popular_tags():
    """Public tags, the ones carried by the most public pages first: one query."""
    from fanwiki.pages import PAGE_KINDS

    uses = Value(0)
    for kind in PAGE_KINDS:
        through = kind.model.tags.through
        carriers = (
            through.objects.filter(tag=OuterRef("pk"), content_object__in=kind.public_pages().values("pk"))
            .values("tag")
            .annotate(n=Count("pk"))
            .values("n")
        )
        uses = uses + Coalesce(Subquery(carriers), 0)
    return public_tags().annotate(uses=uses).order_by("-uses", "name")
