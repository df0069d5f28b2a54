"""Receivers that keep the wiki's derived data in step with every write, and announce what changed.

Connected in FanwikiConfig.ready(), so dramas and people never import the wiki
layer. Inside the write's transaction they keep the rendered HTML, the title
index, the link table and subject tags right; what other pages must follow
is announced with fanwiki.changes.announce() and handled after commit. They
also run on loaddata's raw saves: a loaded fixture needs no extra step.
"""

import hashlib

from django.contrib.contenttypes.models import ContentType
from django.db.models import F
from django.utils.text import slugify

from fanwiki.changes import announce, keys_for_page
from fanwiki.fixtures import import_reason
from fanwiki.links import drop_links, record_links
from fanwiki.markup import render_markdown
from fanwiki.models import PageImage
from fanwiki.pages import KINDS_BY_MODEL, PageRef, credited_counterparts, kind_of, people_credited_on
from fanwiki.snapshots import record_revision
from fanwiki.tagging import subject_tag_name
from fanwiki.titles import drop_page_titles, sync_page_titles

# Pages


def render_page(sender, instance, raw=False, update_fields=None, **kwargs):
    """pre_save: render the Markdown, count the version, and remember what the page looked like."""
    kind = kind_of(sender)
    setattr(instance, kind.html_field, render_markdown(kind.text(instance)))
    stored = None
    if instance.pk is not None:
        stored = sender._default_manager.filter(pk=instance.pk).values("version", *kind.shown_fields).first()
    instance._wiki_stored = stored
    if not raw and stored is not None and update_fields is None:
        # Counted from the stored row, not the instance: a revert saves an old revision's copy.
        # The edit-conflict check compares this with the version the editor opened.
        instance.version = stored["version"] + 1


def _html_only(kind, update_fields):
    return bool(update_fields) and set(update_fields) <= {kind.html_field}


def index_page(sender, instance, raw=False, update_fields=None, **kwargs):
    """post_save: subject tag, title index, link table; announce the page and where it is shown."""
    kind = kind_of(sender)
    if _html_only(kind, update_fields):
        return
    stored = getattr(instance, "_wiki_stored", None)
    _keep_subject_tag(kind, instance, stored)
    retitled = sync_page_titles(instance)
    old_targets, new_targets = record_links(instance)
    if retitled & new_targets:
        # The page links to one of its own new names: its HTML was rendered before they were indexed.
        html = render_markdown(kind.text(instance))
        setattr(instance, kind.html_field, html)
        sender._default_manager.filter(pk=instance.pk).update(**{kind.html_field: html})
    shown_changed = stored is None or any(
        kind.shown_value(name, stored[name])
        != kind.shown_value(name, getattr(instance, _attname(sender, name)))
        for name in kind.shown_fields
    )
    tag_ids = _tag_ids(instance)
    pages = {kind.ref(instance)}
    if shown_changed and "credits" in kind.shown_on:
        pages |= credited_counterparts(kind.name, instance.pk)
    announce(
        pages=pages,
        keys=keys_for_page(kind, instance.pk, tag_ids, shown_elsewhere=shown_changed),
        # The page itself is among the linking pages when it links to one of its own new names.
        retitled=retitled,
        # A changed title or visibility shows in the backlinks of every page it links to.
        relinked=(old_targets | new_targets) if shown_changed else (old_targets ^ new_targets),
    )


def _attname(model, name):
    return model._meta.get_field(name).attname


def forget_page(sender, instance, **kwargs):
    """pre_delete: note the page's tags and credits while they still exist."""
    kind = kind_of(sender)
    instance._wiki_deleted_with = (
        _tag_ids(instance),
        credited_counterparts(kind.name, instance.pk) if "credits" in kind.shown_on else set(),
    )


def unindex_page(sender, instance, **kwargs):
    """post_delete: the page leaves the title index and the link table."""
    kind = kind_of(sender)
    tag_ids, counterparts = getattr(instance, "_wiki_deleted_with", ((), set()))
    announce(
        pages=counterparts,
        deleted={kind.ref(instance)},
        keys=keys_for_page(kind, instance.pk, tag_ids),
        retitled=drop_page_titles(instance),
        relinked=drop_links(instance),
    )


