"""Default settings; a project's settings module overrides any of these (upper-case names only)."""

DEBUG = False

# Hosts this site answers for; checked on every request ("*" allows all). Empty with DEBUG on means
# ["localhost", "127.0.0.1", "[::1]"], as in Django.
ALLOWED_HOSTS: list[str] = []

# Dotted path of the module holding ``urlpatterns``.
ROOT_URLCONF: str | None = None

# Dotted paths of Django-style middleware factories, outermost first.
MIDDLEWARE: list[str] = []

SECRET_KEY = ""
SECRET_KEY_FALLBACKS: list[str] = []

APPEND_SLASH = True
PREPEND_WWW = False
DISALLOWED_USER_AGENTS: list[object] = []

DEFAULT_CHARSET = "utf-8"
DEFAULT_CONTENT_TYPE = "text/html"

USE_X_FORWARDED_HOST = False
USE_X_FORWARDED_PORT = False
# A (header, value) pair, e.g. ("HTTP_X_FORWARDED_PROTO", "https"): the request came in over HTTPS.
SECURE_PROXY_SSL_HEADER: tuple[str, str] | None = None

# Body limits, with Django's defaults.
DATA_UPLOAD_MAX_MEMORY_SIZE: int | None = 2621440  # 2.5 MB
DATA_UPLOAD_MAX_NUMBER_FIELDS: int | None = 1000
DATA_UPLOAD_MAX_NUMBER_FILES: int | None = 100
FILE_UPLOAD_MAX_MEMORY_SIZE = 2621440  # 2.5 MB
FILE_UPLOAD_TEMP_DIR: str | None = None
FILE_UPLOAD_PERMISSIONS: int | None = 0o644
FILE_UPLOAD_DIRECTORY_PERMISSIONS: int | None = None

# Seconds of waiting for a client to send its body (summed over its reads) before the request is answered
# with 408 (None: no limit).
REQUEST_BODY_TIMEOUT: float | None = 30.0

# Upper bound of worker threads running sync views at once.
SYNC_WORKER_THREADS = 40

# Cookies.
SESSION_COOKIE_NAME = "sessionid"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 7 * 2
SESSION_COOKIE_DOMAIN: str | None = None
SESSION_COOKIE_SECURE = False
SESSION_COOKIE_PATH = "/"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE: str | None = "Lax"
SESSION_EXPIRE_AT_BROWSER_CLOSE = False
SESSION_SAVE_EVERY_REQUEST = False
SESSION_ENGINE = "microdj.contrib.sessions.backends.signed_cookies"
SESSION_SERIALIZER = "microdj.core.signing.JSONSerializer"

CSRF_COOKIE_NAME = "csrftoken"
CSRF_COOKIE_AGE = 60 * 60 * 24 * 7 * 52
CSRF_COOKIE_DOMAIN: str | None = None
CSRF_COOKIE_PATH = "/"
CSRF_COOKIE_SECURE = False
CSRF_COOKIE_HTTPONLY = False
CSRF_COOKIE_SAMESITE: str | None = "Lax"
CSRF_HEADER_NAME = "HTTP_X_CSRFTOKEN"
CSRF_TRUSTED_ORIGINS: list[str] = []
CSRF_USE_SESSIONS = False
CSRF_FAILURE_VIEW = "microdj.views.csrf.csrf_failure"

# Security middleware.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY: str | None = "same-origin"
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
SECURE_HSTS_PRELOAD = False
SECURE_HSTS_SECONDS = 0
SECURE_REDIRECT_EXEMPT: list[str] = []
SECURE_REFERRER_POLICY: str | None = "same-origin"
SECURE_SSL_HOST: str | None = None
SECURE_SSL_REDIRECT = False

# Async-safety guard: "raise", "warn" or "off"; None picks "raise" when DEBUG is on and "off" otherwise.
ASYNC_SAFETY: str | None = None
# Call sites ("module.function") allowed to block the event loop.
ASYNC_SAFETY_ALLOW: list[str] = []

# Callables (or dotted paths) run at ASGI lifespan startup and shutdown; sync or async.
ON_STARTUP: list[object] = []
ON_SHUTDOWN: list[object] = []

