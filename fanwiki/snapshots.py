"""Complete revisions: a page's tags, and a drama's credits, are part of each of its revisions.

simple_history records a page's own row; tags and credits live in other tables.
Each historical record of a page gets a `RevisionSnapshot` (keyed by the page
registry's kind name and the record's history_id) holding the page's tag names
and, for a drama, its credits, as they are at the end of the edit:

- A page save creates a record and its snapshot; within the same transaction
  the record stays open, so the tags and inline credits an admin form saves
  after the page itself (and the rows `loaddata` writes after it) update that
  revision's snapshot instead of making revisions of their own.
- A tag or credit change made on its own (the credit admin, code, a later
  transaction) is a revision of its own: a new historical record of the page
  ("Tags changed", "Cast and crew changed"), unless nothing differs from the
  latest revision's snapshot.
- Diffs compare snapshots; a revert in the admin restores them (fanwiki/admin).

The receivers run inside the write's transaction, after those of
fanwiki/signals.py, and never announce: the writes they follow already did.
"""

import threading

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import F, JSONField, OuterRef, Subquery
from simple_history.models import HistoricalRecords

from dramas.coworkers import role
from dramas.models import Credit
from fanwiki.fixtures import import_reason
from fanwiki.models import RevisionSnapshot
from fanwiki.pages import KINDS_BY_MODEL, KINDS_BY_NAME, kind_of
from people.models import Person

# What identifies a credit and what else it holds; the person's name is kept for display only.
CREDIT_KEY = ("person_id", "kind", "character")
CREDIT_FIELDS = (*CREDIT_KEY, "character_hangul", "note", "billing_order")
TAGS_CHANGED = "Tags changed"
CREDITS_CHANGED = "Cast and crew changed"


# The current transaction's open revisions -------------------------------------------------------


class _Transaction(threading.local):
    state = None
    flush = None


_transaction = _Transaction()


def _transaction_state():
    """{"open": {(kind, pk): history_id}, "deleting": {(kind, pk)}} for the running transaction.

    None in autocommit, where every write stands alone. Forgotten when the transaction commits, and
    when it rolls back (its on-commit callback is then gone).
    """
    connection = connections[DEFAULT_DB_ALIAS]
    if not connection.in_atomic_block:
        return None
    registered = any(callback is _transaction.flush for _, callback, _ in connection.run_on_commit)
    if _transaction.state is None or not registered:
        state = {"open": {}, "deleting": set()}

        def flush():
            if _transaction.state is state:
                _transaction.state = _transaction.flush = None

        _transaction.state, _transaction.flush = state, flush
        transaction.on_commit(flush)
    return _transaction.state


# Reading and comparing --------------------------------------------------------------------------


def current_state(kind, pk):
    """{"tags": [...], "credits": [...]} of the page as stored now: one query, two for a drama."""
    through = kind.model.tags.through
    tags = sorted(
        through.objects.filter(content_object_id=pk).values_list("tag__name", flat=True), key=str.casefold
    )
    credits = []
    if kind.name == "drama":
        rows = (
            Credit.objects.filter(drama_id=pk)
            .values(*CREDIT_FIELDS, person_name=F("person__name"))
            .order_by("billing_order", "kind", "person_id", "character")
        )
        credits = [dict(row) for row in rows]
    return {"tags": tags, "credits": credits}


def _comparable(state):
    credits = sorted(tuple(credit.get(name) for name in CREDIT_FIELDS) for credit in state["credits"])
    return (sorted(state["tags"], key=str.casefold), credits)


def snapshots_of(kind, history_ids):
    """{history_id: RevisionSnapshot} for these revisions of one kind, in one query."""
    rows = RevisionSnapshot.objects.filter(kind=kind.name, history_id__in=[i for i in history_ids if i])
    return {row.history_id: row for row in rows}


def with_snapshots(revisions, kind):
    """Revisions annotated with their snapshot's `snapshot_tags` and `snapshot_credits` (None when
    unrecorded), in the same query."""
    rows = RevisionSnapshot.objects.filter(kind=kind.name, history_id=OuterRef("history_id"))
    return revisions.annotate(
        snapshot_tags=Subquery(rows.values("tags")[:1], output_field=JSONField()),
        snapshot_credits=Subquery(rows.values("credits")[:1], output_field=JSONField()),
    )


def snapshot_of_revision(record):
    """The snapshot of a revision read through with_snapshots(), or None when it was never recorded."""
    if record.snapshot_tags is None:
        return None
    return RevisionSnapshot(tags=record.snapshot_tags, credits=record.snapshot_credits or [])


def credit_label(credit):
    """ "Kim Ji-won, Lead as Hong Hae-in"."""
    return f"{credit.get('person_name') or 'a removed person'}, {role(credit['kind'], credit['character'])}"


