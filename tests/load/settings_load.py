"""Settings of the application the load and fault tests serve under real servers."""

import os

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "tests.load.urls_load"
SECRET_KEY = "load-tests-only"
# Short, so that the trickling-client tests see a 408 within seconds, yet long enough that a busy 2-core
# machine serving 100 concurrent uploads never times out a client that sends its body at once.
REQUEST_BODY_TIMEOUT = 2.0
# Uploads over 1 KB go through temporary files.
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
FILE_UPLOAD_TEMP_DIR = os.environ.get("MICRODJ_LOAD_TMP") or None
