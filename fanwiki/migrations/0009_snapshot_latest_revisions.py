"""Give each page's latest revision the tags (and a drama's credits) the page has now.

Revisions saved before snapshots existed hold only the page's own row; from the latest one on,
diffs and reverts can compare and restore tags and credits. Older revisions stay unrecorded.
"""

from django.db import migrations

# (kind name, app, model, tagging through model)
PAGE_KINDS = [
    ("drama", "dramas", "Drama", "TaggedDrama"),
    ("person", "people", "Person", "TaggedPerson"),
    ("article", "fanwiki", "Article", "TaggedArticle"),
]
CREDIT_FIELDS = ("person_id", "kind", "character", "character_hangul", "note", "billing_order")


def snapshot_latest_revisions(apps, schema_editor):
    snapshot_model = apps.get_model("fanwiki", "RevisionSnapshot")
    credit_model = apps.get_model("dramas", "Credit")
    snapshots = []
    for kind, app_label, model_name, through_name in PAGE_KINDS:
        history = apps.get_model(app_label, f"Historical{model_name}")
        through = apps.get_model(app_label, through_name)
        latest = {}
        for page_id, history_id in history.objects.order_by("id", "history_date", "history_id").values_list(
            "id", "history_id"
        ):
            latest[page_id] = history_id
        tags = {}
        for page_id, name in through.objects.values_list("content_object_id", "tag__name"):
            tags.setdefault(page_id, []).append(name)
        credits = {}
        if kind == "drama":
            rows = credit_model.objects.order_by("billing_order", "kind", "person_id", "character").values(
                "drama_id", *CREDIT_FIELDS, "person__name"
            )
            for row in rows:
                credit = {name: row[name] for name in CREDIT_FIELDS}
                credit["person_name"] = row["person__name"]
                credits.setdefault(row["drama_id"], []).append(credit)
        page_ids = set(apps.get_model(app_label, model_name).objects.values_list("pk", flat=True))
        for page_id, history_id in latest.items():
            if page_id in page_ids:
                snapshots.append(
                    snapshot_model(
                        kind=kind,
                        history_id=history_id,
                        tags=sorted(tags.get(page_id, []), key=str.casefold),
                        credits=credits.get(page_id, []),
                    )
                )
    snapshot_model.objects.bulk_create(snapshots, batch_size=500, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("fanwiki", "0008_revision_snapshot"),
        ("dramas", "0005_synopsis_max_length"),
        ("people", "0002_biography_max_length"),
    ]

    operations = [migrations.RunPython(snapshot_latest_revisions, migrations.RunPython.noop)]
