"""import_string: one implementation, used by the handler, sessions, signing and the CSRF middleware."""

import pytest

from microdj.contrib.sessions.backends import base as sessions_base
from microdj.core.handlers import base as handlers_base
from microdj.core.signing import JSONSerializer
from microdj.utils.module_loading import import_string


def test_returns_the_named_object():
    assert import_string("microdj.core.signing.JSONSerializer") is JSONSerializer


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("nodots", "doesn't look like a module path"),
        ("microdj.core.signing.Nope", "does not define a 'Nope'"),
    ],
)
def test_errors_say_what_is_wrong(path, message):
    with pytest.raises(ImportError, match=message):
        import_string(path)


def test_users_share_it():
    assert handlers_base.import_string is import_string
    assert sessions_base.import_string.__wrapped__ is import_string
