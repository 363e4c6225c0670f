"""The example application's WebSocket consumer: a chat room per URL, over the channel layer's groups."""

from typing import Any

from microdj.websocket import AsyncJsonWebsocketConsumer


class ChatConsumer(AsyncJsonWebsocketConsumer):
    """Joins the room's group; every message a member sends reaches every member of the room."""

    async def connect(self) -> None:
        self.room = "chat." + self.scope["url_route"]["kwargs"]["room"]
        await self.channel_layer.group_add(self.room, self.channel_name)
        await self.accept()

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        text = str(content.get("text", ""))[:500]
        if text:
            await self.channel_layer.group_send(self.room, {"type": "chat.message", "text": text})

    async def chat_message(self, event: dict[str, Any]) -> None:
        await self.send_json({"text": event["text"]})

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(self.room, self.channel_name)
