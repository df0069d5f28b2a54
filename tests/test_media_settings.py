"""Pictures on several machines: DJANGO_MEDIA_BUCKET switches the storage to S3 with the same names."""

import json

import pytest

from fanwiki.images import ENCODER_VERSION
from tests.production import clean_environment, manage

pytestmark = pytest.mark.slow

SHOW = """
import json
from django.conf import settings
from django.core.files.storage import default_storage
from fanwiki import images
from fanwiki.media import with_media
name = images.rendition_name("0123456789abcdef0123456789abcdef", 160, "avif")
print(json.dumps({
    "url": default_storage.url(name),
    "params": getattr(default_storage, "object_parameters", None),
    "img_src": settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"],
    "layer": type(with_media(lambda e, s: [])).__name__,
}))
"""


def settings_with(**variables):
    result = manage("shell", "-c", SHOW, env=clean_environment(DJANGO_DEBUG="1", **variables))
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_by_default_pictures_are_files_served_by_the_media_layer():
    shown = settings_with()
    assert shown["url"] == f"/media/img/0123456789abcdef0123456789abcdef/160-v{ENCODER_VERSION}.avif"
    assert shown["img_src"] == ["'self'"]
    assert shown["layer"] == "MediaFiles"


def test_a_bucket_and_a_media_host_give_the_same_names_on_that_host_and_in_the_csp():
    shown = settings_with(
        DJANGO_MEDIA_BUCKET="fanwiki-pictures",
        DJANGO_MEDIA_HOST="media.example.org",
        AWS_ACCESS_KEY_ID="test",
        AWS_SECRET_ACCESS_KEY="test",
    )
    assert shown["url"] == (
        f"https://media.example.org/img/0123456789abcdef0123456789abcdef/160-v{ENCODER_VERSION}.avif"
    )
    assert shown["params"] == {"CacheControl": "public, max-age=31536000, immutable"}
    assert shown["img_src"] == ["'self'", "https://media.example.org"]
    # The bucket's host serves them: nothing is put in front of Django.
    assert shown["layer"] == "function"


def test_a_bucket_without_a_media_host_is_allowed_from_its_endpoint():
    shown = settings_with(
        DJANGO_MEDIA_BUCKET="pictures",
        DJANGO_MEDIA_ENDPOINT_URL="https://s3.example.net",
        AWS_ACCESS_KEY_ID="test",
        AWS_SECRET_ACCESS_KEY="test",
    )
    assert shown["img_src"] == ["'self'", "https://s3.example.net"]
    assert shown["url"].startswith("https://s3.example.net/pictures/img/")
