"""routes: every endpoint with its name, view, mode and declared methods; as a table and as JSON."""

import io
import json

import pytest

from microdj.core.management import call_command
from microdj.core.management.base import CommandError

URLCONF = "tests.core.management.commands.urls_routes"
MODULE = URLCONF


def routes(override, *args):
    override(ROOT_URLCONF=URLCONF)
    out = io.StringIO()
    call_command("routes", *args, stdout=out)
    return out.getvalue()


def test_json(override):
    assert json.loads(routes(override, "--json")) == [
        {"route": "/", "name": "index", "view": f"{MODULE}.index", "async": False, "methods": None},
        {"route": "/feed/", "name": "feed", "view": f"{MODULE}.feed", "async": True, "methods": None},
        {
            "route": "/form/",
            "name": "form",
            "view": f"{MODULE}.form",
            "async": False,
            "methods": ["GET", "POST"],
        },
        {"route": "/ping/", "name": None, "view": f"{MODULE}.ping", "async": True, "methods": ["GET"]},
        {
            "route": "/^old/(?P<year>[0-9]{4})/$",
            "name": "old",
            "view": f"{MODULE}.index",
            "async": False,
            "methods": None,
        },
        {
            "route": "/shop/items/",
            "name": "store:items",
            "view": f"{MODULE}.Items",
            "async": False,
            "methods": ["GET", "POST", "HEAD", "OPTIONS"],
        },
        {
            "route": "/shop/items/<int:pk>/",
            "name": None,
            "view": f"{MODULE}.AsyncItem",
            "async": True,
            "methods": ["GET", "HEAD", "OPTIONS"],
        },
        {
            "route": "/hello/",
            "name": "hello",
            "view": f"{MODULE}.partial_view",
            "async": False,
            "methods": None,
        },
    ]


def test_table(override):
    lines = routes(override).splitlines()
    assert lines[0].split() == ["ROUTE", "NAME", "VIEW", "MODE", "METHODS"]
    assert lines[1].split() == ["/", "index", f"{MODULE}.index", "sync", "any"]
    assert lines[3].split() == ["/form/", "form", f"{MODULE}.form", "sync", "GET,POST"]
    assert lines[4].split() == ["/ping/", "-", f"{MODULE}.ping", "async", "GET"]
    starts = {line.index(line.split()[2]) for line in lines}
    assert len(starts) == 1  # aligned columns


def test_needs_a_urlconf(override):
    override(ROOT_URLCONF=None)
    with pytest.raises(CommandError, match="ROOT_URLCONF setting is not set"):
        call_command("routes")
