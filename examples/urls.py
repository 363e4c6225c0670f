"""The example application's routes."""

from examples import consumers, views
from microdj.urls import path

urlpatterns = [
    path("", views.index, name="index"),
    path("hello/<str:name>/", views.hello, name="hello"),
    path("articles/<int:pk>/", views.article, name="article"),
    path("visit/", views.visit, name="visit"),
    path("echo/", views.echo, name="echo"),
    path("guestbook/", views.guestbook, name="guestbook"),
    path("chat/<slug:room>/", views.chat, name="chat"),
    path("ws/chat/<slug:room>/", consumers.ChatConsumer.as_asgi(), name="chat-socket"),
]
