"""Pictures: the time to save a 6-megapixel upload, the renditions it makes, and the media route's
throughput next to WhiteNoise's serving the same file.

Works in a temporary folder (files on disk, no database); starts gunicorn on 127.0.0.1 ports
8370-8374 and stops it. The load generator is wrk when installed, else a threaded Python client.
Usage: python bench/images.py [--repeat N] [--seconds S] [--connections C]
"""

import argparse
import io
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PORTS = range(8370, 8375)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="saves of the 6-MP upload to time")
    parser.add_argument("--seconds", type=float, default=5.0, help="load per server")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections")
    options = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fanwiki.settings")
    os.environ["DJANGO_DEBUG"] = "1"
    import django

    django.setup()
    from PIL import features

    print(f"Pillow AVIF support: {features.check('avif')} (libavif {features.version('avif')})")
    workdir = Path(tempfile.mkdtemp(prefix="fanwiki-bench-images-"))
    try:
        stored = time_saves(workdir, options.repeat)
        rendition_sizes(workdir, stored)
        throughput(workdir, stored, options.seconds, options.connections)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def photo_like_jpeg(size=(3000, 2000)):
    """A 6-megapixel JPEG with a photo's kind of detail (gradients, noise, edges) and camera data."""
    from PIL import Image, ImageDraw, ImageFilter

    width, height = size
    noise = Image.effect_noise(size, 40).convert("RGB")
    gradient = Image.linear_gradient("L").resize(size).convert("RGB")
    image = Image.blend(gradient, noise, 0.35)
    draw = ImageDraw.Draw(image)
    for step in range(0, width, 150):
        draw.ellipse((step, height // 4, step + 400, height // 4 + 600), outline=(200, 60, 90), width=12)
    image = image.filter(ImageFilter.SMOOTH)
    exif = Image.Exif()
    exif[0x0112] = 1
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90, exif=exif)
    return buffer.getvalue()


def time_saves(workdir, repeat):
    from django.core.files.storage import FileSystemStorage
    from django.core.files.uploadedfile import SimpleUploadedFile

    from fanwiki import images

    data = photo_like_jpeg()
    print(f"\nSaving a 3000 x 2000 JPEG upload ({len(data) / 1e6:.1f} MB) as a poster, {repeat} times:")
    checks, renders = [], []
    stored = None
    for run in range(repeat):
        # A fresh folder each time: every file is written, none is found already there.
        storage = FileSystemStorage(location=workdir / f"run{run}", base_url="/media/")
        started = time.perf_counter()
        master = images.open_upload(SimpleUploadedFile("poster.jpg", data))
        checked = time.perf_counter()
        stored = images.store(master, "poster", storage)
        done = time.perf_counter()
        checks.append(checked - started)
        renders.append(done - checked)
    total = [a + b for a, b in zip(checks, renders, strict=True)]
    print(f"  check, decode, master      median {statistics.median(checks) * 1000:7.0f} ms")
    count = len(images.rendition_widths("poster", stored.width)) * len(images.ENCODINGS)
    print(f"  master + {count} renditions     median {statistics.median(renders) * 1000:7.0f} ms")
    best = min(total) * 1000
    print(f"  whole save                 median {statistics.median(total) * 1000:7.0f} ms  (min {best:.0f})")
    os.replace(workdir / f"run{repeat - 1}", workdir / "media")
    return stored


def rendition_sizes(workdir, stored):
    from fanwiki import images

    print(f"\nRenditions of that poster (master {stored.width} x {stored.height}), bytes:")
    print(f"  {'width':>5} {'height':>6} " + " ".join(f"{e.ext:>7}" for e in images.ENCODINGS))
    for width in images.rendition_widths("poster", stored.width):
        height = images.rendition_height(width, stored.width, stored.height)
        sizes = [
            (workdir / "media" / images.rendition_name(stored.digest, width, e.ext)).stat().st_size
            for e in images.ENCODINGS
        ]
        print(f"  {width:>5} {height:>6} " + " ".join(f"{size:>7}" for size in sizes))
    master = (workdir / "media" / images.master_name(stored.digest)).stat().st_size
    print(f"  master.png {master} bytes (never served)")


def free_port():
    for port in PORTS:
        with socket.socket() as probe:
            # Connections of an earlier round may linger in TIME_WAIT; gunicorn binds over them too.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


def throughput(workdir, stored, seconds, connections, rounds=3):
    from fanwiki import images

    path = "/media/" + images.rendition_name(stored.digest, 480, "avif")
    size = (workdir / "media" / path.removeprefix("/media/")).stat().st_size
    tool = "wrk" if shutil.which("wrk") else "Python threads"
    print(f"\nServing {path} ({size} bytes), gunicorn with 2 sync workers, {connections} connections,")
    print(f"{seconds:.0f} s each, {rounds} rounds taken in turns, load from {tool}:")
    servers = {"media layer (fanwiki/media.py)": "ours", "WhiteNoise": "whitenoise"}
    rates = {label: [] for label in servers}
    for _ in range(rounds):
        # Taken in turns, so a burst of load from elsewhere on the machine hits both alike.
        for label, app in servers.items():
            rates[label].append(serve_and_load(workdir, path, size, app, tool, seconds, connections))
    for label, measured in rates.items():
        runs = ", ".join(f"{rate:.0f}" for rate in measured)
        print(f"  {label:32} median {statistics.median(measured):6.0f} req/s   (runs: {runs})")
    print("  In-process, no network (the layers' own cost per request):")
    in_process(workdir, path)


def serve_and_load(workdir, path, size, app, tool, seconds, connections):
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 (this interpreter's gunicorn, our bench module)
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", f"media_apps:{app}"],
        # From bench/: gunicorn then reads no gunicorn.conf.py (the site's own, with its access log).
        cwd=ROOT / "bench",
        env={**os.environ, "BENCH_MEDIA_ROOT": str(workdir / "media")},
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}{path}"
        wait_until_up(url)
        with urllib.request.urlopen(url) as response:  # noqa: S310 (loopback)
            assert len(response.read()) == size and response.headers["Cache-Control"]
        return run_wrk(url, seconds, connections) if tool == "wrk" else run_threads(url, seconds, connections)
    finally:
        server.terminate()
        server.wait(timeout=10)


def wait_until_up(url):
    for _ in range(100):
        try:
            urllib.request.urlopen(url).close()  # noqa: S310 (loopback)
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


def run_wrk(url, seconds, connections):
    output = subprocess.run(  # noqa: S603 (wrk from PATH, loopback URL)
        [shutil.which("wrk"), "-t", "2", "-c", str(connections), "-d", f"{max(1, round(seconds))}s", url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    line = next(line for line in output.splitlines() if line.startswith("Requests/sec:"))
    return float(line.split()[1])


def run_threads(url, seconds, connections):
    count = [0] * connections
    deadline = time.perf_counter() + seconds

    def worker(slot):
        while time.perf_counter() < deadline:
            with urllib.request.urlopen(url) as response:  # noqa: S310 (loopback)
                response.read()
            count[slot] += 1

    threads = [threading.Thread(target=worker, args=(slot,)) for slot in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(count) / seconds


def in_process(workdir, path):
    import sys as _sys

    os.environ["BENCH_MEDIA_ROOT"] = str(workdir / "media")
    _sys.path.insert(0, str(ROOT / "bench"))
    import media_apps

    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": _sys.stderr,
    }
    for label, app in (("media layer", media_apps.ours), ("WhiteNoise", media_apps.whitenoise)):
        started, requests = time.perf_counter(), 0
        while time.perf_counter() - started < 1.0:
            body = app(dict(environ), lambda status, headers: None)
            for _ in body:
                pass
            getattr(body, "close", lambda: None)()
            requests += 1
        print(f"    {label:30} {requests / (time.perf_counter() - started):8.0f} req/s")


if __name__ == "__main__":
    main()
