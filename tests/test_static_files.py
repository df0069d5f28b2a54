"""Static files as production serves them: collected with hashed names and gzip copies, served by
WhiteNoise with far-future caching. Every page renders with that storage, so a template naming a
missing static file fails here rather than in production."""

import re

import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import reverse

from fanwiki.models import Article
from tests.factories import make_editor
from tests.test_guards import kwargs_for, named_public_urls

pytestmark = pytest.mark.slow

HASHED_STATIC_URL = re.compile(r'(?:href|src)="(/static/[^"]+\.[0-9a-f]{12}\.[a-z0-9]+)"')
FOREVER = "max-age=315360000, public, immutable"


@pytest.fixture
def manifest_storage(settings, collected_static):
    settings.STATIC_ROOT = collected_static
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }


@pytest.fixture
def seed(module_seed):
    """Every test here reads the seed: load it once for the module."""


def pages_to_render():
    urls = [reverse(name, kwargs=kwargs) for name in named_public_urls() for kwargs in kwargs_for(name)]
    return [*urls, "/dramas/no-such-drama/", "/admin/login/"]


def static_urls_of(client, urls):
    """The static files the pages name; each page renders and names only hashed files."""
    found = set()
    for url in urls:
        response = client.get(url)
        assert response.status_code in {200, 404}, url
        html = response.content.decode()
        assert "/static/" not in HASHED_STATIC_URL.sub("", html), f"{url} names an unhashed static file"
        found.update(HASHED_STATIC_URL.findall(html))
    return found


def test_every_page_renders_with_hashed_static_files_that_exist(manifest_storage, seed):
    client = Client()
    static_urls = static_urls_of(client, pages_to_render())
    client.force_login(make_editor())
    article = Article.objects.get(slug="kim-soo-hyun-sings-queen-of-tears-ost")
    static_urls |= static_urls_of(client, ["/admin/", f"/admin/fanwiki/article/{article.pk}/change/"])
    assert any(url.startswith("/static/css/site.") for url in static_urls)
    assert any(url.startswith("/static/css/admin-wiki.") for url in static_urls)
    assert any(url.startswith("/static/admin/js/") for url in static_urls)
    for url in static_urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == FOREVER, url
        assert response["Cross-Origin-Resource-Policy"] == "same-origin", url


def test_a_template_naming_a_missing_static_file_fails_to_render(manifest_storage):
    template = Template("{% load static %}{% static 'css/no-such-file.css' %}")
    with pytest.raises(ValueError, match="Missing staticfiles manifest entry for 'css/no-such-file.css'"):
        template.render(Context())


def test_stylesheets_are_sent_compressed_to_browsers_that_accept_it(manifest_storage, db):
    client = Client()
    (stylesheet,) = re.findall(r'href="(/static/css/site\.[^"]+)"', client.get("/").content.decode())
    response = client.get(stylesheet, headers={"accept-encoding": "gzip, deflate"})
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert response["Cache-Control"] == FOREVER
