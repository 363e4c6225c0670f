"""The WebSocket test application for real servers: ``uvicorn tests.websocket.ws_asgi:application``."""

import os

os.environ.setdefault("MICRODJ_SETTINGS_MODULE", "tests.websocket.ws_settings")

from microdj.asgi import get_asgi_application

application = get_asgi_application()
