from django.core.management.base import BaseCommand, CommandError

from fanwiki.backups import default_kind, make_backup, wiki_contents


class Command(BaseCommand):
    help = (
        "Back up the whole wiki (pages, history, tags, users, pictures) into one .tar.gz archive. "
        "On SQLite the default is an online snapshot, taken while the site keeps serving; "
        "--format json works on any database and restores into any database."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default="backups",
            help="The archive to write, or a folder to put a dated one in (default: backups/).",
        )
        parser.add_argument(
            "--format",
            choices=["sqlite", "json"],
            help="sqlite: a SQLite snapshot; json: dumpdata with natural keys (default: sqlite on SQLite).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be backed up; write nothing."
        )

    def handle(self, *args, output, format, dry_run, verbosity, **options):
        kind = format or default_kind()
        held = ", ".join(f"{count} {name}" for name, count in wiki_contents().items())
        if dry_run:
            self.stdout.write(
                f"Dry run: would write a {kind} backup of {held} to {output}. Nothing was written."
            )
            return
        try:
            path, manifest = make_backup(output, kind)
        except OSError as error:
            raise CommandError(f"Could not write the backup: {error}") from error
        if verbosity >= 2:
            for label, count in sorted(manifest["rows"].items()):
                self.stdout.write(f"  {label}: {count}")
        self.stdout.write(self.style.SUCCESS(f"Backed up {held} ({kind}) to {path}"))
