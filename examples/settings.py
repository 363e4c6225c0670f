"""Settings of the example application (named by MICRODJ_SETTINGS_MODULE)."""

DEBUG = True
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
ROOT_URLCONF = "examples.urls"
SECRET_KEY = "example-only-not-secret"  # noqa: S105 - an example; a real site reads it from its environment
