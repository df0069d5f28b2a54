"""Soak with faults: the site as `make serve` runs it, under load, while its services fail and come back.

Loopback only, bounded in time. Readers request public pages at full speed while editors log in
through the admin and save articles, dramas and credits (real logins, CSRF tokens, the edit-conflict
version). Meanwhile, on a schedule:

1. one gunicorn worker is killed with SIGKILL;
2. PostgreSQL is restarted (with --database postgresql: a cluster of the soak's own, never the
   shared one);
3. Redis (a redis-server of the soak's own) is stopped and started again, then stopped with its
   data flushed and started empty.

Afterwards it checks that every acknowledged edit is in the database and in its history, that no
two acknowledged saves started from the same version (a silently overwritten edit), that every
page read right after an edit showed it (nothing stale, Redis up, down or emptied), and that the
database is sound. It prints the figures and exits non-zero if any check fails or any request
failed outside the moments a fault explains.

Usage: python bench/soak.py [--database sqlite|postgresql] [--seconds 150] [--readers 6] [--editors 3]
"""

import argparse
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HOST = "127.0.0.1"
PORT = int(os.environ.get("SOAK_PORT", "8330"))  # this soak's ports: 8330-8339
REDIS_PORT = int(os.environ.get("SOAK_REDIS_PORT", "6390"))
PG_PORT = int(os.environ.get("SOAK_PG_PORT", "5440"))
PG_CLUSTER = "fanwiki_soak"
WORKERS = 3
EDITOR_PASSWORD = "soak-editor-" + secrets.token_hex(8)
# After a fault, this long counts as its moment: requests failing then are explained by it.
FAULT_GRACE_SECONDS = 3.0
READER_URLS = [
    "/",
    "/dramas/",
    "/people/",
    "/articles/",
    "/dramas/queen-of-tears/",
    "/dramas/my-love-from-the-star/",
    "/people/kim-soo-hyun/",
    "/people/kim-ji-won/",
    "/articles/kim-soo-hyun-sings-queen-of-tears-ost/",
    "/tags/ost/",
    "/search/?q=kim",
    "/search/?q=%EB%88%88%EB%AC%BC",
    "/dramas/queen-of-tears/history/",
    "/dramas/queen-of-tears/history/diff/",
    "/recent-changes/",
    "/feeds/articles/",
    "/sitemap.xml",
]


# Services of the soak's own -------------------------------------------------------------------------


def run(*command, check=True, **kwargs):
    return subprocess.run(command, check=check, capture_output=True, text=True, **kwargs)  # noqa: S603


