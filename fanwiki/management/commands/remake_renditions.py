"""Remake pictures' renditions after the encoder settings changed (fanwiki.images.ENCODER_VERSION).

Each picture made with older settings gets new renditions, under new names, from its stored
master; then its row names the new version, which announces its page (the files exist first).
The old renditions stay in the picture's folder, where cached pages may still name them; the
folder goes (with `clean_images`) only once no page has shown the picture for a while.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from fanwiki import images
from fanwiki.models import PageImage


class Command(BaseCommand):
    help = "Remake the renditions of pictures made with older encoder settings, from their masters."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say how many would be remade.")

    def handle(self, *args, dry_run, **options):
        stale = PageImage.objects.filter(version__lt=images.ENCODER_VERSION).order_by("pk")
        if dry_run:
            self.stdout.write(f"Would remake the renditions of {stale.count()} pictures.")
            return
        remade = 0
        for image in stale.iterator():
            images.write_renditions(images.open_master(image.digest), image.digest, image.role)
            with transaction.atomic():
                image.version = images.ENCODER_VERSION
                image.save(update_fields=["version", "updated"])
            remade += 1
        self.stdout.write(
            f"Remade the renditions of {remade} pictures (encoder version {images.ENCODER_VERSION})."
        )
