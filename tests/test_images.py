"""Posters and portraits: uploads through the admin, the master and renditions, the markup, announcements."""

import io
import re
import struct
import warnings
import zlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from fanwiki import images
from fanwiki.changes import pages_changed
from fanwiki.models import PageImage
from fanwiki.pages import PageRef
from tests.admin_forms import admin_form_data, change_url
from tests.factories import (
    image_bytes,
    image_upload,
    make_credit,
    make_drama,
    make_page_image,
    make_person,
)
from tests.html_elements import elements
from tests.test_previews import check_against_schema_org, head, json_ld, meta

pytestmark = pytest.mark.django_db

INLINE = "fanwiki-pageimage-content_type-object_id"


def upload_picture(editor_client, page, upload, **fields):
    """Submit the page's admin form with a file in its picture inline, as a browser would."""
    url = change_url(page)
    data = admin_form_data(editor_client.get(url))
    data.update(
        {
            f"{INLINE}-0-alt": "The two leads under one umbrella",
            f"{INLINE}-0-credit": "tvN",
            f"{INLINE}-0-licence": "promotional",
            f"{INLINE}-0-upload": upload,
            **{f"{INLINE}-0-{name}": value for name, value in fields.items()},
        }
    )
    return editor_client.post(url, data)


def refusal(response):
    """The picture inline's error messages on a re-shown form."""
    assert response.status_code == 200, "the form was accepted"
    formset = next(f for f in response.context["inline_admin_formsets"] if f.formset.prefix == INLINE)
    return " ".join(str(error) for form in formset.formset.forms for error in form.errors.get("upload", []))


def stored_files(image):
    return images.file_names(image.digest, image.role, image.width, image.version)


