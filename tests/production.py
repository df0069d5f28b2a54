"""Running the site as production does, in subprocesses: a clean environment, manage.py, gunicorn.

The suite's own settings turn debug on (tests/settings.py); these helpers start processes that read
fanwiki.settings from an environment built here and nothing else.
"""

import os
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.management.utils import get_random_secret_key

ROOT = Path(__file__).resolve().parent.parent
PORTS = range(8310, 8320)  # the port range these tests may listen on
REDIS_TEST_URL = "redis://127.0.0.1:6379/3"
COMMAND_TIMEOUT = 120


def clean_environment(**variables):
    """Only what a server's environment would hold: no DJANGO_DEBUG, nothing from the test run."""
    kept = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")
    env = {name: os.environ[name] for name in kept if name in os.environ}
    env.update(DJANGO_SETTINGS_MODULE="fanwiki.settings", PYTHONDONTWRITEBYTECODE="1")
    env.update({name: str(value) for name, value in variables.items() if value is not None})
    return env


def loopback_environment(database_url, static_root, **variables):
    """Production settings for a run on 127.0.0.1 without TLS: no HTTPS redirect, no Secure cookies."""
    return clean_environment(
        DJANGO_SECRET_KEY=get_random_secret_key(),
        DATABASE_URL=database_url,
        DJANGO_STATIC_ROOT=static_root,
        DJANGO_SECURE_SSL_REDIRECT="0",
        **variables,
    )


def manage(*args, env, check=True):
    """Run manage.py with exactly this environment; the finished process, output as text."""
    result = subprocess.run(  # noqa: S603 (this interpreter, our manage.py, the test's own arguments)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )
    if check:
        assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result


def free_port():
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise AssertionError(f"no free port in {PORTS}")


def suite_uses_postgresql():
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def postgresql_url(database_name):
    """The suite's PostgreSQL server (DATABASE_URL), naming another database."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{database_name}"))
