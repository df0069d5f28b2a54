"""Django's loaddata, remembering which fixture is loading so its revisions can name it."""

from django.core.management.commands import loaddata

from fanwiki.fixtures import loading_fixture


class Command(loaddata.Command):
    def load_label(self, fixture_label):
        with loading_fixture(fixture_label):
            super().load_label(fixture_label)
