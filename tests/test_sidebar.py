"""fanwiki.sidebar.related_articles: shared tags first, then newest; published only; top five; one query."""

import datetime

from django.template.loader import render_to_string
from django.utils import timezone

from fanwiki.models import Article
from fanwiki.sidebar import SIDEBAR_SIZE, related_articles
from tests.factories import make_article, make_drama, make_person

NOW = timezone.now()


def days_ago(days):
    return NOW - datetime.timedelta(days=days)


def as_viewed(page):
    """The page as its view loads it: with its tags prefetched (its sidebar's cache keys read them too)."""
    return type(page).objects.prefetch_related("tags").get(pk=page.pk)


def slugs(articles):
    return [article.slug for article in articles]


def test_ranks_by_shared_tags_then_newest(db):
    drama = make_drama("Ranked Drama", tags=["Alpha", "Beta", "Gamma"])
    three_old = make_article("Three shared, old", tags=["Alpha", "Beta", "Gamma"], published=days_ago(30))
    one_newest = make_article("One shared, newest", tags=["Alpha"], published=days_ago(1))
    two_older = make_article("Two shared, older", tags=["Alpha", "Beta"], published=days_ago(10))
    two_newer = make_article("Two shared, newer", tags=["Beta", "Gamma", "Unrelated"], published=days_ago(5))

    assert slugs(related_articles(drama)) == slugs([three_old, two_newer, two_older, one_newest])


def test_subject_tag_counts_as_a_shared_tag(db):
    drama = make_drama("Subject Drama", tags=["Alpha"])
    by_subject = make_article("Tagged with the title", tags=["Subject Drama", "Alpha"], published=days_ago(9))
    by_genre = make_article("Tagged with the genre", tags=["Alpha"], published=days_ago(1))

    assert slugs(related_articles(drama)) == slugs([by_subject, by_genre])


def test_excludes_the_article_itself(db):
    article = make_article("The page itself", tags=["Alpha", "Beta"])
    other = make_article("Its neighbour", tags=["Alpha"], published=days_ago(3))

    assert slugs(related_articles(article)) == [other.slug]


def test_excludes_drafts(db):
    drama = make_drama("Draft Check", tags=["Alpha"])
    make_article("A draft", tags=["Alpha", "Draft Check"], status=Article.Status.DRAFT)
    published = make_article("Published one", tags=["Alpha"], published=days_ago(2))

    assert slugs(related_articles(drama)) == [published.slug]


def test_keeps_only_the_top_five(db):
    drama = make_drama("Popular Drama", tags=["Alpha", "Beta"])
    best = [
        make_article(f"Best {number}", tags=["Alpha", "Beta"], published=days_ago(10 + number))
        for number in range(4)
    ]
    newest_single = make_article("Newest single", tags=["Alpha"], published=days_ago(1))
    make_article("Older single", tags=["Alpha"], published=days_ago(2))
    make_article("Oldest single", tags=["Beta"], published=days_ago(3))

    result = related_articles(drama)
    assert SIDEBAR_SIZE == 5
    assert slugs(result) == slugs([*best, newest_single])


def test_subject_tag_is_added_on_save(db):
    drama = make_drama("Crash Landing on You")
    person = make_person("Son Ye-jin")
    assert "Crash Landing on You" in set(drama.tags.names())
    assert "Son Ye-jin" in set(person.tags.names())


def test_renamed_drama_gains_its_new_subject_tag(db):
    drama = make_drama("Working Title")
    drama.title = "Final Title"
    drama.save()
    assert "Final Title" in set(drama.tags.names())


def test_article_tagged_with_a_subject_shows_in_its_sidebar_only(db):
    drama = make_drama("Crash Landing on You")
    person = make_person("Hyun Bin")
    unrelated_drama = make_drama("Unrelated Drama")
    unrelated_person = make_person("Unrelated Person")
    about_drama = make_article("Ratings news", tags=["Crash Landing on You"])
    about_person = make_article("Interview news", tags=["Hyun Bin"])

    assert slugs(related_articles(drama)) == [about_drama.slug]
    assert slugs(related_articles(person)) == [about_person.slug]
    assert slugs(related_articles(unrelated_drama)) == []
    assert slugs(related_articles(unrelated_person)) == []


