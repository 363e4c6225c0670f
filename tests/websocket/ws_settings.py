"""Settings of the WebSocket test application under real servers (``tests.websocket.ws_asgi``)."""

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "tests.websocket.ws_app"
SECRET_KEY = "websocket-tests-only"
MIDDLEWARE = ["microdj.contrib.sessions.middleware.SessionMiddleware"]
WEBSOCKET_MAX_MESSAGE_SIZE = 64 * 1024
