"""Settings for the uvicorn subprocess of the guard tests: DEBUG on, so the guard defaults to "raise"."""

DEBUG = True
ALLOWED_HOSTS = ["127.0.0.1"]
ROOT_URLCONF = "tests.core.urls_guard"
SECRET_KEY = "guard-tests-not-secret"
