"""The seed fixture: what it loads, that it loads twice and over other content, and fails cleanly."""

import datetime
import json
from collections import defaultdict
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.serializers.base import DeserializationError
from django.utils import timezone
from taggit.models import Tag

from dramas.models import Credit, Drama, Network, TaggedDrama
from fanwiki.models import Article, PageTitle, TaggedArticle, WikiLink
from people.models import AlternativeName, Person, TaggedPerson
from tests.factories import make_article, make_credit, make_drama, make_person

SEED_PATH = Path(settings.BASE_DIR) / "fixtures" / "seed.json"

COUNTED_MODELS = [
    Person,
    AlternativeName,
    Network,
    Drama,
    Credit,
    Article,
    Tag,
    TaggedDrama,
    TaggedPerson,
    TaggedArticle,
    PageTitle,
    WikiLink,
]

QUEEN_OF_TEARS_CAST = {
    # slug: (Hangul name, character)
    "kim-soo-hyun": ("김수현", "Baek Hyun-woo"),
    "kim-ji-won": ("김지원", "Hong Hae-in"),
    "park-seong-hoon": ("박성훈", "Yoon Eun-seong"),
    "kwak-dong-yeon": ("곽동연", "Hong Soo-cheol"),
    "lee-joo-bin": ("이주빈", "Cheon Da-hye"),
}


def row_counts():
    return {model._meta.label: model.objects.count() for model in COUNTED_MODELS}


def tag_names(obj):
    return set(obj.tags.values_list("name", flat=True))


def seed_entries():
    return json.loads(SEED_PATH.read_text(encoding="utf-8"))


def expected_seed_tags():
    """{(model label, slug): {tag names}} as written in seed.json."""
    expected = defaultdict(set)
    owners = {
        "dramas.taggeddrama": "dramas.drama",
        "people.taggedperson": "people.person",
        "fanwiki.taggedarticle": "fanwiki.article",
    }
    for entry in seed_entries():
        owner = owners.get(entry["model"])
        if owner:
            (slug,) = entry["fields"]["content_object"]
            (tag,) = entry["fields"]["tag"]
            expected[(owner, slug)].add(tag)
    return expected


def seeded_object(label, slug):
    model = {"dramas.drama": Drama, "people.person": Person, "fanwiki.article": Article}[label]
    return model.objects.get(slug=slug)


def all_tag_sets():
    return {
        (obj._meta.label_lower, obj.slug): tag_names(obj)
        for model in (Drama, Person, Article)
        for obj in model.objects.all()
    }


# What the seed holds


def test_seed_loads_both_dramas(seed):
    queen = Drama.objects.get(slug="queen-of-tears")
    assert queen.title == "Queen of Tears"
    assert queen.hangul_title == "눈물의 여왕"
    assert queen.network.name == "tvN"
    assert queen.first_aired == datetime.date(2024, 3, 9)
    assert queen.last_aired == datetime.date(2024, 4, 28)
    assert queen.episodes == 16

    star = Drama.objects.get(slug="my-love-from-the-star")
    assert star.hangul_title == "별에서 온 그대"
    assert star.network.name == "SBS"
    assert star.first_aired == datetime.date(2013, 12, 18)
    assert star.last_aired == datetime.date(2014, 2, 27)
    assert star.episodes == 21

    for drama in (queen, star):
        writer = Credit.objects.get(drama=drama, kind=Credit.Kind.WRITER)
        assert writer.person.name == "Park Ji-eun"


def test_seed_loads_queen_of_tears_cast_with_hangul_names_and_characters(seed):
    cast = Credit.objects.filter(drama__slug="queen-of-tears", kind__in=Credit.CAST_KINDS).select_related(
        "person"
    )
    loaded = {credit.person.slug: (credit.person.hangul_name, credit.character) for credit in cast}
    assert loaded == QUEEN_OF_TEARS_CAST


def test_seed_loads_alternative_spellings(seed):
    assert set(AlternativeName.objects.filter(person__slug="kim-ji-won").values_list("name", flat=True)) == {
        "Kim Ji Won"
    }
    assert set(
        AlternativeName.objects.filter(person__slug="park-seong-hoon").values_list("name", flat=True)
    ) == {"Park Sung-hoon"}


