"""check: the report, --deploy, --tag, --list-tags, --fail-level, exit codes."""

import io
import subprocess

import pytest

from microdj.core.management import call_command
from microdj.core.management.base import CommandError, SystemCheckError
from tests.core.management.conftest import PYTHON, project_env


def check(**options):
    out, err = io.StringIO(), io.StringIO()
    call_command("check", stdout=out, stderr=err, no_color=True, **options)
    return out.getvalue(), err.getvalue()


def test_no_issues():
    assert check() == ("System check identified no issues (0 silenced).\n", "")


def test_deploy_adds_the_deployment_checks(override):
    override(DEBUG=True, SILENCED_SYSTEM_CHECKS=["security.W001"])
    out, err = check(deploy=True)
    assert out == ""
    assert "?: (security.W018) DEBUG must not be True in deployment." in err
    assert "security.W001" not in err
    assert err.rstrip().endswith("silenced).") and "(1 silenced)" in err


def test_fail_level(override):
    override(DEBUG=True)
    with pytest.raises(SystemCheckError, match="security.W018"):
        check(deploy=True, fail_level="WARNING")


def test_tags(override):
    override(SYNC_WORKER_THREADS=0)
    with pytest.raises(SystemCheckError, match="settings.E001"):
        check()
    assert check(tags=["urls"]) == ("System check identified no issues (0 silenced).\n", "")
    with pytest.raises(CommandError, match="There is no system check with the 'nosuch' tag."):
        check(tags=["nosuch"])
    with pytest.raises(CommandError, match="'async_support' tag"):
        check(tags=["async_support"])
    assert "async.E001" not in check(tags=["async_support"], deploy=True)[1]


def test_list_tags():
    assert check(list_tags=True)[0].split() == [
        "caches",
        "middleware",
        "security",
        "settings",
        "staticfiles",
        "urls",
    ]
    assert "async_support" in check(list_tags=True, deploy=True)[0].split()


def test_exit_codes_from_the_command_line(new_project):
    def run(*args):
        return subprocess.run(
            [PYTHON, "manage.py", "check", *args],
            cwd=new_project,
            env=project_env(),
            capture_output=True,
            text=True,
            timeout=60,
        )

    assert run().returncode == 0
    warned = run("--deploy")
    assert warned.returncode == 0 and "security.W009" in warned.stderr
    failed = run("--deploy", "--fail-level", "WARNING")
    assert failed.returncode == 1
    assert failed.stderr.startswith("SystemCheckError: System check identified some issues:\n\nWARNINGS:\n")
    assert failed.stderr.rstrip().endswith("System check identified 7 issues (0 silenced).")
    assert "Traceback" not in failed.stderr
