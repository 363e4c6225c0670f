"""Settings of the example application (named by MICRODJ_SETTINGS_MODULE)."""

import os

DEBUG = True
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
ROOT_URLCONF = "examples.urls"
SECRET_KEY = "example-only-not-secret"  # noqa: S105 - an example; a real site reads it from its environment

HERE = os.path.dirname(os.path.abspath(__file__))
MIDDLEWARE = ["microdj.middleware.csrf.CsrfViewMiddleware"]
TEMPLATES = [
    {"BACKEND": "microdj.template.backends.jinja2.Jinja2", "DIRS": [os.path.join(HERE, "templates")]}
]
STATIC_URL = "/static/"
STATICFILES_DIRS = [os.path.join(HERE, "static")]
STATIC_ROOT = os.path.join(HERE, "collected-static")
