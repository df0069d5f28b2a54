"""Make a large wiki of demo content in bulk: people, dramas and credits, tags, articles, revisions.

Rows are written with bulk_create, which sends no signals, so nothing is rendered or indexed one
page at a time: the text and its HTML come from fanwiki.demo.prose, and the title index, the link
table and subject tags come from the rebuild steps in fanwiki.rebuild, in bulk. Every slug starts
with the prefix, and the generator refuses a prefix already in use, so it never meets the seed's
rows; it does reuse tags and networks that already exist by name, and a small share of articles
are about the pages already in the wiki (tagged with and linking to them), as real news would be.
"""

import bisect
import itertools
import random
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag

from dramas.models import Credit, Drama, Network, TaggedDrama
from fanwiki.bulk import insert_rows, new_ids, update_rows
from fanwiki.changes import announce
from fanwiki.demo import words
from fanwiki.demo.prose import (
    ARTICLE_LEADS,
    ARTICLE_UNITS,
    BIOGRAPHY_UNITS,
    ROLES,
    SYNOPSIS_UNITS,
    Filler,
    join,
    prepare_all,
    verify,
)
from fanwiki.hangul import HANGUL_RUN
from fanwiki.models import Article, PageTitle, TaggedArticle
from fanwiki.pages import KINDS_BY_MODEL, KINDS_BY_NAME
from fanwiki.rebuild import rebuild_links, rebuild_subject_tags, rebuild_titles
from fanwiki.search.documents import rebuild_documents
from fanwiki.tagging import subject_tag_name
from fanwiki.titles import normalise_title, resolve_titles
from people.models import AlternativeName, Person, TaggedPerson

BATCH_SIZE = 2000
PLAIN_NAME = re.compile(r"[A-Za-z0-9]+(?:[ -][A-Za-z0-9]+)*")
# Articles about the pages already in the wiki (the seed), as a share of all articles.
EXISTING_PAGE_SHARE = 0.01
DRAFT_SHARE = 0.03
STUB_SHARE = 0.05
EDITORS = 5
# The newest article is about now; the oldest this many days before.
ARTICLE_SPAN_DAYS = 8 * 365


class PrefixInUse(Exception):
    pass


@dataclass
class Plan:
    dramas: int
    people: int
    articles: int
    prefix: str = "demo"
    seed: int = 1


@dataclass
class Report:
    counts: dict = field(default_factory=dict)

    def add(self, label, count):
        self.counts[label] = self.counts.get(label, 0) + count


def zipf_picker(rng, items, exponent=1.0):
    """A function picking from items, the first most often: weight 1/rank**exponent (a long tail)."""
    cumulative = list(itertools.accumulate(1 / (rank**exponent) for rank in range(1, len(items) + 1)))
    total = cumulative[-1] if cumulative else 0

    def pick():
        return items[bisect.bisect_left(cumulative, rng.random() * total)]

    return pick


def plain(text):
    """Whether a name reads the same in Markdown as in plain text (see fanwiki.demo.prose)."""
    return bool(PLAIN_NAME.fullmatch(text)) and "--" not in text


def hangul(text, fallback):
    """Hangul only, as a Hangul slot takes it; the fallback for anything else."""
    return text if HANGUL_RUN.fullmatch(text or "") else fallback


def _bulk(model, rows, progress=None):
    created = []
    for start in range(0, len(rows), BATCH_SIZE):
        batch = rows[start : start + BATCH_SIZE]
        created += model.objects.bulk_create(batch)
        if progress is not None:
            progress.advance(len(batch))
    return created


