"""async.E001: MICRODJ_ALLOW_ASYNC_UNSAFE in deployment."""

from microdj.core.checks import run_checks
from microdj.core.checks.async_checks import E001, check_async_unsafe


def test_flags_the_variable_in_deployment_only(monkeypatch):
    monkeypatch.delenv("MICRODJ_ALLOW_ASYNC_UNSAFE", raising=False)
    assert check_async_unsafe() == []
    monkeypatch.setenv("MICRODJ_ALLOW_ASYNC_UNSAFE", "1")
    assert check_async_unsafe() == [E001]
    assert E001.id == "async.E001" and "MICRODJ_ALLOW_ASYNC_UNSAFE" in E001.msg
    assert E001 not in run_checks()
    assert E001 in run_checks(include_deployment_checks=True)
