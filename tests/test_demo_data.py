"""manage.py generate_demo_data: realistic content in bulk, beside the seed and never over it."""

import io
import re
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count
from taggit.models import Tag

from dramas.models import Credit, Drama
from fanwiki.hangul import HANGUL_RUN
from fanwiki.models import Article, PageTitle, WikiLink
from people.models import AlternativeName, Person
from tests.conftest import load_seed

SIZES = ["--dramas", "6", "--people", "30", "--articles", "80"]


def generate(*args):
    out = io.StringIO()
    call_command("generate_demo_data", *SIZES, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def rows(model):
    """Every row of a table as plain values, for comparing before and after."""
    return sorted(model.objects.values_list(*[field.attname for field in model._meta.concrete_fields]))


SEEDED = (Drama, Person, Article, Credit, AlternativeName, Tag, Drama.tags.through, Person.tags.through)


@pytest.fixture(scope="module")
def _generated_once(django_db_setup, django_db_blocker):
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        load_seed()
        before = {model: rows(model) for model in SEEDED}
        output = generate()
        yield before, output
        transaction.set_rollback(True)


@pytest.fixture
def generated(_generated_once, db):
    """The seed, then demo data generated once for the module: (seed rows before, command output)."""
    return _generated_once


def demo(model):
    return model.objects.filter(slug__startswith="demo-")


def test_makes_what_was_asked_with_the_prefix(generated):
    _, output = generated
    assert demo(Drama).count() == 6
    assert demo(Person).count() == 30
    assert demo(Article).count() == 80
    assert "Made 6 dramas, 30 people, 80 articles" in output
    # A progress line for each step, even when the output is not a terminal.
    assert re.search(r"^articles\s+80/80\s+100%", output, re.MULTILINE)


def test_never_changes_a_row_that_was_there_before(generated):
    before, _ = generated
    for model in SEEDED:
        now = rows(model)
        assert set(before[model]) <= set(now), f"{model.__name__}: a row that was there changed or went"
    assert Article.objects.exclude(slug__startswith="demo-").count() == len(before[Article])


def test_derived_data_is_exactly_what_the_rebuild_would_make(generated):
    out = io.StringIO()
    call_command("rebuild_wiki", "--dry-run", stdout=out)
    assert "Everything was up to date." in out.getvalue()
    assert PageTitle.objects.filter(url__startswith="/articles/demo-").exists()
    assert WikiLink.objects.filter(source_url__startswith="/articles/demo-").count() > 80


def test_bodies_are_markdown_with_blue_and_red_wiki_links(generated):
    articles = demo(Article).exclude(body="")
    assert articles.count() > 60
    htmls = " ".join(articles.values_list("body_html", flat=True))
    assert 'class="wikilink" href="/dramas/demo-' in htmls
    assert 'class="wikilink" href="/people/demo-' in htmls
    assert 'class="redlink"' in htmls
    assert "<h2>" in htmls and "<li>" in htmls  # "## Heading": the page title is the only <h1>
    assert all("[[" in body for body in articles.values_list("body", flat=True))
    # Some articles are stubs, some drafts, as in a real wiki.
    assert demo(Article).filter(body="").exists() or demo(Article).filter(status="draft").exists()


def test_names_and_titles_have_hangul_and_other_spellings(generated):
    for person in demo(Person):
        assert HANGUL_RUN.fullmatch(person.hangul_name), person
    for drama in demo(Drama):
        assert HANGUL_RUN.fullmatch(drama.hangul_title), drama
    assert AlternativeName.objects.filter(person__slug__startswith="demo-").count() > 5
    html = " ".join(demo(Article).values_list("body_html", flat=True))
    assert '<span lang="ko">' in html


def test_every_drama_has_cast_crew_and_soundtrack(generated):
    for drama in demo(Drama):
        kinds = set(drama.credits.values_list("kind", flat=True))
        assert {Credit.Kind.LEAD, Credit.Kind.WRITER, Credit.Kind.DIRECTOR, Credit.Kind.OST_VOCALIST} <= kinds
        assert all(credit.character for credit in drama.credits.filter(kind__in=Credit.CAST_KINDS))


def test_tags_have_a_long_tail_and_pages_carry_their_subject_tag(generated):
    uses = Counter(
        dict(Tag.objects.annotate(uses=Count("fanwiki_taggedarticle_items")).values_list("name", "uses"))
    )
    counts = sorted((count for count in uses.values() if count), reverse=True)
    assert counts[0] >= 10 * counts[-1]
    assert counts.count(1) >= 5  # many tags on a single article
    for drama in demo(Drama):
        assert drama.title in drama.tags.names()


def test_pages_have_a_few_revisions_the_latest_being_the_page(generated):
    versions = Counter(demo(Article).values_list("version", flat=True))
    assert len(versions) >= 3
    for article in demo(Article).filter(version__gte=2)[:10]:
        revisions = list(article.history.order_by("history_date", "history_id"))
        assert len(revisions) == article.version
        assert [revision.history_type for revision in revisions] == ["+"] + ["~"] * (article.version - 1)
        assert (revisions[-1].body, revisions[-1].body_html) == (article.body, article.body_html)
        if article.body:
            assert len(revisions[0].body) < len(article.body)
    for model in (Drama, Person):
        assert all(page.history.count() == page.version for page in demo(model))
    assert Credit.history.filter(drama__slug__startswith="demo-").exists()


def test_the_pages_render(generated, client):
    article = demo(Article).filter(status="published").exclude(body="").first()
    for url in [
        "/",
        demo(Drama).first().get_absolute_url(),
        demo(Person).first().get_absolute_url(),
        article.get_absolute_url(),
        f"{article.get_absolute_url()}history/",
        "/browse/",
    ]:
        assert client.get(url).status_code == 200, url


def test_a_prefix_in_use_is_refused_and_nothing_is_written(generated):
    count = Article.objects.count()
    with pytest.raises(CommandError, match="demo-"):
        generate()
    assert Article.objects.count() == count


def test_another_prefix_adds_more_beside(generated):
    generate("--prefix", "more", "--seed", "2")
    assert Article.objects.filter(slug__startswith="more-").count() == 80
    assert demo(Article).count() == 80


def test_dry_run_writes_nothing(generated):
    count = Article.objects.count()
    output = generate("--dry-run", "--prefix", "dry")
    assert "Would have made 6 dramas" in output
    assert Article.objects.count() == count
    assert not Person.objects.filter(slug__startswith="dry-").exists()


@pytest.mark.parametrize(
    "args", [["--articles", "-1"], ["--dramas", "0", "--articles", "5"], ["--people", "1"]]
)
def test_impossible_sizes_are_refused(generated, args):
    with pytest.raises(CommandError):
        call_command("generate_demo_data", *args, stdout=io.StringIO(), stderr=io.StringIO())


def test_the_planner_has_statistics_afterwards(generated):
    # Without them SQLite took the related-articles sidebar through every published article.
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'fanwiki_taggedarticle'")
        else:
            cursor.execute(
                "SELECT COUNT(*) FROM pg_stats WHERE schemaname = current_schema() "
                "AND tablename = 'fanwiki_taggedarticle'"
            )
        assert cursor.fetchone()[0] > 0
