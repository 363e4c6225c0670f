"""Consumers shaped like Django Channels': ``AsyncWebsocketConsumer`` and ``AsyncJsonWebsocketConsumer``.

One consumer instance serves one connection. Messages reach it from two places: the client (through the
ASGI server) and its channel on the channel layer (group messages, dispatched by their ``type``:
``"chat.message"`` calls ``chat_message(message)``). They are handled one at a time, in arrival order.

Every connection ends through one path, whatever ends it (the client closing or vanishing, ``close()``, a
message over ``WEBSOCKET_MAX_MESSAGE_SIZE`` (1009), an exception (1011, logged), the server shutting down):
the consumer leaves its groups and ``disconnect(code)`` runs exactly once.
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import Sequence
from typing import Any, ClassVar

from microdj.core.exceptions import ImproperlyConfigured
from microdj.websocket.exceptions import AcceptConnection, DenyConnection, Disconnected, StopConsumer
from microdj.websocket.layers import DEFAULT_CHANNEL_LAYER, BaseChannelLayer, get_channel_layer
from microdj.websocket.protocol import (
    ABNORMAL_CLOSURE,
    INTERNAL_ERROR,
    MESSAGE_TOO_BIG,
    NO_STATUS,
    NORMAL_CLOSURE,
    Receive,
    Scope,
    Send,
    log_failure,
    logger,
    max_message_size,
    send_close,
    too_big,
)
from microdj.websocket.routing import RouteFunction, websocket_route

__all__ = ["AsyncJsonWebsocketConsumer", "AsyncWebsocketConsumer", "ConsumerBase", "handler_name"]

_handler_names: dict[str, str] = {}


def handler_name(message_type: Any) -> str:
    """The method that handles messages of ``message_type``: ``"chat.message"`` -> ``"chat_message"``."""
    name = _handler_names.get(message_type)
    if name is None:
        if not isinstance(message_type, str) or not message_type or message_type.startswith(("_", ".")):
            raise ValueError(f"Message type {message_type!r} names no handler method.")
        name = message_type.replace(".", "_")
        if len(_handler_names) < 1024:
            _handler_names[message_type] = name
    return name


class ConsumerBase:
    """The connection's life cycle, shared by the async and the sync consumers.

    Subclasses say how a message is handled (``_handle``): on the loop, or in a worker thread.
    """

    #: Groups the connection joins before ``connect()`` and leaves before ``disconnect()``.
    groups: ClassVar[Sequence[str]] = ()
    #: The ``CHANNEL_LAYERS`` alias of the layer this consumer uses.
    channel_layer_alias: ClassVar[str] = DEFAULT_CHANNEL_LAYER

    scope: Scope
    base_send: Send
    channel_layer: BaseChannelLayer | None = None
    channel_name: str | None = None

    def __init__(self, **kwargs: Any) -> None:
        for key, value in kwargs.items():
            setattr(self, key, value)

    @classmethod
    def as_asgi(cls, **initkwargs: Any) -> RouteFunction:
        """A URLconf entry for this consumer: ``path("ws/chat/<room>/", ChatConsumer.as_asgi())``.

        ``initkwargs`` become attributes of each instance (they must name existing class attributes).
        """
        for key in initkwargs:
            if not hasattr(cls, key):
                raise TypeError(
                    f"{cls.__name__}.as_asgi() got {key!r}, which is not an attribute of the class."
                )

        async def app(scope: Scope, receive: Receive, send: Send) -> None:
            await cls(**initkwargs)(scope, receive, send)

        app.consumer_class = cls  # type: ignore[attr-defined]
        app.consumer_initkwargs = initkwargs  # type: ignore[attr-defined]
        return websocket_route(app, cls)

    # ----------------------------------------------------------------------------------- the life cycle
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one connection (an ASGI application for one ``websocket`` scope)."""
        self.scope = scope
        self.base_send = send
        self._label = f"{type(self).__module__}.{type(self).__qualname__}"
        self._limit = max_message_size()
        self._closed: int | None = None  # the close code, once the connection is closed
        self._ended = False  # disconnect() has run (or is running)
        self._interrupted = False
        self._serving = False  # the client loop runs
        self._shared = False  # a channel reader shares the handling of messages with the client loop
        self._busy = False  # a message is being handled
        self._waiting: deque[asyncio.Future[None]] = deque()
        self._direct = self._direct_receive()
        reader: asyncio.Task[None] | None = None
        try:
            try:
                layer = self.channel_layer = get_channel_layer(self.channel_layer_alias)
                if layer is not None:
                    self.channel_name = await layer.new_channel()
            except Exception as error:  # noqa: BLE001 - logged; the client gets 1011
                log_failure(self._label, scope, error)
                await self._send_close(INTERNAL_ERROR, None)
                self._ended = True  # connect() never ran: there is nothing to disconnect
                return
            if layer is not None:
                self._shared = True
                task = asyncio.current_task()
                assert task is not None
                reader = asyncio.create_task(self._listen(layer, self.channel_name, task))  # type: ignore[arg-type]
            await self._serve(receive)
        finally:
            if reader is not None:
                if not reader.done():
                    reader.cancel()
                    await asyncio.gather(reader, return_exceptions=True)
                await self._discard_channel()
            if not self._ended:
                # Cancelled (the server is shutting down) or the server's receive() failed.
                await self._end(self._closed or ABNORMAL_CLOSURE)

    async def _serve(self, receive: Receive) -> None:
        step = self._step
        shared = self._shared
        self._serving = True
        try:
            while True:
                message = await receive()
                if not shared:
                    if await step(message):
                        return
                elif self._busy or self._waiting:
                    if await self._exclusive_step(message):
                        return
                else:
                    # PERF: _exclusive_step() inlined for the usual case, nothing else being handled.
                    self._busy = True
                    try:
                        done = self._ended or await step(message)
                    finally:
                        self._busy = False
                        if self._waiting:
                            self._pass_turn()
                    if done:
                        return
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if self._interrupted and task is not None and task.uncancel() == 0:
                return  # the channel reader ended the connection
            raise
        finally:
            self._serving = False

    async def _listen(self, layer: BaseChannelLayer, channel: str, main: asyncio.Task[Any]) -> None:
        """Dispatch the messages of this consumer's channel, one at a time with the client's."""
        while True:
            message = await layer.receive(channel)
            if await self._exclusive_step(message):
                if self._serving and not self._interrupted:
                    # Wake the client loop, which waits on the server's receive().
                    self._interrupted = True
                    main.cancel()
                return

    async def _exclusive_step(self, message: dict[str, Any]) -> bool:
        """``_step()``, once no other message is being handled (the client's and the channel's alternate)."""
        # PERF: a flag and, only when both sides have a message at once, a future; no asyncio.Lock frames.
        while self._busy:
            turn = asyncio.get_running_loop().create_future()
            self._waiting.append(turn)
            try:
                await turn
            except BaseException:
                if turn.done() and not turn.cancelled():
                    self._pass_turn()  # woken, then cancelled: the next one in line goes instead
                elif turn in self._waiting:
                    self._waiting.remove(turn)
                raise
        self._busy = True
        try:
            return self._ended or await self._step(message)
        finally:
            self._busy = False
            if self._waiting:
                self._pass_turn()

    def _pass_turn(self) -> None:
        """Wake the first side still waiting for its turn."""
        waiting = self._waiting
        while waiting:
            turn = waiting.popleft()
            if not turn.done():
                turn.set_result(None)
                return

    def _direct_receive(self) -> Any:
        """What a client message may be handed to directly (skipping dispatch()), or None."""
        return None

    async def _step(self, message: dict[str, Any]) -> bool:
        """Handle one message; True when the connection is over (and disconnect() has run)."""
        kind = message.get("type")
        try:
            if kind == "websocket.receive":
                text = message.get("text")
                limit = self._limit
                # PERF: a text within a quarter of the limit needs no counting of its UTF-8 bytes.
                if limit is not None and (text is None or len(text) * 4 > limit) and too_big(message, limit):
                    await self._send_close(MESSAGE_TOO_BIG, "message too big")
                    await self._end(MESSAGE_TOO_BIG)
                    return True
                direct = self._direct
                if direct is None:
                    await self._handle(message)
                elif text is not None:
                    # PERF: receive() called straight away when the class keeps the default dispatch.
                    await direct(text_data=text)
                else:
                    await direct(bytes_data=message.get("bytes"))
            elif kind == "websocket.disconnect":
                self._closed = self._closed or ABNORMAL_CLOSURE
                await self._end(message.get("code", NO_STATUS))
                return True
            else:
                if kind == "websocket.connect":
                    await self._join_groups()
                await self._handle(message)
        except StopConsumer:
            await self._send_close(NORMAL_CLOSURE, None)
        except Disconnected as gone:
            self._closed = self._closed or gone.code
        except Exception as error:  # noqa: BLE001 - a failing handler is logged and closes with 1011
            await self._fail(error)
            return True
        if self._closed is not None:
            await self._end(self._closed)
            return True
        return False

    async def _handle(self, message: dict[str, Any]) -> None:
        raise NotImplementedError

    async def _fail(self, error: Exception) -> None:
        log_failure(self._label, self.scope, error)
        await self._send_close(INTERNAL_ERROR, None)
        await self._end(INTERNAL_ERROR)

    async def _end(self, code: int) -> None:
        """Leave the groups and run disconnect(code), once."""
        if self._ended:
            return
        self._ended = True
        layer, channel = self.channel_layer, self.channel_name
        if layer is not None and channel is not None:
            for group in self.groups:
                try:
                    await layer.group_discard(group, channel)
                except Exception as error:  # noqa: BLE001 - disconnect() must still run
                    logger.warning("Leaving group %r failed for %s: %s", group, self._label, error)
        try:
            await self._handle({"type": "websocket.disconnect", "code": code})
        except (StopConsumer, Disconnected):
            pass
        except Exception as error:  # noqa: BLE001 - the connection is over: logging is all that is left
            log_failure(self._label, self.scope, error)

    async def _discard_channel(self) -> None:
        layer, channel = self.channel_layer, self.channel_name
        assert layer is not None and channel is not None
        try:
            await layer.discard_channel(channel)
        except Exception as error:  # noqa: BLE001 - the connection is over either way
            logger.warning("Discarding channel %r failed for %s: %s", channel, self._label, error)

    async def _join_groups(self) -> None:
        if not self.groups:
            return
        layer, channel = self.channel_layer, self.channel_name
        if layer is None or channel is None:
            raise ImproperlyConfigured(
                f"{self._label} lists groups, which need a channel layer: CHANNEL_LAYERS has no "
                f"{self.channel_layer_alias!r} alias."
            )
        for group in self.groups:
            await layer.group_add(group, channel)

    # ----------------------------------------------------------------------------------- to the server
    async def _send_accept(self, subprotocol: str | None, headers: Any) -> None:
        message: dict[str, Any] = {"type": "websocket.accept"}
        if subprotocol is not None:
            message["subprotocol"] = subprotocol
        if headers:
            message["headers"] = [
                (
                    k.encode("latin-1") if isinstance(k, str) else k,
                    v.encode("latin-1") if isinstance(v, str) else v,
                )
                for k, v in headers
            ]
        await self._transmit(message)

    async def _transmit(self, message: dict[str, Any]) -> None:
        if self._closed is not None:
            raise Disconnected(self._closed)
        try:
            await self.base_send(message)
        except OSError:
            # The server reports a client that went away.
            self._closed = ABNORMAL_CLOSURE
            raise Disconnected(ABNORMAL_CLOSURE) from None

    async def _send_close(self, code: Any, reason: str | None) -> None:
        if self._closed is not None:
            return
        if not isinstance(code, int) or isinstance(code, bool):
            code = NORMAL_CLOSURE
        self._closed = code
        await send_close(self.base_send, code, reason)


