from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import ExpressionWrapper, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from fanwiki.page_history import PageHistory


def published_q(via=""):
    """What published() asks, as a condition; `via` reads it through a relation ("content_object__"),
    so a query over tag rows can state it as a join instead of testing ids against a list."""
    return Q(**{f"{via}status": Article.Status.PUBLISHED, f"{via}published__isnull": False})


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_q())

    def listed(self):
        """For lists and sidebars: no body text is fetched, only whether the article is a stub."""
        return self.defer("body", "body_html").annotate(
            body_is_empty=ExpressionWrapper(Q(body_html=""), output_field=models.BooleanField())
        )

    def newest_first(self):
        """Newest first, in an order with no ties, so a paginated list shows each article once."""
        return self.order_by("-published", "title", "pk")

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        blank=True,
        allow_unicode=True,
        help_text="Part of the URL; Hangul is fine. Left empty, it is made from the title.",
    )
    summary = models.CharField(
        max_length=300, blank=True, help_text="One or two sentences for lists and feeds."
    )
    body = models.TextField(
        blank=True,
        max_length=50_000,
        help_text=(
            "Markdown. Link pages with [[Title]] or [[Title|label]]. Leave empty for a stub. "
            "At most 50,000 characters."
        ),
    )
    body_html = models.TextField(blank=True, editable=False)
    source_outlet = models.CharField(
        max_length=120, blank=True, help_text="Who reported it, e.g. Daily Sports."
    )
    source_url = models.URLField(blank=True, help_text="Link to the original report, if there is one.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published = models.DateTimeField(
        null=True, blank=True, help_text="Set automatically when first published; drafts are never public."
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    updated = models.DateTimeField(auto_now=True)

    tags = TaggableManager(through="fanwiki.TaggedArticle", blank=True)
    history = PageHistory()

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published", "title"]
        indexes = [
            # Published articles in newest_first() order: a page of /articles/ (or a feed, or the newest
            # of a tag's articles) is read off the index in order, never sorted, however deep.
            models.Index(fields=["status", "-published", "title", "id"], name="article_listing_idx"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.slug = self.slug or slugify(self.title, allow_unicode=True)
        if self.status == self.Status.PUBLISHED and self.published is None:
            self.published = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("fanwiki:article_detail", kwargs={"slug": self.slug})

    def clean(self):
        self.slug = self.slug or slugify(self.title, allow_unicode=True)
        if not self.slug:
            raise ValidationError(
                {"slug": "The title has no letters or digits to make a URL from: type a slug."}
            )

    def natural_key(self):
        return (self.slug,)

    @property
    def is_public(self):
        return self.status == self.Status.PUBLISHED and self.published is not None

    @property
    def is_stub(self):
        """A stub has nothing to read yet: its body renders to nothing (empty, or only spaces)."""
        return not self.body_html


class TaggedArticleManager(models.Manager):
    def get_by_natural_key(self, article_slug, tag_name):
        return self.get(content_object__slug=article_slug, tag__name=tag_name)


class TaggedArticle(TaggedItemBase):
    """A tag on an article, keyed by slug and tag name so fixtures load anywhere."""

    content_object = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="tagged_items")

    objects = TaggedArticleManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_tag_per_article"),
        ]
        indexes = [
            # A tag's articles, newest rows first, from the index alone: the sidebar's bounded candidates,
            # whether a tag is public, and a tag page's count.
            models.Index(fields=["tag", "content_object"], name="taggedarticle_tag_article_idx"),
        ]

    def natural_key(self):
        return (*self.content_object.natural_key(), self.tag.name)

    natural_key.dependencies = ["fanwiki.article", "taggit.tag"]


class PageTitle(models.Model):
    """Every name a public page answers to in a [[link]], normalised (a title index).

    Kept up to date by signals; wiki links resolve against it in one query.
    """

    key = models.CharField(max_length=200, db_index=True)
    title = models.CharField(max_length=200)
    url = models.CharField(max_length=300)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    page = GenericForeignKey("content_type", "object_id")

    class Meta:
        ordering = ["key", "content_type_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "key"], name="unique_page_title_key"
            ),
        ]

    def __str__(self):
        return f"{self.key} → {self.title}"


class WikiLink(models.Model):
    """One [[link]] from a page's text: the source page and the normalised target."""

    source_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    source_id = models.PositiveBigIntegerField()
    source_title = models.CharField(max_length=200)
    source_url = models.CharField(max_length=300)
    source_is_public = models.BooleanField(default=True)
    target_key = models.CharField(max_length=200, db_index=True)

    class Meta:
        ordering = ["source_title"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_id", "target_key"], name="unique_wiki_link"
            ),
        ]
        indexes = [
            # "What links here" in title order from the index alone: no row of a page linked
            # from thousands is read to show its first twenty.
            models.Index(
                fields=[
                    "target_key",
                    "source_is_public",
                    "source_title",
                    "source_url",
                    "source_type",
                    "source_id",
                ],
                name="wikilink_backlinks_idx",
            ),
        ]

    def __str__(self):
        return f"{self.source_title} → {self.target_key}"


class PageImageQuerySet(models.QuerySet):
    def for_pages(self, model, ids, role):
        """The images of this role (None: any) on these pages of one kind, in one query."""
        images = self.filter(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)
        return images if role is None else images.filter(role=role)