def _tag_ids(page):
    return set(page.tags.through.objects.filter(content_object_id=page.pk).values_list("tag_id", flat=True))


# Subject tags: every drama and person carries its own name as a tag.


def _keep_subject_tag(kind, page, stored):
    if kind.subject_field is None:
        return
    subject = subject_tag_name(getattr(page, kind.subject_field))
    old_subject = subject_tag_name(stored[kind.subject_field]) if stored else ""
    if old_subject and old_subject.casefold() != subject.casefold():
        # Renamed: the old name's tag goes, and stays gone when the admin then saves the form's tag list.
        page._retired_subject_tag = old_subject
        page.tags.remove(old_subject)
    if subject and not page.tags.filter(name__iexact=subject).exists():
        page.tags.add(subject)


def tags_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """m2m_changed on a page's tags: keep the subject tag, announce the page and the tags' pages."""
    if reverse or action not in {"pre_clear", "post_add", "post_remove", "post_clear"}:
        return
    kind = KINDS_BY_MODEL[type(instance)]
    if action == "pre_clear":
        instance._wiki_cleared_tag_ids = _tag_ids(instance)
        return
    if action != "post_clear" and not pk_set:
        # The admin saves the tag field with every form: taggit then adds and removes nothing.
        return
    tag_ids = set(pk_set or ()) or getattr(instance, "_wiki_cleared_tag_ids", set())
    if kind.subject_field is not None:
        retired = getattr(instance, "_retired_subject_tag", "")
        if action == "post_add" and retired and instance.tags.filter(name__iexact=retired).exists():
            instance.tags.remove(retired)
        subject = subject_tag_name(getattr(instance, kind.subject_field))
        if action != "post_add" and subject and not instance.tags.filter(name__iexact=subject).exists():
            instance.tags.add(subject)
    _announce_tagging(kind, instance.pk, tag_ids)


def tagging_saved(sender, instance, raw=False, **kwargs):
    """post_save of a tagging row: only loaddata writes them one by one, without m2m_changed."""
    if raw:
        _announce_tagging(_tagged_kind(sender), instance.content_object_id, {instance.tag_id})


def tagging_deleted(sender, instance, **kwargs):
    """post_delete of a tagging row, including the cascade when a page or a tag is deleted."""
    _announce_tagging(_tagged_kind(sender), instance.content_object_id, {instance.tag_id})


def _tagged_kind(through_model):
    return kind_of(through_model._meta.get_field("content_object").related_model)


def _announce_tagging(kind, page_pk, tag_ids):
    # The page's tag list and its own sidebar change; so do the tags in use (home lists them),
    # and the tag pages and sidebars that now, or no longer, show the page.
    keys = {"tags", "home"}
    if "tag_pages" in kind.shown_on:
        keys.update(f"tag:{tag_id}" for tag_id in tag_ids)
    if "sidebars" in kind.shown_on:
        keys.update(f"sidebar:{tag_id}" for tag_id in tag_ids)
    announce(pages={PageRef(kind.name, page_pk)}, keys=keys)


def tag_renamed(sender, instance, created=False, raw=False, **kwargs):
    """post_save of a Tag: every page showing the tag's name changes."""
    if created:
        return
    pages = set()
    for kind in KINDS_BY_MODEL.values():
        through = kind.model.tags.through
        ids = through.objects.filter(tag_id=instance.pk).values_list("content_object_id", flat=True)
        pages.update(PageRef(kind.name, pk) for pk in ids)
    announce(pages=pages, keys={"tags", "home", f"tag:{instance.pk}", f"sidebar:{instance.pk}"})


def give_tag_a_routable_slug(sender, instance, **kwargs):
    """pre_save of a Tag: a name of punctuation or symbols only ("!!!") still gets a slug that routes."""
    if not instance.slug:
        digest = hashlib.sha256(instance.name.encode()).hexdigest()[:10]
        instance.slug = slugify(f"tag-{digest}")


