"""Small factory helpers: each makes one saved object with sensible defaults."""

import io
import itertools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image, ImageDraw

from dramas.models import Credit, Drama, Network
from fanwiki import images
from fanwiki.models import Article, PageImage
from fanwiki.pages import kind_of
from people.models import AlternativeName, Person

_counter = itertools.count(1)


def unique(prefix):
    return f"{prefix} {next(_counter)}"


def make_person(name=None, *, alternative_names=(), tags=(), **fields):
    name = name or unique("Person")
    fields.setdefault("slug", slugify(name))
    person = Person.objects.create(name=name, **fields)
    for alternative in alternative_names:
        AlternativeName.objects.create(person=person, name=alternative)
    if tags:
        person.tags.add(*tags)
    return person


def make_network(name="tvN"):
    network, _ = Network.objects.get_or_create(slug=slugify(name), defaults={"name": name})
    return network


def make_drama(title=None, *, tags=(), **fields):
    title = title or unique("Drama")
    fields.setdefault("slug", slugify(title))
    drama = Drama.objects.create(title=title, **fields)
    if tags:
        drama.tags.add(*tags)
    return drama


def make_credit(drama, person, kind=Credit.Kind.LEAD, **fields):
    return Credit.objects.create(drama=drama, person=person, kind=kind, **fields)


def make_article(title=None, *, tags=(), published=None, status=Article.Status.PUBLISHED, **fields):
    title = title or unique("Article")
    fields.setdefault("slug", slugify(title))
    if status == Article.Status.PUBLISHED and published is None:
        published = timezone.now()
    article = Article.objects.create(title=title, status=status, published=published, **fields)
    if tags:
        article.tags.add(*tags)
    return article


def make_editor(username="editor", password="a-long-test-password-1"):
    user = get_user_model().objects.create_user(username=username, password=password, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


# The Markdown field an editor writes on each kind of page.
EDITABLE_TEXT_FIELDS = {"article": "body", "drama": "synopsis", "person": "biography"}


def editable_pages(text):
    """{kind: (maker, text field)}: one page of each kind an editor works on, holding text.

    The drama has a credit and the person a second spelling, so their admin forms carry inline rows.
    """

    def make_article_page():
        return make_article("Casting news", body=text)

    def make_drama_page():
        drama = make_drama("Queen of Tears", synopsis=text)
        make_credit(drama, make_person("Kim Ji-won"), character="Hong Hae-in")
        return drama

    def make_person_page():
        return make_person("Kim Ji-won", biography=text, alternative_names=["Kim Ji Won"])

    makers = {"article": make_article_page, "drama": make_drama_page, "person": make_person_page}
    return {kind: (makers[kind], field) for kind, field in EDITABLE_TEXT_FIELDS.items()}


def image_bytes(size=(64, 96), fmt="JPEG", color=(200, 40, 90), **save_options):
    """A small picture made with Pillow, encoded as `fmt`."""
    image = Image.new("RGB", size, color)
    # Some structure, so the encoders have edges to keep.
    ImageDraw.Draw(image).rectangle(
        (size[0] // 4, size[1] // 4, size[0] // 2, size[1] // 2), fill=(20, 20, 20)
    )
    buffer = io.BytesIO()
    image.save(buffer, fmt, **save_options)
    return buffer.getvalue()


def image_upload(name="poster.jpg", data=None, **image_options):
    return SimpleUploadedFile(name, image_bytes(**image_options) if data is None else data)


def make_page_image(page, *, size=(64, 96), **fields):
    """The page's picture in its kind's role, with its files written, as the admin saves it."""
    role = kind_of(page).image_role
    stored = images.store(images.open_upload(image_upload(size=size)), role)
    fields = {"alt": f"Picture of {page}", "credit": "Jane Kim", "licence": "cc-by", **fields}
    return PageImage.objects.create(
        page=page,
        role=role,
        digest=stored.digest,
        version=stored.version,
        width=stored.width,
        height=stored.height,
        **fields,
    )
