"""override_settings: context manager, sync/async function and class decorator, restoring on exit."""

import asyncio
import unittest

import pytest

from microdj.conf import settings
from microdj.core.exceptions import ImproperlyConfigured
from microdj.test import override_settings


@pytest.fixture
def listener():
    seen = []

    def record(name, value):
        seen.append((name, value))

    settings.add_listener(record)
    yield seen
    settings.remove_listener(record)


def test_context_manager_sets_and_restores(listener):
    before = settings.APPEND_SLASH
    with override_settings(APPEND_SLASH=not before, NEW_THING=1) as value:
        assert value is None
        assert settings.APPEND_SLASH is (not before)
        assert settings.NEW_THING == 1
    assert settings.APPEND_SLASH is before
    assert not hasattr(settings, "NEW_THING")
    assert listener == [
        ("APPEND_SLASH", not before),
        ("NEW_THING", 1),
        ("NEW_THING", None),
        ("APPEND_SLASH", before),
    ]


def test_new_setting_deleted_inside_the_block():
    with override_settings(BRAND_NEW=1):
        del settings.BRAND_NEW
    assert not hasattr(settings, "BRAND_NEW")


def test_restores_after_an_exception():
    with pytest.raises(KeyError), override_settings(DEBUG=True):
        assert settings.DEBUG is True
        raise KeyError("x")
    assert settings.DEBUG is False


def test_nested_use_of_one_instance():
    override = override_settings(SYNC_WORKER_THREADS=3)
    with override:
        with override_settings(SYNC_WORKER_THREADS=5), override:
            assert settings.SYNC_WORKER_THREADS == 3
        assert settings.SYNC_WORKER_THREADS == 3
    assert settings.SYNC_WORKER_THREADS == 40


def test_sync_function_decorator():
    @override_settings(DEBUG=True)
    def view(arg, *, kw):
        """Docstring."""
        return settings.DEBUG, arg, kw

    assert view(1, kw=2) == (True, 1, 2)
    assert view.__doc__ == "Docstring."
    assert settings.DEBUG is False


def test_async_function_decorator_is_active_while_the_coroutine_runs():
    @override_settings(DEBUG=True)
    async def view():
        await asyncio.sleep(0)
        return settings.DEBUG

    coroutine = view()
    assert settings.DEBUG is False  # nothing happens until the coroutine runs
    assert asyncio.run(coroutine) is True
    assert settings.DEBUG is False


def test_invalid_value_leaves_settings_unchanged():
    with pytest.raises(ImproperlyConfigured), override_settings(APPEND_SLASH=False, DEBUG="yes"):
        pass  # pragma: no cover - never entered
    assert settings.APPEND_SLASH is True
    assert settings.DEBUG is False


def test_listener_error_on_restore_still_restores_the_rest():
    def fussy(name, value):
        if name == "DEBUG" and value is False:
            raise RuntimeError("listener failed")

    override = override_settings(APPEND_SLASH=False, DEBUG=True)
    override.enable()
    settings.add_listener(fussy)
    try:
        with pytest.raises(RuntimeError, match="listener failed"):
            override.disable()
    finally:
        settings.remove_listener(fussy)
    assert settings.APPEND_SLASH is True
    assert settings.DEBUG is False


def test_cannot_decorate_other_objects():
    with pytest.raises(TypeError, match="Cannot decorate object of type"):
        override_settings(DEBUG=True)(42)


@override_settings(DEBUG=True)
class TestPytestClass:
    helper_value = "not a test"

    def test_method_sees_the_override(self):
        assert settings.DEBUG is True

    def test_async_method(self):
        assert asyncio.run(self.atest_inner()) is True

    @override_settings(APPEND_SLASH=False)
    async def atest_inner(self):
        return settings.DEBUG and not settings.APPEND_SLASH

    def helper(self):
        return settings.DEBUG


