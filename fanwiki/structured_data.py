"""schema.org JSON-LD for the detail pages: one function per kind of page, each returning a dict.

    TVSeries    a drama: its cast as `actor` and `character`, writer and directors, the network as a
                BroadcastService it was published on, first air date, number of episodes
    Person      a person: the Hangul name and other spellings as `alternateName`
    NewsArticle an article: the outlet that first reported it as the publisher of what it `isBasedOn`

Each function takes the page and `absolute`, which makes a path an absolute URL. The page must come
with what its view already loads (a drama's credits with their people, a person's alternative
names, tags), so no function runs a query of its own. To add to a kind (an image, say), add a key
in its function.
"""

from dramas.credits import split_credits
from dramas.models import Credit

SCHEMA_CONTEXT = "https://schema.org"
SITE_NAME = "FanWiki"


def _person(person, absolute):
    return {"@type": "Person", "name": person.name, "url": absolute(person.get_absolute_url())}


def _keywords(page):
    return ", ".join(tag.name for tag in page.tags.all())


def _without_empty(data):
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


def drama_data(drama, absolute, description=""):
    credits = split_credits(drama.credits.all())
    crew = {kind: [] for kind in Credit.CREW_KINDS}
    for credit in credits.crew_credits:
        crew[credit.kind].append(_person(credit.person, absolute))
    broadcast = None
    if drama.network:
        broadcast = _without_empty(
            {
                "@type": "BroadcastEvent",
                "publishedOn": {"@type": "BroadcastService", "name": drama.network.name},
                "startDate": drama.first_aired,
                "endDate": drama.last_aired,
            }
        )
    return _without_empty(
        {
            "@context": SCHEMA_CONTEXT,
            "@type": "TVSeries",
            "name": drama.title,
            "alternateName": drama.hangul_title,
            "url": absolute(drama.get_absolute_url()),
            "description": description,
            "inLanguage": "ko",
            "datePublished": drama.first_aired,
            "startDate": drama.first_aired,
            "endDate": drama.last_aired,
            "numberOfEpisodes": drama.episodes,
            "actor": [_person(credit.person, absolute) for credit in credits.cast],
            "character": [
                _without_empty(
                    {"@type": "Person", "name": credit.character, "alternateName": credit.character_hangul}
                )
                for credit in credits.cast
                if credit.character
            ],
            "author": crew[Credit.Kind.WRITER],
            "director": crew[Credit.Kind.DIRECTOR],
            "publication": broadcast,
            "keywords": _keywords(drama),
        }
    )


def person_data(person, absolute, description=""):
    alternate = [person.hangul_name, *(alt.name for alt in person.alternative_names.all())]
    return _without_empty(
        {
            "@context": SCHEMA_CONTEXT,
            "@type": "Person",
            "name": person.name,
            "alternateName": [name for name in alternate if name],
            "url": absolute(person.get_absolute_url()),
            "description": description,
        }
    )


def article_data(article, absolute, description=""):
    url = absolute(article.get_absolute_url())
    site = {"@type": "Organization", "name": SITE_NAME, "url": absolute("/")}
    source = None
    if article.source_outlet or article.source_url:
        source = _without_empty(
            {
                "@type": "NewsArticle",
                "url": article.source_url,
                "publisher": _without_empty(
                    {"@type": "NewsMediaOrganization", "name": article.source_outlet}
                ),
            }
        )
    return _without_empty(
        {
            "@context": SCHEMA_CONTEXT,
            "@type": "NewsArticle",
            "headline": article.title[:110],
            "name": article.title,
            "description": description,
            "url": url,
            "mainEntityOfPage": url,
            "datePublished": article.published,
            "dateModified": article.updated,
            "inLanguage": "en",
            "author": site,
            "publisher": site,
            "isBasedOn": source,
            "keywords": _keywords(article),
        }
    )


STRUCTURED_DATA = {"drama": drama_data, "person": person_data, "article": article_data}
