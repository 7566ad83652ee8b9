"""Request helpers that views of every audience share."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from sessions_app import actions
from sessions_app.views import HtmxHttpRequest


def already_submitted(
    request: HtmxHttpRequest, earlier: actions.AlreadySubmitted, message: str = ""
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
