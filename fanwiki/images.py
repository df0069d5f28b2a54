"""Posters and portraits: what an upload must be, the master made from it, and its renditions.

An upload is opened by Pillow with an explicit list of formats, its size read
from the header and held to a pixel budget before any pixel is decoded, then
decoded with Pillow's decompression-bomb warning raised as an error. What is
kept is never the upload: it is a re-encoded master (turned upright, converted
to sRGB and RGB or RGBA, no EXIF, GPS, XMP or colour profile, at most 1,000 px
on its long edge) and, made at the same moment, every rendition the pages use:
each width of the image's role in AVIF, WebP and JPEG.

Files are named by the master's content and never change:

    img/<hash>/master.png            the master, kept to remake renditions
    img/<hash>/<width>-v<N>.<ext>    a rendition; N is ENCODER_VERSION

ENCODER_VERSION goes up whenever the encoder settings below change, so a
changed rendition always gets a new name and caches never hold a stale one.
"""

import hashlib
import io
import warnings
from dataclasses import dataclass
from pathlib import PurePath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageCms, ImageOps

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Refused on the header's width x height, before decoding: a 10 MB file may claim a gigapixel.
MAX_PIXELS = 40_000_000
MASTER_LONG_EDGE = 1000
ENCODER_VERSION = 2  # 2: AVIF quality 55 -> 50, smaller than the WebP at the same width

# Pillow format name -> the file name extensions that may carry it.
ACCEPTED_FORMATS = {
    "JPEG": {".jpg", ".jpeg"},
    "PNG": {".png"},
    "WEBP": {".webp"},
    "AVIF": {".avif"},
}
ACCEPTED_EXTENSIONS = sorted(ext for exts in ACCEPTED_FORMATS.values() for ext in exts)

# Rendition widths by role, in CSS pixels x device pixel ratio: posters fill the infobox column
# (about 160-320 CSS px) on 1x to 3x screens; portraits are thumbnails and a person's infobox.
WIDTHS = {
    "poster": (160, 240, 320, 480, 640, 960),
    "portrait": (96, 160, 240, 320),
}


@dataclass(frozen=True)
class Encoding:
    ext: str
    pillow_format: str
    content_type: str
    options: dict


# Newest format first: a <picture> offers them in this order, and the JPEG is the <img> fallback.
ENCODINGS = (
    Encoding("avif", "AVIF", "image/avif", {"quality": 50, "speed": 8}),
    Encoding("webp", "WEBP", "image/webp", {"quality": 78, "method": 4}),
    Encoding("jpg", "JPEG", "image/jpeg", {"quality": 80, "optimize": True, "progressive": True}),
)
CONTENT_TYPES = {encoding.ext: encoding.content_type for encoding in ENCODINGS}

_SRGB = ImageCms.createProfile("sRGB")


_TOO_MANY_PIXELS = f"Upload at most {MAX_PIXELS // 1_000_000} megapixels."


class ImageRefused(ValueError):
    """The upload is not an image we accept; the message says why, for the editor."""


