"""Where the browser tests' tools live, how Chromium is launched, and a watched browser context.

Shared by the tests and by `make screenshots` (tests/browser/screenshots.py).
"""

import importlib.util
import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

HERE = Path(__file__).resolve().parent
NODE_MODULES = HERE / "node_modules"
CHROMIUM = os.environ.get("FANWIKI_CHROMIUM", "/usr/bin/chromium")

# Headless as root in a container with no internet: no sandbox (root), and none of the background
# traffic a desktop Chromium makes (updates, sync, field trials, QUIC probes).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def tool_paths():
    return {
        "axe-core": NODE_MODULES / "axe-core" / "axe.min.js",
        "vnu-jar": NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar",
    }


def missing_tools(*names):
    """Human-readable descriptions of the named tools that are not installed."""
    checks = {
        "chromium": (lambda: shutil.which(CHROMIUM), f"Chromium at {CHROMIUM} (apt-get install chromium)"),
        "playwright": (
            lambda: importlib.util.find_spec("playwright"),
            "the playwright package (pip install -r requirements-dev.txt)",
        ),
        "java": (lambda: shutil.which("java"), "java (apt-get install default-jre-headless)"),
    }
    for name, path in tool_paths().items():
        checks[name] = (path.is_file, f"npm package {name} (make browser-tools)")
    return [description for name in names for found, description in [checks[name]] if not found()]


def need(*tools):
    """Skip (or, under FANWIKI_REQUIRE_BROWSER=1, fail) unless every named tool is present."""
    missing = missing_tools(*tools)
    if not missing:
        return
    reason = "missing " + "; ".join(missing)
    if os.environ.get("FANWIKI_REQUIRE_BROWSER") == "1":
        pytest.fail(f"FANWIKI_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


class Browsing:
    """One browser context (one visitor) on the site, recording what a page should never do.

    `console_errors`: console errors and uncaught exceptions, except the browser's own note that a
    page we asked for on purpose answered 404. `foreign_requests`: any request not to the site.
    """

    def __init__(self, browser, base_url, *, axe_source=None, **context_options):
        self.browser = browser
        self.base_url = base_url.rstrip("/")
        self.origin = "{0.scheme}://{0.netloc}".format(urlsplit(self.base_url))
        context_options.setdefault("viewport", DESKTOP)
        self.context_options = context_options
        self.axe_source = axe_source
        self.console_errors = []
        self.foreign_requests = []
        self._expected_missing = set()

    def __enter__(self):
        self.context = self.browser.new_context(base_url=self.base_url, **self.context_options)
        self.context.set_default_timeout(10_000)  # a local server answers in well under that
        if self.axe_source:
            # Injected through the DevTools protocol, so a strict Content-Security-Policy does not block it.
            self.context.add_init_script(self.axe_source)
        self.context.on("request", self._on_request)
        self.page = self.new_page()
        return self

    def __exit__(self, *exc_info):
        self.context.close()

    def new_page(self):
        page = self.context.new_page()
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.console_errors.append(f"uncaught: {error}"))
        return page

    def _on_request(self, request):
        if request.url.startswith(("data:", "blob:", "about:")):
            return
        parts = urlsplit(request.url)
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.foreign_requests.append(request.url)

    def _on_console(self, message):
        if message.type != "error":
            return
        url = message.location.get("url", "")
        if url in self._expected_missing and "status of 404" in message.text:
            return
        self.console_errors.append(f"{message.text} ({url})")

    def expect_missing(self, path):
        """The page at this path answers 404 on purpose: the browser's console note about it is no error."""
        self._expected_missing.add(self.base_url + path)

    def open(self, path, status=200, page=None):
        """Go to a path on the site and check the HTTP status; returns the page."""
        page = page or self.page
        if status == 404:
            self.expect_missing(path)
        response = page.goto(path)
        assert response.status == status, f"{path}: HTTP {response.status}"
        return page

    def assert_clean(self):
        assert self.console_errors == []
        assert self.foreign_requests == []


def expect(locator):
    """Playwright's retrying assertions; imported late, so a machine without Playwright collects the tests."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def axe_violations(page):
    """WCAG 2.0-2.2 A and AA violations axe-core finds on the page, one line per rule."""
    violations = page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return results.violations.map((v) => ({
                id: v.id, help: v.help, targets: v.nodes.map((n) => n.target.join(" ")),
            }));
        }""",
        WCAG_TAGS,
    )
    return [f"{v['id']}: {v['help']} at {', '.join(v['targets'][:5])}" for v in violations]


def small_targets(page):
    """Links, buttons and fields under 24x24 CSS px that stand alone, outside running text."""
    return page.evaluate(
        """() => [...document.querySelectorAll("a, button, input:not([type=hidden]), select, summary")]
            .filter((el) => el.offsetParent !== null && !el.closest(".visually-hidden"))
            .filter((el) => {
                const box = el.getBoundingClientRect();
                const own = el.textContent.trim().length;
                const around = el.parentElement.closest("p, li, td, dd, figcaption, h1, h2, h3");
                const inText = around && around.textContent.trim().length > own + 3;
                return !inText && (box.width < 24 || box.height < 24);
            })
            .map((el) => `${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 40)}"`
                + ` in ${el.parentElement.tagName.toLowerCase()}.${el.parentElement.className}`)"""
    )


def scrolls_sideways(page):
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
