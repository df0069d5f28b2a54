"""`make bench`: the wiki served as `make serve` serves it, driven by wrk, at the seed's size and larger.

For each size it
1. makes a scratch database (SQLite in a temporary folder, or PostgreSQL with --postgres), loads
   the seed and, past the seed, generate_demo_data's content;
2. starts gunicorn with gunicorn.conf.py (debug off, two workers) on loopback;
3. drives it with wrk, one kind of page at a time, over several URLs of that kind;
4. prints for each kind, cold and warm, requests/s, p50/p95/p99 latency, the workers' CPU time per
   request (from /proc) and the error count. Cold requests carry a messages cookie: a reader with
   one is not anonymous, so a page cache must hand the request to Django. Before either is measured,
   a warm-up requests every URL from as many clients at once as there are workers, several times,
   until each worker holds each page (without Redis every worker keeps its own); for warm rows the
   share of hits after the warm-up is reported, so a row made mostly of misses says so;
5. serves the Queen of Tears page's HTML as a static file through the same gunicorn and WhiteNoise,
   and gives each kind's throughput as a share of that upper bound.
It also reports the HTML+CSS size of the Queen of Tears page and any render-blocking script.

Bounded: each wrk run lasts --duration seconds. Loopback only, ports 8345-8349 (--ports). Everything it makes
is deleted at the end (--keep keeps the scratch folder). Results also go to a JSON file.
"""

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
# A reader with a messages cookie is not anonymous (issue 14): every page cache passes them to Django.
COLD_COOKIE = "messages=bench-cold"
STATIC_PATH = "bench/queen-of-tears.html"
# Warm-up rounds over every URL, each from as many clients at once as there are workers; more
# rounds (up to the maximum) while a warm check still finds misses.
WARM_UP_ROUNDS = 2
WARM_UP_MAX_ROUNDS = 8
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default="seed,100000",
        help="comma-separated: 'seed' (the seed alone) or a number of demo articles [seed,100000]",
    )
    parser.add_argument("--duration", type=int, default=5, help="seconds of wrk per kind and mode [5]")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections [4]")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers [2]")
    parser.add_argument("--kinds", help="only these kinds of page, comma-separated")
    parser.add_argument("--ports", default="8345-8349", help="loopback ports to try, first-last [8345-8349]")
    parser.add_argument(
        "--postgres", help="a PostgreSQL server URL: scratch databases are made (and dropped) there"
    )
    parser.add_argument("--redis", help="REDIS_URL for the served wiki (default: none, as without Redis)")
    parser.add_argument("--json", help="write the results here as well")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    return parser.parse_args()


# The machine


def machine():
    model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "python": platform.python_version(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load_before": os.getloadavg()[0],
    }


# The scratch wiki