def test_seed_loads_kim_soo_hyun_lead_and_ost_credits(seed):
    kim = Person.objects.get(slug="kim-soo-hyun")
    lead = Credit.objects.get(person=kim, drama__slug="my-love-from-the-star", kind=Credit.Kind.LEAD)
    assert lead.character == "Do Min-joon"
    ost_dramas = set(kim.credits.filter(kind=Credit.Kind.OST_VOCALIST).values_list("drama__slug", flat=True))
    assert ost_dramas == {"queen-of-tears", "my-love-from-the-star"}


def test_seed_loads_ost_article_citing_daily_sports(seed):
    article = Article.objects.get(slug="kim-soo-hyun-sings-queen-of-tears-ost")
    assert article.source_outlet == "Daily Sports"
    assert article.is_public
    assert article.body.strip()
    # Rendered at load time by the pre_save receiver: no extra step.
    assert "<h2>Confirmed by tvN</h2>" in article.body_html  # its first heading sits under the page's h1


def test_seed_loads_five_stub_articles(seed):
    stubs = [article for article in Article.objects.all() if article.is_stub]
    assert len(stubs) == 5
    assert all(article.body == "" and article.is_public for article in stubs)


def test_seed_pages_are_rendered_and_indexed_by_loaddata_alone(seed):
    queen = Drama.objects.get(slug="queen-of-tears")
    assert 'class="wikilink"' in queen.synopsis_html
    assert PageTitle.objects.filter(key="kimjiwon", url="/people/kim-ji-won/").exists()
    assert WikiLink.objects.filter(source_url=queen.get_absolute_url(), target_key="kimsoohyun").exists()


# Only what the sources say: the news article and the supplementary facts beside it

# The only cast credits whose billing the sources give; every other cast credit is plain "cast".
STATED_LEADS = {
    ("queen-of-tears", "kim-soo-hyun"),
    ("queen-of-tears", "kim-ji-won"),
    ("my-love-from-the-star", "kim-soo-hyun"),
}

# Details the sources do not give, once written into the seed.
UNSOURCED_PHRASES = [
    "supporting",
    "making-of",
    "stills",
    "kept the details",
    "buzz",
    "weekly",
    "in the studio",
]


def seed_texts():
    for entry in seed_entries():
        for field, value in entry["fields"].items():
            if isinstance(value, str):
                yield entry["model"], field, value


def test_seed_gives_lead_billing_only_where_the_sources_state_it(seed):
    cast = Credit.objects.filter(kind__in=Credit.CAST_KINDS).values_list(
        "drama__slug", "person__slug", "kind"
    )
    assert {(drama, person) for drama, person, kind in cast if kind == Credit.Kind.LEAD} == STATED_LEADS
    others = {(drama, person): kind for drama, person, kind in cast if (drama, person) not in STATED_LEADS}
    assert ("my-love-from-the-star", "jun-ji-hyun") in others
    assert set(others.values()) == {Credit.Kind.CAST}


def test_seed_has_no_genre_tags_and_names_the_topicality_ranking_as_such(seed):
    assert not Tag.objects.filter(name__in=["Romance", "Fantasy", "Ratings"]).exists()
    topicality = Article.objects.get(slug="queen-of-tears-tops-topicality-six-weeks")
    assert "Topicality ranking" in tag_names(topicality)


def test_seed_text_adds_no_detail_the_sources_lack():
    for model, field, value in seed_texts():
        for phrase in UNSOURCED_PHRASES:
            assert phrase not in value.lower(), (model, field, phrase)


def test_seed_invents_no_date_for_the_news(seed):
    # The report is dated only "the 18th", month not given: the OST article says so in words,
    # and every article carries one stamp, when the wiki's seed was written, so no story is given
    # a made-up time or order.
    ost = Article.objects.get(slug="kim-soo-hyun-sings-queen-of-tears-ost")
    assert '"the 18th"' in ost.body and "does not say which month" in ost.body
    stamps = set(Article.objects.values_list("published", flat=True))
    assert len(stamps) == 1
    # The synopses describe both runs as finished, so the wiki wrote them after the last episode.
    last_episode = Drama.objects.get(slug="queen-of-tears").last_aired
    pages = [*Drama.objects.all(), *Person.objects.all(), *Article.objects.all()]
    assert all(timezone.localdate(page.updated) > last_episode for page in pages)
    assert all(timezone.localdate(stamp) > last_episode for stamp in stamps)


# Loading again


