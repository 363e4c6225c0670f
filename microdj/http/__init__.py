"""Django's ``django.http`` names: requests, responses, cookies, ``QueryDict``, ``Http404``."""

from microdj.http.cookie import SimpleCookie, parse_cookie
from microdj.http.querydict import QueryDict
from microdj.http.request import (
    HttpHeaders,
    HttpRequest,
    RawPostDataException,
    UnreadablePostError,
)
from microdj.http.response import (
    BadHeaderError,
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseBase,
    HttpResponseForbidden,
    HttpResponseGone,
    HttpResponseNotAllowed,
    HttpResponseNotFound,
    HttpResponseNotModified,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
    HttpResponseServerError,
    JsonResponse,
    StreamingHttpResponse,
)

__all__ = [
    "BadHeaderError",
    "FileResponse",
    "Http404",
    "HttpHeaders",
    "HttpRequest",
    "HttpResponse",
    "HttpResponseBadRequest",
    "HttpResponseBase",
    "HttpResponseForbidden",
    "HttpResponseGone",
    "HttpResponseNotAllowed",
    "HttpResponseNotFound",
    "HttpResponseNotModified",
    "HttpResponsePermanentRedirect",
    "HttpResponseRedirect",
    "HttpResponseServerError",
    "JsonResponse",
    "QueryDict",
    "RawPostDataException",
    "SimpleCookie",
    "StreamingHttpResponse",
    "UnreadablePostError",
    "parse_cookie",
]
