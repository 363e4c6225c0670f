"""The units of Django's test suite in scope, and the test modules each one stands for."""

from __future__ import annotations

from pathlib import Path

# unit -> the test modules it covers (None: every test*.py of the package, as Django's runner discovers).
UNITS: dict[str, list[str] | None] = {
    "requests_tests": None,
    "handlers": None,
    "asgi": None,
    "httpwrappers": None,
    "responses": None,
    "middleware": None,
    "middleware_exceptions": None,
    "conditional_processing": None,
    "csrf_tests": None,
    "file_uploads": None,
    "urlpatterns": None,
    "urlpatterns_reverse": None,
    "signing": None,
    "signed_cookies_tests": None,
    "decorators": None,
    "dispatch": None,
    "generic_views": ["generic_views.test_base"],
    "utils_tests": [
        "utils_tests.test_http",
        "utils_tests.test_datastructures",
        "utils_tests.test_encoding",
        "utils_tests.test_crypto",
    ],
}


def test_modules(tests_dir: Path, unit: str) -> list[str]:
    """The dotted names of the test modules of ``unit`` under Django's ``tests`` folder."""
    listed = UNITS[unit]
    if listed is not None:
        return listed
    return sorted(f"{unit}.{p.stem}" for p in (tests_dir / unit).glob("test*.py"))
