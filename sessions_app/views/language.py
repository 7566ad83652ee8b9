"""The language switch in the header: Django's `set_language` (a cookie for this browser), and
for a signed-in participant also their choice in every event they take part in, so that mails
to them go out in the language they read.

A visitor who is not signed in switches with a GET (`?language=en&next=…`), which only sets the
cookie: their pages then carry no form that needs a CSRF token, so they set no cookie and a
proxy may keep them. Saving the choice for a participant's events stays a POST with its token."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import check_for_language
from django.views.i18n import set_language

from sessions_app import actions


@login_not_required
def switch_language(request: HttpRequest) -> HttpResponse:
    response = set_language(request)  # the redirect to `next` (a POST: and the cookie)
    if request.method == "GET":
        language = request.GET.get("language", "")
        if language and check_for_language(language) and not request.user.is_authenticated:
            remember_language(response, language)
        return response
    language = request.POST.get("language", "")
    if (
        request.method == "POST"
        and request.user.is_authenticated
        and language in dict(settings.LANGUAGES)
    ):
        actions.choose_language(user=request.user, language=language)
    return response


def remember_language(response: HttpResponse, language: str) -> None:
    """The cookie Django's `set_language` sets for a POST."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]  # "Lax", a str
    )
