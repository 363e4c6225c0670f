"""Views of the browser tests: a template page and a view that fails with secrets in its locals."""

from __future__ import annotations

from typing import Any

from microdj.http import HttpResponse
from microdj.shortcuts import render
from microdj.urls import path
from tests.template.pages import page_context


async def page(request: Any) -> HttpResponse:
    return render(request, "page.html", page_context())


def load_order(order_id: int) -> dict[str, Any]:
    orders = {1: {"total": 10}}
    return orders[order_id]


def checkout(request: Any) -> HttpResponse:
    card_password = "pw-do-not-show"
    basket = ["apples", "pears"]
    try:
        load_order(int(request.GET.get("order", "2")))
    except KeyError as error:
        raise RuntimeError(f"Checkout failed for {len(basket)} items") from error
    return HttpResponse(card_password)


def broken_template(request: Any) -> HttpResponse:
    return render(request, "broken.html", {"items": [1, 2]})


urlpatterns = [
    path("broken-template/", broken_template),
    path("", page, name="page"),
    path("shop/checkout/", checkout, name="checkout"),
    path("shop/basket/<int:pk>/", checkout, name="basket"),
]