class Scratch:
    """A database, a static root and the environment that serves them, for one size."""

    def __init__(self, workdir, size, options):
        self.size = size
        self.folder = Path(workdir) / f"size-{size}"
        self.folder.mkdir()
        self.postgres = options.postgres
        self.database_name = None
        if options.postgres:
            self.database_name = f"fanwiki_bench_{size}_{os.getpid()}"
            self._postgres("CREATE DATABASE {}")
            parts = urlsplit(options.postgres)
            database_url = urlunsplit(parts._replace(path=f"/{self.database_name}"))
        else:
            database_url = f"sqlite:///{self.folder / 'wiki.sqlite3'}"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
            "DJANGO_ALLOWED_HOSTS": HOST,
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_CONN_MAX_AGE": "60",
            "DJANGO_STATIC_ROOT": str(self.folder / "static"),
            "WEB_CONCURRENCY": str(options.workers),
        }
        self.env.pop("REDIS_URL", None)
        if options.redis:
            self.env["REDIS_URL"] = options.redis

    def _postgres(self, statement):
        import psycopg

        with psycopg.connect(self.postgres, autocommit=True) as connection:
            connection.execute(statement.format(self.database_name))

    def manage(self, *args):
        started = time.monotonic()
        before = os.times()
        command = [str(BIN / "python"), "manage.py", *args, "--skip-checks"]
        subprocess.run(command, cwd=ROOT, env=self.env, check=True)
        after = os.times()
        cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
        return time.monotonic() - started, cpu

    def build(self):
        """Migrate, load the seed, generate the demo data; returns the generation's (wall, CPU) seconds."""
        self.manage("migrate", "--noinput", "--verbosity", "0")
        self.manage("loaddata", "seed", "--verbosity", "0")
        generated = None
        if self.size != "seed":
            articles = int(self.size)
            generated = self.manage(
                "generate_demo_data",
                f"--articles={articles}",
                f"--dramas={max(2, articles // 50)}",
                f"--people={max(2, articles // 10)}",
            )
        self.manage("collectstatic", "--noinput", "--verbosity", "0")
        return generated

    def urls(self):
        output = subprocess.run(
            [str(BIN / "python"), "bench/urls.py"], cwd=ROOT, env=self.env, check=True, capture_output=True
        )
        return json.loads(output.stdout)

    def remove(self):
        if self.database_name:
            self._postgres("DROP DATABASE IF EXISTS {} WITH (FORCE)")


# The server


class Server:
    """gunicorn as `make serve` runs it, with worker recycling off so no start-up lands in a measurement."""

    def __init__(self, scratch, port):
        self.scratch, self.port = scratch, port
        self.process = None

    def start(self):
        env = {**self.scratch.env, "GUNICORN_BIND": f"{HOST}:{self.port}"}
        log = (self.scratch.folder / "gunicorn.log").open("a")
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "--max-requests", "0"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn stopped; see {self.scratch.folder / 'gunicorn.log'}")
            try:
                if fetch(self.url("/robots.txt"))[0] == 200 and len(self.workers()) == self.workers_wanted():
                    return
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        raise SystemExit("gunicorn did not answer within a minute")

    def workers_wanted(self):
        return int(self.scratch.env["WEB_CONCURRENCY"])

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def url(self, path):
        return f"http://{HOST}:{self.port}{path}"

    def workers(self):
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == self.process.pid:
                    pids.append(int(entry.name))
        return pids

    def cpu_seconds(self):
        """CPU time of the workers, those running and those already reaped by the master."""
        total = 0
        master = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(master[13]) + int(master[14])  # cutime, cstime: children reaped so far
        for pid in self.workers():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / CLOCK_TICKS


def fetch(url, cookie=None):
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers


# Measuring


def wrk(server, paths, duration, connections, cookie, folder):
    paths_file = folder / "paths.txt"
    paths_file.write_text("\n".join(paths) + "\n")
    command = [
        "wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "10s",
        "-s", str(ROOT / "bench" / "wrk.lua"), server.url(""), "--", str(paths_file), cookie or "",
    ]  # fmt: skip
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("FANWIKI-BENCH "))
    values = {key: int(value) for key, value in (pair.split("=") for pair in line.split()[1:])}
    errors = sum(values[name] for name in ("connect", "read", "write", "status", "timeout"))
    return {
        "requests": values["requests"],
        "rps": values["requests"] / (values["duration_us"] / 1e6),
        "p50_ms": values["p50_us"] / 1000,
        "p95_ms": values["p95_us"] / 1000,
        "p99_ms": values["p99_us"] / 1000,
        "errors": errors,
    }


def fetch_all(server, paths, cookie, clients):
    """Every path once, `clients` requests at a time; the responses' X-Cache headers."""
    with ThreadPoolExecutor(clients) as pool:
        return list(pool.map(lambda path: fetch(server.url(path), cookie)[2].get("X-Cache", ""), paths))


