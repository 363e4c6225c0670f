"""Signals: a registry of receivers called when a sender sends (Django's ``django.dispatch.Signal``)."""

from __future__ import annotations

import asyncio
import inspect
import logging
import threading
import weakref
from collections.abc import Callable, Hashable
from typing import Any

from asgiref.sync import iscoroutinefunction

from microdj.conf import settings
from microdj.utils.concurrency import async_to_sync, sync_to_async

logger = logging.getLogger("microdj.dispatch")

# Marks a sender known (while use_caching) to have no receivers.
NO_RECEIVERS = object()

_Key = tuple[Hashable, Hashable]
# (lookup key, receiver or weak reference to it, is-async)
_Entry = tuple[_Key, Any, bool]


def _make_id(target: Any) -> Hashable:
    if hasattr(target, "__func__"):
        return (id(target.__self__), id(target.__func__))
    return id(target)


NONE_ID = _make_id(None)


def _accepts_kwargs(func: Callable[..., Any]) -> bool:
    try:
        params = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):
        return True  # Builtins without a signature: nothing to check.
    return any(p.kind is p.VAR_KEYWORD for p in params)


class Signal:
    """A signal: ``connect()`` receivers, then ``send()``/``asend()`` to call them.

    ``receivers`` holds ``(lookup_key, receiver_or_weakref, is_async)`` entries. With ``use_caching``, the
    live receivers of each sender are cached (senders must then be weak-referenceable).
    """

    def __init__(self, use_caching: bool = False) -> None:
        self.receivers: list[_Entry] = []
        self.lock = threading.Lock()
        self.use_caching = use_caching
        self.sender_receivers_cache: Any = weakref.WeakKeyDictionary() if use_caching else {}
        self._dead_receivers = False

    def __repr__(self) -> str:
        return f"<{type(self).__qualname__} receivers={len(self.receivers)}>"

    def connect(
        self,
        receiver: Callable[..., Any],
        sender: Any = None,
        weak: bool = True,
        dispatch_uid: Hashable | None = None,
    ) -> None:
        """Connect ``receiver`` (sync or async, taking ``**kwargs``) to signals from ``sender`` (None: any).

        With ``weak``, only a weak reference is kept (``WeakMethod`` for bound methods) and the receiver
        goes away with its object. A second connection with the same ``dispatch_uid`` (or the same receiver,
        when no uid) and sender is ignored.
        """
        if settings.configured and settings.DEBUG:
            if not callable(receiver):
                raise TypeError("Signal receivers must be callable.")
            if not _accepts_kwargs(receiver):
                raise ValueError("Signal receivers must accept keyword arguments (**kwargs).")
        lookup_key = (dispatch_uid if dispatch_uid else _make_id(receiver), _make_id(sender))
        is_async = iscoroutinefunction(receiver)
        ref: Any = receiver
        if weak:
            if hasattr(receiver, "__self__") and hasattr(receiver, "__func__"):
                ref = weakref.WeakMethod(receiver, self._remove_receiver)
            else:
                ref = weakref.ref(receiver, self._remove_receiver)
        with self.lock:
            self._clear_dead_receivers()
            if not any(key == lookup_key for key, _, _ in self.receivers):
                self.receivers.append((lookup_key, ref, is_async))
            self.sender_receivers_cache.clear()

    def disconnect(
        self,
        receiver: Callable[..., Any] | None = None,
        sender: Any = None,
        dispatch_uid: Hashable | None = None,
    ) -> bool:
        """Disconnect a receiver (or the one connected with ``dispatch_uid``); return whether one was."""
        lookup_key = (dispatch_uid if dispatch_uid else _make_id(receiver), _make_id(sender))
        disconnected = False
        with self.lock:
            self._clear_dead_receivers()
            for index, (key, _, _) in enumerate(self.receivers):
                if key == lookup_key:
                    del self.receivers[index]
                    disconnected = True
                    break
            self.sender_receivers_cache.clear()
        return disconnected

    def has_listeners(self, sender: Any = None) -> bool:
        """Whether any live receiver would get a signal from ``sender``."""
        sync_receivers, async_receivers = self._live_receivers(sender)
        return bool(sync_receivers or async_receivers)

    def send(self, sender: Any, **named: Any) -> list[tuple[Callable[..., Any], Any]]:
        """Call every receiver with ``signal``, ``sender`` and ``named``; return ``[(receiver, response)]``.

        Sync receivers run first, in order; async ones then run concurrently in one ``async_to_sync`` call. An
        exception from a receiver propagates and stops the dispatch.
        """
        # PERF: request_started/request_finished fire on every request, usually with no receivers at all.
        if not self.receivers or (
            self.use_caching and self.sender_receivers_cache.get(sender) is NO_RECEIVERS
        ):
            return []
        sync_receivers, async_receivers = self._live_receivers(sender)
        responses = [(receiver, receiver(signal=self, sender=sender, **named)) for receiver in sync_receivers]
        if async_receivers:

            async def gather() -> list[Any]:
                return await asyncio.gather(
                    *(r(signal=self, sender=sender, **named) for r in async_receivers)
                )

            responses.extend(zip(async_receivers, async_to_sync(gather)(), strict=True))
        return responses

    async def asend(self, sender: Any, **named: Any) -> list[tuple[Callable[..., Any], Any]]:
        """Async send(): sync receivers run in one ``sync_to_async`` hop, concurrently with the async ones.

        With no receivers this returns at once, without touching a thread.
        """
        # PERF: request_started/request_finished fire on every request, usually with no receivers at all.
        if not self.receivers or (
            self.use_caching and self.sender_receivers_cache.get(sender) is NO_RECEIVERS
        ):
            return []
        sync_receivers, async_receivers = self._live_receivers(sender)

        def call_sync() -> list[tuple[Callable[..., Any], Any]]:
            return [(r, r(signal=self, sender=sender, **named)) for r in sync_receivers]

        return await self._gather(
            call_sync,
            sync_receivers,
            [r(signal=self, sender=sender, **named) for r in async_receivers],
            async_receivers,
        )

    def _log_robust_failure(self, receiver: Callable[..., Any], err: Exception) -> None:
        name = getattr(receiver, "__qualname__", repr(receiver))
        logger.error("Error calling %s in Signal.send_robust() (%s)", name, err, exc_info=err)

    def _call_robust(self, receiver: Callable[..., Any], sender: Any, named: dict[str, Any]) -> Any:
        try:
            return receiver(signal=self, sender=sender, **named)
        except Exception as err:  # noqa: BLE001 - send_robust() returns any receiver's error
            self._log_robust_failure(receiver, err)
            return err

    async def _acall_robust(self, receiver: Callable[..., Any], sender: Any, named: dict[str, Any]) -> Any:
        try:
            return await receiver(signal=self, sender=sender, **named)
        except Exception as err:  # noqa: BLE001 - asend_robust() returns any receiver's error
            self._log_robust_failure(receiver, err)
            return err

    def send_robust(self, sender: Any, **named: Any) -> list[tuple[Callable[..., Any], Any]]:
        """Like send(), but an ``Exception`` from a receiver is logged and returned as its response."""
        # PERF: request_started/request_finished fire on every request, usually with no receivers at all.
        if not self.receivers or (
            self.use_caching and self.sender_receivers_cache.get(sender) is NO_RECEIVERS
        ):
            return []
        sync_receivers, async_receivers = self._live_receivers(sender)
        responses = [(r, self._call_robust(r, sender, named)) for r in sync_receivers]
        if async_receivers:

            async def gather() -> list[Any]:
                return await asyncio.gather(*(self._acall_robust(r, sender, named) for r in async_receivers))

            responses.extend(zip(async_receivers, async_to_sync(gather)(), strict=True))
        return responses

    async def asend_robust(self, sender: Any, **named: Any) -> list[tuple[Callable[..., Any], Any]]:
        """Like asend(), but an ``Exception`` from a receiver is logged and returned as its response."""
        # PERF: request_started/request_finished fire on every request, usually with no receivers at all.
        if not self.receivers or (
            self.use_caching and self.sender_receivers_cache.get(sender) is NO_RECEIVERS
        ):
            return []
        sync_receivers, async_receivers = self._live_receivers(sender)

        def call_sync() -> list[tuple[Callable[..., Any], Any]]:
            return [(r, self._call_robust(r, sender, named)) for r in sync_receivers]

        return await self._gather(
            call_sync,
            sync_receivers,
            [self._acall_robust(r, sender, named) for r in async_receivers],
            async_receivers,
        )

    @staticmethod
    async def _gather(
        call_sync: Callable[[], list[tuple[Callable[..., Any], Any]]],
        sync_receivers: list[Callable[..., Any]],
        coroutines: list[Any],
        async_receivers: list[Callable[..., Any]],
    ) -> list[tuple[Callable[..., Any], Any]]:
        if not sync_receivers:
            # PERF: all-async receivers make no thread hop at all.
            responses: list[tuple[Callable[..., Any], Any]] = []
            async_responses = await asyncio.gather(*coroutines)
        elif not coroutines:
            return await sync_to_async(call_sync)()
        else:
            responses, async_responses = await asyncio.gather(
                sync_to_async(call_sync)(), asyncio.gather(*coroutines)
            )
        responses.extend(zip(async_receivers, async_responses, strict=True))
        return responses

    def _clear_dead_receivers(self) -> None:
        # The caller holds self.lock.
        if self._dead_receivers:
            self._dead_receivers = False
            self.receivers = [
                entry
                for entry in self.receivers
                if not (isinstance(entry[1], weakref.ReferenceType) and entry[1]() is None)
            ]

    def _live_receivers(self, sender: Any) -> tuple[list[Callable[..., Any]], list[Callable[..., Any]]]:
        """Return the live (sync, async) receivers for ``sender``, dereferencing weak references."""
        entries = None
        if self.use_caching and not self._dead_receivers:
            entries = self.sender_receivers_cache.get(sender)
            if entries is NO_RECEIVERS:
                return [], []
        if entries is None:
            with self.lock:
                self._clear_dead_receivers()
                sender_key = _make_id(sender)
                entries = [
                    (ref, is_async)
                    for (_, r_sender_key), ref, is_async in self.receivers
                    if r_sender_key in (NONE_ID, sender_key)
                ]
                if self.use_caching:
                    self.sender_receivers_cache[sender] = entries or NO_RECEIVERS
        sync_receivers: list[Callable[..., Any]] = []
        async_receivers: list[Callable[..., Any]] = []
        for ref, is_async in entries:
            receiver = ref() if isinstance(ref, weakref.ReferenceType) else ref
            if receiver is not None:
                (async_receivers if is_async else sync_receivers).append(receiver)
        return sync_receivers, async_receivers

    def _remove_receiver(self, _ref: Any = None) -> None:
        # Called from garbage collection, possibly while self.lock is held: only flag, clean up later.
        self._dead_receivers = True


def receiver(signal: Signal | list[Signal] | tuple[Signal, ...], **kwargs: Any) -> Callable[[Any], Any]:
    """Decorator connecting the function to ``signal`` (or each of a list of signals) with ``kwargs``."""

    def decorator(func: Any) -> Any:
        for sig in signal if isinstance(signal, (list, tuple)) else (signal,):
            sig.connect(func, **kwargs)
        return func

    return decorator
