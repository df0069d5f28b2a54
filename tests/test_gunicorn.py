"""The site as `make serve` runs it: gunicorn with two workers, debug off, Redis as the shared cache.

An editor logs in through the admin and edits a page; both workers then serve the new text, before
and after a graceful reload (HUP). Runs against its own SQLite file, or its own PostgreSQL database
when the suite runs on PostgreSQL.
"""

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from http.cookiejar import CookieJar
from types import SimpleNamespace
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, Request, build_opener

import psycopg
import pytest
import redis

from tests.admin_forms import admin_form_data
from tests.production import (
    REDIS_TEST_URL,
    ROOT,
    free_port,
    loopback_environment,
    manage,
    postgresql_url,
    suite_uses_postgresql,
)

pytestmark = pytest.mark.slow

ARTICLE = "kim-soo-hyun-sings-queen-of-tears-ost"
EDITOR, PASSWORD = "minji", "a-long-test-password-1"
START_TIMEOUT = 60
WORKERS = 2


@pytest.fixture(scope="module")
def database_url(tmp_path_factory):
    """A database of the module's own, shared with the server processes."""
    if not suite_uses_postgresql():
        yield f"sqlite:///{tmp_path_factory.mktemp('served') / 'served.sqlite3'}"
        return
    name = f"fw_served_{os.getpid()}"
    admin_url = postgresql_url("postgres")
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    yield postgresql_url(name)
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def shared_cache():
    cache = redis.Redis.from_url(REDIS_TEST_URL)
    cache.flushdb()  # our own database number only
    yield REDIS_TEST_URL
    cache.flushdb()


class Server:
    """A gunicorn master started with `make serve`'s configuration, its logs in files."""

    def __init__(self, env, logs):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.stdout, self.stderr = logs / "access.log", logs / "error.log"
        env = {**env, "GUNICORN_BIND": f"127.0.0.1:{self.port}", "WEB_CONCURRENCY": str(WORKERS)}
        with open(self.stdout, "wb") as out, open(self.stderr, "wb") as err:
            self.process = subprocess.Popen(  # noqa: S603 (this interpreter, gunicorn, our config file)
                [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=err,
            )
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()))
        self.wait_until(lambda: self.booted_workers() >= WORKERS and self.answers(), "the server to start")

    def errors(self):
        return self.stderr.read_text()

    def booted_workers(self):
        return self.errors().count("Booting worker with pid")

    def answers(self):
        try:
            return self.get("/robots.txt").status == 200
        except OSError:
            return False

    def wait_until(self, condition, what):
        deadline = time.monotonic() + START_TIMEOUT
        while not condition():
            assert self.process.poll() is None, f"gunicorn exited:\n{self.errors()}"
            assert time.monotonic() < deadline, f"gave up waiting for {what}:\n{self.errors()}"
            time.sleep(0.1)

    def get(self, path, **headers):
        return self.request(Request(self.base + path, headers=headers))  # noqa: S310 (our loopback server)

    def post(self, path, data):
        body = urlencode(data, doseq=True).encode()
        return self.request(Request(self.base + path, data=body, method="POST"))  # noqa: S310

    def request(self, request):
        try:
            response = self.opener.open(request, timeout=30)
        except HTTPError as error:
            response = error
        with response:
            body = response.read()
        return SimpleNamespace(
            status=response.status,
            url=response.url,
            headers=response.headers,
            body=body,
            text=body.decode(errors="replace"),
        )

    def worker_of(self, probe):
        """The pid of the worker that served the request carrying this probe, from the access log."""
        found = []

        def logged():
            found[:] = re.findall(rf"probe={probe}\S* HTTP/1\.1\" .*<(\d+)>$", self.stdout.read_text(), re.M)
            return found

        self.wait_until(logged, "the access log")
        return int(found[0])

    def read_from_every_worker(self, path):
        """{worker pid: page text}, asking until each running worker has answered at least once."""
        answers = {}
        for _ in range(300):
            probe = uuid.uuid4().hex
            response = self.get(f"{path}?probe={probe}")
            assert response.status == 200, response.status
            answers.setdefault(self.worker_of(probe), []).append(response.text)
            if len(answers) == WORKERS:
                return answers
        raise AssertionError(f"only workers {sorted(answers)} answered")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="module")
