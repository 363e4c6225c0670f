"""The benchmark scenarios: one request each, sent in-process to every application."""

from dataclasses import dataclass, field

BOUNDARY = b"----microdjbench"


def _multipart() -> bytes:
    file_body = bytes(range(256)) * 64  # 16 KiB
    return b"".join(
        [
            b"--" + BOUNDARY + b"\r\n",
            b'Content-Disposition: form-data; name="title"\r\n\r\n',
            b"holiday photos\r\n",
            b"--" + BOUNDARY + b"\r\n",
            b'Content-Disposition: form-data; name="photo"; filename="photo.bin"\r\n',
            b"Content-Type: application/octet-stream\r\n\r\n",
            file_body + b"\r\n",
            b"--" + BOUNDARY + b"--\r\n",
        ]
    )


FORM_BODY = "&".join(f"field{i}=value{i}" for i in range(10)).encode()
UPLOAD_BODY = _multipart()


@dataclass(frozen=True)
class Scenario:
    name: str
    method: str
    path: str
    query: bytes = b""
    headers: tuple = ()
    body: bytes = b""
    expect: int = 200
    sync_path: str | None = field(default=None)


SCENARIOS = [
    Scenario("plaintext", "GET", "/plaintext"),
    Scenario("plaintext (sync view)", "GET", "/sync/plaintext"),
    Scenario("json", "GET", "/json"),
    Scenario("2-param route (48 before)", "GET", "/items/books/42/"),
    Scenario("query string", "GET", "/query", query=b"a=1&b=two&c=%C3%A9t%C3%A9&d=&e=5"),
    Scenario(
        "urlencoded form (10 fields)",
        "POST",
        "/form",
        headers=((b"content-type", b"application/x-www-form-urlencoded"),),
        body=FORM_BODY,
    ),
    Scenario(
        "multipart upload (16 KiB)",
        "POST",
        "/upload",
        headers=((b"content-type", b"multipart/form-data; boundary=" + BOUNDARY),),
        body=UPLOAD_BODY,
    ),
    Scenario("404", "GET", "/missing/page", expect=404),
]
