"""startproject: the files, name and directory validation, and the project served by a real uvicorn."""

import io
import os
import subprocess

import pytest

from microdj.core.checks.security.base import SECRET_KEY_INSECURE_PREFIX
from microdj.core.management import call_command
from microdj.core.management.base import CommandError
from tests.core.management.conftest import PYTHON, free_port, get, start, stop, wait_for

FILES = [
    "manage.py",
    "mysite/__init__.py",
    "mysite/asgi.py",
    "mysite/settings.py",
    "mysite/urls.py",
    "mysite/views.py",
]


def test_writes_a_project_shaped_like_djangos(new_project):
    assert sorted(str(p.relative_to(new_project)) for p in new_project.rglob("*") if p.is_file()) == FILES
    assert os.access(new_project / "manage.py", os.X_OK)
    manage = (new_project / "manage.py").read_text()
    assert 'os.environ.setdefault("MICRODJ_SETTINGS_MODULE", "mysite.settings")' in manage
    assert "execute_from_command_line(sys.argv)" in manage
    asgi = (new_project / "mysite" / "asgi.py").read_text()
    assert "from microdj.core.asgi import get_asgi_application" in asgi
    assert asgi.index("os.environ.setdefault(") < asgi.index("application = get_asgi_application()")
    assert "# application = SomeASGIMiddleware(application)" in asgi
    settings = (new_project / "mysite" / "settings.py").read_text()
    for line in (
        "DEBUG = True",
        'ROOT_URLCONF = "mysite.urls"',
        'ASGI_APPLICATION = "mysite.asgi.application"',
    ):
        assert line in settings
    for middleware in ("security.SecurityMiddleware", "sessions.middleware.SessionMiddleware", "csrf.Csrf"):
        assert middleware in settings
    assert "{{" not in settings + asgi + manage


def test_each_project_gets_a_fresh_development_key(tmp_path):
    keys = []
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        call_command("startproject", name, str(tmp_path / name), stdout=io.StringIO())
        text = (tmp_path / name / name / "settings.py").read_text()
        keys.append(text.split('SECRET_KEY = "', 1)[1].split('"', 1)[0])
    assert keys[0] != keys[1]
    assert all(k.startswith(SECRET_KEY_INSECURE_PREFIX) and len(k) > 60 for k in keys)


def test_without_directory_creates_one_named_after_the_project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    call_command("startproject", "blog", stdout=out)
    assert (tmp_path / "blog" / "manage.py").exists() and (tmp_path / "blog" / "blog" / "urls.py").exists()
    assert "python manage.py runserver" in out.getvalue()
    with pytest.raises(CommandError, match="already exists"):
        call_command("startproject", "blog")
    call_command("startproject", "quiet", verbosity=0, stdout=out)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("1site", "'1site' is not a valid project name"),
        ("my-site", "'my-site' is not a valid project name"),
        ("class", "'class' is not a valid project name"),
        ("os", "'os' conflicts with the name of an existing Python module"),
        ("microdj", "'microdj' conflicts"),
    ],
)
def test_name_validation(tmp_path, name, message):
    with pytest.raises(CommandError, match=message):
        call_command("startproject", name, str(tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_directory_must_exist_and_not_hold_the_files(tmp_path):
    with pytest.raises(CommandError, match="does not exist; create it first"):
        call_command("startproject", "mysite", str(tmp_path / "missing"))
    (tmp_path / "manage.py").write_text("# mine\n")
    with pytest.raises(CommandError, match="manage.py' already exists; startproject does not overwrite"):
        call_command("startproject", "mysite", str(tmp_path))
    assert (tmp_path / "manage.py").read_text() == "# mine\n"
    assert not (tmp_path / "mysite").exists()


def test_missing_name_is_a_usage_error(tmp_path):
    done = subprocess.run(
        [PYTHON, "-m", "microdj", "startproject"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert (
        done.stderr
        == "Error: You must provide a project name. (see 'python -m microdj startproject --help').\n"
    )


def test_the_new_project_passes_its_checks(new_project):
    done = subprocess.run(
        [PYTHON, "manage.py", "check"], cwd=new_project, capture_output=True, text=True, timeout=60
    )
    assert (done.returncode, done.stdout) == (0, "System check identified no issues (0 silenced).\n")


def test_the_new_project_under_uvicorn_answers_200(new_project, tmp_path_factory):
    port = free_port()
    log = tmp_path_factory.mktemp("uvicorn") / "server.log"
    process = start(
        [PYTHON, "-m", "uvicorn", "mysite.asgi:application", "--host", "127.0.0.1", "--port", str(port)],
        new_project,
        log,
    )
    try:
        response = wait_for(lambda: get(f"http://127.0.0.1:{port}/"), process, log)
        assert response.status_code == 200
        assert "The install worked." in response.text
        assert response.headers["x-content-type-options"] == "nosniff"
        assert get(f"http://127.0.0.1:{port}/nowhere/").status_code == 404
    finally:
        stop(process)
