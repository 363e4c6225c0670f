"""Every exception the framework raises or understands, named as in Django."""

from __future__ import annotations


class ImproperlyConfigured(Exception):
    """The project's settings or URLconf are wrong; the message says how to fix them."""


class MiddlewareNotUsed(Exception):
    """Raised by a middleware factory to take itself out of the chain."""


class ViewDoesNotExist(Exception):
    """A dotted path names a view that cannot be imported."""


class PermissionDenied(Exception):
    """The user may not do this: answered with 403."""


class BadRequest(Exception):
    """The request is malformed: answered with 400."""


class SuspiciousOperation(Exception):
    """The client sent something a well-behaved client would not: answered with 400."""


class DisallowedHost(SuspiciousOperation):
    """The Host header is not in ALLOWED_HOSTS."""


class DisallowedRedirect(SuspiciousOperation):
    """A redirect to a scheme that is not allowed."""


class SuspiciousFileOperation(SuspiciousOperation):
    """A file name or path tried to leave where it belongs."""


class SuspiciousMultipartForm(SuspiciousOperation):
    """A multipart body is malformed."""


class RequestDataTooBig(SuspiciousOperation):
    """The body is larger than DATA_UPLOAD_MAX_MEMORY_SIZE: answered with 413."""


class TooManyFieldsSent(SuspiciousOperation):
    """More fields than DATA_UPLOAD_MAX_NUMBER_FIELDS."""


class TooManyFilesSent(SuspiciousOperation):
    """More files than DATA_UPLOAD_MAX_NUMBER_FILES."""


class RequestAborted(Exception):
    """The client went away, or sent an unreadable body; no response is attempted."""


class RequestTimeout(Exception):
    """The client did not send its body in time: answered with 408."""


class SynchronousOnlyOperation(Exception):
    """A blocking call was made from a thread that is running an event loop."""


class ServiceUnavailable(Exception):
    """A service the request needs (a cache or session store) cannot be reached: answered with 503."""
