"""The example ASGI application: ``uvicorn examples.app:application``."""

import os

from microdj.asgi import get_asgi_application

os.environ.setdefault("MICRODJ_SETTINGS_MODULE", "examples.settings")

application = get_asgi_application()
