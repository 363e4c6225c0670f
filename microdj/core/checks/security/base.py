"""Deployment checks of ``SECRET_KEY``, ``DEBUG``, ``ALLOWED_HOSTS`` and the ``SECURE_*`` settings."""

from __future__ import annotations

import importlib.util
from typing import Any

from microdj.conf import settings
from microdj.core.checks.messages import CheckMessage, Error, Warning
from microdj.core.checks.registry import Tags, register

SECURITY_MIDDLEWARE = "microdj.middleware.security.SecurityMiddleware"
CLICKJACKING_MIDDLEWARE = "microdj.middleware.clickjacking.XFrameOptionsMiddleware"

REFERRER_POLICY_VALUES = frozenset(
    {
        "no-referrer",
        "no-referrer-when-downgrade",
        "origin",
        "origin-when-cross-origin",
        "same-origin",
        "strict-origin",
        "strict-origin-when-cross-origin",
        "unsafe-url",
    }
)
CROSS_ORIGIN_OPENER_POLICY_VALUES = frozenset({"same-origin", "same-origin-allow-popups", "unsafe-none"})

# startproject writes keys with this prefix, so a project deployed with its development key is flagged.
SECRET_KEY_INSECURE_PREFIX = "microdj-insecure-"  # noqa: S105 - a marker, not a key
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5


def _weak_key_message(name: str) -> str:
    return (
        f"Your {name} is shorter than {SECRET_KEY_MIN_LENGTH} characters, has fewer than "
        f"{SECRET_KEY_MIN_UNIQUE_CHARACTERS} different characters, or starts with "
        f"'{SECRET_KEY_INSECURE_PREFIX}' (a development key made by startproject). Signed cookies, "
        "sessions and CSRF tokens are only as safe as this key: set a long random value, e.g. from "
        "microdj.core.management.utils.get_random_secret_key()."
    )


W001 = Warning(
    f"'{SECURITY_MIDDLEWARE}' is not in your MIDDLEWARE, so the SECURE_HSTS_SECONDS, "
    "SECURE_CONTENT_TYPE_NOSNIFF, SECURE_REFERRER_POLICY, SECURE_CROSS_ORIGIN_OPENER_POLICY and "
    "SECURE_SSL_REDIRECT settings have no effect.",
    id="security.W001",
)
W004 = Warning(
    "SECURE_HSTS_SECONDS is not set. If the whole site is served over HTTPS only, consider setting it to "
    "turn on HTTP Strict Transport Security; read about HSTS first, a careless value is hard to undo.",
    id="security.W004",
)
W005 = Warning(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS is not True, so an insecure connection to a subdomain stays possible. "
    "Set it only if every subdomain is served over HTTPS only.",
    id="security.W005",
)
W006 = Warning(
    "SECURE_CONTENT_TYPE_NOSNIFF is not True, so responses carry no 'X-Content-Type-Options: nosniff' "
    "header and browsers may guess content types.",
    id="security.W006",
)
W008 = Warning(
    "SECURE_SSL_REDIRECT is not True. Unless the site must answer over plain HTTP too, set it, or have "
    "your proxy or load balancer redirect every request to HTTPS.",
    id="security.W008",
)
W009 = Warning(_weak_key_message("SECRET_KEY"), id="security.W009")
W018 = Warning("DEBUG must not be True in deployment.", id="security.W018")
W020 = Warning("ALLOWED_HOSTS must not be empty in deployment.", id="security.W020")
W021 = Warning(
    "SECURE_HSTS_PRELOAD is not True, so the site cannot be submitted to the browsers' HSTS preload list.",
    id="security.W021",
)
W022 = Warning(
    "SECURE_REFERRER_POLICY is not set, so responses carry no Referrer-Policy header. Consider setting "
    "it to protect your users' privacy.",
    id="security.W022",
)
E023 = Error(
    "SECURE_REFERRER_POLICY has an invalid value.",
    hint=f"Valid values are: {', '.join(sorted(REFERRER_POLICY_VALUES))}.",
    id="security.E023",
)
E024 = Error(
    "SECURE_CROSS_ORIGIN_OPENER_POLICY has an invalid value.",
    hint=f"Valid values are: {', '.join(sorted(CROSS_ORIGIN_OPENER_POLICY_VALUES))}.",
    id="security.E024",
)
W002 = Warning(
    f"'{CLICKJACKING_MIDDLEWARE}' is not in your MIDDLEWARE, so pages are served without an "
    "'X-Frame-Options' header. Unless the site must be shown in frames, add it against clickjacking.",
    id="security.W002",
)
W019 = Warning(
    f"'{CLICKJACKING_MIDDLEWARE}' is in your MIDDLEWARE but X_FRAME_OPTIONS is not 'DENY'. Unless the "
    "site frames its own pages, set it to 'DENY'.",
    id="security.W019",
)


