"""The browser tests' ASGI application: static files in front of microdj (as ``runserver`` with DEBUG)."""

import os

os.environ.setdefault("MICRODJ_SETTINGS_MODULE", "tests.views.pages_settings")

from microdj.asgi import get_asgi_application
from microdj.contrib.staticfiles.handlers import ASGIStaticFilesHandler

application = ASGIStaticFilesHandler(get_asgi_application())
