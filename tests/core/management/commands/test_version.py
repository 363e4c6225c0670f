"""version: microdj's version."""

import io

import microdj
from microdj.core.management import call_command


def test_prints_the_version():
    out = io.StringIO()
    assert call_command("version", stdout=out) == microdj.__version__
    assert out.getvalue() == f"{microdj.__version__}\n"
