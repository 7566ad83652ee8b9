"""What views of every audience share about a request and its answer: the request as htmx
sends it, the client's address, a safe place to go `next`, the answer to a form sent a
second time, and a feed's answer to a client that may have it already (ETag, Last-Modified,
304). Not a view module: views import from here, never from one another."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails

from sessions_app.client_input import forbidden_characters, parse_uuid

if TYPE_CHECKING:  # the annotation only: sign-in forms import this module for `client_ip`
    from sessions_app.actions import AlreadySubmitted


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails
    upload_too_large: bool  # on the views `uploads.limited_upload` guards: a file was stopped


def client_ip(request: HttpRequest) -> str | None:
    """The client's address; behind `OOCAMP_TRUSTED_PROXIES` proxies, the one the outermost
    of them saw (the n-th from the right of X-Forwarded-For, which a client cannot forge)."""
    proxies = settings.OOCAMP_TRUSTED_PROXIES
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(forwarded) >= proxies and forwarded[-proxies]:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def safe_next(request: HttpRequest, fallback: str | Callable[[], str]) -> str:
    """The `next` the request names if it is a path of this site, else `fallback` (a callable
    is called only then: a vote tap names its `next`, and a reverse() is 5 % of the tap)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    printable = not any(ord(char) < 32 or forbidden_characters(char) for char in target)
    allowed = (
        target.startswith("/")
        and printable
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    )  # a path of this site: `redirect()` would take anything else for a view name
    if allowed:
        return target
    return fallback() if callable(fallback) else fallback


def already_submitted(
    request: HtmxHttpRequest, earlier: AlreadySubmitted, message: str = ""
) -> HttpResponse:
    """A form that creates something came a second time (a double click, Back and submit
    again): say so, and show what the first submit made."""
    messages.info(
        request,
        message or _("You had already sent this form, so nothing was made twice. Here it is."),
    )
    if request.htmx:
        return HttpResponseClientRedirect(earlier.url)
    return redirect(earlier.url)


def idempotency_key(request: HttpRequest) -> uuid.UUID | None:
    """The `Idempotency-Key` header a phone's outbox (static/js/outbox.js) sends with an action
    written offline: a UUID the phone made when it was written, the same at every send, so the
    action is done once however often it arrives (`actions.act_once`). Anything but a UUID (a
    fuzzer, another client) is no key: the request is an ordinary one."""
    return parse_uuid(request.headers.get("Idempotency-Key", ""))


def etag_of(body: bytes) -> str:
    """A strong ETag from the body itself, so every process gives the same one."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def feed_response(
    request: HtmxHttpRequest,
    body: bytes,
    content_type: str,
    *,
    etag: str,
    modified: datetime | None,
    public: bool,
    filename: str | None = None,
) -> HttpResponse:
    """The feed, or 304 when the client has it already. `public`: the same for everyone (and
    readable from any web page, `readable_anywhere`); otherwise private to whoever holds the
    URL. `modified`: the Last-Modified, None when the data cannot say when it changed."""
    response = HttpResponse(body, content_type=content_type)
    response["ETag"] = etag
    if modified is not None:
        response["Last-Modified"] = http_date(modified.timestamp())
    response["Cache-Control"] = "public, no-cache" if public else "private, no-cache"
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # given a response, it returns that response, a 304 or a 412: never None
    response = cast(
        HttpResponse,
        get_conditional_response(
            request,
            etag=etag,
            last_modified=int(modified.timestamp()) if modified is not None else None,
            response=response,
        ),
    )
    if not public:
        response["X-Robots-Tag"] = "noindex"
    return response
