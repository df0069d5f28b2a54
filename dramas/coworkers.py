"""Worked with: the people who share a drama with a person, from credits in one query.

A self-join on Credit: each of the person's credits meets every other credit of the same
drama. Rows are grouped here into partners, most dramas shared first, each with the dramas
(newest first) and both sides' roles in them.
"""

from dataclasses import dataclass, field

from django.db.models import F

from dramas.models import Credit

# Undated dramas (not aired yet, or the date unknown) last, on every database.
NEWEST_DRAMA_FIRST = F("drama__first_aired").desc(nulls_last=True)


def role(kind, character):
    """ "Lead as Hong Hae-in", "Writer"."""
    label = Credit.Kind(kind).label if kind in Credit.Kind.values else kind
    return f"{label} as {character}" if character else label


@dataclass
class SharedDrama:
    drama: object
    their_roles: list = field(default_factory=list)
    own_roles: list = field(default_factory=list)


@dataclass
class Partner:
    person: object
    dramas: list = field(default_factory=list)

    @property
    def shared(self):
        return len(self.dramas)


def _add(roles, value):
    if value not in roles:
        roles.append(value)


def coworkers_of(person):
    """[Partner] for everyone credited on a drama the person is credited on, most dramas shared first."""
    rows = (
        Credit.objects.filter(drama__credits__person=person)
        .exclude(person=person)
        # The person's own credit in the same drama: the join the filter made, read again.
        .annotate(
            own_kind=F("drama__credits__kind"),
            own_character=F("drama__credits__character"),
            own_order=F("drama__credits__billing_order"),
            own_pk=F("drama__credits__pk"),
        )
        .select_related("drama", "person")
        .only(
            "kind",
            "character",
            "billing_order",
            "drama__title",
            "drama__slug",
            "drama__first_aired",
            "person__name",
            "person__slug",
        )  # fmt: skip
        .order_by(
            NEWEST_DRAMA_FIRST, "drama__title", "drama_id", "billing_order", "pk", "own_order", "own_pk"
        )
    )
    partners = {}
    for credit in rows:
        partner = partners.setdefault(credit.person_id, Partner(credit.person))
        if not partner.dramas or partner.dramas[-1].drama.pk != credit.drama_id:
            partner.dramas.append(SharedDrama(credit.drama))
        shared = partner.dramas[-1]
        _add(shared.their_roles, role(credit.kind, credit.character))
        _add(shared.own_roles, role(credit.own_kind, credit.own_character))
    return sorted(
        partners.values(), key=lambda partner: (-partner.shared, partner.person.name, partner.person.pk)
    )
