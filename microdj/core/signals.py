"""Request lifecycle signals, sent by the handler with the handler class as sender."""

from microdj.dispatch import Signal

# Sent (``scope=...``) when a request starts, before the middleware chain.
request_started = Signal()
# Sent when the response has been sent and closed.
request_finished = Signal()
# Sent (``request=...``) when a view or middleware raised an exception that became a 500 response.
got_request_exception = Signal()
