"""Run one unit of Django's tests against one target, writing one JSON line per test outcome.

``python -m django_suite.worker TARGET UNIT TESTS_DIR OUT`` with TARGET ``django`` or ``microdj``. Run by
``django_suite.run`` in a child process (bounded in time and memory), never by pytest.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import traceback
import unittest
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from django_suite.exclusions import excluded_reason
from django_suite.scope import test_modules


def _flatten(suite: unittest.TestSuite | unittest.TestCase) -> Iterator[unittest.TestCase]:
    if isinstance(suite, unittest.TestCase):
        yield suite
        return
    for item in suite:
        yield from _flatten(item)


class Recorder(unittest.TestResult):
    """Writes ``{"id", "outcome", "detail"}`` lines as tests end; fixture errors name the class or module."""

    def __init__(self, out: TextIO) -> None:
        super().__init__()
        self.out = out
        self.failed_subtests: dict[str, str] = {}

    def emit(self, test_id: str, outcome: str, detail: str = "") -> None:
        self.out.write(json.dumps({"id": test_id, "outcome": outcome, "detail": detail[-3000:]}) + "\n")
        self.out.flush()

    def startTest(self, test: unittest.TestCase) -> None:  # noqa: N802 - unittest's name
        super().startTest(test)
        self.emit(test.id(), "started")

    def addSuccess(self, test: unittest.TestCase) -> None:  # noqa: N802
        if test.id() in self.failed_subtests:
            self.emit(test.id(), "failed", self.failed_subtests.pop(test.id()))
        else:
            self.emit(test.id(), "passed")

    def addFailure(self, test: unittest.TestCase, err: Any) -> None:  # noqa: N802
        self.emit(test.id(), "failed", self._exc_info_to_string(err, test))

    def addError(self, test: Any, err: Any) -> None:  # noqa: N802
        # A setUpClass/setUpModule failure arrives as an _ErrorHolder: its description names the fixture.
        name = test.id() if isinstance(test, unittest.TestCase) else str(test)
        self.emit(name, "error", self._exc_info_to_string(err, test))

    def addSkip(self, test: unittest.TestCase, reason: str) -> None:  # noqa: N802
        self.emit(test.id(), "skipped", reason)

    def addExpectedFailure(self, test: unittest.TestCase, err: Any) -> None:  # noqa: N802
        self.emit(test.id(), "passed", "expected failure")

    def addUnexpectedSuccess(self, test: unittest.TestCase) -> None:  # noqa: N802
        self.emit(test.id(), "failed", "unexpected success")

    def addSubTest(self, test: unittest.TestCase, subtest: Any, err: Any) -> None:  # noqa: N802
        if err is not None:
            detail = f"{subtest.id()}\n{self._exc_info_to_string(err, test)}"
            self.failed_subtests.setdefault(test.id(), detail)


def _setup_target(target: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "django_suite.settings")
    os.environ.setdefault("MICRODJ_SETTINGS_MODULE", "django_suite.settings")
    if target == "microdj":
        from django_suite import shim

        shim.install()
        from django.conf import settings

        # TEMPLATES names Django's template engine, for Django's run; microdj's template language is out of
        # scope, and without TEMPLATES its error views answer with their built-in bodies.
        settings.TEMPLATES = []
        # Django's test runner calls setup_test_environment(); microdj's test tools may offer it too.
        test_utils = importlib.import_module("django.test.utils")
        setup = getattr(test_utils, "setup_test_environment", None)
        if setup is not None:
            setup()
        else:  # what Django's does that matters here: the test client's host is allowed
            settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        return
    import django
    from django.test.utils import setup_databases, setup_test_environment

    django.setup()
    setup_test_environment()
    # Django's TestCase classes need a database even where the tests never query it.
    setup_databases(verbosity=0, interactive=False)


def main(argv: list[str]) -> int:
    target, unit, tests_dir, out_path = argv
    sys.path.insert(0, tests_dir)
    os.chdir(tests_dir)
    with open(out_path, "w", encoding="utf-8") as out:
        recorder = Recorder(out)
        try:
            _setup_target(target)
        except BaseException:
            recorder.emit(f"{unit} (set-up)", "error", traceback.format_exc())
            return 1
        loader = unittest.TestLoader()
        tests: list[unittest.TestCase] = []
        for name in test_modules(Path(tests_dir), unit):
            try:
                module = importlib.import_module(name)
            except BaseException:
                recorder.emit(f"{name} (import)", "error", traceback.format_exc())
                continue
            tests.extend(_flatten(loader.loadTestsFromModule(module)))
        suite = unittest.TestSuite()
        for test in tests:
            reason = excluded_reason(test)
            if reason is not None:
                recorder.emit(test.id(), "excluded", reason)
            else:
                suite.addTest(test)
        suite.run(recorder)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
