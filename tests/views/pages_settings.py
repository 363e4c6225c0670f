"""Settings of the application the browser tests serve under uvicorn (DEBUG on, secrets to be masked)."""

import os

HERE = os.path.dirname(os.path.abspath(__file__))

DEBUG = True
ALLOWED_HOSTS = ["127.0.0.1"]
ROOT_URLCONF = "tests.views.pages_urls"
SECRET_KEY = "do-not-show-this-secret-key"
DATABASE_PASSWORD = "hunter2-do-not-show"
API_TOKEN = "token-do-not-show"
PAYMENT_SIGNATURE = "signature-do-not-show"
SERVICES = {"mail": {"HOST": "smtp.example", "PASSWORD": "nested-do-not-show"}}
TEMPLATES = [
    {
        "BACKEND": "microdj.template.backends.jinja2.Jinja2",
        "DIRS": [os.path.join(os.path.dirname(HERE), "template", "jinja2")],
    }
]
STATIC_URL = "/static/"
STATICFILES_DIRS = [os.path.join(HERE, "static")]
