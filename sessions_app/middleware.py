"""Text a client sends that no text field can hold is refused before any view reads it."""

from __future__ import annotations

import codecs
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import translation

from sessions_app.client_input import forbidden_characters

ADDRESS_MAX = 4096  # characters of path and query, as percent-encoded


class ClientInputMiddleware:
    """Before the session, the CSRF check and every view:

    - a request is read as UTF-8 whatever charset its Content-Type names: Django would decode
      the query and the form with it, and a codec like "rot13" or "unicode_escape" either
      fails outright or turns "\\ud800" into a lone surrogate;
    - a cookie holding a NUL is dropped (the session would look its key up in PostgreSQL,
      which refuses NUL in text): the visitor is then signed out, not shown an error;
    - an address longer than ADDRESS_MAX is answered with 414 (gunicorn refuses a request
      line over 4094 bytes before Django sees it; behind any other server, a redirect that
      carries it on as `next` would be refused by Django with a server error);
    - an address, query parameter or form field (name or value) holding a NUL or a lone
      surrogate is answered with 400 and a page that says so in the visitor's language.
      PostgreSQL refuses NUL in text and no encoder writes a lone surrogate, so such a value
      would end as a server error wherever a view passed it on. Uploads (multipart) are left
      to their forms: reading them here would come before their upload handlers are set.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.encoding is not None and _codec_name(request.encoding) != "utf-8":
            request.encoding = None  # the default, UTF-8 (undecodable bytes become U+FFFD)
        cookies = request.COOKIES
        for name in [n for n, v in cookies.items() if forbidden_characters(n + v)]:
            del cookies[name]
        if len(request.get_full_path()) > ADDRESS_MAX:
            return refuse(request, status=414, too_long=True)
        if self.unreadable(request):
            return refuse(request, status=400, too_long=False)
        return self.get_response(request)

    @staticmethod
    def unreadable(request: HttpRequest) -> bool:
        if forbidden_characters(request.path_info):
            return True
        sources = [request.GET]
        if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
            # parsed apart from request.POST: a view may still set its upload handlers
            sources.append(QueryDict(request.body, encoding=request.encoding))
        return any(
            forbidden_characters(key) or any(forbidden_characters(value) for value in values)
            for source in sources
            for key, values in source.lists()
        )


def refuse(request: HttpRequest, *, status: int, too_long: bool) -> HttpResponse:
    with translation.override(translation.get_language_from_request(request)):
        return render(request, "400.html", {"too_long": too_long}, status=status)


def _codec_name(charset: str) -> str | None:
    try:
        return codecs.lookup(charset).name
    except LookupError:
        return None
