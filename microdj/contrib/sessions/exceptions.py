"""Session errors (Django's ``django.contrib.sessions.exceptions``)."""

from microdj.core.exceptions import BadRequest, ServiceUnavailable, SuspiciousOperation


class InvalidSessionKey(SuspiciousOperation):
    """The session key contains invalid characters."""


class SuspiciousSession(SuspiciousOperation):
    """The session data may have been tampered with."""


class SessionInterrupted(BadRequest):
    """The session was deleted while the request was being processed."""


class SessionUnavailable(ServiceUnavailable):
    """The session store could not be reached: answered with 503."""
