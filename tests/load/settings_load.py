"""Settings of the application the load and fault tests serve under real servers."""

import os

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "tests.load.urls_load"
SECRET_KEY = "load-tests-only"
# Short, so that the trickling-client tests (a byte every 0.1 s, for 10 s) see a 408 within seconds, yet long
# enough that a slow 2-core machine running both the 100 uploading clients and the server never times out a
# client that sends its body at once (2 s did, now and then, on a machine three times slower than usual).
REQUEST_BODY_TIMEOUT = 5.0
# Uploads over 1 KB go through temporary files.
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
FILE_UPLOAD_TEMP_DIR = os.environ.get("MICRODJ_LOAD_TMP") or None
