import getpass
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

EDITORS_GROUP = "Editors"


class Command(BaseCommand):
    help = (
        "Create a staff account in the Editors group, who can add and change dramas, "
        "people, credits and articles in the admin. Prompts for the password."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-from-env",
            metavar="VAR",
            help="Read the password from this environment variable instead of prompting.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check everything, create nothing.")

    def handle(self, *args, username, email, password_from_env, dry_run, **options):
        user_model = get_user_model()
        if user_model.objects.filter(username=username).exists():
            raise CommandError(f'A user named "{username}" already exists.')
        try:
            group = Group.objects.get(name=EDITORS_GROUP)
        except Group.DoesNotExist:
            raise CommandError(
                'The "Editors" group is missing: run "python manage.py migrate" first.'
            ) from None

        if password_from_env:
            password = os.environ.get(password_from_env, "")
            if not password:
                raise CommandError(f"The environment variable {password_from_env} is empty or unset.")
        else:
            password = self._prompt_password()

        candidate = user_model(username=username, email=email)
        try:
            validate_password(password, candidate)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None

        if dry_run:
            self.stdout.write(f'Dry run: would create editor "{username}". Nothing was written.')
            return
        with transaction.atomic():
            user = user_model.objects.create_user(username=username, email=email, password=password)
            user.is_staff = True
            user.save(update_fields=["is_staff"])
            user.groups.add(group)
        self.stdout.write(self.style.SUCCESS(f'Created editor "{username}"; they can log in at /admin/.'))

    def _prompt_password(self):
        for _ in range(3):
            password = getpass.getpass("Password: ")
            if password and password == getpass.getpass("Password (again): "):
                return password
            self.stderr.write("The passwords were empty or did not match; try again.")
        raise CommandError("No password given.")
