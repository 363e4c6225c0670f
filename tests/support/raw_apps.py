"""Small raw ASGI applications the test-client tests talk to: an echo, a crash, redirects, a lifespan."""

import json
import threading


async def read_body(receive):
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            return body


async def send_response(send, status=200, headers=(), body=b"", chunks=None):
    await send({"type": "http.response.start", "status": status, "headers": list(headers)})
    for chunk in chunks or ():
        await send({"type": "http.response.body", "body": chunk, "more_body": True})
    await send({"type": "http.response.body", "body": body})


async def echo_app(scope, receive, send):
    """Answers with JSON describing the request; some paths set or delete cookies."""
    if scope["type"] == "lifespan":
        raise ValueError("no lifespan")
    body = await read_body(receive)
    info = {
        "method": scope["method"],
        "path": scope["path"],
        "query": scope["query_string"].decode(),
        "scheme": scope["scheme"],
        "server": list(scope["server"]),
        "headers": [[k.decode(), v.decode()] for k, v in scope["headers"]],
        "body": body.decode(),
        "test": sorted(scope.get("microdj.test", {})),
    }
    headers = [(b"content-type", b"application/json"), (b"x-multi", b"a"), (b"x-multi", b"b")]
    if scope["path"] == "/set/":
        headers += [
            (b"set-cookie", b"flavour=oatmeal; Path=/; HttpOnly"),
            (b"set-cookie", b"size=large; Max-Age=3600"),
        ]
    elif scope["path"] == "/delete/":
        headers += [
            (b"set-cookie", b'flavour=""; Max-Age=0; Path=/'),
            (b"set-cookie", b"size=; expires=Thu, 01 Jan 1970 00:00:00 GMT"),
            (b"set-cookie", b"ghost=; Max-Age=0"),
        ]
    elif scope["path"] == "/odd-cookies/":
        headers += [
            (b"set-cookie", b"a=1; Max-Age=soon; expires=Thu, 01 Jan 1970 00:00:00 GMT"),
            (b"set-cookie", b"b=2; expires=garbage"),
            (b"set-cookie", b"c=3; expires=Thu, 01 Jan 2099 00:00:00 GMT"),
        ]
    await send_response(send, 200, headers, json.dumps(info).encode())


def header_dict(data):
    return dict(data["headers"])


async def crashing_app(scope, receive, send):
    if scope["type"] == "lifespan":
        raise ValueError("no lifespan")
    if scope["path"] == "/late/":
        await send_response(send, 200, [], b"sent")
    raise ZeroDivisionError("app crashed")


async def redirect_app(scope, receive, send):
    if scope["type"] == "lifespan":
        raise ValueError("no lifespan")
    path = scope["path"]
    targets = {
        "/a/": (302, "/b/?from=a"),
        "/b/": (301, "relative/"),
        "/abs/": (302, "https://other.example:8443/final/"),
        "/host-only/": (302, "http://other.example"),
        "/keep/": (307, "/echo/?kept=1"),
        "/keep308/": (308, "/echo/"),
        "/see-other/": (303, "/echo/"),
        "/loop/": (302, "/loop2/"),
        "/loop2/": (302, "/loop/"),
        "/nolocation/": (302, None),
    }
    if path.startswith("/grow/"):
        targets[path] = (302, path + "x/")
    if path in targets:
        status, location = targets[path]
        headers = [] if location is None else [(b"location", location.encode())]
        await read_body(receive)
        await send_response(send, status, headers)
        return
    await echo_app(scope, receive, send)


def lifespan_app(log, fail=False):
    async def app(scope, receive, send):
        if scope["type"] == "lifespan":
            await receive()
            log.append(("startup", threading.current_thread().name))
            scope["state"]["db"] = "connected"
            if fail:
                await send({"type": "lifespan.startup.failed", "message": "no database"})
                return
            await send({"type": "lifespan.startup.complete"})
            await receive()
            log.append(("shutdown", threading.current_thread().name))
            await send({"type": "lifespan.shutdown.complete"})
            return
        log.append(("request", threading.current_thread().name))
        await send_response(send, 200, [], scope["state"]["db"].encode())

    return app