def test_loading_twice_changes_no_row_counts_nor_tags(seed):
    counts, tags = row_counts(), all_tag_sets()
    assert counts["dramas.Drama"] == 2

    call_command("loaddata", "seed", verbosity=0)

    assert row_counts() == counts
    assert all_tag_sets() == tags


def test_loading_twice_adds_no_revisions(seed):
    histories = [Drama.history, Person.history, Article.history, Credit.history]
    before = [history.count() for history in histories]
    assert all(before)  # loaddata gave every page a first revision

    call_command("loaddata", "seed", verbosity=0)

    assert [history.count() for history in histories] == before


def test_seeded_objects_carry_exactly_the_tags_named_in_the_fixture(seed):
    expected = expected_seed_tags()
    assert expected
    for (label, slug), tags in expected.items():
        assert tag_names(seeded_object(label, slug)) == tags, (label, slug)


def test_tags_survive_loading_over_existing_content(db):
    # Rows made first, so the seed's rows get different primary keys than a fresh load gives them.
    other_person = make_person("Song Hye-kyo", tags=["Romance", "Descendants of the Sun"])
    other_drama = make_drama("Crash Landing on You", tags=["tvN", "Romance"])
    other_article = make_article("Ratings roundup", tags=["Ratings", "Queen of Tears"])
    other_credit = make_credit(other_drama, other_person, character="Someone")
    before = {obj: tag_names(obj) for obj in (other_person, other_drama, other_article)}

    call_command("loaddata", "seed", verbosity=0)

    for (label, slug), tags in expected_seed_tags().items():
        assert tag_names(seeded_object(label, slug)) == tags, (label, slug)
    for obj, tags in before.items():
        obj.refresh_from_db()
        assert tag_names(obj) == tags, obj
    assert Credit.objects.filter(pk=other_credit.pk, person=other_person, drama=other_drama).exists()


def test_loading_twice_over_existing_content_is_stable(db):
    make_person("Song Hye-kyo", tags=["Romance"])
    make_article("Ratings roundup", tags=["Ratings", "Kim Ji-won"])
    call_command("loaddata", "seed", verbosity=0)
    counts, tags = row_counts(), all_tag_sets()

    call_command("loaddata", "seed", verbosity=0)

    assert row_counts() == counts
    assert all_tag_sets() == tags


# Broken fixtures


NOW = "2024-04-18T09:00:00+09:00"


def _write_fixture(tmp_path, entries):
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(entries), encoding="utf-8")
    return str(path)


def test_credit_pointing_at_missing_person_fails_clearly_and_changes_nothing(db, tmp_path):
    entries = [
        {"model": "dramas.network", "fields": {"name": "KBS", "slug": "kbs"}},
        {
            "model": "dramas.drama",
            "fields": {"slug": "broken-drama", "title": "Broken Drama", "network": ["kbs"], "updated": NOW},
        },
        {
            "model": "dramas.credit",
            "fields": {
                "drama": ["broken-drama"],
                "person": ["nobody-by-this-slug"],
                "kind": "lead",
                "character": "Ghost",
            },
        },
    ]
    fixture = _write_fixture(tmp_path, entries)
    counts = row_counts()

    with pytest.raises((CommandError, DeserializationError)) as excinfo:
        call_command("loaddata", fixture, verbosity=0)

    message = str(excinfo.value).lower()
    assert "broken.json" in message
    assert "credit" in message and "person" in message, message
    assert row_counts() == counts
    assert not Drama.objects.filter(slug="broken-drama").exists()


def test_entry_for_unknown_model_fails_clearly_and_changes_nothing(db, tmp_path):
    entries = [
        {"model": "people.person", "fields": {"name": "Half Loaded", "slug": "half-loaded", "updated": NOW}},
        {"model": "dramas.nosuchmodel", "fields": {"slug": "x"}},
    ]
    fixture = _write_fixture(tmp_path, entries)
    counts = row_counts()

    with pytest.raises((CommandError, DeserializationError)) as excinfo:
        call_command("loaddata", fixture, verbosity=0)

    assert "nosuchmodel" in str(excinfo.value).lower()
    assert row_counts() == counts
    assert not Person.objects.filter(slug="half-loaded").exists()


def history_counts():
    return [model.history.count() for model in (Drama, Person, Article, Credit)]


