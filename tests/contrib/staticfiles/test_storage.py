"""Storages: URLs of plain and content-hashed names, the manifest, the configured storage."""

import json

import pytest

from microdj.contrib.staticfiles.storage import (
    ManifestStaticFilesStorage,
    StaticFilesStorage,
    hashed_name,
    staticfiles_storage,
)
from microdj.core.exceptions import ImproperlyConfigured
from microdj.templatetags.static import static
from microdj.test import override_settings
from tests.contrib.staticfiles.conftest import MANIFEST


def test_plain_urls(tree):
    storage = StaticFilesStorage()
    assert storage.url("css/site.css") == "/static/css/site.css"
    assert storage.url("a b.css?v=1#top") == "/static/a%20b.css?v=1#top"
    assert storage.url("/lead.css") == "/static/lead.css"
    assert StaticFilesStorage(base_url="/s").url("x") == "/s/x"
    assert storage.path("css/site.css") == str(tree["root"] / "css" / "site.css")
    with pytest.raises(ValueError):
        storage.path("../x")
    assert storage.manifest_paths() == {}
    assert static("js/app.js") == "/static/js/app.js"


def test_missing_settings_are_named(tree):
    with override_settings(STATIC_ROOT=None), pytest.raises(ImproperlyConfigured, match="STATIC_ROOT"):
        StaticFilesStorage().location  # noqa: B018
    with override_settings(STATIC_URL=None), pytest.raises(ImproperlyConfigured, match="STATIC_URL"):
        StaticFilesStorage().url("x")


def test_hashed_name():
    assert hashed_name("css/a.css", b"x") == "css/a.9dd4e461268c.css"
    assert hashed_name("LICENSE", b"x") == "LICENSE.9dd4e461268c"


def test_manifest_storage(tree):
    root = tree["root"]
    root.mkdir()
    storage = ManifestStaticFilesStorage()
    assert storage.manifest_paths() == {}
    with pytest.raises(ValueError, match="Missing staticfiles manifest entry for 'a.css'"):
        storage.url("a.css")
    storage.save_manifest({"a.css": "a.0123456789ab.css"})
    assert json.loads((root / "staticfiles.json").read_text())["paths"] == {"a.css": "a.0123456789ab.css"}
    fresh = ManifestStaticFilesStorage()
    assert fresh.url("a.css") == "/static/a.0123456789ab.css"
    with override_settings(DEBUG=True):
        assert fresh.url("a.css") == "/static/a.css"
    lenient = ManifestStaticFilesStorage()
    lenient.manifest_strict = False
    assert lenient.url("b.css") == "/static/b.css"
    (root / "staticfiles.json").write_text("{not json")
    with pytest.raises(ValueError, match="Couldn't load manifest"):
        ManifestStaticFilesStorage().manifest_paths()


def test_configured_storage_follows_settings(tree):
    assert isinstance(staticfiles_storage._setup(), StaticFilesStorage)
    with override_settings(STORAGES=MANIFEST):
        assert isinstance(staticfiles_storage._setup(), ManifestStaticFilesStorage)
    with (
        override_settings(STORAGES={"staticfiles": {"BACKEND": "no.such.Storage"}}),
        pytest.raises(ImproperlyConfigured, match="no.such.Storage"),
    ):
        staticfiles_storage.url("x")
    with override_settings(STORAGES={"staticfiles": {"OPTIONS": {"base_url": "/cdn/"}}}):
        assert staticfiles_storage.url("x") == "/cdn/x"
