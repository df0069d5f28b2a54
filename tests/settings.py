"""The test suite's settings: fanwiki.settings as `make run` has them (DJANGO_DEBUG=1).

pytest-django still runs every test with DEBUG off; the flag only picks the development key and the
plain static storage. Tests of the production settings start subprocesses with their own environment.
"""

import os

os.environ["DJANGO_DEBUG"] = "1"

from fanwiki.settings import *  # noqa: E402, F403

# Pictures' files live in memory: no test writes to MEDIA_ROOT.
STORAGES = {**STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}  # noqa: F405