def warm_up(server, paths, cookie):
    """Request every URL until each worker has rendered it; the share of hits a last round found.

    Requests made one at a time would mostly reach the same worker: with as many at once as there
    are workers, each is kept busy. Cold requests are never cached, so for them this only warms the
    workers' own caches (templates, content types, connections), as a reader's would be.
    """
    clients = server.workers_wanted()
    hits = 0.0
    for rounds in range(1, WARM_UP_MAX_ROUNDS + 1):
        outcomes = fetch_all(server, paths * clients, cookie, clients)
        hits = outcomes.count("hit") / len(outcomes)
        # Done when every request hits, or none does after the set rounds (a page the cache never keeps).
        if cookie or (rounds >= WARM_UP_ROUNDS and hits in (0.0, 1.0)):
            break
    return hits


def measure(server, paths, mode, options, folder):
    cookie = COLD_COOKIE if mode == "cold" else None
    statuses = {fetch(server.url(path), cookie)[0] for path in paths}
    hits = warm_up(server, paths, cookie)
    before = server.cpu_seconds()
    result = wrk(server, paths, options.duration, options.connections, cookie, folder)
    spent = server.cpu_seconds() - before
    result["cpu_ms"] = spent * 1000 / max(1, result["requests"])
    result["warmup_statuses"] = sorted(statuses)
    result["hits_after_warm_up"] = hits
    result["load"] = os.getloadavg()[0]
    return result


