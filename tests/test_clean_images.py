"""`clean_images`: a replaced picture's files stay while a page may still name them, then go.
`remake_renditions`: pictures made with older encoder settings get today's renditions."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.storage import InMemoryStorage, default_storage
from django.core.management import call_command
from django.utils import timezone

from fanwiki import images
from fanwiki.models import PageImage
from fanwiki.pages import PageRef
from tests.factories import make_drama, make_page_image

pytestmark = pytest.mark.django_db


def files_of(image):
    return images.file_names(image.digest, image.role, image.width, image.version)


def clean(*args):
    return call("clean_images", *args)


def replace(image, size):
    """What the admin does on a new upload: new files, the same row with a new hash."""
    stored = images.store(images.open_upload(_upload(size)), image.role)
    image.digest, image.width, image.height = stored.digest, stored.width, stored.height
    image.save()
    return image


def _upload(size):
    from tests.factories import image_upload

    return image_upload(size=size, color=(size[0] % 256, 90, 10))


def age_everything(days):
    """As if every picture's history and every file were `days` old."""
    then = timezone.now() - timedelta(days=days)
    PageImage.history.update(history_date=then)
    return then


@pytest.fixture
def replaced(monkeypatch):
    drama = make_drama()
    image = make_page_image(drama, size=(200, 300))
    old_files = files_of(image)
    new = replace(image, (300, 200))
    return old_files, files_of(new)


def test_nothing_goes_while_the_old_picture_was_shown_recently(replaced):
    old_files, new_files = replaced
    assert "Removed 0 files" in clean()
    assert all(default_storage.exists(name) for name in old_files + new_files)


def test_files_of_a_picture_replaced_long_ago_go_and_the_current_ones_stay(replaced, monkeypatch):
    old_files, new_files = replaced
    then = age_everything(days=40)
    monkeypatch.setattr(InMemoryStorage, "get_modified_time", lambda self, name: then)

    assert f"Would remove {len(old_files)} files of 1 pictures" in clean("--dry-run")
    assert all(default_storage.exists(name) for name in old_files)

    assert f"Removed {len(old_files)} files of 1 pictures" in clean()
    assert not any(default_storage.exists(name) for name in old_files)
    assert all(default_storage.exists(name) for name in new_files)


def test_a_shorter_keep_days_lets_recently_replaced_files_go(replaced, monkeypatch):
    old_files, _ = replaced
    then = age_everything(days=3)
    monkeypatch.setattr(InMemoryStorage, "get_modified_time", lambda self, name: then)
    assert "Removed 0 files" in clean()
    assert f"Removed {len(old_files)} files" in clean("--keep-days", "2")


def test_recently_written_files_no_row_names_yet_are_kept(replaced):
    # A save still in its transaction has written its files but no row names them.
    stored = images.store(images.open_upload(_upload((50, 50))), "poster")
    age_everything(days=40)
    clean()
    assert default_storage.exists(images.master_name(stored.digest))


def test_a_removed_pictures_files_stay_until_its_removal_is_old(monkeypatch):
    image = make_page_image(make_drama(), size=(100, 150))
    names = files_of(image)
    image.delete()
    then = timezone.now() - timedelta(days=40)
    monkeypatch.setattr(InMemoryStorage, "get_modified_time", lambda self, name: then)
    assert "Removed 0 files" in clean()
    PageImage.history.update(history_date=then)
    clean()
    assert not any(default_storage.exists(name) for name in names)


def test_remake_renditions_brings_older_pictures_to_the_current_encoder(after_commit):
    from fanwiki.changes import pages_changed

    drama = make_drama()
    image = make_page_image(drama, size=(300, 450))
    PageImage.objects.filter(pk=image.pk).update(version=images.ENCODER_VERSION - 1)
    current = files_of(image)[1:]  # the renditions; the master stays
    for name in current:
        default_storage.delete(name)
    heard = []
    pages_changed.connect(receiver := lambda sender, changes, **kw: heard.append(changes.pages))

    assert "Would remake the renditions of 1 pictures" in call("remake_renditions", "--dry-run")
    assert not any(default_storage.exists(name) for name in current)
    with after_commit():
        assert "Remade the renditions of 1 pictures" in call("remake_renditions")
    pages_changed.disconnect(receiver)

    assert all(default_storage.exists(name) for name in current)
    assert PageImage.objects.get().version == images.ENCODER_VERSION
    assert any(PageRef("drama", drama.pk) in pages for pages in heard)
    assert "0 pictures" in call("remake_renditions")


def call(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()
