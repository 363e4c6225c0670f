"""The example application's views: plain functions, sync and async."""

import html

from microdj.http import Http404, HttpResponse, JsonResponse
from microdj.shortcuts import redirect, render
from microdj.urls import reverse
from microdj.views.decorators.csrf import csrf_exempt

ARTICLES = {1: "Hello microdj", 2: "Routing without regret"}


def index(request):
    """A sync view: plain text, with links built by reverse()."""
    links = [reverse("article", args=[pk]) for pk in ARTICLES]
    return HttpResponse("microdj example\n" + "\n".join(links) + "\n", content_type="text/plain")


async def hello(request, name):
    """An async view with a str converter and a query string (?greeting=Hi)."""
    greeting = request.GET.get("greeting", "Hello")
    return JsonResponse({"message": f"{greeting}, {name}!"})


def article(request, pk):
    """An int converter; unknown ids give a 404."""
    try:
        title = ARTICLES[pk]
    except KeyError:
        raise Http404(f"No article {pk}")
    return JsonResponse(
        {"id": pk, "title": title, "url": request.build_absolute_uri(reverse("article", args=[pk]))}
    )


def visit(request):
    """Counts visits in a cookie."""
    count = int(request.COOKIES.get("visits", "0") or 0) + 1
    response = JsonResponse({"visits": count})
    response.set_cookie("visits", str(count), max_age=3600, httponly=True, samesite="Lax")
    return response


@csrf_exempt
async def echo(request):
    """Echoes a posted form or JSON body."""
    if request.content_type == "application/json":
        import json

        return JsonResponse({"json": json.loads(request.body or b"null")})
    return JsonResponse({"form": {key: request.POST.getlist(key) for key in request.POST}})


ENTRIES = []


async def guestbook(request):
    """A page from a template with a stylesheet from static/ and a form protected by csrf_input."""
    error = ""
    if request.method == "POST":
        name, message = request.POST.get("name", "").strip(), request.POST.get("message", "").strip()
        if name and message:
            ENTRIES.append({"name": name[:40], "message": message[:500]})
            del ENTRIES[:-50]
            return redirect("guestbook")
        error = "Please give your name and a message."
    return render(
        request, "guestbook.html", {"entries": ENTRIES, "error": error}, status=400 if error else 200
    )


CHAT_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Chat: {room}</title></head>
<body>
<h1>Room {room}</h1>
<ul id="log"></ul>
<form id="form"><input id="text" autocomplete="off" autofocus><button>Send</button></form>
<script>
const scheme = location.protocol === "https:" ? "wss://" : "ws://";
const socket = new WebSocket(scheme + location.host + "{socket}");
const log = document.getElementById("log");
socket.onmessage = (event) => {{
  const item = document.createElement("li");
  item.textContent = JSON.parse(event.data).text;
  log.appendChild(item);
}};
document.getElementById("form").onsubmit = (event) => {{
  event.preventDefault();
  const input = document.getElementById("text");
  socket.send(JSON.stringify({{text: input.value}}));
  input.value = "";
}};
</script>
</body></html>
"""


def chat(request, room):
    """A tiny chat page; its script talks to the room's WebSocket route (examples.consumers.ChatConsumer)."""
    page = CHAT_PAGE.format(room=html.escape(room), socket=reverse("chat-socket", args=[room]))
    return HttpResponse(page)
