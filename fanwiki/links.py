"""The link table behind "what links here" and red links turning blue."""

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db.models import Subquery

from fanwiki.models import PageTitle, WikiLink
from fanwiki.pages import PAGE_TEXT_FIELDS, page_is_public, page_text
from fanwiki.titles import normalise_title
from fanwiki.wikilinks import find_link_targets


def record_links(page):
    """Replace the page's outgoing links with those its text names now."""
    source_type = ContentType.objects.get_for_model(page)
    keys = {normalise_title(target) for target in find_link_targets(page_text(page))} - {""}
    WikiLink.objects.filter(source_type=source_type, source_id=page.pk).delete()
    WikiLink.objects.bulk_create(
        WikiLink(
            source_type=source_type,
            source_id=page.pk,
            source_title=str(page),
            source_url=page.get_absolute_url(),
            source_is_public=page_is_public(page),
            target_key=key,
        )
        for key in sorted(keys)
    )


def drop_links(page):
    WikiLink.objects.filter(source_type=ContentType.objects.get_for_model(page), source_id=page.pk).delete()


def rerender_pages_linking_to(keys):
    """Re-render every page whose text links to one of these title keys.

    Called when a title appears or disappears, so red links turn blue and back.
    """
    if not keys:
        return
    pages_by_type = defaultdict(set)
    for type_id, page_id in WikiLink.objects.filter(target_key__in=keys).values_list(
        "source_type", "source_id"
    ):
        pages_by_type[type_id].add(page_id)
    for type_id, page_ids in pages_by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        html_field = PAGE_TEXT_FIELDS[model][1]
        for page in model.objects.filter(pk__in=page_ids):
            # A re-render is not an edit: no new revision, no version bump.
            page.skip_history_when_saving = True
            page.save(update_fields=[html_field])


def pages_linking_to(page):
    """Public pages whose text links to this page, as (title, url) rows, in one query."""
    content_type = ContentType.objects.get_for_model(page)
    own_keys = PageTitle.objects.filter(content_type=content_type, object_id=page.pk).values("key")
    return (
        WikiLink.objects.filter(target_key__in=Subquery(own_keys), source_is_public=True)
        .exclude(source_type=content_type, source_id=page.pk)
        .values("source_title", "source_url")
        .distinct()
        .order_by("source_title")
    )
