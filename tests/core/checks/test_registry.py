"""The registry: registering (decorator or call, tags, deploy), running, tags."""

import pytest

from microdj.core.checks import Error, Tags, Warning, register, registry, run_checks, tag_exists
from microdj.core.checks.registry import CheckRegistry


def test_register_as_decorator_with_tags_and_run():
    reg = CheckRegistry()

    @reg.register("mytag", "other")
    def my_check(**kwargs):
        return [Warning("w", id="my.W001")]

    @reg.register(deploy=True)
    def deploy_check(**kwargs):
        return [Error("e", id="my.E001")]

    assert my_check.tags == ("mytag", "other")
    assert reg.run_checks() == [Warning("w", id="my.W001")]
    assert reg.run_checks(include_deployment_checks=True) == [
        Warning("w", id="my.W001"),
        Error("e", id="my.E001"),
    ]
    assert reg.run_checks(tags=["other"]) == [Warning("w", id="my.W001")]
    assert reg.run_checks(tags=["nothing"]) == []
    assert reg.tag_exists("mytag") and not reg.tag_exists("nothing")
    assert reg.tags_available() == {"mytag", "other"}


def test_register_as_plain_call_and_only_once():
    reg = CheckRegistry()

    def check(**kwargs):
        return []

    assert reg.register(check, "t") is check
    reg.register(check, "t")
    assert reg.get_checks() == [check]


def test_a_check_must_take_kwargs():
    with pytest.raises(TypeError, match="keyword arguments"):
        CheckRegistry().register(lambda: [])
    with pytest.raises(TypeError, match="keyword arguments"):
        CheckRegistry().register(type)  # no signature


def test_a_check_must_return_a_list():
    reg = CheckRegistry()
    reg.register(lambda **kwargs: None)
    with pytest.raises(TypeError, match="did not return a list"):
        reg.run_checks()


def test_check_receives_djangos_keyword_arguments():
    reg = CheckRegistry()
    seen = []
    reg.register(lambda **kwargs: seen.append(kwargs) or [])
    reg.run_checks()
    assert seen == [{"app_configs": None, "databases": None}]


def test_the_default_registry_holds_the_builtin_checks():
    assert register == registry.register and run_checks == registry.run_checks
    for tag in (Tags.urls, Tags.settings, Tags.middleware, Tags.security):
        assert tag_exists(tag)
    assert not tag_exists(Tags.async_support)
    assert tag_exists(Tags.async_support, include_deployment_checks=True)
