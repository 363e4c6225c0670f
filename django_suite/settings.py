"""Settings for Django's tests on both targets: those of Django's ``tests/runtests.py`` that matter here.

The authentication and messages middleware of Django's list are left out (authentication needs the ORM);
``INSTALLED_APPS`` only matters to Django, whose test apps define models at import time.
"""

SECRET_KEY = "django_tests_secret_key"
USE_TZ = False
ROOT_URLCONF = "urls"
LANGUAGE_CODE = "en"
SITE_ID = 1
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
]
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "file_uploads",
    "generic_views",
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3"}}
MIGRATION_MODULES = {"auth": None, "contenttypes": None, "sessions": None}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
