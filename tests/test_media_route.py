"""The media layer in front of Django: content-addressed renditions only, with safe, immutable headers."""

import io
import sys

import pytest
from django.core.files.storage import FileSystemStorage

from fanwiki import images
from fanwiki.media import MediaFiles, with_media
from tests.factories import image_upload

DIGEST = "0123456789abcdef0123456789abcdef"
AVIF = b"\x00\x00\x00\x1cftypavif fake bytes"


def django_app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/html")])
    return [b"from django"]


@pytest.fixture
def media(tmp_path):
    folder = tmp_path / "media" / "img" / DIGEST
    folder.mkdir(parents=True)
    (folder / "160-v1.avif").write_bytes(AVIF)
    (folder / "160-v1.jpg").write_bytes(b"\xff\xd8jpeg")
    (folder / "master.png").write_bytes(b"\x89PNG master")
    (tmp_path / "secret.txt").write_bytes(b"secret")
    return MediaFiles(
        django_app, tmp_path / "media", extra_headers=[("Cross-Origin-Resource-Policy", "same-origin")]
    )


def get(app, path, method="GET", **environ):
    """(status, headers, body) of one request to the WSGI app."""
    answer = {}

    def start_response(status, headers):
        answer["status"], answer["headers"] = status, dict(headers)

    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        **environ,
    }
    body = b"".join(app(environ, start_response))
    return answer["status"], answer["headers"], body


def test_a_rendition_is_sent_with_its_type_and_safe_immutable_headers(media):
    status, headers, body = get(media, f"/media/img/{DIGEST}/160-v1.avif")
    assert status == "200 OK" and body == AVIF
    assert headers["Content-Type"] == "image/avif"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert headers["Content-Security-Policy"] == "sandbox"
    assert headers["Content-Length"] == str(len(AVIF))
    assert headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert get(media, f"/media/img/{DIGEST}/160-v1.jpg")[1]["Content-Type"] == "image/jpeg"


def test_the_file_goes_out_through_the_servers_file_wrapper(media):
    wrapped = []

    def file_wrapper(file, block_size):
        wrapped.append(block_size)
        return iter([file.read()])

    status, _, body = get(media, f"/media/img/{DIGEST}/160-v1.avif", **{"wsgi.file_wrapper": file_wrapper})
    assert status == "200 OK" and body == AVIF and wrapped


def test_head_sends_headers_only_and_a_known_etag_gets_304(media):
    status, headers, body = get(media, f"/media/img/{DIGEST}/160-v1.avif", method="HEAD")
    assert status == "200 OK" and body == b"" and headers["Content-Type"] == "image/avif"
    status, _, body = get(media, f"/media/img/{DIGEST}/160-v1.avif", HTTP_IF_NONE_MATCH=headers["ETag"])
    assert status == "304 Not Modified" and body == b""


@pytest.mark.parametrize(
    "path",
    [
        f"/media/img/{DIGEST}/master.png",  # the master is never served
        f"/media/img/{DIGEST}/320-v1.avif",  # no such file
        f"/media/img/{DIGEST}/160-v1.png",
        f"/media/img/{DIGEST}/160-v1.avif/",
        f"/media/img/{DIGEST.upper()}/160-v1.avif",
        f"/media/img/{DIGEST}/0160-v1.avif",
        "/media/img/../../secret.txt",
        f"/media/img/{DIGEST}/../../../secret.txt",
        "/media/%2e%2e/secret.txt",
        "/media/../secret.txt",
        f"/media/img/{DIGEST}/160-v1.avif\x00.txt",
        "/media/",
        "/media/secret.txt",
        f"/media//img/{DIGEST}/160-v1.avif",
    ],
)
def test_anything_but_a_rendition_name_is_a_404(media, path):
    status, headers, body = get(media, path)
    assert status == "404 Not Found"
    assert headers["Content-Type"].startswith("text/plain") and headers["X-Content-Type-Options"] == "nosniff"
    assert b"secret" not in body and b"master" not in body


def test_only_get_and_head_are_answered(media):
    status, headers, _ = get(media, f"/media/img/{DIGEST}/160-v1.avif", method="POST")
    assert status == "405 Method Not Allowed" and headers["Allow"] == "GET, HEAD"


def test_other_paths_go_to_django(media):
    assert get(media, "/dramas/")[2] == b"from django"
    assert get(media, "/mediathing")[2] == b"from django"


def test_the_layer_is_in_front_only_when_pictures_are_on_this_machine(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.MEDIA_ROOT = tmp_path
    layer = with_media(django_app)
    assert isinstance(layer, MediaFiles) and layer.root == str(tmp_path) and layer.prefix == "/media/"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    assert with_media(django_app) is django_app


def test_a_stored_rendition_is_served_under_the_url_the_page_uses(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    storage = FileSystemStorage(location=tmp_path, base_url="/media/")
    master = images.open_upload(image_upload(size=(120, 160)))
    stored = images.store(master, "portrait", storage)
    url = storage.url(images.rendition_name(stored.digest, 96, "webp"))
    status, headers, body = get(MediaFiles(django_app, tmp_path), url)
    assert status == "200 OK" and headers["Content-Type"] == "image/webp" and body[8:12] == b"WEBP"
