"""How a list of credits splits into cast, crew and soundtrack: the one place it is decided."""

from dataclasses import dataclass, field

from dramas.models import Credit


@dataclass
class CreditGroups:
    cast: list = field(default_factory=list)
    # [(label, [credits])] in billing order, pluralised when several share a kind ("Directors").
    crew: list = field(default_factory=list)
    soundtrack: list = field(default_factory=list)
    # Every crew credit, in the order given (a person's filmography: by year).
    crew_credits: list = field(default_factory=list)


def split_credits(credits):
    groups = CreditGroups()
    crew_by_kind = {}
    for credit in credits:
        if credit.kind in Credit.CAST_KINDS:
            groups.cast.append(credit)
        elif credit.kind in Credit.CREW_KINDS:
            crew_by_kind.setdefault(credit.kind, []).append(credit)
            groups.crew_credits.append(credit)
        elif credit.kind == Credit.Kind.OST_VOCALIST:
            groups.soundtrack.append(credit)
    groups.crew = [
        (Credit.Kind(kind).label + ("s" if len(group) > 1 else ""), group)
        for kind, group in crew_by_kind.items()
    ]
    return groups
