"""The application the guard's uvicorn test serves: ``uvicorn tests.core.guard_app:application``.

Its settings are tests.core.guard_settings (DEBUG on: the blocking-call guard raises). It also starts the
local HTTP server the urllib/http.client views talk to, and puts the file views' files in GUARD_WORKDIR.
"""

import os

os.environ.setdefault("MICRODJ_SETTINGS_MODULE", "tests.core.guard_settings")

from microdj.asgi import get_asgi_application  # noqa: E402 - after the settings module is named
from tests.core import guard_families  # noqa: E402

guard_families.WORKDIR["path"] = os.environ.get("GUARD_WORKDIR", guard_families.WORKDIR["path"])
guard_families.start_http_server()

application = get_asgi_application()
