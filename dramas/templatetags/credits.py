"""Credits on pages of other apps: a person's page shows theirs without its view knowing about credits."""

from django import template

from dramas.coworkers import NEWEST_DRAMA_FIRST, coworkers_of
from dramas.credits import split_credits
from dramas.models import Credit

register = template.Library()


@register.simple_tag
def person_credits(person):
    """The person's credits split into acting, crew and soundtrack, newest drama first; one query."""
    credits = (
        Credit.objects.filter(person=person)
        .select_related("drama")
        .order_by(NEWEST_DRAMA_FIRST, "drama__title", "drama_id", "billing_order", "pk")
    )
    return split_credits(credits)


@register.simple_tag
def worked_with(person):
    """The people who share a drama with the person, most dramas shared first; one query."""
    return coworkers_of(person)
