"""Feeds a web page on another site may read (CORS): a widget on the event's own website that
shows "now in Zaal Zenne", or a schedule app that runs in the browser, polls them.

`readable_anywhere` wraps a feed's view:
- a preflight (OPTIONS) answers 204 at once: any origin may GET or HEAD it and send the
  conditional headers, so a poll costs a 304 when nothing changed; browsers remember the
  answer for a day;
- a GET or HEAD answers with `Access-Control-Allow-Origin: *` and exposes ETag and
  Last-Modified to scripts (without that, a script cannot read them and so cannot ask "changed
  since?"). A response marked `Cache-Control: private` (an organiser's preview before
  publication) is not shared with other sites.

Any origin, no credentials: the feeds are the same for everyone, and a cross-site request
carries no cookies, so a page on another site reads nothing it could not fetch itself.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase

ALLOW_METHODS = "GET, HEAD, OPTIONS"
ALLOW_HEADERS = "If-None-Match, If-Modified-Since"
EXPOSE_HEADERS = "ETag, Last-Modified"
PREFLIGHT_SECONDS = 24 * 3600


def readable_anywhere(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """The feed `view`, with its preflight answered and its answers readable from any site."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method == "OPTIONS":
            response: HttpResponseBase = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = ALLOW_METHODS
            response["Access-Control-Allow-Headers"] = ALLOW_HEADERS
            response["Access-Control-Max-Age"] = str(PREFLIGHT_SECONDS)
            response["Allow"] = ALLOW_METHODS
        else:
            response = view(request, *args, **kwargs)
            if response.get("Cache-Control", "").startswith("private"):
                return response
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = EXPOSE_HEADERS
        return response

    return wrapper