class _PageParts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stylesheets, self.blocking_scripts, self._in_head = [], [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "head":
            self._in_head = True
        elif tag == "link" and "stylesheet" in (attrs.get("rel") or "").split():
            self.stylesheets.append(attrs.get("href"))
        elif tag == "script" and self._in_head:
            deferred = "async" in attrs or "defer" in attrs or attrs.get("type") == "module"
            if not deferred and attrs.get("type", "text/javascript") in {"text/javascript", "", "module"}:
                self.blocking_scripts.append(attrs.get("src") or "(inline)")

    def handle_endtag(self, tag):
        if tag == "head":
            self._in_head = False


def page_weight(server, path):
    """Bytes of a page's HTML and of its stylesheets, and its render-blocking scripts."""
    status, html, _ = fetch(server.url(path))
    parts = _PageParts()
    parts.feed(html.decode())
    css = 0
    for href in parts.stylesheets:
        css += len(fetch(server.url(urlsplit(href).path))[1])
    return {"path": path, "status": status, "html_bytes": len(html), "css_bytes": css,
            "blocking_scripts": parts.blocking_scripts}  # fmt: skip


def run_size(size, options, workdir, port):
    scratch = Scratch(workdir, size, options)
    try:
        print(f"\n== {size}: building the scratch wiki", flush=True)
        generated = scratch.build()
        urls = scratch.urls()
        kinds = urls["kinds"]
        if options.kinds:
            kinds = {name: paths for name, paths in kinds.items() if name in options.kinds.split(",")}
        server = Server(scratch, port)
        # The static copy of the drama page must be in place before the workers start (WhiteNoise
        # indexes the static root at start-up): fetch it from a first run of the server.
        server.start()
        queen = urls["kinds"]["queen-of-tears"][0]
        status, html, headers = fetch(server.url(queen))
        page_cache = "Surrogate-Key" in headers
        server.stop()
        static_file = Path(scratch.env["DJANGO_STATIC_ROOT"]) / STATIC_PATH
        static_file.parent.mkdir(parents=True, exist_ok=True)
        static_file.write_bytes(html)
        server.start()
        try:
            result = {"size": size, "sizes": urls["sizes"], "page_cache": page_cache, "kinds": {}}
            if generated:
                result["generation"] = {"wall_s": generated[0], "cpu_s": generated[1]}
            result["static"] = measure(server, [f"/static/{STATIC_PATH}"], "static", options, scratch.folder)
            for name, paths in kinds.items():
                for mode in ("cold", "warm"):
                    print(f"   {name} ({mode})", flush=True)
                    result["kinds"].setdefault(name, {})[mode] = measure(
                        server, paths, mode, options, scratch.folder
                    )
            result["weight"] = page_weight(server, queen)
        finally:
            server.stop()
        return result
    finally:
        scratch.remove()


# Reporting


def report(results, info):
    print(f"\nMachine: {info['cpus']} CPUs, {info['cpu_model']}; Python {info['python']}; {info['date']}")
    print(f"Load average before the run: {info['load_before']:.2f}")
    for result in results:
        sizes = result["sizes"]
        print(
            f"\n== {result['size']}: {sizes['dramas']:,} dramas, {sizes['people']:,} people, "
            f"{sizes['articles']:,} published articles"
        )
        if "generation" in result:
            generation = result["generation"]
            print(f"generate_demo_data: {generation['wall_s']:.1f} s wall, {generation['cpu_s']:.1f} s CPU")
        if not result["page_cache"]:
            print("no page cache on this build (no Surrogate-Key header): warm requests are rendered too")
        static = result["static"]
        print(
            f"static copy of the drama page: {static['rps']:.0f} requests/s, p95 {static['p95_ms']:.1f} ms, "
            f"{static['cpu_ms']:.2f} ms CPU a request, {static['errors']} errors"
        )
        print(f"{'kind':16} {'mode':5} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'CPU ms':>7} "
              f"{'errors':>6} {'x static':>8} {'hits':>5} {'load':>5}")  # fmt: skip
        for name, modes in result["kinds"].items():
            for mode, row in modes.items():
                hits = "" if mode == "cold" else format(row["hits_after_warm_up"], ".0%")
                print(
                    f"{name:16} {mode:5} {row['rps']:8.0f} {row['p50_ms']:8.1f} {row['p95_ms']:8.1f} "
                    f"{row['p99_ms']:8.1f} {row['cpu_ms']:7.2f} {row['errors']:6d} "
                    f"{row['rps'] / static['rps']:8.3f} {hits:>5} {row['load']:5.1f}"
                )
        weight = result["weight"]
        print(
            f"{weight['path']}: {weight['html_bytes']:,} bytes of HTML + {weight['css_bytes']:,} of CSS = "
            f"{(weight['html_bytes'] + weight['css_bytes']) / 1024:.1f} KB; render-blocking scripts: "
            f"{', '.join(weight['blocking_scripts']) or 'none'}"
        )
    if len(results) > 1:
        first, last = results[0], results[-1]
        print(f"\np95 at {last['size']} as a multiple of p95 at {first['size']} (cold):")
        for name in last["kinds"]:
            if name in first["kinds"]:
                ratio = last["kinds"][name]["cold"]["p95_ms"] / max(
                    0.001, first["kinds"][name]["cold"]["p95_ms"]
                )
                print(f"  {name:16} {ratio:5.2f}")


def main():
    options = parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: `apt-get install wrk` (make bench does it)")
    first, _, last = options.ports.partition("-")
    ports = range(int(first), int(last or first) + 1)
    port = next((port for port in ports if _free(port)), None)
    if port is None:
        raise SystemExit(f"no free port in {options.ports}")
    info = machine()
    workdir = tempfile.mkdtemp(prefix="fanwiki-bench-")
    results = []
    try:
        for size in options.sizes.split(","):
            size = size.strip()
            if size != "seed" and not re.fullmatch(r"[1-9][0-9]*", size):
                raise SystemExit(f"--sizes: {size!r} is neither 'seed' nor a number of articles")
            results.append(run_size(size, options, workdir, port))
    finally:
        if options.keep:
            print(f"scratch folder kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    info["load_after"] = os.getloadavg()[0]
    report(results, info)
    path = Path(options.json) if options.json else Path(workdir).with_suffix(".json")
    path.write_text(json.dumps({"machine": info, "results": results}, indent=2))
    print(f"\nresults: {path}")


def _free(port):
    import socket

    with socket.socket() as probe:
        return probe.connect_ex((HOST, port)) != 0


if __name__ == "__main__":
    main()
