"""Cryptographic helpers: salted HMAC, constant-time comparison, random strings, PBKDF2 (as Django's)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from microdj.conf import settings
from microdj.core.exceptions import ImproperlyConfigured
from microdj.utils.encoding import force_bytes

RANDOM_STRING_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


class InvalidAlgorithm(ValueError):
    """The algorithm name is not one hashlib provides."""


def get_secret_key() -> str | bytes:
    """Return settings.SECRET_KEY, raising ImproperlyConfigured when it is empty (as Django does)."""
    key: str | bytes = settings.SECRET_KEY
    if not key:
        raise ImproperlyConfigured("The SECRET_KEY setting must not be empty.")
    return key


def salted_hmac(key_salt: Any, value: Any, secret: Any = None, *, algorithm: str = "sha1") -> hmac.HMAC:
    """The HMAC of ``value`` under a key derived from ``key_salt`` and ``secret`` (default SECRET_KEY)."""
    if secret is None:
        secret = get_secret_key()
    try:
        hasher = getattr(hashlib, algorithm)
    except AttributeError as exc:
        raise InvalidAlgorithm(f"{algorithm!r} is not an algorithm accepted by the hashlib module.") from exc
    # Always derive the key by hashing salt + secret, whatever their length, so that keys are stable.
    key = hasher(force_bytes(key_salt) + force_bytes(secret)).digest()
    return hmac.new(key, msg=force_bytes(value), digestmod=hasher)


def get_random_string(length: int, allowed_chars: str = RANDOM_STRING_CHARS) -> str:
    """Return a cryptographically secure random string of ``length`` characters from ``allowed_chars``."""
    return "".join(secrets.choice(allowed_chars) for _ in range(length))


def constant_time_compare(val1: Any, val2: Any) -> bool:
    """Return whether two strings (or bytes) are equal, in time independent of where they differ."""
    return secrets.compare_digest(force_bytes(val1), force_bytes(val2))


def pbkdf2(password: Any, salt: Any, iterations: int, dklen: int = 0, digest: Any = None) -> bytes:
    """Return the PBKDF2-HMAC hash of ``password`` (digest defaults to SHA-256; dklen 0 means its size)."""
    name = (digest or hashlib.sha256)().name
    return hashlib.pbkdf2_hmac(name, force_bytes(password), force_bytes(salt), iterations, dklen or None)
