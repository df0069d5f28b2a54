from django.core.management.base import BaseCommand

from fanwiki.backups import read_manifest, restore_backup, wiki_contents


class Command(BaseCommand):
    help = (
        "Restore a backup made by backup_wiki, replacing the wiki. Refuses a database that already "
        "holds pages or users unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="A .tar.gz archive written by backup_wiki.")
        parser.add_argument(
            "--force", action="store_true", help="Replace a wiki that has content (it is lost)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Check the archive; write nothing.")

    def handle(self, *args, archive, force, dry_run, verbosity, **options):
        manifest = read_manifest(archive)
        rows = manifest["rows"]
        if verbosity >= 2:
            for label, count in sorted(rows.items()):
                self.stdout.write(f"  {label}: {count}")
        summary = f"a {manifest['kind']} backup made {manifest['made']} ({sum(rows.values())} rows)"
        if dry_run:
            held = ", ".join(f"{count} {name}" for name, count in wiki_contents().items() if count)
            replaces = f"; it would replace {held}" if held else ""
            self.stdout.write(f"Dry run: {archive} is {summary}{replaces}. Nothing was written.")
            return
        restore_backup(archive, force=force)
        self.stdout.write(self.style.SUCCESS(f"Restored {summary} from {archive}."))
