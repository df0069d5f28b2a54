"""Autocomplete fields that survive a posted id which is not an id.

Django's AutocompleteSelect looks up the submitted value to label the chosen
option when a form is shown again; a value such as "abc" for an integer key
makes that lookup raise (and on SQLite so does a number past 64 bits), so the
editor got a 500 instead of "Select a valid choice". Here such values are left
out of the lookup; the form field still reports them as invalid.
"""

from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db import connections


class LenientAutocompleteSelect(AutocompleteSelect):
    def optgroups(self, name, value, attr=None):
        key_field = self.field.target_field
        low, high = connections[self.db or "default"].ops.integer_field_range(key_field.get_internal_type())
        usable = []
        for item in value:
            try:
                number = key_field.to_python(item)
            except ValidationError:
                continue
            if isinstance(number, int) and (
                low is not None and number < low or high is not None and number > high
            ):
                continue
            usable.append(item)
        return super().optgroups(name, usable, attr)


class LenientAutocompleteMixin:
    """For ModelAdmins and inlines: their autocomplete_fields use LenientAutocompleteSelect."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = LenientAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
