"""Settings of the application the load and fault tests serve under real servers."""

import os

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "tests.load.urls_load"
SECRET_KEY = "load-tests-only"
# Small, so that the fault tests see a 408 quickly and uploads over 1 KB go through temporary files.
REQUEST_BODY_TIMEOUT = 0.5
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
FILE_UPLOAD_TEMP_DIR = os.environ.get("MICRODJ_LOAD_TMP") or None