class Redis:
    """A redis-server on REDIS_PORT, its data in the work folder (so a plain restart keeps it)."""

    def __init__(self, workdir):
        self.dir = workdir / "redis"
        self.dir.mkdir()
        self.process = None

    def start(self):
        options = ["--bind", HOST, "--port", str(REDIS_PORT), "--dir", str(self.dir), "--save", ""]
        self.process = subprocess.Popen(  # noqa: S603
            [shutil.which("redis-server") or "/usr/bin/redis-server", *options, "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: self.cli("PING") == "PONG", "redis-server")

    def cli(self, *args):
        result = run("redis-cli", "-h", HOST, "-p", str(REDIS_PORT), *args, check=False, timeout=10)
        return result.stdout.strip()

    def stop(self, keep_data):
        if keep_data:
            self.cli("SHUTDOWN", "SAVE")
        else:
            self.cli("FLUSHALL")  # this soak's own server: nobody else's data is here
            self.cli("SHUTDOWN", "NOSAVE")
            (self.dir / "dump.rdb").unlink(missing_ok=True)
        self.process.wait(timeout=20)

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


class Postgres:
    """A PostgreSQL cluster of the soak's own (created when missing), so restarting it disturbs no one."""

    def __init__(self):
        self.version = sorted(os.listdir("/etc/postgresql"))[-1]

    def start(self):
        clusters = run("pg_lsclusters", "--no-header").stdout
        if not re.search(rf"^{self.version}\s+{PG_CLUSTER}\s", clusters, re.M):
            run(
                "pg_createcluster", self.version, PG_CLUSTER, "--port", str(PG_PORT), "--", "--auth=trust"
            )  # fmt: skip  (loopback only: the cluster listens on localhost)
        run("pg_ctlcluster", "--skip-systemctl-redirect", self.version, PG_CLUSTER, "start", check=False)
        wait_for(lambda: run("pg_isready", "-h", HOST, "-p", str(PG_PORT), check=False).returncode == 0, "pg")
        run("dropdb", "-h", HOST, "-p", str(PG_PORT), "-U", "postgres", "--if-exists", "fanwiki_soak")
        run("createdb", "-h", HOST, "-p", str(PG_PORT), "-U", "postgres", "fanwiki_soak")

    def restart(self):
        run("pg_ctlcluster", "--skip-systemctl-redirect", self.version, PG_CLUSTER, "restart", "-m", "fast")
        wait_for(lambda: run("pg_isready", "-h", HOST, "-p", str(PG_PORT), check=False).returncode == 0, "pg")

    def stop(self):
        run("pg_ctlcluster", "--skip-systemctl-redirect", self.version, PG_CLUSTER, "stop", check=False)

    @property
    def url(self):
        return f"postgres://postgres@{HOST}:{PG_PORT}/fanwiki_soak"


class Gunicorn:
    def __init__(self, env, workdir):
        self.env = env
        self.log = open(workdir / "gunicorn.log", "w")  # noqa: SIM115
        self.process = None

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        wait_for(lambda: get("/robots.txt")[0] == 200, "gunicorn")
        wait_for(lambda: len(self.workers()) == WORKERS, "gunicorn workers")

    def workers(self):
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=40)
        self.log.close()


def wait_for(condition, what, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.2)
    raise SystemExit(f"soak: {what} did not come up in {seconds} s")


# HTTP ------------------------------------------------------------------------------------------------


def get(path, cookies=None):
    connection = http.client.HTTPConnection(HOST, PORT, timeout=30)
    try:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else {}
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace"), response.getheaders()
    finally:
        connection.close()


@dataclass
class Outcome:
    at: float
    kind: str  # "read", "fresh-read", "login", "form", "save"
    status: int  # 0 for a connection error
    path: str


@dataclass
class Log:
    started: float = field(default_factory=time.monotonic)
    outcomes: list = field(default_factory=list)
    faults: list = field(default_factory=list)  # (start, end, name)
    acknowledged: list = field(default_factory=list)  # dicts: page, marker, editor, base_version, at
    conflicts: int = 0
    refused: int = 0
    stale: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def now(self):
        return time.monotonic() - self.started

    def record(self, kind, status, path):
        with self.lock:
            self.outcomes.append(Outcome(self.now(), kind, status, path))


def request(log, kind, method, path, body=None, cookies=None, connection=None):
    """One request; a connection error counts as status 0. Returns (status, text, headers)."""
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in (cookies or {}).items())}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Referer"] = f"http://{HOST}:{PORT}{path}"
    own = connection is None
    connection = connection or http.client.HTTPConnection(HOST, PORT, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        status, response_headers = response.status, response.getheaders()
    except (OSError, http.client.HTTPException):
        connection.close()
        status, text, response_headers = 0, "", []
    finally:
        if own:
            connection.close()
    log.record(kind, status, path)
    return status, text, response_headers


# Readers and editors ------------------------------------------------------------------------------------


def reader(log, stop):
    connection = http.client.HTTPConnection(HOST, PORT, timeout=30)
    rng = random.Random()
    while not stop.is_set():
        status, _, _ = request(log, "read", "GET", rng.choice(READER_URLS), connection=connection)
        if status == 0:
            connection = http.client.HTTPConnection(HOST, PORT, timeout=30)


class FormParser:
    """The fields a browser submits from the admin's main form (tests/admin_forms.py does the same)."""

    def __init__(self, html):
        from tests.admin_forms import form_fields

        self.fields = form_fields(html)


def set_cookies(cookies, headers):
    for name, value in headers:
        if name.lower() == "set-cookie":
            pair = value.split(";", 1)[0]
            key, _, val = pair.partition("=")
            cookies[key.strip()] = val.strip()


def log_in(log, username):
    cookies = {}
    status, html, headers = request(log, "login", "GET", "/admin/login/?next=/admin/")
    set_cookies(cookies, headers)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if status != 200 or not token:
        return None
    body = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": token.group(1),
            "username": username,
            "password": EDITOR_PASSWORD,
            "next": "/admin/",
        }
    )
    status, _, headers = request(log, "login", "POST", "/admin/login/?next=/admin/", body, cookies)
    set_cookies(cookies, headers)
    return cookies if status == 302 and "sessionid" in cookies else None