def open_upload(upload):
    """The upload as an upright RGB(A) master image, or ImageRefused.

    `upload` is a Django UploadedFile (or any file with .name and .size).
    """
    if upload.size > MAX_UPLOAD_BYTES:
        raise ImageRefused(f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
    extension = PurePath(upload.name or "").suffix.lower()
    if extension not in ACCEPTED_EXTENSIONS:
        raise ImageRefused(f"Upload a JPEG, PNG, WebP or AVIF file ({', '.join(ACCEPTED_EXTENSIONS)}).")
    upload.seek(0)
    with warnings.catch_warnings():
        # In the application, not only in tests: an image past Pillow's own limit is refused too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(upload, formats=list(ACCEPTED_FORMATS))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise ImageRefused(_TOO_MANY_PIXELS) from error
        except Exception as error:
            raise ImageRefused("The file is not a JPEG, PNG, WebP or AVIF image.") from error
        if extension not in ACCEPTED_FORMATS[image.format]:
            raise ImageRefused(
                f"The file is a {image.format} image but its name ends in {extension}: rename it."
            )
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise ImageRefused(f"The image is {width} x {height} pixels. {_TOO_MANY_PIXELS}")
        try:
            # JPEG can decode at 1/2, 1/4 or 1/8 scale: no larger than the master needs.
            image.draft(image.mode, (MASTER_LONG_EDGE, MASTER_LONG_EDGE))
            image.load()
            return make_master(image)
        except Exception as error:
            raise ImageRefused("The image could not be read: it may be damaged or cut short.") from error


def make_master(image):
    """Upright, sRGB, RGB or RGBA, at most MASTER_LONG_EDGE px, with no metadata at all."""
    image = ImageOps.exif_transpose(image)
    has_alpha = image.mode in {"RGBA", "LA", "PA"} or (image.mode == "P" and "transparency" in image.info)
    mode = "RGBA" if has_alpha else "RGB"
    converted = None
    if icc_profile := image.info.get("icc_profile"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
            converted = ImageCms.profileToProfile(image, source, _SRGB, outputMode=mode)
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            converted = None  # A broken or unusual profile: the pixels are taken as sRGB.
    if converted is None:
        converted = image if image.mode == mode else image.convert(mode)
    image = converted
    image.thumbnail((MASTER_LONG_EDGE, MASTER_LONG_EDGE), Image.Resampling.LANCZOS)
    # A fresh image: nothing of the upload's info (EXIF, XMP, ICC, comments) comes along.
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    return clean


@dataclass(frozen=True)
class StoredImage:
    digest: str
    width: int
    height: int
    version: int


def encode_master(master):
    buffer = io.BytesIO()
    master.save(buffer, "PNG", optimize=False)
    return buffer.getvalue()


def digest_of(data):
    return hashlib.sha256(data).hexdigest()[:32]


def master_name(digest):
    return f"img/{digest}/master.png"


def rendition_name(digest, width, ext, version=ENCODER_VERSION):
    return f"img/{digest}/{width}-v{version}.{ext}"


def rendition_widths(role, master_width):
    """The widths made for an image of this role: never wider than the master."""
    widths = [width for width in WIDTHS[role] if width <= master_width]
    return widths or [master_width]


def rendition_height(width, master_width, master_height):
    return max(1, round(master_height * width / master_width))


def store(master, role, storage=None):
    """Write the master and every rendition of it, and return what names them.

    Called while the editor's save is still in its transaction: every file exists
    before the page that shows it is announced. Files already there (the same image
    saved again) are left as they are.
    """
    storage = storage or default_storage
    data = encode_master(master)
    digest = digest_of(data)
    _write(storage, master_name(digest), lambda: data)
    write_renditions(master, digest, role, storage)
    return StoredImage(digest, master.width, master.height, ENCODER_VERSION)


def write_renditions(master, digest, role, storage=None):
    """Every rendition of the master with today's encoder settings (ENCODER_VERSION in the names)."""
    storage = storage or default_storage
    for width in rendition_widths(role, master.width):
        resized = _resized(master, width)
        for encoding in ENCODINGS:
            name = rendition_name(digest, width, encoding.ext)
            _write(storage, name, lambda img=resized, enc=encoding: encode(img, enc))


def open_master(digest, storage=None):
    """A stored master, to make renditions from again."""
    with (
        (storage or default_storage).open(master_name(digest)) as file,
        Image.open(file, formats=["PNG"]) as png,
    ):
        png.load()
        return png.copy()


def _resized(master, width):
    if width == master.width:
        return master
    size = (width, rendition_height(width, master.width, master.height))
    return master.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def encode(image, encoding):
    if encoding.pillow_format == "JPEG" and image.mode == "RGBA":
        flat = Image.new("RGB", image.size, (255, 255, 255))
        flat.paste(image, mask=image.getchannel("A"))
        image = flat
    buffer = io.BytesIO()
    image.save(buffer, encoding.pillow_format, **encoding.options)
    return buffer.getvalue()


def _write(storage, name, make_bytes):
    if storage.exists(name):
        return
    saved = storage.save(name, ContentFile(make_bytes()))
    if saved != name:
        # Another save wrote the same content-addressed file meanwhile: keep theirs, drop our copy.
        storage.delete(saved)


def file_names(digest, role, master_width, version):
    """Every file an image row needs: its master and its renditions."""
    names = [master_name(digest)]
    for width in rendition_widths(role, master_width):
        names.extend(rendition_name(digest, width, encoding.ext, version) for encoding in ENCODINGS)
    return names


# On the page


@dataclass(frozen=True)
class Rendition:
    url: str
    width: int
    height: int


@dataclass(frozen=True)
class Picture:
    """What a <picture> element needs: a srcset per format, and the JPEGs for <img> and og:image."""

    sources: tuple  # ((content type, srcset), ...) for AVIF and WebP
    jpegs: tuple  # Renditions, narrowest first

    @property
    def srcset(self):
        return _srcset(self.jpegs)

    @property
    def src(self):
        """The JPEG in <img src>, a middle width; its width and height give the box its shape."""
        return self.jpegs[(len(self.jpegs) - 1) // 2]

    @property
    def smallest(self):
        return self.jpegs[0]

    @property
    def largest(self):
        return self.jpegs[-1]


def _srcset(renditions):
    return ", ".join(f"{rendition.url} {rendition.width}w" for rendition in renditions)


def image_of(page):
    """The picture a page shows (its kind's image role), or None; one query, remembered on the page.

    The page's body and its <head> (og:image, JSON-LD) both ask; only the first asks the database.
    """
    if not hasattr(page, "_page_image"):
        # Imported here: the media layer imports this module outside Django's app loading.
        from fanwiki.models import PageImage
        from fanwiki.pages import kind_of

        kind = kind_of(page)
        rows = PageImage.objects.for_pages(kind.model, [page.pk], kind.image_role) if kind.image_role else []
        page._page_image = next(iter(rows), None)
    return page._page_image


def picture(image, storage=None):
    """The <picture> data for a stored PageImage row."""
    storage = storage or default_storage
    widths = rendition_widths(image.role, image.width)

    def renditions(ext):
        return tuple(
            Rendition(
                storage.url(rendition_name(image.digest, width, ext, image.version)),
                width,
                rendition_height(width, image.width, image.height),
            )
            for width in widths
        )

    return Picture(
        sources=tuple((e.content_type, _srcset(renditions(e.ext))) for e in ENCODINGS if e.ext != "jpg"),
        jpegs=renditions("jpg"),
    )
