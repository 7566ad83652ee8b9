"""Who may see and do what. Views load the event through `event_view`, which also speaks the
event's language to visitors who have not picked one themselves."""

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import translation

from sessions_app.models import Event


def activate_event_language(request: HttpRequest, event: Event) -> None:
    supported = {code for code, _name in settings.LANGUAGES}
    if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) not in supported:
        translation.activate(event.language)
        request.LANGUAGE_CODE = event.language


def event_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Replace the `slug` URL argument by the Event (404 if there is none)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
        event = get_object_or_404(Event, slug=slug)
        activate_event_language(request, event)
        return view(request, event, *args, **kwargs)

    return wrapper