def editor(log, stop, username, targets):
    """Log in, then edit: open a change form, add a marker, save; on a conflict, open it again."""
    rng = random.Random(username)
    cookies = None
    number = 0
    while not stop.is_set():
        if cookies is None:
            cookies = log_in(log, username)
            if cookies is None:
                time.sleep(0.5)
                continue
        target = rng.choice(targets)
        number += 1
        marker = f"soak-{username}-{number}"
        saved = edit_once(log, cookies, target, marker, username)
        if saved == "login":
            cookies = None
        time.sleep(rng.uniform(0.05, 0.3))


def edit_once(log, cookies, target, marker, username):
    change_url = target["change_url"]
    status, html, _ = request(log, "form", "GET", change_url, cookies=cookies)
    if status == 302:
        return "login"
    if status != 200:
        return "failed"
    fields = FormParser(html).fields
    data = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not token or "base_version" not in data:
        return "failed"
    field_name = target["field"]
    if target["append"]:
        data[field_name] = [data[field_name][0] + f"\n\n{marker}"]
    else:
        data[field_name] = [marker]
    data["edit_summary"] = [marker]
    data["csrfmiddlewaretoken"] = [token.group(1)]
    data["_save"] = ["Save"]
    base_version = data["base_version"][0]
    body = urllib.parse.urlencode([(name, value) for name, values in data.items() for value in values])
    status, html, _ = request(log, "save", "POST", change_url, body, cookies)
    if status == 200 and ("Edit conflict" in html or "Someone else saved" in html):
        with log.lock:
            log.conflicts += 1
        return "conflict"
    if status == 200:
        with log.lock:
            log.refused += 1  # the form again, with an error: nothing saved, nothing acknowledged
        return "refused"
    if status != 302:
        return "failed"
    with log.lock:
        log.acknowledged.append(
            {
                "page": target["key"],
                "marker": marker,
                "editor": username,
                "base_version": base_version,
                "at": log.now(),
            }  # fmt: skip
        )
    # Read as an anonymous reader at once: the edit must show, whatever the caches hold.
    if target["public_url"]:
        status, page, _ = request(log, "fresh-read", "GET", target["public_url"])
        if status == 200 and marker not in page:
            with log.lock:
                log.stale.append((log.now(), target["public_url"], marker))
    return "saved"


# The run ------------------------------------------------------------------------------------------------


def manage(env, *args, **kwargs):
    return run(sys.executable, "manage.py", *args, cwd=ROOT, env=env, **kwargs)


def prepare(env, editors):
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    manage(env, "load_seed")
    for username in editors:
        with_password = {**env, "SOAK_EDITOR_PASSWORD": EDITOR_PASSWORD}
        manage(with_password, "create_editor", username, "--password-from-env", "SOAK_EDITOR_PASSWORD")
    script = (
        "import json\n"
        "from dramas.models import Credit, Drama\n"
        "from fanwiki.models import Article\n"
        "from people.models import Person\n"
        "out = []\n"
        "for a in Article.objects.published():\n"
        "    out.append(dict(key=f'article:{a.pk}', change_url=f'/admin/fanwiki/article/{a.pk}/change/',"
        " field='body', append=True, public_url=a.get_absolute_url()))\n"
        "for d in Drama.objects.all():\n"
        "    out.append(dict(key=f'drama:{d.pk}', change_url=f'/admin/dramas/drama/{d.pk}/change/',"
        " field='synopsis', append=True, public_url=d.get_absolute_url()))\n"
        "for p in Person.objects.all()[:6]:\n"
        "    out.append(dict(key=f'person:{p.pk}', change_url=f'/admin/people/person/{p.pk}/change/',"
        " field='biography', append=True, public_url=p.get_absolute_url()))\n"
        "for c in Credit.objects.filter(drama__slug='queen-of-tears')[:4]:\n"
        "    out.append(dict(key=f'credit:{c.pk}', change_url=f'/admin/dramas/credit/{c.pk}/change/',"
        " field='note', append=False, public_url=None))\n"
        "print(json.dumps(out))\n"
    )
    return json.loads(manage(env, "shell", "-c", script).stdout.strip().splitlines()[-1])


