"""FileSystemFinder over STATICFILES_DIRS: prefixes, first match wins, ignored and unsafe names."""

import pytest

from microdj.contrib.staticfiles import finders
from microdj.core.exceptions import ImproperlyConfigured
from microdj.test import override_settings


def test_find_and_list(tree):
    source = tree["source"]
    assert finders.find("css/site.css") == str(source / "css" / "site.css")
    assert finders.find("../secret.txt") is None
    assert finders.find("link.txt") is None  # a symlink pointing out of the folder
    assert finders.find("css") is None
    assert finders.find("nope.css") is None
    names = [name for name, _ in finders.get_finder().list()]
    assert names == ["data.bin", "css/extra.css", "css/site.css", "img/dot.png", "js/app.js"]


def test_prefixes_and_first_wins(tree, tmp_path):
    other = tmp_path / "other"
    (other / "css").mkdir(parents=True)
    (other / "css" / "site.css").write_text("second")
    (other / "only.txt").write_text("only")
    finder = finders.FileSystemFinder([str(tree["source"]), str(other), ("vendor", str(other))])
    assert finder.find("css/site.css") == str(tree["source"] / "css" / "site.css")
    assert finder.find("only.txt") == str(other / "only.txt")
    assert finder.find("vendor/only.txt") == str(other / "only.txt")
    assert finder.find("vendorx/only.txt") is None
    listed = dict(finder.list())
    assert listed["css/site.css"] == str(tree["source"] / "css" / "site.css")
    assert listed["vendor/css/site.css"] == str(other / "css" / "site.css")
    prefixed = finders.FileSystemFinder([("vendor", str(other))])
    assert prefixed.find("only.txt") is None


def test_static_root_in_dirs_is_refused(tree):
    with (
        override_settings(STATICFILES_DIRS=[str(tree["root"])]),
        pytest.raises(ImproperlyConfigured, match="should not contain the STATIC_ROOT"),
    ):
        finders.get_finder()
