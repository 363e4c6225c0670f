"""The shared-state test application for real servers: ``uvicorn tests.support.scaling_asgi:application``."""

import os

os.environ.setdefault("MICRODJ_SETTINGS_MODULE", "tests.support.scaling_settings")

from microdj.asgi import get_asgi_application

application = get_asgi_application()
