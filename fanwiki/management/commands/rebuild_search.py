from django.core.management.base import BaseCommand

from fanwiki.management.progress import Progress
from fanwiki.models import SearchDocument
from fanwiki.pages import PAGE_KINDS
from fanwiki.search import rebuild_index


class Command(BaseCommand):
    help = (
        "Bring the search index up to date with every public page, in one transaction, writing only "
        "differences. Edits keep it in step by themselves, and `rebuild_wiki` runs this too; use it "
        "alone after a restore, a bulk import (which sends no signals) or an upgrade."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Only when the index is empty while the wiki has pages (e.g. an existing wiki's first run).",
        )

    def handle(self, *args, if_empty, verbosity, **options):
        if if_empty and (
            SearchDocument.objects.exists()
            or not any(kind.model._default_manager.exists() for kind in PAGE_KINDS)
        ):
            return

        def progress(label, total):
            return Progress(self.stdout, label, total, verbosity)

        changed = rebuild_index(progress)
        indexed = SearchDocument.objects.count()
        self.stdout.write(self.style.SUCCESS(f"Search index: {indexed} pages, {changed} brought up to date."))
