"""Settings for tests.support.scaling_urls served by real workers: Redis from MICRODJ_TEST_REDIS_URL."""

import os

DEBUG = False
SECRET_KEY = "scaling-test-secret"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "tests.support.scaling_urls"
MIDDLEWARE = ["tests.support.scaling_urls.served_by", "microdj.contrib.sessions.middleware.SessionMiddleware"]
SESSION_ENGINE = "microdj.contrib.sessions.backends.cache"
CACHES = {
    "default": {
        "BACKEND": "microdj.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ.get("MICRODJ_TEST_REDIS_URL", "redis://127.0.0.1:6379/0"),
        "OPTIONS": {"socket_timeout": 0.5, "socket_connect_timeout": 0.5},
    }
}
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "microdj.websocket.layers.redis.RedisChannelLayer",
        "CONFIG": {"hosts": [os.environ.get("MICRODJ_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")]},
    }
}