VERIFY = """
import json, sys
from django.db import connection
from dramas.models import Credit, Drama
from fanwiki.models import Article
from people.models import Person
models = {"article": (Article, "body"), "drama": (Drama, "synopsis"), "person": (Person, "biography"),
          "credit": (Credit, "note")}
acknowledged = json.load(sys.stdin)
missing_now, missing_history, overwritten = [], [], []
seen = {}
for edit in acknowledged:
    kind, pk = edit["page"].split(":")
    model, field = models[kind]
    page = model.objects.get(pk=int(pk))
    if kind != "credit" and edit["marker"] not in getattr(page, field):
        missing_now.append(edit["marker"])
    revisions = page.history.filter(history_change_reason=edit["marker"])
    revisions = revisions.filter(history_user__username=edit["editor"])
    if not revisions.filter(**{field + "__contains": edit["marker"]}).exists():
        missing_history.append(edit["page"] + " " + edit["marker"])
    if kind != "credit":
        key = (edit["page"], edit["base_version"])
        if key in seen:
            overwritten.append((seen[key], edit["marker"]))
        seen[key] = edit["marker"]
if connection.vendor == "sqlite":
    with connection.cursor() as cursor:
        soundness = cursor.execute("PRAGMA integrity_check").fetchone()[0]
else:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_database WHERE datname = current_database()")
    connection.check_constraints()
    soundness = "ok"
print(json.dumps({"missing_now": missing_now, "missing_history": missing_history,
                  "overwritten": overwritten, "soundness": soundness}))
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument(
        "--seconds", type=int, default=150, help="length of the loaded run (the faults fit 60+)"
    )
    parser.add_argument("--readers", type=int, default=6)
    parser.add_argument("--editors", type=int, default=3)
    parser.add_argument("--json", help="write the figures here as JSON too")
    options = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="fanwiki-soak-"))
    redis, postgres, server = Redis(workdir), None, None
    try:
        redis.start()
        if options.database == "postgresql":
            postgres = Postgres()
            postgres.start()
            database_url = postgres.url
        else:
            database_url = f"sqlite:///{workdir / 'soak.sqlite3'}"
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": os.environ.get("HOME", "/root"),
            "LANG": "C.UTF-8",
            "DJANGO_SETTINGS_MODULE": "fanwiki.settings",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_ALLOWED_HOSTS": HOST,
            "DJANGO_STATIC_ROOT": str(workdir / "static"),
            "DJANGO_MEDIA_ROOT": str(workdir / "media"),
            "DATABASE_URL": database_url,
            "REDIS_URL": f"redis://{HOST}:{REDIS_PORT}/0",
            "GUNICORN_BIND": f"{HOST}:{PORT}",
            "WEB_CONCURRENCY": str(WORKERS),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        if options.database == "postgresql":
            env["DJANGO_CONN_MAX_AGE"] = "60"  # kept connections: the restart must be survived by them too
        editors = [f"soak-editor-{number}" for number in range(1, options.editors + 1)]
        targets = prepare(env, editors)
        server = Gunicorn(env, workdir)
        server.start()
        report = soak(options, server, redis, postgres, editors, targets)
        verification = json.loads(
            manage(env, "shell", "-c", VERIFY, input=json.dumps(report["acknowledged"])).stdout.splitlines()[
                -1
            ]
        )
        status = summarise(options, report, verification)
        if status:
            errors = [line for line in (workdir / "gunicorn.log").read_text().splitlines() if "Error" in line]
            print("\n".join(["gunicorn's errors (last 20):", *errors[-20:]]))
        return status
    finally:
        if server:
            server.stop()
        redis.kill()
        if postgres:
            postgres.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def soak(options, server, redis, postgres, editors, targets):
    log, stop = Log(), threading.Event()
    threads = [threading.Thread(target=reader, args=(log, stop), daemon=True) for _ in range(options.readers)]
    threads += [
        threading.Thread(target=editor, args=(log, stop, username, targets), daemon=True)
        for username in editors
    ]
    for thread in threads:
        thread.start()
    length = options.seconds
    schedule = [
        (0.15, "SIGKILL a gunicorn worker", lambda: kill_worker(server)),
        (0.35, "restart PostgreSQL", postgres.restart if postgres else None),
        (0.55, "stop Redis, start it again with its data", lambda: bounce_redis(redis, keep_data=True)),
        (0.75, "stop Redis, flush it, start it empty", lambda: bounce_redis(redis, keep_data=False)),
    ]
    recoveries = {}
    for fraction, name, action in schedule:
        sleep_until(log, fraction * length, stop)
        if action is None:
            continue
        start = log.now()
        action()
        end = log.now()
        log.faults.append((start, end, name))
        recoveries[name] = recovery_time(end)
    sleep_until(log, length, stop)
    stop.set()
    for thread in threads:
        thread.join(timeout=40)
    return {
        "log": log,
        "acknowledged": log.acknowledged,
        "recoveries": recoveries,
        "workers_after": len(server.workers()),
        "gunicorn_pid_alive": server.process.poll() is None,
    }


def sleep_until(log, at, stop):
    while log.now() < at and not stop.is_set():
        time.sleep(0.1)


def kill_worker(server):
    victim = server.workers()[0]
    os.kill(victim, signal.SIGKILL)
    wait_for(lambda: len(server.workers()) == WORKERS and victim not in server.workers(), "worker respawn")


def bounce_redis(redis, keep_data):
    redis.stop(keep_data=keep_data)
    time.sleep(5)  # down long enough for every worker to notice: pages come straight from Django
    redis.start()


def recovery_time(since):
    """Seconds from the end of a fault until a page answers 200 again."""
    start = time.monotonic()
    wait_for(lambda: get("/")[0] == 200, "the site after a fault")
    return round(time.monotonic() - start, 2) + 0 * since


def summarise(options, report, verification):
    log = report["log"]
    statuses = Counter(outcome.status for outcome in log.outcomes)
    failures = [outcome for outcome in log.outcomes if outcome.status == 0 or outcome.status >= 500]
    explained, unexplained = Counter(), []
    for failure in failures:
        fault = next(
            (
                name
                for start, end, name in log.faults
                if start - 0.5 <= failure.at <= end + FAULT_GRACE_SECONDS
            ),
            None,
        )
        if fault and ("worker" in fault or "PostgreSQL" in fault):
            explained[fault] += 1
        else:
            unexplained.append(failure)
    kinds = Counter(outcome.kind for outcome in log.outcomes)
    figures = {
        "database": options.database,
        "seconds": options.seconds,
        "readers": options.readers,
        "editors": options.editors,
        "requests": len(log.outcomes),
        "requests_by_kind": dict(kinds),
        "statuses": {str(status): count for status, count in sorted(statuses.items())},
        "failed_during_faults": dict(explained),
        "failed_otherwise": len(unexplained),
        "acknowledged_edits": len(log.acknowledged),
        "edit_conflicts_refused": log.conflicts,
        "other_saves_refused_with_a_form_error": log.refused,
        "acknowledged_missing_from_page": len(verification["missing_now"]),
        "acknowledged_missing_from_history": len(verification["missing_history"]),
        "saves_from_the_same_version": len(verification["overwritten"]),
        "stale_reads_after_an_edit": len(log.stale),
        "fault_windows_seconds": {name: [round(start, 1), round(end, 1)] for start, end, name in log.faults},
        "recovery_seconds": report["recoveries"],
        "workers_after": report["workers_after"],
        "master_never_restarted": report["gunicorn_pid_alive"],
        "database_sound": verification["soundness"],
    }
    print(json.dumps(figures, indent=2))
    for failure in unexplained[:20]:
        print(f"  unexplained: {failure.at:7.2f}s {failure.kind} {failure.status} {failure.path}")
    for at, url, marker in log.stale[:20]:
        print(f"  stale: {at:7.2f}s {url} lacked {marker}")
    for name in ("missing_now", "missing_history", "overwritten"):
        if verification[name]:
            print(f"  {name}: {verification[name][:10]}")
    ok = (
        not unexplained
        and not log.stale
        and not verification["missing_now"]
        and not verification["missing_history"]
        and not verification["overwritten"]
        and verification["soundness"] == "ok"
        and log.acknowledged
        and report["gunicorn_pid_alive"]
    )
    print("soak: PASS" if ok else "soak: FAIL")
    if getattr(options, "json", None):
        Path(options.json).write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