def test_pytest_class_non_test_members_are_untouched():
    assert TestPytestClass.helper_value == "not a test"
    assert TestPytestClass().helper() is False
    assert "__wrapped__" in vars(TestPytestClass.test_method_sees_the_override)
    assert "__wrapped__" not in vars(TestPytestClass.helper)


@override_settings(DEBUG=True)
class UnittestCase(unittest.TestCase):
    def setUp(self):
        self.seen_in_setup = settings.DEBUG

    def test_override(self):
        assert self.seen_in_setup is True
        assert settings.DEBUG is True


def test_unittest_class_override_covers_setup_and_cleans_up():
    result = unittest.TestResult()
    unittest.defaultTestLoader.loadTestsFromTestCase(UnittestCase).run(result)
    assert result.wasSuccessful(), result.failures + result.errors
    assert result.testsRun == 1
    assert settings.DEBUG is False


# ---------------------------------------------------------------------------- Django's small helpers
def test_setup_and_teardown_test_environment():
    from microdj.conf import settings
    from microdj.test.utils import setup_test_environment, teardown_test_environment

    before = list(settings.ALLOWED_HOSTS)
    with override_settings(DEBUG=True):
        setup_test_environment()
        try:
            assert settings.DEBUG is False and [*before, "testserver"] == settings.ALLOWED_HOSTS
            with pytest.raises(RuntimeError, match="already called"):
                setup_test_environment()
        finally:
            teardown_test_environment()
        assert settings.DEBUG is True and before == settings.ALLOWED_HOSTS


def test_captured_streams_and_sys_path():
    import sys

    from microdj.test.utils import captured_stderr, captured_stdin, captured_stdout, extend_sys_path

    with captured_stdout() as out, captured_stderr() as err:
        print("to out")  # noqa: T201 - what is captured
        print("to err", file=sys.stderr)  # noqa: T201
    assert (out.getvalue(), err.getvalue()) == ("to out\n", "to err\n")
    with captured_stdin() as stdin:
        stdin.write("typed\n")
        stdin.seek(0)
        assert input() == "typed"
    with extend_sys_path("/nowhere/a", "/nowhere/b"):
        assert sys.path[-2:] == ["/nowhere/a", "/nowhere/b"]
    assert "/nowhere/a" not in sys.path


def test_ignore_warnings_as_block_decorator_and_class():
    import unittest
    import warnings

    from microdj.test.utils import ignore_warnings

    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        with ignore_warnings(category=DeprecationWarning):
            warnings.warn("hidden", DeprecationWarning, stacklevel=1)
        with ignore_warnings(message="hidden too"):
            warnings.warn("hidden too", UserWarning, stacklevel=1)

        @ignore_warnings(category=UserWarning)
        def noisy():
            warnings.warn("also hidden", UserWarning, stacklevel=1)

        noisy()

        @ignore_warnings(category=UserWarning)
        class Case(unittest.TestCase):
            def test_it(self):
                warnings.warn("in a test", UserWarning, stacklevel=1)

        unittest.TestSuite([Case("test_it")]).run(unittest.TestResult())
        warnings.warn("shown", UserWarning, stacklevel=1)
    assert [str(w.message) for w in seen] == ["shown"]


def test_override_script_prefix_freeze_time_and_the_rest():
    import time

    from microdj.test.utils import (
        TZ_SUPPORT,
        freeze_time,
        garbage_collect,
        override_script_prefix,
        requires_tz_support,
    )
    from microdj.urls.base import get_script_prefix

    with override_script_prefix("/mounted/"):
        assert get_script_prefix() == "/mounted/"
    assert get_script_prefix() == "/"
    with freeze_time(123.0):
        assert time.time() == 123.0
    assert time.time() > 123.0
    garbage_collect()
    assert TZ_SUPPORT is hasattr(time, "tzset") and callable(requires_tz_support)


def test_transaction_test_case_is_a_simple_test_case():
    from microdj.test import SimpleTestCase, TransactionTestCase

    assert issubclass(TransactionTestCase, SimpleTestCase)
