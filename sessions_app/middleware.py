"""Text a client sends that no text field can hold is refused before any view reads it."""

from __future__ import annotations

import codecs
from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.core.handlers.wsgi import get_bytes_from_wsgi
from django.http import HttpRequest, HttpResponse
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
      surrogate, or bytes that are not UTF-8 (how a lone surrogate arrives), is answered with
      400 and a page that says so in the visitor's language.
      PostgreSQL refuses NUL in text and no encoder writes a lone surrogate, so such a value
      would end as a server error wherever a view passed it on. Uploads (multipart) are left
      to their forms: reading them here would come before their upload handlers are set.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.encoding is not None and _codec_name(request.encoding) != "utf-8":
            # the default, UTF-8 (undecodable bytes become U+FFFD); Django's setter takes None,
            # its stubs only a name
            request.encoding = None  # type: ignore[assignment]
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
        raw = [get_bytes_from_wsgi(request.META, "QUERY_STRING", "")]
        if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
            raw.append(request.body)  # not request.POST: a view may still set upload handlers
        return not all(_readable_form_data(data) for data in raw)


def _readable_form_data(data: bytes) -> bool:
    """Whether every name and value of form-encoded `data` is UTF-8 (which holds no lone
    surrogate: "%ED%A0%80" is not UTF-8) without a NUL. Django itself would read undecodable
    bytes as U+FFFD and store them so."""
    for pair in data.split(b"&"):
        for part in pair.split(b"=", 1):
            try:
                text = unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
            except UnicodeDecodeError:
                return False
            if forbidden_characters(text):
                return False
    return True


def refuse(request: HttpRequest, *, status: int, too_long: bool) -> HttpResponse:
    with translation.override(translation.get_language_from_request(request)):
        return render(request, "400_input.html", {"too_long": too_long}, status=status)


def _codec_name(charset: str) -> str | None:
    try:
        return codecs.lookup(charset).name
    except LookupError:
        return None
