"""For fans: who a person worked with (from credits, in one query) and a filmography sorted by year."""

import re
from datetime import date
from html import unescape

import pytest

from dramas.coworkers import coworkers_of
from dramas.models import Credit
from people.models import Person
from tests.factories import make_credit, make_drama, make_person


def worked_with(client, slug):
    """[(partner, "N dramas", [drama line, ...])] as the person page shows them."""
    html = unescape(client.get(f"/people/{slug}/").content.decode())
    partners = re.findall(r'<li class="worked-with__partner">(.*?)</ul>\s*</li>', html, re.S)
    found = []
    for partner in partners:
        name = re.search(r'<a href="[^"]+">([^<]+)</a>', partner).group(1)
        count = re.search(r'<span class="muted">([^<]+)</span>', partner).group(1)
        dramas = [
            re.sub(r"<[^>]+>", "", line).strip()
            for line in re.findall(r'<li class="worked-with__drama">(.*?)</li>', partner, re.S)
        ]
        found.append((name, count, dramas))
    return found


def test_kim_soo_hyun_worked_with_kim_ji_won_and_jun_ji_hyun(client, seed):
    partners = {name: dramas for name, _, dramas in worked_with(client, "kim-soo-hyun")}
    assert partners["Kim Ji-won"] == [
        "Queen of Tears (2024): Kim Ji-won, Lead as Hong Hae-in; "
        "Kim Soo-hyun, Lead as Baek Hyun-woo, OST vocalist"
    ]
    assert partners["Jun Ji-hyun"] == [
        "My Love from the Star (2013): Jun Ji-hyun, Cast as Cheon Song-yi; "
        "Kim Soo-hyun, Lead as Do Min-joon, OST vocalist"
    ]
    assert "Kim Soo-hyun" not in partners


def test_the_most_frequent_partner_comes_first(client, seed):
    first, *others = worked_with(client, "kim-soo-hyun")
    # The writer Park Ji-eun wrote both his dramas.
    assert first == (
        "Park Ji-eun",
        "2 dramas",
        [
            "Queen of Tears (2024): Park Ji-eun, Writer; Kim Soo-hyun, Lead as Baek Hyun-woo, OST vocalist",
            "My Love from the Star (2013): Park Ji-eun, Writer; "
            "Kim Soo-hyun, Lead as Do Min-joon, OST vocalist",
        ],
    )
    assert all(count == "1 drama" for _, count, _ in others)
    names = [name for name, _, _ in others]
    assert names == sorted(names)  # then by name


@pytest.mark.django_db
def test_partners_are_ordered_by_dramas_shared_then_name(client):
    star = make_person("Star", slug="star")
    friends = {name: make_person(name) for name in ("Ahn", "Baek", "Cho")}
    for year, names in ((2020, ["Cho", "Baek"]), (2021, ["Cho", "Ahn"]), (2022, ["Cho"])):
        drama = make_drama(f"Drama {year}", first_aired=date(year, 1, 1))
        make_credit(drama, star, character="Hero")
        for name in names:
            make_credit(drama, friends[name], kind=Credit.Kind.SUPPORTING)
    found = worked_with(client, "star")
    assert [(name, count) for name, count, _ in found] == [
        ("Cho", "3 dramas"),
        ("Ahn", "1 drama"),
        ("Baek", "1 drama"),
    ]
    assert [line.split(":")[0] for line in found[0][2]] == [
        "Drama 2022 (2022)",
        "Drama 2021 (2021)",
        "Drama 2020 (2020)",
    ]


@pytest.mark.django_db
def test_a_person_with_no_shared_drama_has_no_worked_with_section(client):
    loner = make_person("Loner", slug="loner")
    make_credit(make_drama("Solo"), loner)
    assert "Worked with" not in client.get("/people/loner/").content.decode()


@pytest.mark.django_db
def test_worked_with_is_one_query_however_many_partners(django_assert_num_queries):
    star = make_person("Star")
    for number in range(30):
        drama = make_drama(f"Drama {number}")
        make_credit(drama, star, character="Hero")
        make_credit(drama, star, kind=Credit.Kind.OST_VOCALIST)
        for other in range(3):
            make_credit(drama, make_person(f"Co-star {number}-{other}"), kind=Credit.Kind.SUPPORTING)
    star = Person.objects.get(pk=star.pk)
    with django_assert_num_queries(1):
        partners = coworkers_of(star)
        lines = [(partner.person.get_absolute_url(), shared.drama.get_absolute_url(), shared.drama.year)
                 for partner in partners for shared in partner.dramas]  # fmt: skip
    assert len(partners) == 90
    assert len(lines) == 90
    assert partners[0].dramas[0].own_roles == ["Lead as Hero", "OST vocalist"]


# Filmography ----------------------------------------------------------------------------------------


def section_items(html, heading):
    """The texts of the list items or table rows in the section under this <h2>."""
    match = re.search(rf"<h2[^>]*>{heading}</h2>(.*?)</section>", html, re.S)
    assert match, heading
    rows = re.findall(r"<(?:li|tr)>(.*?)</(?:li|tr)>", match.group(1), re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in rows if "<th" not in row]


@pytest.mark.django_db
def test_filmography_is_sorted_by_year_and_separates_acting_crew_and_soundtrack(client):
    person = make_person("Park Ji-eun", slug="park-ji-eun")
    dramas = {
        year: make_drama(f"Drama {year or 'to come'}", first_aired=date(year, 5, 1) if year else None)
        for year in (2013, 2024, 2019, None)
    }
    make_credit(dramas[2013], person, kind=Credit.Kind.WRITER)
    make_credit(dramas[2019], person, kind=Credit.Kind.CAMEO, character="Herself")
    make_credit(dramas[2024], person, kind=Credit.Kind.DIRECTOR)
    make_credit(dramas[2024], person, kind=Credit.Kind.WRITER)
    make_credit(dramas[None], person, kind=Credit.Kind.WRITER)
    make_credit(dramas[2013], person, kind=Credit.Kind.LEAD, character="Narrator")
    make_credit(dramas[2019], person, kind=Credit.Kind.OST_VOCALIST)
    make_credit(dramas[2024], person, kind=Credit.Kind.OST_VOCALIST)
    html = unescape(client.get("/people/park-ji-eun/").content.decode())

    assert section_items(html, "Filmography") == [
        "2019 Drama 2019 Herself Cameo",
        "2013 Drama 2013 Narrator Lead",
    ]
    # Newest first whatever the kind of crew work; a drama with no date yet comes last, on any database.
    assert section_items(html, "Behind the camera") == [
        "Director, Drama 2024 (2024)",
        "Writer, Drama 2024 (2024)",
        "Writer, Drama 2013 (2013)",
        "Writer, Drama to come",
    ]
    assert section_items(html, r"Soundtrack \(OST\) credits") == ["Drama 2024 (2024)", "Drama 2019 (2019)"]
