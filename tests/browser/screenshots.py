"""Screenshots of the Queen of Tears page for the README: desktop and phone, light and dark.

Serves the seeded wiki from a throwaway SQLite database in a temporary folder and shoots it with the
same Chromium the browser tests drive. Usage: python tests/browser/screenshots.py [OUTPUT_DIR]
(default docs/). Hangul needs a CJK font (Debian: fonts-noto-cjk).
"""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

PAGE = "/dramas/queen-of-tears/"
SHOTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True},
}


def main():
    output = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "docs")
    output.mkdir(parents=True, exist_ok=True)
    workdir = tempfile.mkdtemp(prefix="fanwiki-screenshots-")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/screenshots.sqlite3"
    os.environ["DJANGO_DEBUG"] = "1"  # static files from the finders, as `make run` serves them
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fanwiki.settings")

    import django

    django.setup()
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.management import call_command
    from django.test.testcases import LiveServerThread
    from playwright.sync_api import sync_playwright

    from tests.browser.tools import launch_chromium, missing_tools

    missing = missing_tools("chromium", "playwright")
    if missing:
        sys.exit("Cannot take screenshots: missing " + "; ".join(missing))
    call_command("migrate", verbosity=0)
    call_command("load_seed", verbosity=0)
    server = LiveServerThread("127.0.0.1", StaticFilesHandler)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    base_url = f"http://127.0.0.1:{server.port}"
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            for device, options in SHOTS.items():
                for scheme in ("light", "dark"):
                    context = browser.new_context(base_url=base_url, color_scheme=scheme, **options)
                    page = context.new_page()
                    page.goto(PAGE)
                    target = output / f"queen-of-tears-{device}-{scheme}.png"
                    page.screenshot(path=target)
                    print(target.relative_to(ROOT) if target.is_relative_to(ROOT) else target)
                    context.close()
            browser.close()
    finally:
        server.terminate()


if __name__ == "__main__":
    main()
