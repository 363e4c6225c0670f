"""SuccessMessageMixin on a form-handling view."""

from types import SimpleNamespace

from microdj.contrib.messages.storage.cookie import CookieStorage
from microdj.contrib.messages.views import SuccessMessageMixin
from microdj.http import HttpResponse
from tests.contrib.messages.conftest import make_request


class FormView:
    def __init__(self, request):
        self.request = request

    def form_valid(self, form):
        return HttpResponse("saved")


class Saved(SuccessMessageMixin, FormView):
    success_message = "%(name)s was saved"


class Quiet(SuccessMessageMixin, FormView):
    pass


def test_success_message_after_a_valid_form():
    request = make_request()
    request._messages = CookieStorage(request)
    response = Saved(request).form_valid(SimpleNamespace(cleaned_data={"name": "Ada"}))
    assert response.content == b"saved"
    assert [m.message for m in request._messages] == ["Ada was saved"]


def test_no_message_when_none_is_set():
    request = make_request()
    request._messages = CookieStorage(request)
    Quiet(request).form_valid(SimpleNamespace(cleaned_data={}))
    assert len(request._messages) == 0