def in_middleware(path: str) -> bool:
    """True when the MIDDLEWARE setting lists ``path``."""
    return path in settings.MIDDLEWARE


def strong_secret_key(key: Any) -> bool:
    """True when ``key`` is long, varied and not a development key made by startproject."""
    if isinstance(key, bytes):
        key = key.decode("latin-1")
    return (
        isinstance(key, str)
        and len(key) >= SECRET_KEY_MIN_LENGTH
        and len(set(key)) >= SECRET_KEY_MIN_UNIQUE_CHARACTERS
        and not key.startswith(SECRET_KEY_INSECURE_PREFIX)
    )


@register(Tags.security, deploy=True)
def check_security_middleware(**kwargs: Any) -> list[CheckMessage]:
    """security.W001."""
    return [] if in_middleware(SECURITY_MIDDLEWARE) else [W001]


@register(Tags.security, deploy=True)
def check_sts(**kwargs: Any) -> list[CheckMessage]:
    """security.W004, W005 and W021: HSTS and its options."""
    if not in_middleware(SECURITY_MIDDLEWARE):
        return []
    if not settings.SECURE_HSTS_SECONDS:
        return [W004]
    found: list[CheckMessage] = []
    if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS is not True:
        found.append(W005)
    if settings.SECURE_HSTS_PRELOAD is not True:
        found.append(W021)
    return found


@register(Tags.security, deploy=True)
def check_content_type_nosniff(**kwargs: Any) -> list[CheckMessage]:
    """security.W006."""
    ok = not in_middleware(SECURITY_MIDDLEWARE) or settings.SECURE_CONTENT_TYPE_NOSNIFF is True
    return [] if ok else [W006]


@register(Tags.security, deploy=True)
def check_ssl_redirect(**kwargs: Any) -> list[CheckMessage]:
    """security.W008."""
    ok = not in_middleware(SECURITY_MIDDLEWARE) or settings.SECURE_SSL_REDIRECT is True
    return [] if ok else [W008]


@register(Tags.security, deploy=True)
def check_secret_key(**kwargs: Any) -> list[CheckMessage]:
    """security.W009 for SECRET_KEY, W025 for each weak SECRET_KEY_FALLBACKS entry."""
    found: list[CheckMessage] = [] if strong_secret_key(settings.SECRET_KEY) else [W009]
    for index, key in enumerate(settings.SECRET_KEY_FALLBACKS):
        if not strong_secret_key(key):
            found.append(Warning(_weak_key_message(f"SECRET_KEY_FALLBACKS[{index}]"), id="security.W025"))
    return found


@register(Tags.security, deploy=True)
def check_debug(**kwargs: Any) -> list[CheckMessage]:
    """security.W018."""
    return [W018] if settings.DEBUG else []


@register(Tags.security, deploy=True)
def check_allowed_hosts(**kwargs: Any) -> list[CheckMessage]:
    """security.W020."""
    return [] if settings.ALLOWED_HOSTS else [W020]


@register(Tags.security, deploy=True)
def check_referrer_policy(**kwargs: Any) -> list[CheckMessage]:
    """security.W022 (not set) and E023 (a value browsers do not know)."""
    if not in_middleware(SECURITY_MIDDLEWARE):
        return []
    policy = settings.SECURE_REFERRER_POLICY
    if policy is None:
        return [W022]
    values = {v.strip() for v in policy.split(",")} if isinstance(policy, str) else set(policy)
    return [] if values <= REFERRER_POLICY_VALUES else [E023]


@register(Tags.security, deploy=True)
def check_cross_origin_opener_policy(**kwargs: Any) -> list[CheckMessage]:
    """security.E024."""
    policy = settings.SECURE_CROSS_ORIGIN_OPENER_POLICY
    if in_middleware(SECURITY_MIDDLEWARE) and policy is not None:
        return [] if policy in CROSS_ORIGIN_OPENER_POLICY_VALUES else [E024]
    return []


def clickjacking_available() -> bool:
    return importlib.util.find_spec("microdj.middleware.clickjacking") is not None


@register(Tags.security, deploy=True)
def check_xframe_options(**kwargs: Any) -> list[CheckMessage]:
    """security.W002 (no clickjacking middleware) and W019 (X_FRAME_OPTIONS not 'DENY')."""
    if not clickjacking_available():
        return []
    if not in_middleware(CLICKJACKING_MIDDLEWARE):
        return [W002]
    return [] if getattr(settings, "X_FRAME_OPTIONS", "DENY") == "DENY" else [W019]
