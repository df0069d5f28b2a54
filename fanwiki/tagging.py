"""Tag names the wiki makes itself: each drama's and person's subject tag."""

from django.db.models import Exists, OuterRef, Q
from taggit.models import Tag

TAG_NAME_MAX_LENGTH = Tag._meta.get_field("name").max_length


def subject_tag_name(page_name):
    """The tag a page carries for its own name, cut to what a tag can hold (titles may be longer)."""
    return (page_name or "").strip()[:TAG_NAME_MAX_LENGTH].strip()


def public_tags():
    """Tags carried by at least one page readers may see: a tag used only by drafts stays private."""
    from fanwiki.pages import PAGE_KINDS

    carried = Q()
    for kind in PAGE_KINDS:
        through = kind.model.tags.through
        public_ids = kind.public_pages().values("pk")
        carried |= Exists(through.objects.filter(tag=OuterRef("pk"), content_object__in=public_ids))
    return Tag.objects.filter(carried)
