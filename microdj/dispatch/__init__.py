"""Signal dispatching (Django's ``django.dispatch``)."""

from microdj.dispatch.dispatcher import Signal, receiver

__all__ = ["Signal", "receiver"]
