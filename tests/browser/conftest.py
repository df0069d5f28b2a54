"""Browser tests: Debian's Chromium, driven by Playwright, against pytest-django's live server.

Every test in this folder carries the `browser` marker. A missing tool (Chromium, the pinned npm
packages, Java) skips the tests that need it with the reason; with FANWIKI_REQUIRE_BROWSER=1 (CI)
the skip is a failure instead.
"""

import pytest
from django.core.management import call_command

from tests.browser.tools import Browsing, launch_chromium, need, tool_paths


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in item.nodeid:
            item.add_marker(pytest.mark.browser)


def pytest_terminal_summary(terminalreporter):
    # Read from the test reports, not from this process: under pytest-xdist the skips happen in workers.
    reasons = {
        _skip_reason(report)
        for report in terminalreporter.stats.get("skipped", [])
        if "tests/browser/" in report.nodeid
    }
    if reasons:
        terminalreporter.write_sep("!", "BROWSER TESTS SKIPPED", yellow=True, bold=True)
        for reason in sorted(reasons):
            terminalreporter.write_line(f"  {reason}")
        terminalreporter.write_line("  `make browser-tools` installs them; CI fails on this skip.")


def _skip_reason(report):
    if isinstance(report.longrepr, tuple):
        return report.longrepr[2].removeprefix("Skipped: ")
    return str(report.longrepr)


@pytest.fixture(scope="session")
def chromium(_migrated_data):
    """One headless Chromium for the whole session; each test opens its own contexts."""
    need("chromium", "playwright")
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        # Playwright's sync API runs an asyncio loop in the test thread; Django would refuse the ORM
        # calls made in that thread (fixtures, assertions) although nothing runs concurrently.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def axe_source():
    need("axe-core")
    return tool_paths()["axe-core"].read_text()


@pytest.fixture
def site(_migrated_data, django_db_serialized_rollback, live_server, _fast_password_hashing):
    """The live server holding the seed, as `make run` leaves the wiki; its base URL.

    The live server needs a transactional database, flushed after each test; the serialized rollback
    puts back what data migrations made. Django looks for that data on the test thread's connection,
    and once Playwright's event loop runs that is a new connection object (Django keeps connections
    per thread and, under a running loop, per async context), so the first test hands it over.
    """
    from django.db import connection

    if not hasattr(connection, "_test_serialized_contents"):
        connection._test_serialized_contents = _migrated_data
        connection.creation.deserialize_db_from_string(_migrated_data)
    call_command("loaddata", "seed", verbosity=0)
    return live_server.url


@pytest.fixture
def browsing(chromium, site):
    """A fresh browser context on the seeded site, watching for console errors and foreign requests."""
    with Browsing(chromium, site) as browsing:
        yield browsing
