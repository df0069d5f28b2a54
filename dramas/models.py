from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from fanwiki.page_history import PageHistory
from people.models import Person


class SlugManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Network(models.Model):
    name = models.CharField(max_length=80, unique=True, help_text="Broadcaster, e.g. tvN or SBS.")
    slug = models.SlugField(max_length=80, unique=True)
    note = models.CharField(max_length=200, blank=True, help_text="Short remark, e.g. where else it streams.")

    objects = SlugManager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class Drama(models.Model):
    title = models.CharField(max_length=200, help_text="English title as fans know it.")
    slug = models.SlugField(max_length=200, unique=True, help_text="Romanised ASCII; part of the URL.")
    hangul_title = models.CharField(max_length=200, blank=True, help_text="Korean title, e.g. 눈물의 여왕.")
    network = models.ForeignKey(
        Network, on_delete=models.PROTECT, null=True, blank=True, related_name="dramas"
    )
    first_aired = models.DateField(null=True, blank=True)
    last_aired = models.DateField(null=True, blank=True)
    episodes = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Episode count.")
    broadcast_days = models.CharField(max_length=40, blank=True, help_text='e.g. "Sat-Sun".')
    streaming = models.CharField(max_length=120, blank=True, help_text="Where else it streams, e.g. Netflix.")
    synopsis = models.TextField(
        blank=True,
        max_length=20_000,
        help_text="Markdown. Link pages with [[Title]] or [[Title|label]]. At most 20,000 characters.",
    )
    synopsis_html = models.TextField(blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated = models.DateTimeField(auto_now=True)

    tags = TaggableManager(through="dramas.TaggedDrama", blank=True)
    history = PageHistory()

    objects = SlugManager()

    class Meta:
        ordering = ["-first_aired", "title"]
        indexes = [
            # /dramas/ and a tag's dramas in list order (id breaks ties): a deep page is read off the index.
            models.Index(fields=["-first_aired", "title", "id"], name="drama_listing_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_aired__isnull=True)
                | Q(first_aired__isnull=True)
                | Q(last_aired__gte=F("first_aired")),
                name="drama_last_aired_not_before_first",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("dramas:detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    @property
    def year(self):
        return self.first_aired.year if self.first_aired else None


class CreditManager(models.Manager):
    def get_by_natural_key(self, drama_slug, person_slug, kind, character):
        return self.get(drama__slug=drama_slug, person__slug=person_slug, kind=kind, character=character)


class Credit(models.Model):
    class Kind(models.TextChoices):
        LEAD = "lead", "Lead"
        SUPPORTING = "supporting", "Supporting"
        CAMEO = "cameo", "Cameo"
        # In the cast, billing not stated by the sources: claims neither lead nor supporting.
        CAST = "cast", "Cast"
        WRITER = "writer", "Writer"
        DIRECTOR = "director", "Director"
        OST_VOCALIST = "ost_vocalist", "OST vocalist"

    CAST_KINDS = (Kind.LEAD, Kind.SUPPORTING, Kind.CAMEO, Kind.CAST)
    CREW_KINDS = (Kind.WRITER, Kind.DIRECTOR)

    drama = models.ForeignKey(Drama, on_delete=models.CASCADE, related_name="credits")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="credits")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SUPPORTING)
    character = models.CharField(max_length=120, blank=True, help_text="Role played, for cast credits.")
    character_hangul = models.CharField(max_length=120, blank=True, help_text="Role name in Hangul.")
    note = models.CharField(max_length=200, blank=True, help_text="Short remark, e.g. about an OST song.")
    billing_order = models.PositiveSmallIntegerField(default=100, help_text="Lower comes first.")

    history = HistoricalRecords()

    objects = CreditManager()

    class Meta:
        ordering = ["billing_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["drama", "person", "kind", "character"], name="unique_credit_per_role"
            ),
        ]

    def __str__(self):
        role = f" as {self.character}" if self.character else ""
        return f"{self.person} – {self.get_kind_display()}{role} ({self.drama})"

    def get_absolute_url(self):
        return self.drama.get_absolute_url()

    def natural_key(self):
        return (*self.drama.natural_key(), *self.person.natural_key(), self.kind, self.character)

    natural_key.dependencies = ["dramas.drama", "people.person"]


class TaggedDramaManager(models.Manager):
    def get_by_natural_key(self, drama_slug, tag_name):
        return self.get(content_object__slug=drama_slug, tag__name=tag_name)


class TaggedDrama(TaggedItemBase):
    """A tag on a drama, keyed by slug and tag name so fixtures load anywhere."""

    content_object = models.ForeignKey(Drama, on_delete=models.CASCADE, related_name="tagged_items")

    objects = TaggedDramaManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_tag_per_drama"),
        ]
        indexes = [
            # A tag's dramas from the index alone: whether a tag is public, and a tag page's count.
            models.Index(fields=["tag", "content_object"], name="taggeddrama_tag_drama_idx"),
        ]

    def natural_key(self):
        return (*self.content_object.natural_key(), self.tag.name)

    natural_key.dependencies = ["dramas.drama", "taggit.tag"]
