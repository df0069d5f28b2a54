"""The Nu HTML checker (vnu.jar, pinned in package.json) finds no error on any public page kind."""

import json
import re
import shutil
import subprocess

from tests.browser.pages import PAGES, public_pages
from tests.browser.tools import need, tool_paths


def nu_errors(paths):
    """'file:line: message' for every error the checker reports in these HTML files."""
    checker = [shutil.which("java"), "-jar", str(tool_paths()["vnu-jar"]), "--format", "json", "--stdout"]
    result = subprocess.run(  # noqa: S603 (our own jar and files)
        [*checker, *map(str, paths)], capture_output=True, text=True, timeout=300, check=False
    )
    messages = json.loads(result.stdout)["messages"]
    return [
        f"{message['url'].rsplit('/', 1)[-1]}:{message.get('lastLine', '?')}: {message['message']}"
        for message in messages
        if message["type"] in {"error", "non-document-error"}
    ]


BROKEN = (
    '<!doctype html><html lang="en"><title>t</title>'
    '<p><time datetime="2024-04-01T10:00:00.123456+09:00">1 April</time></p></html>'
)


def test_every_public_page_kind_is_valid_html(seed, client, tmp_path):
    need("java", "vnu-jar")
    files = []
    for name, (path, status) in public_pages().items():
        response = client.get(path)
        assert response.status_code == status, name
        file = tmp_path / (re.sub(r"\W+", "-", name) + ".html")
        file.write_bytes(response.content)
        files.append(file)
    assert len(files) == len(PAGES)
    # One run of the checker (a JVM start is slow); a known-bad page shows that it does report errors.
    (tmp_path / "known-bad.html").write_text(BROKEN)
    errors = nu_errors([*files, tmp_path / "known-bad.html"])
    assert len(errors) == 1 and errors[0].startswith("known-bad.html:")
