"""microdj.middleware.clickjacking.XFrameOptionsMiddleware."""

from __future__ import annotations

import asyncio

from microdj.http import HttpRequest, HttpResponse
from microdj.middleware.clickjacking import XFrameOptionsMiddleware
from microdj.test import override_settings
from microdj.views.decorators.clickjacking import xframe_options_exempt


def respond(request):
    return HttpResponse()


def test_default_is_deny_and_the_setting_is_upper_cased():
    assert XFrameOptionsMiddleware(respond)(HttpRequest())["X-Frame-Options"] == "DENY"
    with override_settings(X_FRAME_OPTIONS="sameorigin"):
        assert XFrameOptionsMiddleware(respond)(HttpRequest())["X-Frame-Options"] == "SAMEORIGIN"


def test_a_header_set_by_the_view_or_an_exempt_view_is_left_alone():
    def own(request):
        response = HttpResponse()
        response["X-Frame-Options"] = "SAMEORIGIN"
        return response

    assert XFrameOptionsMiddleware(own)(HttpRequest())["X-Frame-Options"] == "SAMEORIGIN"
    exempt = XFrameOptionsMiddleware(xframe_options_exempt(respond))(HttpRequest())
    assert not exempt.has_header("X-Frame-Options")


def test_async_chain_and_a_per_request_value():
    class PerRequest(XFrameOptionsMiddleware):
        def get_xframe_options_value(self, request, response):
            return "SAMEORIGIN" if request.path == "/embed/" else "DENY"

    async def view(request):
        return HttpResponse()

    request = HttpRequest()
    request.path = "/embed/"
    response = asyncio.run(PerRequest(view)(request))
    assert response["X-Frame-Options"] == "SAMEORIGIN"
