"""clean_name and inside: which static file names may be served."""

import os

import pytest

from microdj.contrib.staticfiles.utils import clean_name, inside


@pytest.mark.parametrize(
    "name",
    ["", "../x", "a/../b", "a/./b", "a//b", "/etc/passwd", "a\\..\\b", "a\x00b", ".", "..", "a/", "a/.."],
)
def test_refused(name):
    assert clean_name(name) is None


@pytest.mark.parametrize("name", ["a.css", "css/a.b.css", "%2e%2e/x", "...", "a/.hidden"])
def test_kept(name):
    assert clean_name(name) == name


def test_inside_resolves_symlinks(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    (root / "f").write_text("x")
    os.symlink(tmp_path, root / "up")
    assert inside(str(root), str(root / "f"))
    assert not inside(str(root), str(root / "up" / "other"))
    assert not inside(str(root), str(root))