def compare(old, new):
    """What changed in tags and credits between two snapshots (None when either was never recorded)."""
    if old is None or new is None:
        return None
    old_tags, new_tags = set(old.tags), set(new.tags)

    def keyed(credits):
        return {tuple(credit.get(name) for name in CREDIT_FIELDS): credit for credit in credits}

    old_credits, new_credits = keyed(old.credits), keyed(new.credits)
    return {
        "tags_added": sorted(new_tags - old_tags, key=str.casefold),
        "tags_removed": sorted(old_tags - new_tags, key=str.casefold),
        "credits_added": [credit_label(new_credits[key]) for key in new_credits if key not in old_credits],
        "credits_removed": [credit_label(old_credits[key]) for key in old_credits if key not in new_credits],
    }


# Recording --------------------------------------------------------------------------------------


def record_revision(kind, pk, history_id):
    """Snapshot a new revision of the page as it is now, and keep it open for this transaction."""
    RevisionSnapshot.objects.update_or_create(
        kind=kind.name, history_id=history_id, defaults=current_state(kind, pk)
    )
    state = _transaction_state()
    if state is not None:
        state["open"][(kind.name, pk)] = history_id


def snapshot_new_revision(sender, instance, history_instance, **kwargs):
    """post_create_historical_record of a page: snapshot the new revision (a deletion has nothing)."""
    if history_instance.history_type != "-":
        record_revision(kind_of(type(instance)), instance.pk, history_instance.history_id)


def snapshot_page_deleting(sender, instance, **kwargs):
    """pre_delete of a page: the tags and credits it loses on the way out are no edit of it."""
    state = _transaction_state()
    if state is not None:
        state["deleting"].add((kind_of(sender).name, instance.pk))


def _request_user():
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def related_changed(kind, pk, reason, raw=False):
    """The page's tags or credits changed: update its open revision, or make a revision of its own."""
    state = _transaction_state()
    ref = (kind.name, pk)
    if state is not None and ref in state["deleting"]:
        return
    open_revision = state["open"].get(ref) if state is not None else None
    if open_revision is not None:
        record_revision(kind, pk, open_revision)
        return
    page = kind.model._default_manager.filter(pk=pk).first()
    if page is None:
        return
    latest = kind.model.history.filter(id=pk).order_by("-history_date", "-history_id").first()
    if latest is None:
        # A page loaded by loaddata gets its subject tag before its first revision, which records it.
        return
    recorded = snapshots_of(kind, [latest.history_id]).get(latest.history_id)
    if recorded is not None and _comparable(current_state(kind, pk)) == _comparable(
        {"tags": recorded.tags, "credits": recorded.credits}
    ):
        return
    (record,) = kind.model.history.bulk_history_create(
        [page],
        update=True,
        default_user=_request_user(),
        default_change_reason=import_reason() if raw else reason,
    )
    if record.history_id is None:  # a database that returns no ids from a bulk insert
        record = kind.model.history.filter(id=pk).order_by("-history_id").first()
    record_revision(kind, pk, record.history_id)


def snapshot_tags(sender, instance, action, reverse, **kwargs):
    """m2m_changed on a page's tags."""
    if not reverse and action in {"post_add", "post_remove", "post_clear"}:
        related_changed(KINDS_BY_MODEL[type(instance)], instance.pk, TAGS_CHANGED)


def snapshot_tagging(sender, instance, raw=False, created=None, **kwargs):
    """post_save (raw: loaddata writes tagging rows one by one) and post_delete of a tagging row."""
    if created is not None and not raw:
        return  # a save through the tag manager: m2m_changed follows
    kind = kind_of(sender._meta.get_field("content_object").related_model)
    related_changed(kind, instance.content_object_id, TAGS_CHANGED, raw=raw)


def snapshot_credit(sender, instance, raw=False, **kwargs):
    """post_save / post_delete of a Credit: part of its drama's revision (and of its old drama's)."""
    drama_ids = {instance.drama_id}
    stored = getattr(instance, "_wiki_stored", None)  # (drama id, person id) before the save
    if stored:
        drama_ids.add(stored[0])
    for drama_id in sorted(drama_ids):
        related_changed(KINDS_BY_NAME["drama"], drama_id, CREDITS_CHANGED, raw=raw)


# Reverting --------------------------------------------------------------------------------------


def restore_credits(drama, snapshot):
    """Make the drama's credits those of the snapshot; people deleted since are left out."""
    living = set(
        Person.objects.filter(pk__in={c["person_id"] for c in snapshot.credits}).values_list("pk", flat=True)
    )
    wanted = {
        tuple(credit[name] for name in CREDIT_KEY): credit
        for credit in snapshot.credits
        if credit["person_id"] in living
    }
    existing = {tuple(getattr(c, name) for name in CREDIT_KEY): c for c in Credit.objects.filter(drama=drama)}
    for key, credit in existing.items():
        if key not in wanted:
            credit.delete()
    for key, values in wanted.items():
        fields = {name: values[name] for name in CREDIT_FIELDS}
        credit = existing.get(key)
        if credit is None:
            Credit.objects.create(drama=drama, **fields)
        elif any(getattr(credit, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(credit, name, value)
            credit.save()
