"""Middleware that only runs when an environment variable asks for it (see settings)."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class ServedByMiddleware:
    """Names the app process in an `X-Served-By` header (OOCAMP_SERVED_BY), so a test or an
    operator behind a load balancer sees which instance answered. Off unless the variable is
    set: the header tells outsiders about the set-up."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.name = settings.OOCAMP_SERVED_BY

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response["X-Served-By"] = self.name
        return response
