from django.core.management.base import BaseCommand
from django.db import transaction

from fanwiki.links import drain_rerender_queue
from fanwiki.management.progress import Progress
from fanwiki.pages import KINDS_BY_SEGMENT, PAGE_KINDS
from fanwiki.rebuild import rebuild_wiki


class _DryRun(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Rebuild all derived data from the Markdown and the credits: subject tags, the title index, "
        "the link table, every page's rendered HTML and the search index. Only differences are written, "
        "so a second run "
        "changes nothing. Use it after bulk imports (which send no signals) or when the Markdown "
        "pipeline changed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--kind",
            action="append",
            choices=sorted(KINDS_BY_SEGMENT),
            help="Only these kinds of page (repeatable); default: all.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Work out what would change, then roll it all back."
        )

    def handle(self, *args, kind, dry_run, verbosity, **options):
        kinds = [KINDS_BY_SEGMENT[segment] for segment in kind] if kind else list(PAGE_KINDS)

        def progress(label, total):
            return Progress(self.stdout, label, total, verbosity)

        try:
            with transaction.atomic():
                report = rebuild_wiki(progress, kinds)
                if dry_run:
                    raise _DryRun
        except _DryRun:
            pass
        if not dry_run:
            drain_rerender_queue()
        changed = sum(report.values())
        for (step, kind_name), count in report.items():
            if count and verbosity >= 2:
                self.stdout.write(f"  {step}, {kind_name}: {count} pages changed")
        verb = "would change" if dry_run else "changed"
        message = (
            f"Rebuilt the wiki: {changed} page updates {verb}." if changed else "Everything was up to date."
        )
        self.stdout.write(self.style.SUCCESS(message))
