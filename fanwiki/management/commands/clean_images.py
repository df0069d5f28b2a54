"""Remove pictures' files that nothing can still show.

A replaced or removed picture keeps its files: a page cache, a CDN, a reader's
browser or a search engine may still hold HTML that names them. A picture's
folder `img/<hash>/` (its master and every rendition) is removed only when

- no current picture uses that hash,
- no picture used it at any time in the last --keep-days days, read from the
  pictures' history (a replacement or removal is dated there), and
- none of its files was written in the last --keep-days days (a save still in
  its transaction, or one that rolled back, leaves files no row names yet).
"""

from datetime import timedelta

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.utils import timezone

from fanwiki.models import PageImage

DEFAULT_KEEP_DAYS = 30


def referenced_digests(since):
    """Hashes in use now, or in use at any moment after `since`."""
    digests = set(PageImage.objects.values_list("digest", flat=True))
    records = PageImage.history.order_by("content_type_id", "object_id", "role", "history_date", "history_id")
    previous = None
    for record in records.values("content_type_id", "object_id", "role", "digest", "history_date"):
        group = (record["content_type_id"], record["object_id"], record["role"])
        if previous is not None and previous[0] == group and record["history_date"] >= since:
            # The previous hash was shown until this record replaced it.
            digests.add(previous[1])
        if record["history_date"] >= since:
            digests.add(record["digest"])
        previous = (group, record["digest"])
    return digests


class Command(BaseCommand):
    help = (
        "Remove the files of pictures that no current page shows and none has shown for --keep-days "
        "days (page caches and browsers may still name them until then)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List what would go; remove nothing.")
        parser.add_argument(
            "--keep-days",
            type=int,
            default=DEFAULT_KEEP_DAYS,
            help=f"Keep files a page showed within this many days [{DEFAULT_KEEP_DAYS}].",
        )

    def handle(self, *args, dry_run, keep_days, verbosity, **options):
        storage = default_storage
        since = timezone.now() - timedelta(days=max(keep_days, 0))
        kept = referenced_digests(since)
        if not storage.exists("img"):
            folders = []
        else:
            folders, _ = storage.listdir("img")
        removed_files = removed_bytes = removed_folders = 0
        for digest in sorted(set(folders) - kept):
            names = [f"img/{digest}/{name}" for name in storage.listdir(f"img/{digest}")[1]]
            if any(storage.get_modified_time(name) >= since for name in names):
                continue  # written recently: perhaps by a save that has not committed yet
            removed_folders += 1
            for name in names:
                removed_files += 1
                removed_bytes += storage.size(name)
                if verbosity >= 2:
                    self.stdout.write(f"{'would remove' if dry_run else 'removing'} {name}")
                if not dry_run:
                    storage.delete(name)
        verb = "Would remove" if dry_run else "Removed"
        self.stdout.write(
            f"{verb} {removed_files} files of {removed_folders} pictures ({removed_bytes} bytes); "
            f"{len(kept)} pictures shown within {keep_days} days are kept."
        )
