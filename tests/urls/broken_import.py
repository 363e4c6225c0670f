"""A module whose own import fails (for get_callable() tests)."""

import no_such_dependency  # noqa: F401
