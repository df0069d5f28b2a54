"""Receivers that keep the wiki's derived data in step with every save and delete.

Connected in FanwikiConfig.ready(), so dramas and people never import the
wiki layer. They also run on loaddata's raw saves: a loaded fixture needs no
extra step to show its pages, links and first revision.
"""

from fanwiki.links import drop_links, record_links, rerender_pages_linking_to
from fanwiki.markup import render_markdown
from fanwiki.pages import PAGE_TEXT_FIELDS
from fanwiki.titles import drop_page_titles, sync_page_titles

# Timestamps, counters and rendered HTML are derived: a change in them alone is not a new revision.
_FIELDS_NOT_COMPARED = {"updated", "version", "synopsis_html", "biography_html", "body_html"}


def _html_only(sender, update_fields):
    html_field = PAGE_TEXT_FIELDS[sender][1]
    return bool(update_fields) and set(update_fields) <= {html_field}


def render_page(sender, instance, raw=False, update_fields=None, **kwargs):
    text_field, html_field = PAGE_TEXT_FIELDS[sender]
    setattr(instance, html_field, render_markdown(getattr(instance, text_field)))
    if not raw and not instance._state.adding and update_fields is None:
        # Counted from the stored row, not the instance: a revert saves an old revision's copy.
        # The edit-conflict check compares this with the version the editor opened.
        stored = sender._default_manager.filter(pk=instance.pk).values_list("version", flat=True).first()
        instance.version = (stored or instance.version) + 1


def index_page(sender, instance, raw=False, update_fields=None, **kwargs):
    if _html_only(sender, update_fields):
        return
    subject = getattr(instance, "subject_tag", "")
    if subject and not instance.tags.filter(name__iexact=subject).exists():
        instance.tags.add(subject)
    changed_keys = sync_page_titles(instance)
    record_links(instance)
    # Includes the page itself: it was rendered before its own new titles were indexed.
    rerender_pages_linking_to(changed_keys)


def unindex_page(sender, instance, **kwargs):
    keys = drop_page_titles(instance)
    drop_links(instance)
    rerender_pages_linking_to(keys)


def reindex_person_of_alternative_name(sender, instance, raw=False, **kwargs):
    # Looked up afresh: on a cascade the person may already be gone.
    person_model = instance._meta.get_field("person").related_model
    person = person_model.objects.filter(pk=instance.person_id).first()
    if person is not None:
        rerender_pages_linking_to(sync_page_titles(person))


def record_loaded_revision(sender, instance, raw=False, **kwargs):
    """Give a page loaded by loaddata a revision, unless its latest one already matches."""
    if not raw:
        return
    latest = sender.history.filter(id=instance.pk).order_by("-history_date", "-history_id").first()
    fields = [f.attname for f in sender._meta.concrete_fields if f.attname not in _FIELDS_NOT_COMPARED]
    if latest is not None and all(getattr(latest, f) == getattr(instance, f) for f in fields):
        return
    sender.history.bulk_history_create([instance], default_change_reason="Loaded from a fixture")
