"""Rebuild every piece of derived data from the Markdown and the credits, in bulk.

The receivers in fanwiki/signals.py keep derived data in step one save at a
time. This is for everything else: bulk imports (bulk_create sends no
signals), a changed Markdown pipeline, or repairing a database by hand. Each
step compares what is stored with what should be, writes only differences,
and returns how many rows it changed, so a second run changes nothing.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from taggit.models import Tag

from fanwiki.bulk import insert_rows
from fanwiki.changes import announce, keys_for_page
from fanwiki.links import _target_keys
from fanwiki.markup import render_markdown
from fanwiki.models import PageTitle, WikiLink
from fanwiki.pages import PAGE_KINDS, all_pages
from fanwiki.search.documents import rebuild_documents
from fanwiki.tagging import subject_tag_name
from fanwiki.titles import resolve_titles, title_rows
from fanwiki.wikilinks import find_link_targets

BATCH_SIZE = 500


def _batches(queryset, size=BATCH_SIZE):
    """The queryset in pk order, a list of at most `size` objects at a time, without OFFSET scans."""
    last_pk = None
    while True:
        page = queryset if last_pk is None else queryset.filter(pk__gt=last_pk)
        batch = list(page[:size])
        if not batch:
            return
        yield batch
        last_pk = batch[-1].pk


def rebuild_subject_tags(kind, progress):
    """Every drama and person carries its subject tag."""
    through = kind.model.tags.through
    tags_by_name = {name.casefold(): pk for pk, name in Tag.objects.values_list("pk", "name")}
    tagged = set(through.objects.values_list("content_object_id", "tag_id"))
    missing = []
    for batch in _batches(all_pages(kind).only("pk", kind.subject_field)):
        for page in batch:
            name = subject_tag_name(getattr(page, kind.subject_field))
            if not name:
                continue
            tag_id = tags_by_name.get(name.casefold())
            if tag_id is None:
                # Created one by one: taggit works out a unique slug for each.
                tag_id = Tag.objects.create(name=name).pk
                tags_by_name[name.casefold()] = tag_id
            if (page.pk, tag_id) not in tagged:
                missing.append(through(content_object_id=page.pk, tag_id=tag_id))
        progress.advance(len(batch))
    through.objects.bulk_create(missing, batch_size=BATCH_SIZE)
    return {page.content_object_id for page in missing}


def rebuild_titles(kind, progress):
    """The title index holds exactly the names every page of the kind answers to."""
    content_type = ContentType.objects.get_for_model(kind.model)
    stored = {
        (object_id, key): (title, url)
        for object_id, key, title, url in PageTitle.objects.filter(content_type=content_type).values_list(
            "object_id", "key", "title", "url"
        )
    }
    wanted = {}
    # Names, slugs and status are all a title needs: the text is left in the database.
    for batch in _batches(all_pages(kind).defer(kind.text_field, kind.html_field)):
        for page in batch:
            for key, row in title_rows(page).items():
                wanted[(page.pk, key)] = row
        progress.advance(len(batch))
    changed = {pair for pair in set(stored) | set(wanted) if stored.get(pair) != wanted.get(pair)}
    for object_id, key in changed & set(stored):
        PageTitle.objects.filter(content_type=content_type, object_id=object_id, key=key).delete()
    insert_rows(
        PageTitle,
        ["content_type_id", "object_id", "key", "title", "url"],
        [
            (content_type.pk, object_id, key, title, url)
            for (object_id, key), (title, url) in wanted.items()
            if (object_id, key) in changed
        ],
    )
    return {object_id for object_id, _ in changed}


def rebuild_links(kind, progress):
    """The link table holds exactly the [[links]] in every page's text."""
    content_type = ContentType.objects.get_for_model(kind.model)
    fields = ("source_id", "target_key", "source_title", "source_url", "source_is_public")
    stored = set(WikiLink.objects.filter(source_type=content_type).values_list(*fields))
    wanted = set()
    for batch in _batches(all_pages(kind).defer(kind.html_field)):
        for page in batch:
            source = (str(page), page.get_absolute_url(), kind.is_public(page))
            wanted.update((page.pk, key, *source) for key in _target_keys(kind.text(page)))
        progress.advance(len(batch))
    for source_id, key, *_ in stored - wanted:
        WikiLink.objects.filter(source_type=content_type, source_id=source_id, target_key=key).delete()
    insert_rows(
        WikiLink, ["source_type_id", *fields], [(content_type.pk, *row) for row in sorted(wanted - stored)]
    )
    return {row[0] for row in stored ^ wanted}


def rebuild_html(kind, progress):
    """Every page's stored HTML is its Markdown rendered now; links resolve in one query per batch."""
    changed = set()
    for batch in _batches(all_pages(kind)):
        targets = set()
        for page in batch:
            targets.update(find_link_targets(kind.text(page)))
        resolved = resolve_titles(targets)
        stale = []
        for page in batch:
            html = render_markdown(kind.text(page), resolved=resolved)
            if html != kind.html(page):
                setattr(page, kind.html_field, html)
                stale.append(page)
        kind.model._default_manager.bulk_update(stale, [kind.html_field])
        changed.update(page.pk for page in stale)
        progress.advance(len(batch))
    return changed


# Order matters: subject tags and titles first, so links and HTML resolve against the finished index.
STEPS = (
    ("subject tags", rebuild_subject_tags, lambda kind: kind.subject_field is not None),
    ("title index", rebuild_titles, lambda kind: True),
    ("link table", rebuild_links, lambda kind: True),
    ("rendered HTML", rebuild_html, lambda kind: True),
)


def rebuild_wiki(progress_factory, kinds=PAGE_KINDS):
    """Run every step for every kind; return {(step, kind name): pages changed}. Announces the changes.

    The search index comes last, from the finished HTML. Its changes are not announced: no page
    shows a search document.
    """
    report = {}
    for label, step, applies in STEPS:
        for kind in filter(applies, kinds):
            with transaction.atomic():
                progress = progress_factory(f"{label}: {kind.segment}", kind.model._default_manager.count())
                changed = step(kind, progress)
                progress.done()
                report[(label, kind.name)] = len(changed)
                for pk in changed:
                    announce(pages={kind.ref_for(pk)}, keys=keys_for_page(kind, pk))
    for kind in kinds:
        with transaction.atomic():
            progress = progress_factory(f"search index: {kind.segment}", kind.model._default_manager.count())
            report[("search index", kind.name)] = len(rebuild_documents(kind, progress))
            progress.done()
    return report