class AsyncWebsocketConsumer(ConsumerBase):
    """A WebSocket consumer whose handlers are coroutines running on the event loop."""

    async def _handle(self, message: dict[str, Any]) -> None:
        await self.dispatch(message)

    def _direct_receive(self) -> Any:
        cls = type(self)
        if (
            cls.dispatch is AsyncWebsocketConsumer.dispatch
            and cls.websocket_receive is AsyncWebsocketConsumer.websocket_receive
            and cls._handle is AsyncWebsocketConsumer._handle
        ):
            return self.receive
        return None

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Call the handler named by the message's ``type``."""
        handler = getattr(self, handler_name(message.get("type")), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message.get('type')!r} on {type(self).__name__}.")
        await handler(message)

    # --------------------------------------------------------------------------- the websocket.* handlers
    async def websocket_connect(self, message: dict[str, Any]) -> None:
        """Call connect(); AcceptConnection accepts, DenyConnection refuses."""
        try:
            await self.connect()
        except AcceptConnection:
            await self.accept()
        except DenyConnection:
            await self.close()

    async def websocket_receive(self, message: dict[str, Any]) -> None:
        """Call receive() with the message's text or bytes."""
        text = message.get("text")
        if text is not None:
            await self.receive(text_data=text)
        else:
            await self.receive(bytes_data=message.get("bytes"))

    async def websocket_disconnect(self, message: dict[str, Any]) -> None:
        """Call disconnect() with the close code."""
        await self.disconnect(message["code"])

    # ------------------------------------------------------------------------------------ to override
    async def connect(self) -> None:
        """The client asks to connect: accept() (the default) or close() to refuse."""
        await self.accept()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """A message from the client (text or binary)."""

    async def disconnect(self, code: int) -> None:
        """The connection is over (``code`` is the close code); runs exactly once."""

    # ------------------------------------------------------------------------------------------ actions
    async def accept(self, subprotocol: str | None = None, headers: Any = None) -> None:
        """Accept the connection, choosing ``subprotocol`` (one of ``scope["subprotocols"]``)."""
        await self._send_accept(subprotocol, headers)

    async def send(
        self, text_data: str | None = None, bytes_data: bytes | None = None, close: Any = False
    ) -> None:
        """Send a text or a binary message; ``close`` (True or a code) closes the connection after it."""
        message: dict[str, Any]
        if text_data is not None:
            message = {"type": "websocket.send", "text": text_data}
        elif bytes_data is not None:
            message = {"type": "websocket.send", "bytes": bytes_data}
        else:
            raise ValueError("You must pass one of bytes_data or text_data.")
        # PERF: the usual case, an open connection, costs one await; _transmit's work is inlined.
        if self._closed is not None:
            raise Disconnected(self._closed)
        try:
            await self.base_send(message)
        except OSError:
            self._closed = ABNORMAL_CLOSURE
            raise Disconnected(ABNORMAL_CLOSURE) from None
        if close:
            await self._send_close(close, None)

    async def close(self, code: int | None = None, reason: str | None = None) -> None:
        """Close the connection (before accept(): refuse it, 403 at the server). No-op once closed."""
        await self._send_close(code, reason)


class AsyncJsonWebsocketConsumer(AsyncWebsocketConsumer):
    """An async consumer that speaks JSON text messages: ``receive_json()`` and ``send_json()``."""

    async def receive(
        self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any
    ) -> None:
        """Decode a text message and pass it to receive_json(); a binary one is an error."""
        if text_data:
            await self.receive_json(await self.decode_json(text_data), **kwargs)
        else:
            raise ValueError("No text section for incoming WebSocket frame!")

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        """A decoded JSON message from the client."""

    async def send_json(self, content: Any, close: Any = False) -> None:
        """Encode ``content`` as JSON and send it as a text message."""
        await self.send(text_data=await self.encode_json(content), close=close)

    @classmethod
    async def decode_json(cls, text_data: str) -> Any:
        """Decode a JSON message."""
        return json.loads(text_data)

    @classmethod
    async def encode_json(cls, content: Any) -> str:
        """Encode a JSON message."""
        return json.dumps(content)
