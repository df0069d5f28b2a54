"""Credits on pages of other apps: a person's page shows theirs without its view knowing about credits."""

from django import template

from dramas.credits import split_credits
from dramas.models import Credit

register = template.Library()


@register.simple_tag
def person_credits(person):
    """The person's credits split into cast, crew and soundtrack, newest drama first; one query."""
    credits = (
        Credit.objects.filter(person=person)
        .select_related("drama")
        .order_by("-drama__first_aired", "billing_order", "pk")
    )
    return split_credits(credits)
