from django.db import models
from django.urls import reverse
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from fanwiki.page_history import PageHistory


class PersonManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Person(models.Model):
    name = models.CharField(max_length=120, help_text="Romanised name as most fans write it.")
    slug = models.SlugField(max_length=120, unique=True, help_text="Romanised ASCII; part of the URL.")
    hangul_name = models.CharField(max_length=60, blank=True, help_text="Name in Hangul, e.g. 김수현.")
    biography = models.TextField(
        blank=True,
        max_length=20_000,
        help_text="Markdown. Link pages with [[Title]] or [[Title|label]]. At most 20,000 characters.",
    )
    biography_html = models.TextField(blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated = models.DateTimeField(auto_now=True)

    tags = TaggableManager(through="people.TaggedPerson", blank=True)
    history = PageHistory()

    objects = PersonManager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"
        indexes = [
            # /people/ in its order (name, then id for namesakes): a deep page is read off the index.
            models.Index(fields=["name", "id"], name="person_name_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("people:detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)


class AlternativeNameManager(models.Manager):
    def get_by_natural_key(self, person_slug, name):
        return self.get(person__slug=person_slug, name=name)


class AlternativeName(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="alternative_names")
    name = models.CharField(max_length=120, help_text='Another spelling, e.g. "Kim Ji Won".')

    objects = AlternativeNameManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["person", "name"], name="unique_alternative_name_per_person"),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (*self.person.natural_key(), self.name)

    natural_key.dependencies = ["people.person"]


class TaggedPersonManager(models.Manager):
    def get_by_natural_key(self, person_slug, tag_name):
        return self.get(content_object__slug=person_slug, tag__name=tag_name)


class TaggedPerson(TaggedItemBase):
    """A tag on a person, keyed by slug and tag name so fixtures load anywhere."""

    content_object = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="tagged_items")

    objects = TaggedPersonManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_tag_per_person"),
        ]
        indexes = [
            # A tag's people from the index alone: whether a tag is public, and a tag page's count.
            models.Index(fields=["tag", "content_object"], name="taggedperson_tag_person_idx"),
        ]

    def natural_key(self):
        return (*self.content_object.natural_key(), self.tag.name)

    natural_key.dependencies = ["people.person", "taggit.tag"]