class Generator:
    def __init__(self, plan, progress, now=None):
        """`progress(label, total)` returns an object with advance(n) and done()."""
        self.plan = plan
        self.progress = progress
        self.rng = random.Random(plan.seed)
        self.now = now or timezone.now()
        self.report = Report()
        self.used_tag_ids = set()
        # Title keys of pages already in the wiki that new pages link to: their backlinks change.
        self.relinked = set()

    # The whole run

    def run(self):
        self.check_prefix()
        self.taken_keys = set(PageTitle.objects.values_list("key", flat=True))
        self.make_editors()
        self.make_people()
        self.make_dramas()
        self.make_credits()
        self.index(("drama", "person"))
        self.filler = Filler(self.load_title_index())
        self.write_drama_and_person_texts()
        self.make_tags()
        self.make_articles()
        self.index(("article",))
        self.link_and_tag()
        self.announce()
        return self.report

    def check_prefix(self):
        start = f"{self.plan.prefix}-"
        used = [
            str(model._meta.verbose_name_plural)
            for model in (Drama, Person, Article)
            if model.objects.filter(slug__startswith=start).exists()
        ]
        if get_user_model().objects.filter(username__startswith=start).exists():
            used.append("editors")
        if used:
            raise PrefixInUse(
                f"The wiki already has {', '.join(used)} whose slugs start with {start!r}: "
                "choose another --prefix, or generate into a fresh database."
            )

    # People, dramas, credits

    def make_editors(self):
        users = []
        for number in range(1, EDITORS + 1):
            person = self.new_person_name()
            user = get_user_model()(
                username=f"{self.plan.prefix}-editor-{number}",
                first_name=person["given"],
                last_name=person["surname"],
            )
            user.set_unusable_password()
            users.append(user)
        self.editors = _bulk(get_user_model(), users)

    def new_person_name(self):
        surname = self.rng.choice(words.SURNAMES)
        first, second = self.rng.choice(words.SYLLABLES), self.rng.choice(words.SYLLABLES)
        given = f"{first[1].capitalize()}-{second[1]}"
        name = f"{surname[1]} {given}"
        spellings = {
            f"{surname[1]} {first[1].capitalize()} {second[1].capitalize()}",
            f"{surname[1]} {first[1].capitalize()}{second[1]}",
        }
        for other in surname[2:]:
            spellings.add(f"{other} {given}")
        for syllable, other in ((first, 1), (second, 2)):
            if len(syllable) > 2:
                variant = [first[1], second[1]]
                variant[other - 1] = syllable[2]
                spellings.add(f"{surname[1]} {variant[0].capitalize()}-{variant[1]}")
        spellings.discard(name)
        return {
            "name": name,
            "surname": surname[1],
            "given": given,
            "hangul": surname[0] + first[0] + second[0],
            "spellings": sorted(spellings),
        }

    def _free(self, *names):
        return all(normalise_title(name) not in self.taken_keys for name in names)

    def make_people(self):
        progress = self.progress("people", self.plan.people)
        slugs = defaultdict(int)
        people, self.alternatives = [], {}
        while len(people) < self.plan.people:
            generated = self.new_person_name()
            spellings = self.rng.sample(generated["spellings"], min(len(generated["spellings"]), 2))
            spellings = spellings[: self.rng.choice([0, 1, 1, 2])]
            if not self._free(generated["name"], generated["hangul"], *spellings):
                continue  # a name the wiki already has: the seed's pages keep theirs to themselves
            base = f"{self.plan.prefix}-{slugify(generated['name'])}"
            slugs[base] += 1
            slug = base if slugs[base] == 1 else f"{base}-{slugs[base]}"
            people.append(
                Person(
                    name=generated["name"],
                    slug=slug,
                    hangul_name=generated["hangul"],
                    version=self.revision_count(),
                )
            )
            self.alternatives[slug] = spellings
        self.people = _bulk(Person, people, progress)
        progress.done()
        rows = [
            AlternativeName(person=person, name=name)
            for person in self.people
            for name in self.alternatives[person.slug]
        ]
        _bulk(AlternativeName, rows)
        self.report.add("people", len(self.people))
        self.report.add("alternative names", len(rows))
        # Who does what: most act, some write, direct or sing; the first of each are the busiest.
        roles = self.rng.choices(
            ["actor", "writer", "director", "singer"], [70, 10, 10, 10], k=len(self.people)
        )
        self.by_role = {
            role: [p for p, r in zip(self.people, roles, strict=True) if r == role] for role in set(roles)
        }
        for role in ("actor", "writer", "director", "singer"):
            self.by_role.setdefault(role, self.people)
        occupations = {
            "actor": "an actor",
            "writer": "a writer",
            "director": "a director",
            "singer": "a singer",
        }
        self.occupation = {
            person.pk: occupations[role] for person, role in zip(self.people, roles, strict=True)
        }

    def new_drama_title(self, used):
        for attempt in itertools.count():
            adjective, noun, other = (
                self.rng.choice(words.ADJECTIVES),
                self.rng.choice(words.NOUNS),
                self.rng.choice(words.NOUNS),
            )
            shape = self.rng.randrange(4)
            if shape == 0:
                title, hangul = f"{noun[0]} of {other[0]}", f"{other[1]}의 {noun[1]}"
            elif shape == 1:
                title, hangul = f"{adjective[0]} {noun[0]}", f"{adjective[1]} {noun[1]}"
            elif shape == 2:
                title, hangul = f"My {adjective[0]} {noun[0]}", f"나의 {adjective[1]} {noun[1]}"
            else:
                title, hangul = f"The {noun[0]} and the {other[0]}", f"{noun[1]}와 {other[1]}"
            if attempt > 20:
                # A crowded vocabulary: sequels.
                suffix = self.rng.choice([("Returns", "귀환"), ("Again", "다시"), ("Forever", "영원히")])
                title, hangul = f"{title} {suffix[0]}", f"{hangul} {suffix[1]}"
            if noun == other or title.casefold() in used or not self._free(title, hangul):
                continue
            used.add(title.casefold())
            return title, hangul

    def make_dramas(self):
        progress = self.progress("dramas", self.plan.dramas)
        networks = self.networks()
        pick_network = zipf_picker(self.rng, networks, 0.8)
        used, dramas = set(), []
        for _ in range(self.plan.dramas):
            title, hangul = self.new_drama_title(used)
            first = date(2005, 1, 1) + timedelta(days=self.rng.randrange(21 * 365))
            episodes = self.rng.choice(words.EPISODES)
            dramas.append(
                Drama(
                    title=title,
                    slug=f"{self.plan.prefix}-{slugify(title)}",
                    hangul_title=hangul,
                    network=pick_network(),
                    first_aired=first,
                    last_aired=first + timedelta(weeks=max(1, episodes // 2)),
                    episodes=episodes,
                    broadcast_days=self.rng.choice(words.BROADCAST_DAYS),
                    streaming=self.rng.choice(words.STREAMING),
                    version=self.revision_count(),
                )
            )
        self.dramas = _bulk(Drama, dramas, progress)
        progress.done()
        self.report.add("dramas", len(self.dramas))

    def networks(self):
        existing = {network.slug: network for network in Network.objects.all()}
        by_name = {network.name.casefold(): network for network in existing.values()}
        missing = [
            Network(name=name, slug=slug)
            for name, slug in words.NETWORKS
            if slug not in existing and name.casefold() not in by_name
        ]
        _bulk(Network, missing)
        self.report.add("networks", len(missing))
        wanted = {slug for _, slug in words.NETWORKS} | {name.casefold() for name, _ in words.NETWORKS}
        return [
            network
            for network in Network.objects.order_by("pk")
            if network.slug in wanted or network.name.casefold() in wanted
        ]

    def character(self):
        generated = self.new_person_name()
        return generated["name"], generated["hangul"]

    def make_credits(self):
        progress = self.progress("credits", len(self.dramas))
        pick = {
            role: zipf_picker(self.rng, self.by_role[role], 0.7)
            for role in ("actor", "writer", "director", "singer")
        }
        credits = []
        self.cast = {}
        self.filmography = defaultdict(list)
        kinds = Credit.Kind
        for drama in self.dramas:
            seen = set()
            plan = (
                [(kinds.LEAD, "actor")] * 2
                + [(kinds.SUPPORTING, "actor")] * self.rng.randint(3, 8)
                + [(kinds.CAMEO, "actor")] * self.rng.randint(0, 2)
                + [(kinds.WRITER, "writer")]
                + [(kinds.DIRECTOR, "director")] * self.rng.randint(1, 2)
                + [(kinds.OST_VOCALIST, "singer")] * self.rng.randint(1, 4)
            )
            cast = []
            for order, (kind, role) in enumerate(plan, start=1):
                person = pick[role]()
                if (person.pk, kind) in seen or (kind in Credit.CAST_KINDS and person in cast):
                    continue
                seen.add((person.pk, kind))
                character, character_hangul = ("", "")
                if kind in Credit.CAST_KINDS:
                    character, character_hangul = self.character()
                    cast.append(person)
                note = ""
                if kind == kinds.OST_VOCALIST:
                    note = f"Sings {self.rng.choice(words.ADJECTIVES)[0]} {self.rng.choice(words.NOUNS)[0]}"
                credits.append(
                    Credit(
                        drama=drama,
                        person=person,
                        kind=kind,
                        character=character,
                        character_hangul=character_hangul,
                        note=note,
                        billing_order=order,
                    )
                )
                self.filmography[person.pk].append(drama)
            self.cast[drama.pk] = cast
            progress.advance()
        self.credits = _bulk(Credit, credits)
        progress.done()
        self.report.add("credits", len(self.credits))

    # The title index and the texts that link through it

    def index(self, kind_names):
        for name in kind_names:
            kind = KINDS_BY_NAME[name]
            progress = self.progress(f"title index: {kind.segment}", kind.model._default_manager.count())
            rebuild_titles(kind, progress)
            progress.done()

    def load_title_index(self):
        """{key: (title, url)}: where a link to each name in the title index leads, by resolve_titles()."""
        keys = sorted(set(PageTitle.objects.values_list("key", flat=True).iterator(chunk_size=BATCH_SIZE)))
        index = {}
        for start in range(0, len(keys), BATCH_SIZE):
            index.update(resolve_titles(keys[start : start + BATCH_SIZE]))
        return index

    def common_values(self):
        rng = self.rng
        return {
            "city": rng.choice(words.CITIES),
            "network": rng.choice(words.NETWORKS)[0],
            "number": str(rng.randint(2, 19)),
            "number2": str(rng.randint(2, 29)),
            "role": rng.choice(ROLES),
            "missing": self.missing_title(),
        }

    def missing_title(self):
        """A link target no page answers to: a red link."""
        while True:
            adjective, noun = self.rng.choice(words.ADJECTIVES)[0], self.rng.choice(words.NOUNS)[0]
            title = f"The {adjective} {noun} Chronicles"
            if self._free(title):
                return title

    def write_drama_and_person_texts(self):
        synopsis_units = prepare_all(SYNOPSIS_UNITS)
        biography_units = prepare_all(BIOGRAPHY_UNITS)
        progress = self.progress("texts: dramas and people", len(self.dramas) + len(self.people))
        others = self.dramas
        parts, person_parts = {}, {}
        for drama in self.dramas:
            cast = self.cast[drama.pk] or self.people[:2]
            values = {
                **self.common_values(),
                "drama": drama.title,
                "dramako": drama.hangul_title,
                "person": cast[0].name,
                "person2": cast[-1].name,
                "number": str(drama.episodes),
            }
            units = [synopsis_units[0], *self.rng.sample(synopsis_units[1:], self.rng.randint(1, 3))]
            parts[drama.pk] = [self.filler.fill(unit, values) for unit in units]
            drama.synopsis, drama.synopsis_html = join(parts[drama.pk])
            progress.advance()
        for person in self.people:
            if self.rng.random() < 0.3:
                progress.advance()
                continue  # a stub: no biography yet
            dramas = self.filmography.get(person.pk) or [self.rng.choice(others)]
            values = {
                **self.common_values(),
                "name": person.name,
                "nameko": person.hangul_name,
                "occupation": self.occupation[person.pk],
                "drama": dramas[0].title,
                "drama2": dramas[-1].title if len(dramas) > 1 else self.rng.choice(others).title,
                "altname": (self.alternatives[person.slug] or [person.name])[0],
            }
            units = [biography_units[0], *self.rng.sample(biography_units[1:3], self.rng.randint(0, 2))]
            if self.alternatives[person.slug]:
                units.append(biography_units[3])
            person_parts[person.pk] = [self.filler.fill(unit, values) for unit in units]
            person.biography, person.biography_html = join(person_parts[person.pk])
            progress.advance()
        update_rows(
            Drama, ["synopsis", "synopsis_html"], [(d.synopsis, d.synopsis_html, d.pk) for d in self.dramas]
        )
        update_rows(
            Person,
            ["biography", "biography_html"],
            [(p.biography, p.biography_html, p.pk) for p in self.people],
        )
        progress.done()
        aired = {drama.pk: drama.first_aired for drama in self.dramas}
        self.insert_history(Drama, [self.record(drama, drama.first_aired) for drama in self.dramas], parts)
        self.insert_history(Person, [self.record(person, None) for person in self.people], person_parts)
        self.insert_history(Credit, [self.record(credit, aired[credit.drama_id]) for credit in self.credits])

    # Tags

    def make_tags(self):
        """Subject tags for the new dramas and people, topics, and a long tail of rare topics."""
        self.topics = list(
            dict.fromkeys([*words.TOPICS, *self.tail_topics(max(40, self.plan.articles // 20))])
        )
        subjects = [subject_tag_name(page.title) for page in self.dramas]
        subjects += [subject_tag_name(page.name) for page in self.people]
        self.tag_ids = self.tags_named([*subjects, *self.topics])
        rows = [
            TaggedDrama(content_object=d, tag_id=self.tag_ids[subject_tag_name(d.title).casefold()])
            for d in self.dramas
        ]
        _bulk(TaggedDrama, rows)
        rows = [
            TaggedPerson(content_object=p, tag_id=self.tag_ids[subject_tag_name(p.name).casefold()])
            for p in self.people
        ]
        _bulk(TaggedPerson, rows)

    def tail_topics(self, size):
        """Rare topics, in random order: the tail that a few articles each carry."""
        fixed = {shape.format(city) for shape in words.CITY_TOPICS for city in words.CITIES}
        fixed |= {shape.format(number) for shape in words.EPISODE_TOPICS for number in range(1, 25)}
        fixed |= {shape.format(noun) for shape in words.NOUN_TOPICS for noun, _ in words.NOUNS}
        fixed |= {
            words.THEORY_TOPIC.format(adjective, noun)
            for adjective, _ in words.ADJECTIVES
            for noun, _ in words.NOUNS
        }
        tail = self.rng.sample(sorted(fixed), min(size, len(fixed)))
        subjects = [drama.title for drama in self.dramas] + [person.name for person in self.people]
        per_page = [f"{subject} {topic}" for subject in subjects for topic in words.PAGE_TOPICS]
        tail += self.rng.sample(per_page, min(size - len(tail), len(per_page)))
        return tail

    def tags_named(self, names):
        """{casefolded name: tag id}, creating the tags that do not exist yet (slugs as taggit makes them)."""
        existing = {}
        for pk, name in Tag.objects.values_list("pk", "name").iterator(chunk_size=BATCH_SIZE):
            existing[name.casefold()] = pk
        slugs = set(Tag.objects.values_list("slug", flat=True).iterator(chunk_size=BATCH_SIZE))
        new = {}
        for name in names:
            folded = name.casefold()
            if folded in existing or folded in new:
                continue
            slug = base = slugify(name, allow_unicode=True)
            for number in itertools.count(1):
                if slug not in slugs:
                    break
                slug = f"{base}_{number}"
            slugs.add(slug)
            new[folded] = Tag(name=name, slug=slug)
        for tag in _bulk(Tag, list(new.values())):
            existing[tag.name.casefold()] = tag.pk
        self.report.add("tags", len(new))
        return existing

    # Articles

    def existing_subjects(self):
        """(drama, [people]) for the dramas already in the wiki, with the people credited on them."""
        start = f"{self.plan.prefix}-"
        dramas = list(Drama.objects.exclude(slug__startswith=start).only("title", "slug"))
        people = defaultdict(list)
        for credit in (
            Credit.objects.filter(drama__in=dramas).select_related("person").only("drama_id", "person__name")
        ):
            people[credit.drama_id].append(credit.person)
        return [
            (drama, [person for person in people[drama.pk] if plain(person.name)])
            for drama in dramas
            if plain(drama.title) and any(plain(person.name) for person in people[drama.pk])
        ]

    def make_articles(self):
        """Articles in batches: each batch is written with its tags and its revisions, then let go."""
        count = self.plan.articles
        progress = self.progress("articles", count)
        leads, units = prepare_all(ARTICLE_LEADS), prepare_all(ARTICLE_UNITS)
        by_popularity = self.rng.sample(self.dramas, len(self.dramas))
        pick_drama = zipf_picker(self.rng, by_popularity, 0.9)
        pick_topic = zipf_picker(self.rng, self.topics, 1.1)
        existing = self.existing_subjects()
        oldest = self.now - timedelta(days=ARTICLE_SPAN_DAYS)
        step = timedelta(days=ARTICLE_SPAN_DAYS) / max(1, count)
        batch = []
        for number in range(count):
            if existing and self.rng.random() < EXISTING_PAGE_SHARE:
                drama, cast = self.rng.choice(existing)
                self.relinked.add(normalise_title(drama.title))
                self.relinked.update(normalise_title(person.name) for person in cast)
            else:
                drama = pick_drama()
                cast = self.cast[drama.pk] or self.people[:2]
            person = cast[0] if self.rng.random() < 0.6 else self.rng.choice(cast)
            person2 = self.rng.choice(cast)
            values = {
                **self.common_values(),
                "drama": drama.title,
                "dramako": hangul(drama.hangul_title, self.rng.choice(self.dramas).hangul_title),
                "drama2": self.rng.choice(self.dramas).title,
                "person": person.name,
                "personko": hangul(person.hangul_name, "배우"),
                "personalt": self.rng.choice(self.alternatives.get(person.slug) or [person.name]),
                "person2": person2.name,
                "person2ko": hangul(person2.hangul_name, "배우"),
            }
            draft = self.rng.random() < DRAFT_SHARE
            published = None if draft else oldest + step * number + timedelta(minutes=self.rng.randrange(600))
            chosen = []
            if self.rng.random() >= STUB_SHARE:
                chosen = [self.rng.choice(leads), *self.rng.sample(units, self.rng.randint(1, 4))]
            parts = [self.filler.fill(unit, values) for unit in chosen]
            body, body_html = join(parts)
            headline = self.rng.choice(words.HEADLINES).format_map(values)
            article = {
                "title": headline,
                "slug": f"{self.plan.prefix}-{slugify(headline)[:150]}-{number + 1}",
                "summary": self.rng.choice(words.SUMMARIES).format_map(values),
                "body": body,
                "body_html": body_html,
                "source_outlet": self.rng.choice(words.OUTLETS),
                "source_url": "",
                "status": Article.Status.DRAFT if draft else Article.Status.PUBLISHED,
                "published": published,
                "version": self.revision_count(),
            }
            topics = {pick_topic() for _ in range(self.rng.randint(1, 3))}
            tags = {subject_tag_name(drama.title), subject_tag_name(person.name), *topics}
            batch.append((article, parts, tags))
            if len(batch) == BATCH_SIZE:
                self.save_articles(batch, progress)
                batch = []
        self.save_articles(batch, progress)
        progress.done()

    def save_articles(self, batch, progress):
        """Rows straight into the tables: a hundred thousand model instances would cost more than the rest."""
        if not batch:
            return
        ids = new_ids(Article, len(batch))
        records, parts_by_id, taggings = [], {}, set()
        for article_id, (article, parts, tags) in zip(ids, batch, strict=True):
            article["id"] = article_id
            article["created"] = article["published"] or self.now - timedelta(days=self.rng.randrange(1, 30))
            article["revision_dates"] = self.revision_dates(article["created"], article["version"])
            article["updated"] = article["revision_dates"][-1]
            records.append(article)
            parts_by_id[article_id] = parts
            taggings.update((article_id, self.tag_id(name)) for name in tags)
        fields = [field.attname for field in Article._meta.concrete_fields]
        insert_rows(Article, fields, [tuple(record[name] for name in fields) for record in records])
        insert_rows(TaggedArticle, ["content_object_id", "tag_id"], sorted(taggings))
        self.used_tag_ids.update(tag_id for _, tag_id in taggings)
        self.insert_history(Article, records, parts_by_id)
        self.report.add("article tags", len(taggings))
        self.report.add("articles", len(records))
        progress.advance(len(records))

    def tag_id(self, name):
        folded = name.casefold()
        if folded not in self.tag_ids:
            self.tag_ids.update(self.tags_named([name]))
        return self.tag_ids[folded]

    # Revisions

    def revision_count(self):
        return self.rng.choices([1, 2, 3, 4], [40, 35, 20, 5])[0]

    def revision_dates(self, created, count):
        dates = [created]
        for _ in range(count - 1):
            dates.append(min(self.now, dates[-1] + timedelta(hours=self.rng.randint(1, 24 * 20))))
        return dates

    def record(self, page, aired):
        """A saved page or credit as a dict of its columns, with the dates of its revisions."""
        record = {field.attname: getattr(page, field.attname) for field in type(page)._meta.concrete_fields}
        aired = aired or date(2005, 1, 1)
        created = datetime(aired.year, aired.month, aired.day, tzinfo=UTC) - timedelta(days=30)
        created = min(created, self.now - timedelta(days=400))
        record["revision_dates"] = self.revision_dates(created, record.get("version", 1))
        return record

    def insert_history(self, model, records, text_parts=None):
        """Each page's revisions (one for a credit), written straight into the history table.

        A page has `version` revisions; the newest is the page as it is. With `text_parts`
        ({pk: [(Markdown, HTML)]}), each earlier one lacks one more unit of text, as if the page had
        grown edit by edit.
        """
        history = model.history.model
        tracked = [field.attname for field in history.tracked_fields]
        kind = KINDS_BY_MODEL.get(model)
        text_at = (tracked.index(kind.text_field), tracked.index(kind.html_field)) if kind else None
        version_at = tracked.index("version") if "version" in tracked else None
        editors = [None, *(editor.pk for editor in self.editors)]
        rows = []
        for record in records:
            current = [record[name] for name in tracked]
            parts = (text_parts or {}).get(record["id"])
            dates = record["revision_dates"]
            for number, when in enumerate(dates, start=1):
                row = list(current)
                if parts and number < len(dates):
                    row[text_at[0]], row[text_at[1]] = join(
                        parts[: max(1, len(parts) - (len(dates) - number))]
                    )
                if version_at is not None:
                    row[version_at] = number
                reason = "Demo data" if number == 1 else self.rng.choice(words.CHANGE_REASONS)
                rows.append((*row, when, reason, "+" if number == 1 else "~", self.rng.choice(editors)))
        names = [*tracked, "history_date", "history_change_reason", "history_type", "history_user_id"]
        self.report.add("revisions", insert_rows(history, names, rows))

    # Derived data and the announcement

    def link_and_tag(self):
        """The link table, subject tags and search index, by the steps of rebuild_wiki."""
        for name in ("drama", "person", "article"):
            kind = KINDS_BY_NAME[name]
            progress = self.progress(f"link table: {kind.segment}", kind.model._default_manager.count())
            rebuild_links(kind, progress)
            progress.done()
        for name in ("drama", "person"):
            kind = KINDS_BY_NAME[name]
            progress = self.progress(f"subject tags: {kind.segment}", kind.model._default_manager.count())
            rebuild_subject_tags(kind, progress)
            progress.done()
        # Last, from the finished pages, as rebuild_wiki does.
        for kind in KINDS_BY_NAME.values():
            progress = self.progress(f"search index: {kind.segment}", kind.model._default_manager.count())
            rebuild_documents(kind, progress)
            progress.done()

    def announce(self):
        """Lists, home, and the tag pages and sidebars of every tag used show new pages; pages already in
        the wiki that new articles link to gain backlinks. Sent when the transaction commits."""
        keys = {"home", "tags", "list:drama", "list:person", "list:article"}
        keys |= {f"tag:{tag_id}" for tag_id in self.used_tag_ids}
        keys |= {f"sidebar:{tag_id}" for tag_id in self.used_tag_ids}
        announce(keys=keys, relinked=self.relinked)

    def check_html(self, size):
        """Texts among a sample of each kind's new pages whose stored HTML the pipeline would not make."""
        wrong = []
        for kind in KINDS_BY_NAME.values():
            pages = kind.model._default_manager.filter(slug__startswith=f"{self.plan.prefix}-")
            ids = list(pages.values_list("pk", flat=True))
            sample = self.rng.sample(ids, min(size, len(ids)))
            pairs = pages.filter(pk__in=sample).values_list(kind.text_field, kind.html_field)
            wrong += [text for text, _ in verify(pairs)]
        return wrong