# Credits and other names


def remember_credit(sender, instance, raw=False, **kwargs):
    """pre_save of a Credit: its drama and person before the change."""
    instance._wiki_stored = (
        sender._default_manager.filter(pk=instance.pk).values_list("drama_id", "person_id").first()
        if instance.pk is not None
        else None
    )


def credit_changed(sender, instance, raw=False, **kwargs):
    """post_save / post_delete of a Credit: the drama's and the person's pages show it, and co-workers'."""
    drama_ids = {instance.drama_id}
    person_ids = {instance.person_id}
    stored = getattr(instance, "_wiki_stored", None)
    if stored:
        drama_ids.add(stored[0])
        person_ids.add(stored[1])
    if not raw:
        # A credit is part of its drama's page: an editor who opened the drama before this change
        # must meet an edit conflict rather than overwrite it from the inline.
        drama_model = sender._meta.get_field("drama").related_model
        drama_model._default_manager.filter(pk__in=drama_ids).update(version=F("version") + 1)
    pages = {PageRef("drama", pk) for pk in drama_ids} | {PageRef("person", pk) for pk in person_ids}
    # The drama's other people list this person under "worked with", and the person lists them.
    announce(pages=pages | people_credited_on(drama_ids))


def reindex_person_of_alternative_name(sender, instance, raw=False, **kwargs):
    # Looked up afresh: on a cascade the person may already be gone.
    person_model = instance._meta.get_field("person").related_model
    person = person_model.objects.filter(pk=instance.person_id).first()
    if person is not None:
        # The list of people shows every spelling too.
        announce(
            pages={PageRef("person", person.pk)}, keys={"list:person"}, retitled=sync_page_titles(person)
        )


def network_changed(sender, instance, created=False, **kwargs):
    """post_save of a Network: its name shows on its dramas' pages, the list of dramas and home."""
    if created:
        return
    drama_ids = instance.dramas.values_list("pk", flat=True)
    announce(pages={PageRef("drama", pk) for pk in drama_ids}, keys={"list:drama", "home"})


# History


def record_loaded_revision(sender, instance, raw=False, **kwargs):
    """Give a page loaded by loaddata a revision, unless its latest one already matches."""
    if not raw:
        return
    latest = sender.history.filter(id=instance.pk).order_by("-history_date", "-history_id").first()
    kind = KINDS_BY_MODEL.get(sender)
    not_compared = kind.derived_fields if kind else {"id"}
    fields = [f.attname for f in sender._meta.concrete_fields if f.name not in not_compared]
    if latest is not None and all(getattr(latest, f) == getattr(instance, f) for f in fields):
        return
    (record,) = sender.history.bulk_history_create([instance], default_change_reason=import_reason())
    if kind is not None:
        # bulk_history_create sends no signal: the revision's tags and credits are recorded here.
        if record.history_id is None:  # a database that returns no ids from a bulk insert
            record = sender.history.filter(id=instance.pk).order_by("-history_id").first()
        record_revision(kind, instance.pk, record.history_id)


# Pictures


def page_image_changed(sender, instance, **kwargs):
    """post_save / post_delete of a PageImage: its page changes, and a portrait's cast tables too.

    Its files were written before the row was saved, so they exist when this is announced.
    """
    page_model = ContentType.objects.get_for_id(instance.content_type_id).model_class()
    kind = KINDS_BY_MODEL.get(page_model)
    if kind is None:
        return
    pages = {PageRef(kind.name, instance.object_id)}
    if instance.role == PageImage.Role.PORTRAIT:
        # Drama pages show their cast's portraits.
        pages |= credited_counterparts(kind.name, instance.object_id)
    announce(pages=pages)


def drop_page_images(sender, instance, **kwargs):
    """post_delete of a page: its pictures go (their files stay until `clean_images`)."""
    PageImage.objects.for_pages(sender, [instance.pk], role=None).delete()