class PageImage(models.Model):
    """A picture attached to a wiki page: a drama's poster, a person's portrait.

    It points at the page through the content type and id the page registry knows
    (fanwiki/pages.py), so dramas and people hold no field of the wiki's. The files
    are named by `digest` and made when the row is saved (fanwiki/images.py).
    """

    class Role(models.TextChoices):
        POSTER = "poster", "Poster"
        PORTRAIT = "portrait", "Portrait"

    class Licence(models.TextChoices):
        PROMOTIONAL = "promotional", "Promotional (non-free)"
        CC_BY = "cc-by", "CC BY"
        CC_BY_SA = "cc-by-sa", "CC BY-SA"
        CC0 = "cc0", "CC0 / public domain"
        OWN_WORK = "own-work", "Own work"

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    page = GenericForeignKey("content_type", "object_id")
    role = models.CharField(max_length=10, choices=Role.choices)
    digest = models.CharField(
        max_length=32, editable=False, help_text="Names the image's files: a hash of the master's content."
    )
    version = models.PositiveSmallIntegerField(
        editable=False, help_text="The encoder settings the renditions were made with (in their names)."
    )
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    alt = models.CharField(
        "alt text",
        max_length=250,
        help_text="What the picture shows, for readers who cannot see it, e.g. "
        "“Poster: the two leads stand back to back in the rain”.",
    )
    credit = models.CharField(
        max_length=200, help_text="Who made or owns the picture, e.g. “tvN” or “Photo by Jane Kim”."
    )
    licence = models.CharField(max_length=12, choices=Licence.choices)
    source_url = models.URLField(blank=True, help_text="Where the picture comes from, if it is online.")
    caption = models.CharField(max_length=300, blank=True, help_text="Shown under the picture; optional.")
    updated = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    objects = PageImageQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "role"], name="unique_page_image_role"
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()}: {self.alt}"


class OldSlug(models.Model):
    """A slug a page no longer has: its old addresses answer with a permanent redirect to the page.

    Keyed by the page registry (kind name and page id), not by path, so one row covers every URL
    under the old slug (the page, its history, each revision, each diff) and always leads to the
    page's current slug. Kept by fanwiki.moves; a live page's own slug never has a row.
    """

    kind = models.CharField(
        max_length=20, help_text='The kind of page as the page registry names it, e.g. "drama".'
    )
    slug = models.CharField(max_length=200, help_text="The slug the page had before it moved.")
    page_id = models.PositiveBigIntegerField()
    moved = models.DateTimeField(auto_now=True, help_text="When the page last left this slug.")

    class Meta:
        ordering = ["kind", "slug"]
        constraints = [models.UniqueConstraint(fields=["kind", "slug"], name="unique_old_slug_per_kind")]
        indexes = [models.Index(fields=["kind", "page_id"], name="old_slug_page_idx")]

    def __str__(self):
        return f"{self.kind} {self.slug} → {self.page_id}"


class SearchDocument(models.Model):
    """One public page as the search index sees it (fanwiki/search/): derived data, rebuilt at will.

    On SQLite an FTS5 table (trigram tokenizer) indexes names, roles and text, kept in step with this
    table by triggers; on PostgreSQL a generated tsvector column and pg_trgm indexes do. Both are made by
    migration 0007, so the model does not name them.
    """

    kind = models.CharField(max_length=20, help_text="The page kind's name in the page registry.")
    object_id = models.PositiveBigIntegerField()
    url = models.CharField(max_length=300)
    title = models.CharField(max_length=200)
    subtitle = models.CharField(max_length=200, blank=True, help_text="The Hangul title or name, if any.")
    names = models.TextField(help_text="The page's own names, folded, with their search keys.")
    roles = models.TextField(blank=True, help_text="Characters played in or by the page, folded, with keys.")
    text = models.TextField(blank=True, help_text="Plain text of the page, for matching and snippets.")
    updated = models.DateTimeField(help_text="When the page was last changed.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="unique_search_document_per_page"),
        ]
        indexes = [models.Index(fields=["-updated"], name="search_document_updated_idx")]

    def __str__(self):
        return f"{self.kind}: {self.title}"


class SearchKey(models.Model):
    """A name of a page run into one word ("kimjiwon", "눈물의여왕", "ᄀᄌᄋ"): exact matches rank first."""

    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="keys")
    key = models.CharField(max_length=200, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "key"], name="unique_search_key_per_document"),
        ]

    def __str__(self):
        return self.key


class RevisionSnapshot(models.Model):
    """What a page revision holds beyond its own row: its tags and, for a drama, its credits.

    One row per historical record, keyed by the page registry's kind name and the record's
    history_id (the history tables are simple_history's, one per kind). Kept by fanwiki.snapshots:
    a tag or credit change made in the same transaction as a page save belongs to that revision;
    one made on its own is a revision of its own. Diffs compare these; a revert restores them.
    """

    kind = models.CharField(
        max_length=20, help_text='The kind of page, as the page registry names it: "drama".'
    )
    history_id = models.PositiveBigIntegerField(
        help_text="The revision: a history_id of that kind's history table."
    )
    tags = models.JSONField(default=list, blank=True, help_text="The page's tag names, sorted.")
    credits = models.JSONField(
        default=list,
        blank=True,
        help_text="A drama's credits: person id and name, kind, character, note, order.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "history_id"], name="unique_snapshot_per_revision"),
        ]

    def __str__(self):
        return f"{self.kind} revision {self.history_id}"