def test_sidebar_renders_on_drama_and_person_pages(client, db):
    drama = make_drama("Crash Landing on You")
    person = make_person("Hyun Bin")
    unrelated = make_drama("Unrelated Drama")
    about_drama = make_article("Ratings news", tags=["Crash Landing on You"])
    about_person = make_article("Interview news", tags=["Hyun Bin"])

    assert about_drama.get_absolute_url() in client.get(drama.get_absolute_url()).content.decode()
    assert about_person.get_absolute_url() in client.get(person.get_absolute_url()).content.decode()
    unrelated_html = client.get(unrelated.get_absolute_url()).content.decode()
    assert about_drama.get_absolute_url() not in unrelated_html
    assert about_person.get_absolute_url() not in unrelated_html


def test_one_query_whatever_the_sizes(db, django_assert_num_queries):
    # The page's tags come prefetched with it: no query for them, none per article.
    drama = as_viewed(make_drama("Busy Drama", tags=[f"Tag {number}" for number in range(10)]))
    for number in range(12):
        make_article(tags=[f"Tag {n}" for n in range(number % 10 + 1)], published=days_ago(number))

    with django_assert_num_queries(1):
        result = list(related_articles(drama))
    assert len(result) == SIDEBAR_SIZE

    # Rendering what the sidebar shows (title, link, date, stub badge) needs no more queries.
    with django_assert_num_queries(0):
        html = render_to_string("includes/related_articles.html", {"related_articles": result})
    assert all(article.get_absolute_url() in html for article in result)


def test_one_query_for_a_person_and_an_article(db, django_assert_num_queries):
    person = make_person("Query Person", tags=["Alpha"])
    article = make_article("Query Article", tags=["Alpha", "Query Person"])
    make_article("Neighbour", tags=["Alpha"])

    for page in map(as_viewed, (person, article)):
        with django_assert_num_queries(1):
            result = list(related_articles(page))
        assert result


def test_only_each_tags_newest_articles_are_candidates(db, monkeypatch):
    # "OST" may be on thousands of articles: ranking them all would grow with the wiki.
    monkeypatch.setattr("fanwiki.sidebar.CANDIDATES_PER_TAG", 2)
    drama = make_drama("Bounded Drama", tags=["Alpha", "Beta"])
    old_best = make_article("Old, both tags", tags=["Alpha", "Beta"], published=days_ago(1))
    newer = [make_article(f"Newer {n}", tags=["Alpha"], published=days_ago(2 + n)) for n in range(2)]
    beta_only = [make_article(f"Beta {n}", tags=["Beta"], published=days_ago(5 + n)) for n in range(2)]

    # Alpha offers its two newest articles, Beta its two; the older article sharing both is neither.
    assert slugs(related_articles(as_viewed(drama))) == slugs([*newer, *beta_only])
    assert old_best.slug not in slugs(related_articles(as_viewed(drama)))


def test_candidates_are_ranked_by_every_tag_they_share(db, monkeypatch):
    monkeypatch.setattr("fanwiki.sidebar.CANDIDATES_PER_TAG", 2)
    drama = make_drama("Counting Drama", tags=["Alpha", "Beta"])
    make_article("Old Beta", tags=["Beta"], published=days_ago(9))
    both = make_article("Both, older", tags=["Alpha", "Beta"], published=days_ago(8))
    newest_beta = [make_article(f"Beta {n}", tags=["Beta"], published=days_ago(n + 1)) for n in range(2)]

    # "Both" is a candidate only through Alpha, yet counts its Beta too and ranks first.
    assert slugs(related_articles(as_viewed(drama))) == slugs([both, *newest_beta])