def server(database_url, shared_cache, collected_static, tmp_path_factory):
    env = loopback_environment(database_url, collected_static, REDIS_URL=shared_cache)
    manage("migrate", "--noinput", "--verbosity", "0", env=env)
    manage("load_seed", env=env)
    manage(
        "create_editor",
        EDITOR,
        "--password-from-env",
        "EDITOR_PASSWORD",
        env={**env, "EDITOR_PASSWORD": PASSWORD},
    )
    running = Server(env, tmp_path_factory.mktemp("logs"))
    yield running
    running.stop()


def csrf_token(page):
    """The first of the page's forms' CSRF tokens (the admin's logout form has one too)."""
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def log_in(server):
    form = server.get("/admin/login/?next=/admin/")
    token = csrf_token(form)
    data = {"csrfmiddlewaretoken": token, "username": EDITOR, "password": PASSWORD, "next": "/admin/"}
    response = server.post("/admin/login/?next=/admin/", data)
    assert response.status == 200 and response.url.endswith("/admin/"), response.url


def edit_article(server, addition):
    page = server.get(f"/articles/{ARTICLE}/")
    (change_path,) = set(re.findall(r'href="(/admin/fanwiki/article/\d+/change/)"', page.text))
    form = server.get(change_path)
    token = csrf_token(form)
    data = admin_form_data(SimpleNamespace(status_code=form.status, content=form.body))
    data.update(body=data["body"] + f"\n\n{addition}", edit_summary="Edited through gunicorn")
    data.update(csrfmiddlewaretoken=token, _save="Save")
    saved = server.post(change_path, data)
    # Saved: back at the article list, not the form again with errors.
    assert saved.status == 200 and saved.url.endswith("/admin/fanwiki/article/"), saved.url


def test_two_workers_serve_an_admin_edit_with_no_stale_answer(server):
    addition = f"Edited through gunicorn {uuid.uuid4().hex}."
    before = server.read_from_every_worker(f"/articles/{ARTICLE}/")
    assert not any(addition in text for texts in before.values() for text in texts)

    log_in(server)
    edit_article(server, addition)

    after = server.read_from_every_worker(f"/articles/{ARTICLE}/")
    assert set(after) == set(before)  # the same two workers, each asked again
    for worker, texts in after.items():
        assert all(addition in text for text in texts), f"worker {worker} served a stale page"

    # A graceful reload replaces both workers; the new ones serve the edit too.
    booted = server.booted_workers()
    server.process.send_signal(signal.SIGHUP)
    server.wait_until(lambda: server.booted_workers() >= booted + WORKERS, "new workers after HUP")
    server.wait_until(lambda: server.errors().count("Worker exiting") >= WORKERS, "the old workers to exit")
    reloaded = server.read_from_every_worker(f"/articles/{ARTICLE}/")
    assert not set(reloaded) & set(before)
    assert all(addition in text for texts in reloaded.values() for text in texts)

    errors = server.errors()
    assert "Traceback" not in errors
    assert "fanwiki.W001" not in errors and "has its own" not in errors  # Redis is the shared cache


def test_gunicorn_sends_the_security_headers_and_far_future_static_files(server):
    page = server.get("/")
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in page.headers  # plain HTTP on loopback: sent over HTTPS only
    (stylesheet,) = re.findall(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page.text)
    css = server.get(stylesheet, **{"Accept-Encoding": "gzip"})
    assert css.status == 200
    assert css.headers["Cache-Control"] == "max-age=315360000, public, immutable"
    assert css.headers["Content-Encoding"] == "gzip"
    # The access log, on stdout, names each request and the worker that served it.
    line = rf'"GET {re.escape(stylesheet)} HTTP/1\.1" 200 .*<\d+>$'
    server.wait_until(lambda: re.search(line, server.stdout.read_text(), re.M), "the stylesheet's log line")
