"""The language switch in the header: Django's `set_language` (a cookie for this browser), and
for a signed-in participant also their choice in every event they take part in, so that mails
to them go out in the language they read."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.views.i18n import set_language

from sessions_app import actions


@login_not_required
def switch_language(request: HttpRequest) -> HttpResponse:
    response = set_language(request)
    language = request.POST.get("language", "")
    if (
        request.method == "POST"
        and request.user.is_authenticated
        and language in dict(settings.LANGUAGES)
    ):
        actions.choose_language(user=request.user, language=language)
    return response
