"""Error pages that Django's own would show in English and without the site around them."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent with a missing or out-of-date security token (a page open since before a
    sign-in or sign-out, a form kept in another tab): say what to do, in the visitor's
    language, instead of Django's technical page. Nothing was saved."""
    return render(request, "403_csrf.html", status=403)