def exif_jpeg(size, orientation=1, gps=True):
    """A JPEG whose camera data says it is turned (orientation) and where it was taken."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "PhoneCam"
    if gps:
        exif[ExifTags.Base.GPSInfo] = {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: (37.0, 33.0, 1.0),
        }
    return image_bytes(size=size, fmt="JPEG", exif=exif)


# Uploads through the admin


def test_an_editor_uploads_a_poster_and_every_rendition_exists_at_its_size_without_metadata(editor_client):
    drama = make_drama("Queen of Tears")
    # Stored sideways with the camera's orientation tag: 1500 x 1000 on disk, upright it is 1000 x 1500.
    upload = SimpleUploadedFile("poster.jpg", exif_jpeg((1500, 1000), orientation=6))

    response = upload_picture(
        editor_client, drama, upload, caption="Main poster", source_url="https://tvn.example/"
    )

    assert response.status_code == 302, refusal(response)
    image = PageImage.objects.get()
    assert image.page == drama and image.role == "poster"
    assert (image.alt, image.credit, image.licence, image.caption) == (
        "The two leads under one umbrella",
        "tvN",
        "promotional",
        "Main poster",
    )
    # Upright, and held to 1,000 px on the long edge.
    assert (image.width, image.height) == (667, 1000)
    assert image.version == images.ENCODER_VERSION
    widths = images.rendition_widths("poster", image.width)
    assert widths == [160, 240, 320, 480, 640]
    for width in widths:
        for encoding in images.ENCODINGS:
            name = images.rendition_name(image.digest, width, encoding.ext)
            with default_storage.open(name) as file, Image.open(file) as rendition:
                assert rendition.format == encoding.pillow_format
                assert rendition.size == (width, images.rendition_height(width, 667, 1000))
                assert not rendition.getexif(), name
                assert not {"exif", "xmp", "icc_profile"} & set(rendition.info), name
    with default_storage.open(images.master_name(image.digest)) as file, Image.open(file) as master:
        assert master.size == (667, 1000) and master.mode == "RGB"
        assert not master.getexif() and "exif" not in master.info


def test_gps_and_camera_data_never_reach_a_stored_file(editor_client):
    person = make_person("Kim Ji-won")
    upload = SimpleUploadedFile("portrait.jpg", exif_jpeg((300, 400), gps=True))

    assert upload_picture(editor_client, person, upload).status_code == 302
    image = PageImage.objects.get()
    assert image.role == "portrait"
    for name in stored_files(image):
        with default_storage.open(name) as file:
            data = file.read()
        assert b"PhoneCam" not in data and b"Exif" not in data, name


@pytest.mark.parametrize(
    "fmt,name", [("PNG", "poster.png"), ("WEBP", "poster.webp"), ("AVIF", "poster.avif")]
)
def test_png_webp_and_avif_uploads_are_accepted(editor_client, fmt, name):
    drama = make_drama()
    response = upload_picture(editor_client, drama, image_upload(name, fmt=fmt, size=(200, 300)))
    assert response.status_code == 302, refusal(response)
    assert PageImage.objects.get().width == 200


def test_a_transparent_png_keeps_its_alpha_and_its_jpeg_is_flattened(editor_client):
    person = make_person()
    buffer = io.BytesIO()
    Image.new("RGBA", (120, 160), (255, 0, 0, 0)).save(buffer, "PNG")
    assert (
        upload_picture(editor_client, person, SimpleUploadedFile("p.png", buffer.getvalue())).status_code
        == 302
    )
    image = PageImage.objects.get()
    with default_storage.open(images.master_name(image.digest)) as file, Image.open(file) as master:
        assert master.mode == "RGBA"
    with (
        default_storage.open(images.rendition_name(image.digest, 96, "jpg")) as file,
        Image.open(file) as jpeg,
    ):
        assert jpeg.mode == "RGB"


def inline_errors(response):
    assert response.status_code == 200, "the form was accepted"
    formset = next(f for f in response.context["inline_admin_formsets"] if f.formset.prefix == INLINE)
    return set(formset.formset.forms[0].errors)


def test_a_new_picture_needs_a_file_alt_text_credit_and_licence(editor_client):
    drama = make_drama()
    response = upload_picture(editor_client, drama, "", credit="", licence="")
    assert inline_errors(response) == {"upload", "credit", "licence"}
    response = upload_picture(editor_client, drama, image_upload(), alt="")
    assert inline_errors(response) == {"alt"}
    assert not PageImage.objects.exists()


def test_alt_text_is_at_most_250_characters(editor_client):
    drama = make_drama()
    assert inline_errors(upload_picture(editor_client, drama, image_upload(), alt="x" * 251)) == {"alt"}
    assert upload_picture(editor_client, drama, image_upload(), alt="x" * 250).status_code == 302


def test_a_file_over_10_mb_is_refused_in_the_form(editor_client):
    drama = make_drama()
    big = image_bytes() + b"\0" * (images.MAX_UPLOAD_BYTES + 1)
    assert "larger than 10 MB" in refusal(
        upload_picture(editor_client, drama, SimpleUploadedFile("big.jpg", big))
    )
    assert not PageImage.objects.exists()


def gif():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40)).save(buffer, "GIF")
    return buffer.getvalue()


def pdf():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40)).save(buffer, "PDF")
    return buffer.getvalue()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"


@pytest.mark.parametrize(
    "name,data",
    [
        ("poster.svg", SVG),
        ("poster.html", HTML),
        ("poster.pdf", pdf()),
        ("poster.gif", gif()),
        ("poster.bmp", image_bytes(fmt="BMP")),
        ("poster.tiff", image_bytes(fmt="TIFF")),
        ("poster", image_bytes()),
    ],
)
def test_formats_outside_the_allow_list_are_refused(editor_client, name, data):
    drama = make_drama()
    assert "JPEG, PNG, WebP or AVIF" in refusal(
        upload_picture(editor_client, drama, SimpleUploadedFile(name, data))
    )
    assert not PageImage.objects.exists()


@pytest.mark.parametrize(
    "name,data",
    [
        # Other formats under an accepted name: Pillow is told which formats it may read.
        ("poster.jpg", SVG),
        ("poster.png", HTML),
        ("poster.jpg", gif()),
        ("poster.webp", pdf()),
        ("poster.png", image_bytes(fmt="TIFF")),
    ],
)
def test_content_outside_the_allow_list_is_refused_whatever_its_name(editor_client, name, data):
    drama = make_drama()
    assert "is not a JPEG, PNG, WebP or AVIF image" in refusal(
        upload_picture(editor_client, drama, SimpleUploadedFile(name, data))
    )


@pytest.mark.parametrize("name,fmt", [("poster.jpg", "PNG"), ("poster.png", "JPEG"), ("poster.avif", "WEBP")])
def test_an_extension_that_disagrees_with_the_content_is_refused(editor_client, name, fmt):
    drama = make_drama()
    message = refusal(upload_picture(editor_client, drama, image_upload(name, fmt=fmt)))
    assert f"is a {fmt} image but its name ends in" in message


def png_header_only(width, height):
    """A PNG that claims width x height pixels: a few bytes of header, far too little data."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def test_a_decompression_bomb_is_refused_on_its_header_before_decoding(editor_client, monkeypatch):
    decoded = []
    monkeypatch.setattr(Image.Image, "load", lambda self: decoded.append(self) or Image.Image.load(self))
    drama = make_drama()
    # 50,000 x 50,000 pixels: 7.5 GB once decoded, under 200 bytes on the wire.
    upload = SimpleUploadedFile("bomb.png", png_header_only(50_000, 50_000))
    assert "at most 40 megapixels" in refusal(upload_picture(editor_client, drama, upload))
    assert not PageImage.objects.exists()
    assert decoded == []


