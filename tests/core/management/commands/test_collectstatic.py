"""collectstatic: copies STATICFILES_DIRS into STATIC_ROOT, asks first unless --noinput."""

import builtins
import io

import pytest

from microdj.core.exceptions import ImproperlyConfigured
from microdj.core.management import call_command
from microdj.core.management.base import CommandError


@pytest.fixture
def static(tmp_path, override):
    source = tmp_path / "static"
    (source / "css").mkdir(parents=True)
    (source / "css" / "app.css").write_text("body { color: teal }\n" * 20)
    (source / "logo.txt").write_text("logo")
    root = tmp_path / "collected"
    override(STATICFILES_DIRS=[str(source)], STATIC_ROOT=str(root))
    return root


def test_collects_without_asking(static):
    out = io.StringIO()
    call_command("collectstatic", interactive=False, stdout=out)
    assert (static / "css" / "app.css").read_text().startswith("body")
    assert (static / "logo.txt").exists()
    assert out.getvalue().startswith(f"2 static files copied to '{static}'")
    again = io.StringIO()
    call_command("collectstatic", "--noinput", stdout=again)
    assert "2 unmodified" in again.getvalue()


def test_dry_run_and_verbosity(static):
    out = io.StringIO()
    call_command("collectstatic", dry_run=True, verbosity=2, stdout=out)
    assert "Pretending to copy 'css/app.css'" in out.getvalue() and "would be copied" in out.getvalue()
    assert not static.exists()
    call_command("collectstatic", interactive=False, verbosity=0, compress=False, stdout=out)
    assert (static / "logo.txt").exists() and not (static / "css" / "app.css.gz").exists()


def test_asks_first(static, monkeypatch):
    answers = iter(["no", "yes"])
    prompts = []
    monkeypatch.setattr(builtins, "input", lambda prompt: prompts.append(prompt) or next(answers))
    with pytest.raises(CommandError, match="Collecting static files cancelled."):
        call_command("collectstatic", stdout=io.StringIO())
    assert not static.exists()
    call_command("collectstatic", clear=True, stdout=io.StringIO())
    assert (static / "logo.txt").exists()
    expected = f"This will delete everything in it and copy the static files into {static}. "
    assert prompts[1] == expected + "Type 'yes' to continue: "


def test_needs_static_root(override):
    override(STATIC_ROOT=None)
    with pytest.raises(ImproperlyConfigured, match="STATIC_ROOT"):
        call_command("collectstatic", interactive=False)
