"""What every response tells the browser: the Content-Security-Policy (strict for readers, its own for
the admin), Permissions-Policy and Cross-Origin-Resource-Policy; and pages that need no exception."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from fanwiki.models import Article
from tests.factories import make_editor
from tests.html_elements import without_json_ld
from tests.test_guards import kwargs_for, named_public_urls

READER_POLICY = {
    "default-src": {"'none'"},
    "style-src": {"'self'"},
    "img-src": {"'self'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'none'"},
    "base-uri": {"'none'"},
    "connect-src": {"'self'"},
}
ADMIN_POLICY = {**READER_POLICY, "script-src": {"'self'"}}
UNSAFE_SOURCES = {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "data:", "*", "https:", "http:"}


@pytest.fixture
def seed(module_seed):
    """Every test here reads the seed: load it once for the module."""


def policy(response):
    """The Content-Security-Policy header as {directive: set of sources}."""
    header = response.headers.get("Content-Security-Policy")
    assert header, response.request["PATH_INFO"]
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = set(sources)
    return directives


def reader_urls():
    urls = [reverse(name, kwargs=kwargs) for name in named_public_urls() for kwargs in kwargs_for(name)]
    return [*urls, "/dramas/no-such-drama/", "/feeds/articles/", "/sitemap.xml", "/robots.txt"]


def test_every_reader_page_gets_the_strict_policy_and_needs_nothing_inline(client, seed):
    for url in reader_urls():
        response = client.get(url)
        assert policy(response) == READER_POLICY, url
        if response["Content-Type"].startswith("text/html"):
            html = response.content.decode()
            # Nothing the policy would block: no script but JSON-LD (a data block, which browsers
            # neither run nor check against script-src), no inline style, no event handler.
            assert "<script" not in without_json_ld(html) and "<style" not in html, url
            assert not re.search(r"\sstyle=|\son[a-z]+=", html), url


def test_the_admin_gets_its_own_policy_without_inline_code_or_eval(client, seed):
    editor = make_editor()
    responses = [client.get("/admin/login/")]
    client.force_login(editor)
    article = Article.objects.get(slug="kim-soo-hyun-sings-queen-of-tears-ost")
    for url in ("/admin/", "/admin/fanwiki/article/", f"/admin/fanwiki/article/{article.pk}/change/"):
        responses.append(client.get(url))
    for response in responses:
        assert response.status_code == 200, response.request["PATH_INFO"]
        directives = policy(response)
        assert directives == ADMIN_POLICY, response.request["PATH_INFO"]
        assert not set().union(*directives.values()) & UNSAFE_SOURCES


def test_the_wiki_change_form_styles_come_from_a_stylesheet(client, seed):
    client.force_login(make_editor())
    article = Article.objects.get(slug="kim-soo-hyun-sings-queen-of-tears-ost")
    html = client.get(f"/admin/fanwiki/article/{article.pk}/change/").content.decode()
    assert 'href="/static/css/admin-wiki.css"' in html
    assert not re.search(r"\sstyle=", html)


def test_no_template_holds_inline_style_or_script():
    templates = list((settings.BASE_DIR / "templates").rglob("*.html"))
    assert templates
    for path in templates:
        text = path.read_text()
        assert not re.search(r"\sstyle=|<style|<script|\son[a-z]+=", text), path


@pytest.mark.parametrize("url", ["/", "/admin/login/", "/no-such-page/"])
def test_permissions_and_resource_policies_are_sent(client, db, url):
    response = client.get(url)
    permissions = dict(item.strip().split("=") for item in response["Permissions-Policy"].split(","))
    assert {"camera", "microphone", "geolocation", "payment", "usb"} <= set(permissions)
    assert set(permissions.values()) == {"()"}  # every listed feature off, for every origin
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