def test_the_header_pixel_budget_applies_below_pillows_own_limit(editor_client):
    drama = make_drama()
    # 8,000 x 6,000 is under Pillow's limit (89 million pixels) but over ours.
    upload = SimpleUploadedFile("wide.png", png_header_only(8_000, 6_000))
    assert "8000 x 6000 pixels" in refusal(upload_picture(editor_client, drama, upload))


def test_pillows_bomb_warning_is_an_error_in_the_application(editor_client, monkeypatch):
    # Our own budget out of the way, Pillow's limit lowered below the image's size: Pillow only warns.
    monkeypatch.setattr(images, "MAX_PIXELS", 10**12)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    drama = make_drama()
    with warnings.catch_warnings():
        # Whatever filters the process has (pytest's make RuntimeWarning an error), the upload sets its own.
        warnings.simplefilter("ignore")
        response = upload_picture(editor_client, drama, image_upload(size=(40, 40)))
    assert "at most 40 megapixels" in refusal(response)
    assert not PageImage.objects.exists()


def test_a_truncated_image_is_refused_not_a_server_error(editor_client):
    drama = make_drama()
    data = image_bytes(size=(400, 600))
    response = upload_picture(editor_client, drama, SimpleUploadedFile("cut.jpg", data[: len(data) // 2]))
    assert "could not be read" in refusal(response)


def test_a_polyglot_loses_its_payload_in_the_re_encoding(editor_client):
    drama = make_drama()
    payload = b"<script>alert(document.domain)</script>"
    # A JPEG with HTML in a comment segment and after its end: valid as both, to a sniffing browser.
    data = image_bytes(size=(300, 450), comment=payload) + b"<html>" + payload
    assert upload_picture(editor_client, drama, SimpleUploadedFile("poly.jpg", data)).status_code == 302
    image = PageImage.objects.get()
    for name in stored_files(image):
        with default_storage.open(name) as file:
            assert b"<script" not in file.read(), name


def test_replacing_a_picture_keeps_the_old_files_and_editing_the_text_keeps_the_picture(editor_client):
    drama = make_drama()
    old = make_page_image(drama, size=(200, 300))
    old_files = stored_files(old)
    url = change_url(drama)

    data = admin_form_data(editor_client.get(url), **{f"{INLINE}-0-alt": "New alt text"})
    assert editor_client.post(url, data).status_code == 302
    assert PageImage.objects.get().digest == old.digest

    data = admin_form_data(editor_client.get(url))
    data[f"{INLINE}-0-upload"] = image_upload(size=(300, 200), color=(10, 200, 10))
    assert editor_client.post(url, data).status_code == 302
    new = PageImage.objects.get()
    assert new.digest != old.digest and (new.width, new.height) == (300, 200)
    assert all(default_storage.exists(name) for name in old_files + stored_files(new))


def test_the_drama_form_is_multipart_and_offers_one_poster(editor_client):
    drama = make_drama()
    response = editor_client.get(change_url(drama))
    (form,) = [
        e
        for e in elements(response.content.decode())
        if e["tag"] == "form" and e["attrs"].get("id") == "drama_form"
    ]
    assert form["attrs"]["enctype"] == "multipart/form-data"
    formset = next(f for f in response.context["inline_admin_formsets"] if f.formset.prefix == INLINE)
    assert formset.opts.verbose_name == "poster" and formset.formset.max_num == 1


# On the page


def figures(response, css_class):
    """[(the figure's elements, its caption's text)] for each <figure class="css_class ...">."""
    found = re.findall(rf'<figure class="{css_class}[^"]*">(.*?)</figure>', response.content.decode(), re.S)
    result = []
    for html in found:
        caption = re.search(r"<figcaption>(.*?)</figcaption>", html, re.S).group(1)
        result.append((elements(html), " ".join(re.sub(r"<[^>]+>", " ", caption).split())))
    return result


def tags(found, tag):
    return [element["attrs"] for element in found if element["tag"] == tag]


def test_the_poster_is_a_picture_with_avif_and_webp_sources_and_a_single_high_priority(client):
    drama = make_drama("Queen of Tears")
    image = make_page_image(drama, size=(400, 600), caption="Season poster")

    response = client.get(drama.get_absolute_url())

    ((found, caption),) = figures(response, "page-image")
    assert len(tags(found, "picture")) == 1
    sources = tags(found, "source")
    assert [source["type"] for source in sources] == ["image/avif", "image/webp"]
    for source in sources:
        assert source["sizes"]
        assert source["srcset"].count(" 160w") == 1 and " 320w" in source["srcset"]
    (img,) = tags(found, "img")
    assert img["alt"] == image.alt
    assert (int(img["width"]), int(img["height"])) in {(w, w * 3 // 2) for w in (160, 240, 320)}
    assert img["src"].endswith(".jpg") and img["srcset"] and img["sizes"]
    assert img["fetchpriority"] == "high" and "loading" not in img
    assert response.content.count(b"fetchpriority") == 1
    assert "Season poster" in caption and "Jane Kim" in caption and "CC BY" in caption


def test_every_srcset_url_is_a_stored_file(client):
    drama = make_drama()
    make_page_image(drama, size=(700, 1000))
    response = client.get(drama.get_absolute_url())
    ((found, _),) = figures(response, "page-image")
    srcsets = [attrs["srcset"] for attrs in tags(found, "source") + tags(found, "img")]
    urls = [entry.split()[0] for srcset in srcsets for entry in srcset.split(", ")]
    assert len(urls) == 3 * 5
    for url in urls:
        assert url.startswith("/media/img/")
        assert default_storage.exists(url.removeprefix("/media/")), url


def test_a_page_without_a_picture_shows_no_frame(client):
    drama = make_drama()
    person = make_person()
    for page in (drama, person):
        response = client.get(page.get_absolute_url())
        assert b"<figure" not in response.content and b"<picture" not in response.content
        assert b"fetchpriority" not in response.content


def test_portraits_in_the_cast_table_are_lazy_and_credited(client):
    drama = make_drama()
    pictured, unpictured = make_person("Kim Soo-hyun"), make_person("Kim Ji-won")
    make_credit(drama, pictured, character="Baek Hyun-woo")
    make_credit(drama, unpictured, character="Hong Hae-in")
    portrait = make_page_image(pictured, size=(120, 160), credit="Photo by Lee", licence="cc-by-sa")

    response = client.get(drama.get_absolute_url())

    ((found, caption),) = figures(response, "person-thumb")
    (img,) = tags(found, "img")
    assert img["loading"] == "lazy" and "fetchpriority" not in img
    assert img["alt"] == portrait.alt and img["width"] == "96" and img["height"] == "128"
    assert [source["type"] for source in tags(found, "source")] == ["image/avif", "image/webp"]
    assert "Kim Soo-hyun" in caption and "Photo by Lee" in caption and "CC BY-SA" in caption
    assert b"Kim Ji-won" in response.content  # still listed, without a picture


def test_a_person_page_shows_the_portrait_first_and_at_once(client):
    person = make_person()
    make_page_image(person, size=(240, 320))
    response = client.get(person.get_absolute_url())
    ((found, _),) = figures(response, "page-image")
    (img,) = tags(found, "img")
    assert img["fetchpriority"] == "high" and "loading" not in img


# Announcements


@pytest.fixture
def announcements():
    received = []

    def listener(sender, changes, **kwargs):
        # The files must exist by the time anyone hears of the change (the page cache fills right away).
        missing = [
            name
            for image in PageImage.objects.all()
            for name in stored_files(image)
            if not default_storage.exists(name)
        ]
        received.append((changes, missing))

    pages_changed.connect(listener)
    yield received
    pages_changed.disconnect(listener)


def test_uploading_a_poster_announces_the_drama_after_its_files_exist(
    editor_client, after_commit, announcements
):
    drama = make_drama()
    with after_commit():
        assert upload_picture(editor_client, drama, image_upload()).status_code == 302
    (changes, missing) = announcements[-1]
    assert PageRef("drama", drama.pk) in changes.pages
    assert missing == []


def test_a_new_portrait_announces_the_dramas_whose_cast_tables_show_it(after_commit, announcements):
    person, drama, other = make_person(), make_drama(), make_drama()
    make_credit(drama, person)
    with after_commit():
        portrait = make_page_image(person)
    assert {PageRef("person", person.pk), PageRef("drama", drama.pk)} <= announcements[-1][0].pages
    assert PageRef("drama", other.pk) not in announcements[-1][0].pages
    with after_commit():
        portrait.delete()
    assert PageRef("drama", drama.pk) in announcements[-1][0].pages


def test_deleting_a_page_deletes_its_picture_row():
    person = make_person()
    make_page_image(person)
    person.delete()
    assert not PageImage.objects.exists()


def test_a_form_with_more_than_one_file_gets_the_400_page(editor_client):
    drama = make_drama()
    data = admin_form_data(editor_client.get(change_url(drama)))
    data[f"{INLINE}-0-upload"] = image_upload()
    data["extra"] = image_upload("second.jpg")
    assert editor_client.post(change_url(drama), data).status_code == 400
    assert not PageImage.objects.exists()


def test_the_system_check_names_a_missing_encoder(monkeypatch):
    from PIL import features

    from fanwiki.checks import check_picture_encoders

    assert check_picture_encoders(None) == []
    monkeypatch.setattr(features, "check", lambda name: name != "avif")
    (error,) = check_picture_encoders(None)
    assert error.id == "fanwiki.E001" and "AVIF" in error.msg


# Link previews


def test_og_image_is_the_largest_jpeg_and_json_ld_names_the_picture(client):
    drama = make_drama("Queen of Tears")
    image = make_page_image(drama, size=(700, 1000), credit="tvN")

    html, found = head(client, drama.get_absolute_url())

    url = "http://testserver" + default_storage.url(images.rendition_name(image.digest, 640, "jpg"))
    assert meta(found, property="og:image") == [url]
    assert meta(found, property="og:image:type") == ["image/jpeg"]
    assert meta(found, property="og:image:width") == ["640"]
    assert meta(found, property="og:image:height") == [str(images.rendition_height(640, 700, 1000))]
    assert meta(found, property="og:image:alt") == [image.alt]
    assert meta(found, name="twitter:card") == ["summary_large_image"]
    data = json_ld(html)
    assert data["image"] == {
        "@type": "ImageObject",
        "url": url,
        "contentUrl": url,
        "caption": image.alt,
        "creditText": "tvN",
    }
    check_against_schema_org(data)


def test_a_portrait_is_a_persons_og_image(client):
    person = make_person()
    make_page_image(person, size=(240, 320))
    html, found = head(client, person.get_absolute_url())
    assert meta(found, property="og:image")[0].endswith(f"/240-v{images.ENCODER_VERSION}.jpg")
    assert json_ld(html)["image"]["@type"] == "ImageObject"


def test_a_page_without_a_picture_has_no_og_image(client):
    drama = make_drama()
    html, found = head(client, drama.get_absolute_url())
    assert meta(found, property="og:image") == [] and "image" not in json_ld(html)
    assert meta(found, name="twitter:card") == ["summary"]
