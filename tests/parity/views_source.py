"""Parity views and routes written once, built against ``django.*`` or ``microdj.*`` (the import-prefix swap).

``make_urlpatterns("django")`` and ``make_urlpatterns("microdj")`` run the very same view code, each with the
modules of its own framework; tests/parity/dj_urls.py and tests/parity/mdj_urls.py are the two URLconfs.
"""

from __future__ import annotations

import datetime
import decimal
import functools
import json
import uuid
from collections.abc import Callable
from importlib import import_module
from types import SimpleNamespace
from typing import Any

# Views that also get an async twin, routed under "async/" with the name prefixed "a-".
TWINNED = (
    "text",
    "bytes",
    "latin",
    "charset",
    "iterable",
    "write",
    "status",
    "reason",
    "kind",
    "json",
    "redirect",
    "error",
    "query",
    "cookies",
    "set-cookies",
    "headers",
    "info",
    "conv-int",
    "conv-uuid",
)

META_KEYS = (
    "REQUEST_METHOD",
    "PATH_INFO",
    "SCRIPT_NAME",
    "QUERY_STRING",
    "CONTENT_TYPE",
    "CONTENT_LENGTH",
    "SERVER_NAME",
    "SERVER_PORT",
    "REMOTE_ADDR",
    "REMOTE_HOST",
    "REMOTE_PORT",
    "HTTP_HOST",
    "HTTP_USER_AGENT",
    "HTTP_ACCEPT",
    "HTTP_X_CUSTOM_THING",
    "HTTP_COOKIE",
)


def frameworks(prefix: str) -> SimpleNamespace:
    """The modules of one framework, by their Django names."""

    def mod(name: str) -> Any:
        return import_module(f"{prefix}.{name}")

    return SimpleNamespace(
        http=mod("http"),
        shortcuts=mod("shortcuts"),
        exceptions=mod("core.exceptions"),
        urls=mod("urls"),
        generic=mod("views.generic"),
        dhttp=mod("views.decorators.http"),
        dcache=mod("views.decorators.cache"),
        dvary=mod("views.decorators.vary"),
        dcsrf=mod("views.decorators.csrf"),
        csrf=mod("middleware.csrf"),
        messages=mod("contrib.messages"),
    )


