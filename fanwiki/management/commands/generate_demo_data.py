import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from fanwiki.bulk import analyze
from fanwiki.demo.generate import Generator, Plan, PrefixInUse
from fanwiki.management.progress import Progress

# Pages of each kind whose stored HTML is checked against the Markdown pipeline after generating.
VERIFIED_SAMPLE = 50


class _DryRun(Exception):
    pass


def _count(value):
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Fill the wiki with realistic made-up content, in bulk: dramas with cast, crew and OST credits, "
        "people with Hangul names and other spellings, articles with Markdown bodies, wiki links (some "
        "red), tags with a long tail, and a few revisions of every page. Every slug starts with the "
        "prefix, which must not be in use, so the seed's pages are never touched. The title index, link "
        "table and subject tags are built in bulk afterwards; nothing is saved one page at a time. "
        "One transaction: an error leaves the database as it was."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dramas", type=_count, default=200, help="Dramas to make [200].")
        parser.add_argument("--people", type=_count, default=1000, help="People to make [1000].")
        parser.add_argument("--articles", type=_count, default=2000, help="Articles to make [2000].")
        parser.add_argument(
            "--prefix",
            default="demo",
            help="Start of every slug and editor name made [demo]; refused if any page already uses it.",
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed: the same seed makes the same wiki [1]."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Make everything, report it, then roll it all back."
        )

    def handle(self, *args, dramas, people, articles, prefix, seed, dry_run, verbosity, **options):
        if (dramas == 0 or people == 0) and articles:
            raise CommandError("Articles are about dramas and people: give at least one of each.")
        if dramas and people < 2:
            raise CommandError("Every drama needs a cast: give at least two people.")
        plan = Plan(dramas=dramas, people=people, articles=articles, prefix=prefix, seed=seed)

        def progress(label, total):
            return Progress(self.stdout, label, total, verbosity)

        started = time.monotonic()
        try:
            with transaction.atomic():
                generator = Generator(plan, progress)
                report = generator.run()
                wrong = generator.check_html(VERIFIED_SAMPLE)
                if wrong:
                    raise CommandError(
                        f"{len(wrong)} sampled pages have HTML the Markdown pipeline would not make, so "
                        f"nothing was written. First: {wrong[0][:200]!r}"
                    )
                if dry_run:
                    raise _DryRun
        except PrefixInUse as error:
            raise CommandError(str(error)) from None
        except _DryRun:
            pass
        else:
            # So the planner uses the list and tag indexes at this size from the first request.
            analyze()
        seconds = time.monotonic() - started
        if verbosity >= 2:
            for label, count in report.counts.items():
                self.stdout.write(f"  {label}: {count:,}")
        made = ", ".join(
            f"{report.counts.get(label, 0):,} {label}" for label in ("dramas", "people", "articles")
        )
        verb = "Would have made" if dry_run else "Made"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {made} and {report.counts.get('revisions', 0):,} revisions in {seconds:.1f}s."
            )
        )
