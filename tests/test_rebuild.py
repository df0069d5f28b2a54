"""`manage.py rebuild_wiki`: all derived data from the Markdown and the credits, idempotent."""

from io import StringIO

import pytest
from django.core.management import call_command

from fanwiki.models import Article, PageTitle, WikiLink
from people.models import Person
from tests.factories import make_article, make_drama


def derived_state():
    return (
        sorted(PageTitle.objects.values_list("content_type", "object_id", "key", "title", "url")),
        sorted(WikiLink.objects.values_list("source_type", "source_id", "target_key", "source_title")),
        sorted(Article.objects.values_list("pk", "body_html")),
        sorted(Person.objects.values_list("pk", "biography_html")),
        sorted(Person.tags.through.objects.values_list("content_object_id", "tag__name")),
    )


def rebuild(*args):
    out = StringIO()
    call_command("rebuild_wiki", *args, stdout=out)
    return out.getvalue()


def test_rebuild_on_the_seed_changes_nothing_and_is_idempotent(seed):
    before = derived_state()
    assert "Everything was up to date" in rebuild()
    assert derived_state() == before
    assert "Everything was up to date" in rebuild()


def test_rebuild_restores_derived_data_that_bulk_writes_skipped(seed):
    before = derived_state()
    PageTitle.objects.all().delete()
    WikiLink.objects.all().delete()
    Article.objects.update(body_html="")
    # Subject tags only: other tags are editors' content, not derived.
    Person.tags.through.objects.filter(tag__name__in=Person.objects.values("name")).delete()

    output = rebuild()

    assert "page updates changed" in output
    assert derived_state() == before


@pytest.mark.django_db
def test_rebuild_renders_links_against_the_finished_index():
    # Bulk-created pages send no signals: the article's link resolves only once the drama is indexed.
    Article.objects.bulk_create(
        [Article(title="News", slug="news", body="See [[Bulk Drama]].", status="published")]
    )
    make_drama("Placeholder")
    from dramas.models import Drama

    Drama.objects.bulk_create([Drama(title="Bulk Drama", slug="bulk-drama")])
    rebuild()
    article = Article.objects.get(slug="news")
    assert 'href="/dramas/bulk-drama/"' in article.body_html
    assert WikiLink.objects.filter(target_key="bulkdrama").count() == 1


def test_dry_run_writes_nothing(seed):
    Article.objects.update(body_html="")
    output = rebuild("--dry-run")
    assert "would change" in output
    assert set(Article.objects.values_list("body_html", flat=True)) == {""}


@pytest.mark.django_db
def test_markdown_cache_key_follows_the_pipeline(monkeypatch):
    from fanwiki import markup

    article = make_article("News", body="Hello.")
    version = markup.pipeline_version()
    assert len(version) == 16
    monkeypatch.setattr(markup, "ALLOWED_TAGS", markup.ALLOWED_TAGS - {"em"})
    markup.pipeline_version.cache_clear()
    try:
        assert markup.pipeline_version() != version
    finally:
        monkeypatch.undo()
        markup.pipeline_version.cache_clear()
    assert markup.pipeline_version() == version
    assert article.body_html == "<p>Hello.</p>"