def make_views(prefix: str) -> dict[str, Callable[..., Any]]:
    """Every parity view, by route name, using ``prefix``'s modules only."""
    fw = frameworks(prefix)
    http, shortcuts, exceptions, urls = fw.http, fw.shortcuts, fw.exceptions, fw.urls
    views: dict[str, Callable[..., Any]] = {}

    def view(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def register(func: Callable[..., Any]) -> Callable[..., Any]:
            views[name] = func
            return func

        return register

    # ------------------------------------------------------------------------------- plain responses
    @view("text")
    def text(request: Any) -> Any:
        return http.HttpResponse("héllo wörld ✓")

    @view("bytes")
    def raw_bytes(request: Any) -> Any:
        return http.HttpResponse(b"\x00\x01\xfe\xffraw", content_type="application/octet-stream")

    @view("latin")
    def latin(request: Any) -> Any:
        return http.HttpResponse("café crème", content_type="text/plain; charset=latin-1")

    @view("charset")
    def charset(request: Any) -> Any:
        return http.HttpResponse("niño", charset="iso-8859-1", headers={"X-Extra": "yes"})

    @view("iterable")
    def iterable(request: Any) -> Any:
        return http.HttpResponse(iter(["a", b"b", 3, "é"]), content_type="text/csv")

    @view("write")
    def write(request: Any) -> Any:
        response = http.HttpResponse(content_type="text/plain")
        response.write("one ")
        response.writelines(["two ", "three"])
        response["X-Custom"] = "value"
        response.headers["X-Gone"] = "soon"
        del response["X-Gone"]
        response.headers.setdefault("X-Default", "d")
        response["X-Unicode"] = "naïve"
        return response

    @view("status")
    def status(request: Any, code: int) -> Any:
        response = http.HttpResponse(status=code)
        response.content = f"{response.status_code} {response.reason_phrase}"
        return response

    @view("reason")
    def reason(request: Any) -> Any:
        response = http.HttpResponse("x", status=299, reason="Custom Reason")
        response.write(f" {response.reason_phrase}")
        return response

    @view("kind")
    def kind(request: Any, name: str) -> Any:
        factories = {
            "notfound": lambda: http.HttpResponseNotFound("nf"),
            "forbidden": lambda: http.HttpResponseForbidden("fb"),
            "gone": lambda: http.HttpResponseGone(),
            "badrequest": lambda: http.HttpResponseBadRequest("bad"),
            "servererror": lambda: http.HttpResponseServerError("se"),
            "notallowed": lambda: http.HttpResponseNotAllowed(["GET", "post"], "na"),
            "notmodified": lambda: http.HttpResponseNotModified(),
            "nocontent": lambda: http.HttpResponse(status=204),
            "permanent": lambda: http.HttpResponsePermanentRedirect("/elsewhere/é?q=ü"),
        }
        response = factories[name]()
        return response

    @view("json")
    def json_view(request: Any, name: str) -> Any:
        stamp = datetime.datetime(2024, 2, 29, 13, 14, 15, 123456)
        aware = datetime.datetime(2024, 2, 29, 13, 14, 15, tzinfo=datetime.UTC)
        payloads = {
            "dict": lambda: http.JsonResponse(
                {"a": 1, "b": [True, None, 2.5], "é": "ü", "nested": {"x": "<>&"}}
            ),
            "list": lambda: http.JsonResponse([1, "two", {"three": 3}], safe=False),
            "types": lambda: http.JsonResponse(
                {
                    "datetime": stamp,
                    "aware": aware,
                    "date": stamp.date(),
                    "time": stamp.time(),
                    "delta": datetime.timedelta(days=1, hours=2, seconds=3, microseconds=4),
                    "decimal": decimal.Decimal("12.340"),
                    "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
                    "ms": datetime.datetime(2024, 1, 1, 0, 0, 0, 1000),
                }
            ),
            "params": lambda: http.JsonResponse({"b": 1, "a": [1, 2]}, json_dumps_params={"indent": 2}),
            "status": lambda: http.JsonResponse({"created": True}, status=201),
            "unsafe": lambda: http.JsonResponse([1, 2]),
            "scalar": lambda: http.JsonResponse("just a string", safe=False),
        }
        return payloads[name]()

    # ------------------------------------------------------------------------------------- redirects
    @view("redirect")
    def redirect(request: Any, name: str) -> Any:
        targets = {
            "plain": lambda: http.HttpResponseRedirect("/target/?a=1&b=2"),
            "name": lambda: shortcuts.redirect("item", pk=7),
            "ns-args": lambda: shortcuts.redirect("shop:detail", 5),
            "path": lambda: shortcuts.redirect("/some/path/"),
            "absolute": lambda: shortcuts.redirect("https://example.com/x", permanent=True),
            "unsafe": lambda: http.HttpResponseRedirect("ftp://example.com/file"),
            "preserve": lambda: shortcuts.redirect("/keep/", preserve_request=True),
            "preserve-permanent": lambda: shortcuts.redirect("/keep/", permanent=True, preserve_request=True),
            "iri": lambda: shortcuts.redirect("/é/ü?x=ç y"),
            "relative": lambda: shortcuts.redirect("../up/"),
            "view": lambda: shortcuts.redirect(views["item"], pk=9),
            "missing": lambda: shortcuts.redirect("no-such-view"),
            "reverse-query": lambda: http.HttpResponseRedirect(
                urls.reverse("item", kwargs={"pk": 1}, query={"a": "1 2", "b": ["x", "y"]}, fragment="top")
            ),
        }
        return targets[name]()

    @view("item")
    def item(request: Any, pk: int) -> Any:
        return http.HttpResponse(f"item {pk} {urls.reverse('item', args=[pk + 1])}")

    # ---------------------------------------------------------------------------------------- errors
    @view("error")
    def error(request: Any, name: str) -> Any:
        if name == "http404":
            raise http.Http404("No such thing")
        if name == "denied":
            raise exceptions.PermissionDenied("nope")
        if name == "bad":
            raise exceptions.BadRequest("bad input")
        if name == "suspicious":
            raise exceptions.SuspiciousOperation("odd")
        if name == "disallowed-host":
            raise exceptions.DisallowedHost("evil.example")
        if name == "too-big":
            raise exceptions.RequestDataTooBig("big")
        if name == "get-host":
            return http.HttpResponse(request.get_host())
        raise ValueError("unhandled")

    # ------------------------------------------------------------------------------- request details
    @view("query")
    def query(request: Any) -> Any:
        return http.JsonResponse(
            {
                "GET": {key: request.GET.getlist(key) for key in request.GET},
                "get": request.GET.get("a"),
                "items": list(request.GET.items()),
                "lists": list(request.GET.lists()),
                "dict": request.GET.dict(),
                "urlencode": request.GET.urlencode(),
                "QUERY_STRING": request.META.get("QUERY_STRING"),
                "full_path": request.get_full_path(),
                "mutable": request.GET._mutable,
            }
        )

    @view("cookies")
    def cookies(request: Any) -> Any:
        return http.JsonResponse({"COOKIES": request.COOKIES})

    @view("set-cookies")
    def set_cookies(request: Any) -> Any:
        response = http.HttpResponse("cookies")
        response.set_cookie("plain", "value")
        response.set_cookie("quoted", 'needs "quoting"; yes')
        response.set_cookie("unicode", "é")
        response.set_cookie(
            "full",
            "x",
            max_age=3600,
            path="/p/",
            domain=".example.com",
            secure=True,
            httponly=True,
            samesite="Strict",
        )
        response.set_cookie("delta", "d", max_age=datetime.timedelta(minutes=5))
        response.set_cookie("exp-dt", "e", expires=datetime.datetime(2037, 1, 2, 3, 4, 5))
        response.set_cookie("exp-str", "s", expires="Fri, 02 Jan 2037 03:04:05 GMT")
        response.set_cookie("lax", "l", samesite="Lax")
        response.set_cookie("none", "n", samesite="None", secure=True)
        response.delete_cookie("old")
        response.delete_cookie("old-scoped", path="/a/", domain="example.com", samesite="Lax")
        response.delete_cookie("__Secure-token")
        return response

    @view("headers")
    def headers(request: Any) -> Any:
        return http.JsonResponse(
            {
                "headers": sorted(request.headers.items()),
                "get": request.headers.get("x-custom-thing"),
                "contains": "User-Agent" in request.headers,
                "META": {key: request.META.get(key) for key in META_KEYS},
            }
        )

    @view("info")
    def info(request: Any) -> Any:
        return http.JsonResponse(
            {
                "method": request.method,
                "path": request.path,
                "path_info": request.path_info,
                "scheme": request.scheme,
                "secure": request.is_secure(),
                "host": request.get_host(),
                "port": request.get_port(),
                "full_path": request.get_full_path(),
                "full_path_slash": request.get_full_path(force_append_slash=True),
                "uri": request.build_absolute_uri(),
                "uri_rel": request.build_absolute_uri("x/y?z=1"),
                "uri_abs": request.build_absolute_uri("/abs/"),
                "content_type": request.content_type,
                "content_params": request.content_params,
                "encoding": request.encoding,
                "accepts_html": request.accepts("text/html"),
                "accepts_json": request.accepts("application/json"),
                "ajax_like": request.headers.get("X-Requested-With"),
            }
        )

    # ---------------------------------------------------------------------------------- URL routing
    def echo_match(request: Any, *args: Any, **kwargs: Any) -> Any:
        match = request.resolver_match
        return http.JsonResponse(
            {
                "args": [repr(a) for a in args],
                "kwargs": {key: repr(value) for key, value in kwargs.items()},
                "url_name": match.url_name,
                "app_name": match.app_name,
                "app_names": match.app_names,
                "namespace": match.namespace,
                "namespaces": match.namespaces,
                "view_name": match.view_name,
                "route": match.route,
                "captured": {key: repr(value) for key, value in match.captured_kwargs.items()},
                "extra": {key: repr(value) for key, value in match.extra_kwargs.items()},
                "reverse": urls.reverse(match.view_name, args=args, kwargs=kwargs),
            }
        )

    for name in (
        "conv-int",
        "conv-slug",
        "conv-uuid",
        "conv-path",
        "conv-str",
        "re-named",
        "re-unnamed",
        "re-optional",
        "extra",
        "shop-list",
        "shop-detail",
        "shop-nested",
    ):
        views[name] = echo_match

    @view("reverse")
    def reverse(request: Any) -> Any:
        results = {}
        attempts = {
            "item": lambda: urls.reverse("item", kwargs={"pk": 3}),
            "shop": lambda: urls.reverse("shop:detail", args=[4]),
            "nested": lambda: urls.reverse("shop:inner:nested", kwargs={"slug": "a-b"}),
            "other-instance": lambda: urls.reverse("store:detail", args=[4]),
            "app-default": lambda: urls.reverse("shopapp:detail", args=[4]),
            "app-current": lambda: urls.reverse("shopapp:detail", args=[4], current_app="store"),
            "conv-path": lambda: urls.reverse("conv-path", kwargs={"rest": "a/b c/é"}),
            "re": lambda: urls.reverse("re-named", kwargs={"year": "2024", "slug": "x"}),
            "query": lambda: urls.reverse("item", args=[2], query={"q": "é&"}, fragment="f g"),
            "missing": lambda: urls.reverse("nope"),
            "bad-arg": lambda: urls.reverse("item", kwargs={"pk": "abc"}),
        }
        for key, attempt in attempts.items():
            try:
                results[key] = attempt()
            except urls.NoReverseMatch as exc:
                results[key] = type(exc).__name__
        return http.JsonResponse(results)

    # ----------------------------------------------------------------------------- class-based views
    class ItemView(fw.generic.View):
        greeting = "hi"

        def get(self, request: Any, *args: Any, **kwargs: Any) -> Any:
            return http.HttpResponse(f"{self.greeting} GET {kwargs}")

        def post(self, request: Any, *args: Any, **kwargs: Any) -> Any:
            return http.HttpResponse(f"POST {request.POST.get('a')}", status=201)

    class AsyncItemView(fw.generic.View):
        async def get(self, request: Any, *args: Any, **kwargs: Any) -> Any:
            return http.HttpResponse("async GET")

        async def delete(self, request: Any, *args: Any, **kwargs: Any) -> Any:
            return http.HttpResponse(status=204)

    class OnlyPost(fw.generic.View):
        http_method_names = ["post", "options"]

        def post(self, request: Any) -> Any:
            return http.HttpResponse("posted")

    views["cbv"] = ItemView.as_view()
    views["cbv-init"] = ItemView.as_view(greeting="hello")
    views["cbv-async"] = AsyncItemView.as_view()
    views["cbv-only-post"] = OnlyPost.as_view()
    redirect_view = fw.generic.RedirectView
    views["rv-url"] = redirect_view.as_view(url="/to/%(pk)s/")
    views["rv-permanent"] = redirect_view.as_view(url="/perm/", permanent=True)
    views["rv-query"] = redirect_view.as_view(url="/with-query/", query_string=True)
    views["rv-pattern"] = redirect_view.as_view(pattern_name="item")
    views["rv-gone"] = redirect_view.as_view()

    # ------------------------------------------------------------------------------------ decorators
    dhttp, dcache, dvary = fw.dhttp, fw.dcache, fw.dvary

    def method_echo(request: Any) -> Any:
        return http.HttpResponse(f"method {request.method}")

    async def amethod_echo(request: Any) -> Any:
        return http.HttpResponse(f"async method {request.method}")

    views["dec-post"] = dhttp.require_POST(method_echo)
    views["dec-apost"] = dhttp.require_POST(amethod_echo)
    views["dec-methods"] = dhttp.require_http_methods(["GET", "PUT"])(method_echo)
    views["dec-safe"] = dhttp.require_safe(method_echo)
    views["dec-get"] = dhttp.require_GET(amethod_echo)
    views["dec-never"] = dcache.never_cache(method_echo)
    views["dec-anever"] = dcache.never_cache(amethod_echo)
    views["dec-cache"] = dcache.cache_control(max_age=60, public=True, no_transform=True)(method_echo)
    views["dec-cache-private"] = dcache.cache_control(private=True, s_maxage=5)(amethod_echo)
    views["dec-vary"] = dvary.vary_on_headers("Accept-Language", "X-Thing")(method_echo)
    views["dec-vary-cookie"] = dvary.vary_on_cookie(amethod_echo)

    def etag_of(request: Any) -> str:
        return "v1"

    def modified_at(request: Any) -> datetime.datetime:
        return datetime.datetime(2024, 1, 2, 3, 4, 5)

    views["dec-etag"] = dhttp.etag(etag_of)(method_echo)
    views["dec-aetag"] = dhttp.etag(etag_of)(amethod_echo)
    views["dec-modified"] = dhttp.last_modified(modified_at)(method_echo)
    views["dec-condition"] = dhttp.condition(etag_func=etag_of, last_modified_func=modified_at)(method_echo)

    # ----------------------------------------------------------------------------------------- bodies
    def describe(upload: Any) -> list[Any]:
        # Django's multipart parser gives ``charset`` as bytes (its docs say str; microdj gives str): the
        # echo shows the text, test_parity_forms pins the types.
        charset = upload.charset
        text = charset.decode("latin-1") if isinstance(charset, bytes) else charset
        content = upload.read().decode("latin-1")
        return [upload.name, upload.size, upload.content_type, text, content]

    @view("upload-charset")
    def upload_charset(request: Any) -> Any:
        charset = request.FILES.getlist("doc")[1].charset
        text = charset.decode() if isinstance(charset, bytes) else charset
        return http.HttpResponse(f"{type(charset).__name__} {text}")

    @view("form")
    def form(request: Any) -> Any:
        files = {key: [describe(f) for f in request.FILES.getlist(key)] for key in request.FILES}
        return http.JsonResponse(
            {
                "method": request.method,
                "POST": {key: request.POST.getlist(key) for key in request.POST},
                "FILES": files,
                "content_type": request.content_type,
                "CONTENT_LENGTH": request.META.get("CONTENT_LENGTH"),
                "GET": {key: request.GET.getlist(key) for key in request.GET},
            }
        )

    @view("form-latin")
    def form_latin(request: Any) -> Any:
        request.encoding = "latin-1"
        return http.JsonResponse({"POST": {key: request.POST.getlist(key) for key in request.POST}})

    @view("json-body")
    def json_body(request: Any) -> Any:
        try:
            data = json.loads(request.body)
        except ValueError as exc:
            return http.JsonResponse({"error": type(exc).__name__}, status=400)
        return http.JsonResponse({"data": data, "type": type(data).__name__, "length": len(request.body)})

    @view("raw-body")
    def raw_body(request: Any) -> Any:
        body = request.body
        return http.HttpResponse(body, content_type=request.content_type or "application/octet-stream")

    @view("read-body")
    def read_body(request: Any) -> Any:
        first = request.read(3)
        rest = request.read()
        return http.JsonResponse({"first": first.decode("latin-1"), "rest": rest.decode("latin-1")})

    @view("csrf-token")
    def csrf_token(request: Any) -> Any:
        return http.HttpResponse(fw.csrf.get_token(request))

    @view("csrf-post")
    def csrf_post(request: Any) -> Any:
        return http.HttpResponse(f"accepted {request.POST.get('a')}")

    views["csrf-exempt"] = fw.dcsrf.csrf_exempt(csrf_post)

    @view("session")
    def session(request: Any) -> Any:
        count = request.session.get("count", 0) + 1
        request.session["count"] = count
        if request.GET.get("flush"):
            request.session.flush()
        return http.JsonResponse({"count": count, "empty": request.session.is_empty()})

    @view("messages-add")
    def messages_add(request: Any) -> Any:
        # Texts that do not compress, long enough for a few to fill the cookie (the rest goes to the session).
        for number in range(int(request.GET.get("n", "1"))):
            text = "".join(f"{(number * 7919 + i * 104729) % 999983:06d}" for i in range(40))
            fw.messages.add_message(request, (fw.messages.INFO, fw.messages.ERROR)[number % 2], text, "x")
        fw.messages.debug(request, "not recorded at the default level")
        return http.HttpResponse("added")

    @view("messages-show")
    def messages_show(request: Any) -> Any:
        shown = [[m.level, m.message[:12], m.tags] for m in fw.messages.get_messages(request)]
        return http.JsonResponse({"messages": shown, "level": fw.messages.get_level(request)})

    @view("session-read")
    def session_read(request: Any) -> Any:
        return http.JsonResponse({"count": request.session.get("count")})

    @view("big")
    def big(request: Any) -> Any:
        return http.HttpResponse("gzip me please " * 100, content_type="text/html")

    @view("stream")
    def stream(request: Any) -> Any:
        return http.StreamingHttpResponse(iter([b"chunk1 " * 40, b"chunk2 " * 40]), content_type="text/plain")

    @view("slash/")
    def slash(request: Any) -> Any:
        return http.HttpResponse(f"slash {request.get_full_path()}")

    return views


def asynced(func: Callable[..., Any]) -> Callable[..., Any]:
    """The async twin of a sync view: the same code, run on the event loop."""

    async def twin(request: Any, *args: Any, **kwargs: Any) -> Any:
        return func(request, *args, **kwargs)

    return functools.wraps(func)(twin)


def make_urlpatterns(prefix: str) -> list[Any]:
    """The URLconf's ``urlpatterns`` for ``prefix`` ("django" or "microdj")."""
    urls = import_module(f"{prefix}.urls")
    path, re_path, include = urls.path, urls.re_path, urls.include
    v = make_views(prefix)

    def core(wrap: Callable[..., Any], tag: str) -> list[Any]:
        """The routes in TWINNED, each view passed through ``wrap`` and named ``tag + name``."""
        routes = {
            "text": "text/",
            "bytes": "bytes/",
            "latin": "latin/",
            "charset": "charset/",
            "iterable": "iterable/",
            "write": "write/",
            "status": "status/<int:code>/",
            "reason": "reason/",
            "kind": "kind/<str:name>/",
            "json": "json/<str:name>/",
            "redirect": "redirect/<str:name>/",
            "error": "error/<str:name>/",
            "query": "query/",
            "cookies": "cookies/",
            "set-cookies": "set-cookies/",
            "headers": "headers/",
            "info": "info/",
            "conv-int": "conv/int/<int:pk>/",
            "conv-uuid": "conv/uuid/<uuid:uid>/",
        }
        return [path(routes[name], wrap(v[name]), name=tag + name) for name in TWINNED]

    inner = [path("nested/<slug:slug>/", v["shop-nested"], name="nested")]
    shop = (
        [
            path("", v["shop-list"], name="list"),
            path("<int:pk>/", v["shop-detail"], name="detail"),
            path("inner/", include((inner, "inner"), namespace="inner")),
        ],
        "shopapp",
    )
    return [
        *core(lambda func: func, ""),
        path("async/", include(core(asynced, "a-"))),
        path("item/<int:pk>/", v["item"], name="item"),
        path("conv/slug/<slug:slug>/", v["conv-slug"], name="conv-slug"),
        path("conv/path/<path:rest>", v["conv-path"], name="conv-path"),
        path("conv/str/<str:word>/<int:n>/", v["conv-str"], name="conv-str"),
        re_path(r"^re/(?P<year>[0-9]{4})/(?P<slug>[\w-]+)/$", v["re-named"], name="re-named"),
        re_path(r"^re-unnamed/([0-9]+)/([a-z]+)/$", v["re-unnamed"], name="re-unnamed"),
        re_path(r"^re-optional/(?:(?P<page>[0-9]+)/)?$", v["re-optional"], name="re-optional"),
        path("extra/<int:pk>/", v["extra"], {"flag": True, "pk": 0}, name="extra"),
        path("shop/", include(shop, namespace="shop")),
        path("store/", include(shop, namespace="store")),
        path("reverse/", v["reverse"], name="reverse"),
        path("cbv/", v["cbv"], name="cbv"),
        path("cbv/<int:pk>/", v["cbv-init"], name="cbv-init"),
        path("cbv-async/", v["cbv-async"], name="cbv-async"),
        path("cbv-only-post/", v["cbv-only-post"], name="cbv-only-post"),
        path("rv/url/<int:pk>/", v["rv-url"], name="rv-url"),
        path("rv/permanent/", v["rv-permanent"], name="rv-permanent"),
        path("rv/query/", v["rv-query"], name="rv-query"),
        path("rv/pattern/<int:pk>/", v["rv-pattern"], name="rv-pattern"),
        path("rv/gone/", v["rv-gone"], name="rv-gone"),
        *[path(f"{name}/", v[name], name=name) for name in v if name.startswith("dec-")],
        *[
            path(f"{name}/", v[name], name=name)
            for name in (
                "form",
                "form-latin",
                "upload-charset",
                "json-body",
                "raw-body",
                "read-body",
                "csrf-token",
                "csrf-post",
                "csrf-exempt",
                "session",
                "session-read",
                "messages-add",
                "messages-show",
                "big",
                "stream",
            )
        ],
        path("slash/", v["slash/"], name="slash"),
        path("async/form/", asynced(v["form"]), name="a-form"),
        path("async/json-body/", asynced(v["json-body"]), name="a-json-body"),
        path("async/raw-body/", asynced(v["raw-body"]), name="a-raw-body"),
    ]
