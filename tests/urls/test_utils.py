"""get_callable() and get_mod_func()."""

import pytest

from microdj.core.exceptions import ViewDoesNotExist
from microdj.urls import get_callable, get_mod_func
from tests.urls import views


def test_get_mod_func():
    assert get_mod_func("a.b.view") == ("a.b", "view")
    assert get_mod_func("view") == ("view", "")


def test_get_callable_imports_dotted_paths():
    assert get_callable(views.index) is views.index
    assert get_callable("tests.urls.views.index") is views.index


@pytest.mark.parametrize(
    ("lookup", "error", "message"),
    [
        (42, ViewDoesNotExist, "'42' is not a callable or a dot-notation path"),
        ("index", ImportError, "The path must be fully qualified"),
        ("tests.urls.views.missing", ViewDoesNotExist, "View does not exist in module tests.urls.views"),
        ("tests.urls.views.class_view_name", ViewDoesNotExist, "View does not exist"),
        (
            "tests.urls.nosuchmodule.view",
            ViewDoesNotExist,
            "Parent module tests.urls.nosuchmodule does not exist",
        ),
        (
            "tests.urls.views.index.attr",
            ViewDoesNotExist,
            "Parent module tests.urls.views.index does not exist",
        ),
        ("nosuchpackage.module.view", ImportError, "No module named 'nosuchpackage'"),
        ("tests.urls.broken_import.view", ImportError, "No module named 'no_such_dependency'"),
    ],
)
def test_get_callable_errors(lookup, error, message):
    with pytest.raises(error, match=message):
        get_callable(lookup)


def test_get_callable_refuses_non_callables():
    with pytest.raises(
        ViewDoesNotExist, match="Could not import 'tests.urls.views.__doc__'. View is not callable."
    ):
        get_callable("tests.urls.views.__doc__")
