"""View tests share the template tests' engine and pages URLconf."""

from tests.template.conftest import client, pages  # noqa: F401 - fixtures, used by name
