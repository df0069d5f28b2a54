"""The two WSGI apps bench/images.py serves with gunicorn: our media layer and WhiteNoise, same files.

Neither touches Django's settings or a database: BENCH_MEDIA_ROOT names the folder holding img/.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from whitenoise import WhiteNoise  # noqa: E402

from fanwiki.media import MediaFiles  # noqa: E402

ROOT = os.environ.get("BENCH_MEDIA_ROOT", ".")


def not_found(environ, start_response):
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"not found"]


ours = MediaFiles(not_found, ROOT)
# WhiteNoise as it would be set up for these files: a year's max-age, marked immutable.
whitenoise = WhiteNoise(
    not_found, root=ROOT, prefix="media/", max_age=31536000, immutable_file_test=lambda path, url: True
)
