from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from dramas.models import Drama
from fanwiki.models import Article
from people.models import Person


class Command(BaseCommand):
    help = (
        "Load fixtures/seed.json into an empty wiki. A wiki that already has pages is left "
        "alone, so editors' changes to seeded pages survive; --force reloads over them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even when the wiki has content (seeded pages are reset to the fixture).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Say what would happen; write nothing.")

    def handle(self, *args, force, dry_run, verbosity, **options):
        has_content = any(model.objects.exists() for model in (Drama, Person, Article))
        if has_content and not force:
            self.stdout.write("The wiki already has pages; the seed was not loaded (use --force to reload).")
            return
        if dry_run:
            self.stdout.write("Dry run: would load fixtures/seed.json. Nothing was written.")
            return
        # loaddata is atomic itself; the outer block also covers the checks above.
        with transaction.atomic():
            call_command("loaddata", "seed", verbosity=verbosity)
        self.stdout.write(self.style.SUCCESS("Loaded the seed: the wiki is ready."))