# -- Command line and system checks ------------------------------------------------------------------------
# Check ids (e.g. "security.W004") whose messages are not shown and do not stop start-up.
SILENCED_SYSTEM_CHECKS: list[str] = []
# Dotted path of the application runserver serves (e.g. "mysite.asgi.application"); None: the project's
# get_asgi_application().
ASGI_APPLICATION: str | None = None
# Dotted paths of packages (each module in them with a ``Command`` class is a command) or of command modules,
# for manage.py; the settings' own package's ``management/commands/`` is always searched.
COMMANDS: list[str] = []

# -- WebSockets (microdj.websocket) ----------------------------------------------------------------------
# Channel layers by alias, as in Django Channels: {"alias": {"BACKEND": "dotted.path", "CONFIG": {...}}}.
# The default is one in-process layer (groups work within one server process only).
CHANNEL_LAYERS: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "microdj.websocket.layers.InMemoryChannelLayer"}
}
# Origins whose pages may open WebSocket connections: "https://example.com" (scheme, host and port),
# "example.com" or ".example.com" (any scheme and port), "*" (any). None: the handshake's own host and the
# hosts ALLOWED_HOSTS names (its "*" excepted). A handshake without an Origin header (not a browser) passes.
WEBSOCKET_ALLOWED_ORIGINS: list[str] | None = None
# Largest message (bytes; text counted as UTF-8) a consumer accepts; a larger one closes with 1009. None: no
# limit beyond the server's own.
WEBSOCKET_MAX_MESSAGE_SIZE: int | None = 1024 * 1024

# ---------------------------------------------------------------------------------------------- cache
# Cache backends by alias (see microdj.core.cache); "default" is ``microdj.core.cache.cache``.
CACHES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "microdj.core.cache.backends.locmem.LocMemCache"}
}
# The cache, key prefix and seconds used by UpdateCacheMiddleware/FetchFromCacheMiddleware and cache_page.
CACHE_MIDDLEWARE_ALIAS = "default"
CACHE_MIDDLEWARE_KEY_PREFIX = ""
CACHE_MIDDLEWARE_SECONDS = 600
# The cache holding sessions of the "cache" session engine.
SESSION_CACHE_ALIAS = "default"

# -- Templates and static files ------------------------------------------------------------------------------
# Template engines, as Django's: [{"BACKEND": "microdj.template.backends.jinja2.Jinja2", "DIRS": [...],
# "APP_DIRS": False, "OPTIONS": {"context_processors": [...], "environment": "..."}}].
TEMPLATES: list[dict[str, object]] = []
# URL prefix of static files ("/static/"); None: no static files.
STATIC_URL: str | None = "/static/"
# Where collectstatic() puts the files served in production.
STATIC_ROOT: str | None = None
# Source folders of static files (paths, or (prefix, path) pairs).
STATICFILES_DIRS: list[str | tuple[str, str]] = []
# The static files storage: "microdj.contrib.staticfiles.storage.ManifestStaticFilesStorage" gives
# content-hashed names (app.3f2a1c9b04e1.css) from the manifest collectstatic() writes.
STORAGES: dict[str, dict[str, object]] = {
    "staticfiles": {"BACKEND": "microdj.contrib.staticfiles.storage.StaticFilesStorage"}
}
# Cache-Control max-age of static files whose names are not content-hashed (None: 0 with DEBUG, else 60).
STATIC_MAX_AGE: int | None = None

# --- Messages, logging -------------------------------------------------------------------------------------
# The message storage class (microdj.contrib.messages): the cookie first, the session for the rest.
MESSAGE_STORAGE = "microdj.contrib.messages.storage.fallback.FallbackStorage"
# The lowest message level recorded (messages.INFO).
MESSAGE_LEVEL = 20
# Extra or replaced level -> tag pairs, e.g. {messages.ERROR: "danger"}.
MESSAGE_TAGS: dict[int, str] = {}

# The callable that applies LOGGING (None: leave logging alone); it is called with LOGGING at start-up,
# after microdj's default configuration (microdj.utils.log.DEFAULT_LOGGING) is applied.
LOGGING_CONFIG: str | None = "logging.config.dictConfig"
# A logging.config.dictConfig() dictionary, applied over the default configuration.
LOGGING: dict[str, object] = {}
