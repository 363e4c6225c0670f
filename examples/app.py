"""The example ASGI application: ``uvicorn examples.app:application``.

Static files are served in front of it: the ``static/`` folder with DEBUG on, the ``collectstatic()`` output
(STATIC_ROOT) with DEBUG off.
"""

import os

from microdj.asgi import get_asgi_application
from microdj.contrib.staticfiles.handlers import ASGIStaticFilesHandler

os.environ.setdefault("MICRODJ_SETTINGS_MODULE", "examples.settings")

application = ASGIStaticFilesHandler(get_asgi_application())
