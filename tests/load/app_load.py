"""The ASGI application of the load tests: ``uvicorn tests.load.app_load:application``."""

import os

os.environ.setdefault("MICRODJ_SETTINGS_MODULE", "tests.load.settings_load")

from microdj.asgi import get_asgi_application

application = get_asgi_application()