def test_a_truncated_fixture_fails_clearly_and_changes_nothing(db, tmp_path):
    text = SEED_PATH.read_text(encoding="utf-8")
    path = tmp_path / "partial.json"
    path.write_text(text[: len(text) // 2], encoding="utf-8")  # a download cut off halfway
    counts, revisions = row_counts(), history_counts()

    with pytest.raises((CommandError, DeserializationError)) as excinfo:
        call_command("loaddata", str(path), verbosity=0)

    assert "partial.json" in str(excinfo.value)
    assert row_counts() == counts
    assert history_counts() == revisions


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"episodes": "sixteen"}, "sixteen"),
        ({"first_aired": "2024-02-30"}, "2024-02-30"),
        ({"first_aired": "2024-04-28", "last_aired": "2024-03-09"}, "drama_last_aired_not_before_first"),
    ],
)
def test_a_bad_value_late_in_a_fixture_fails_clearly_and_undoes_the_rows_before_it(
    db, tmp_path, fields, named
):
    entries = [
        {
            "model": "people.person",
            "fields": {"name": "Loaded First", "slug": "loaded-first", "updated": NOW},
        },
        {
            "model": "dramas.drama",
            "fields": {"slug": "bad-value", "title": "Bad Value", "updated": NOW, **fields},
        },
    ]
    fixture = _write_fixture(tmp_path, entries)
    counts, revisions = row_counts(), history_counts()

    with pytest.raises(Exception) as excinfo:  # noqa: B017 (Django raises a ValidationError or a database error)
        call_command("loaddata", fixture, verbosity=0)

    message = str(excinfo.value)
    assert named in message and "broken.json" in message, message
    assert row_counts() == counts
    assert history_counts() == revisions
    assert not Person.objects.filter(slug="loaded-first").exists()


def test_loading_the_seed_leaves_every_field_and_revision_of_editors_pages_alone(db):
    article = make_article("Ratings roundup", body="First words.", tags=["Ratings"])
    article.body = "An editor's second thoughts about [[Queen of Tears]]."
    article.save()
    drama = make_drama("Crash Landing on You", synopsis="An editor's synopsis.")
    person = make_person(
        "Song Hye-kyo", biography="An editor's biography.", alternative_names=["Song Hye Kyo"]
    )
    pages = [article, drama, person]

    def snapshot(page):
        page.refresh_from_db()
        fields = {field.attname: getattr(page, field.attname) for field in page._meta.concrete_fields}
        fields.pop("body_html", None)  # a red link may turn blue: the seed brings the page it names
        revisions = list(
            page.history.order_by("history_id").values_list("history_id", "history_change_reason")
        )
        return fields, revisions, tag_names(page)

    before = [snapshot(page) for page in pages]

    call_command("loaddata", "seed", verbosity=0)

    assert [snapshot(page) for page in pages] == before
    assert list(person.alternative_names.values_list("name", flat=True)) == ["Song Hye Kyo"]


# manage.py load_seed


def test_load_seed_loads_into_an_empty_wiki(db):
    assert not Drama.objects.exists()

    call_command("load_seed", verbosity=0)

    assert set(Drama.objects.values_list("slug", flat=True)) == {"queen-of-tears", "my-love-from-the-star"}
    expected_people = {e["fields"]["slug"] for e in seed_entries() if e["model"] == "people.person"}
    assert set(Person.objects.values_list("slug", flat=True)) == expected_people
    assert Article.objects.count() == 6


def test_load_seed_second_time_without_force_is_a_no_op(db):
    call_command("load_seed", verbosity=0)
    article = Article.objects.get(slug="kim-soo-hyun-sings-queen-of-tears-ost")
    article.summary = "Edited by an editor after the seed was loaded."
    article.save()
    counts = row_counts()

    call_command("load_seed", verbosity=0)

    assert row_counts() == counts
    article.refresh_from_db()
    assert article.summary == "Edited by an editor after the seed was loaded."


def test_load_seed_force_reloads_seeded_pages(db):
    call_command("load_seed", verbosity=0)
    article = Article.objects.get(slug="kim-soo-hyun-sings-queen-of-tears-ost")
    original = article.summary
    article.summary = "Edited"
    article.save()

    call_command("load_seed", "--force", verbosity=0)

    article.refresh_from_db()
    assert article.summary == original


def test_load_seed_dry_run_writes_nothing(db):
    counts = row_counts()

    call_command("load_seed", "--dry-run", verbosity=0)

    assert row_counts() == counts
    assert not Drama.objects.exists()
