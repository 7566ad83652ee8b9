"""What the app answers at its edge, before the rest of the middleware stack.

- `LiveCheckMiddleware`: the live checks (`/<event>/grid/version`, `/<event>/pitch/version`),
  which every open grid, beamer and phone asks every few seconds, are answered right after
  the security headers and the input checks. Their views need no session, user, language,
  CSRF check or message, so the ten middlewares below would only add their cost (a check
  cost twice a trivial page's CPU through them). A check the view cannot answer (no such
  event) and every other method go down the stack as before: the same 404 page and 405.
- `CSPMiddleware`: django-csp's, with the policy built once per process instead of twice per
  response (the enforced and the report-only one, each from the settings).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.dispatch import receiver
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.test.signals import setting_changed
from django.urls import Resolver404, resolve

# URL names whose views read nothing the stack below adds (they are public, per event)
ANSWERED_EARLY = frozenset({"public:grid-version", "public:pitch-version"})


class LiveCheckMiddleware:
    """Answers a GET of a view in ANSWERED_EARLY itself. Placed after SecurityMiddleware (the
    HTTPS redirect and its headers), the CSP and ClientInputMiddleware (text no field can
    hold, refused); it sets X-Frame-Options as XFrameOptionsMiddleware would, so the answer
    carries the same security headers as before."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method == "GET" and request.path_info.endswith("/version"):
            response = self.answer(request)
            if response is not None:
                return response
        return self.get_response(request)

    @staticmethod
    def answer(request: HttpRequest) -> HttpResponseBase | None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        if match.view_name not in ANSWERED_EARLY:
            return None
        request.get_host()  # a Host outside ALLOWED_HOSTS is refused (400), as further down
        try:
            response = match.func(request, *match.args, **match.kwargs)
        except Http404:
            return None  # the stack answers: the 404 page, in the visitor's language
        response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        if isinstance(response, HttpResponse) and not response.has_header("Content-Length"):
            # as CommonMiddleware would: a poller reads "11 bytes, then 0" without a chunked body
            response.headers["Content-Length"] = str(len(response.content))
        return response


# the attributes django-csp's decorators put on a response that has a policy of its own
OWN_POLICY = tuple(
    f"_csp_{kind}{suffix}" for kind in ("config", "update", "replace") for suffix in ("", "_ro")
)


@cache
def settings_policies() -> tuple[str, str]:
    """The enforced and the report-only policy of the settings ("" when there is none)."""
    return build_policy(), build_policy(report_only=True)


@receiver(setting_changed)
def _settings_changed(*, setting: str, **kwargs: object) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        settings_policies.cache_clear()


class CSPMiddleware(BaseCSPMiddleware):
    """django-csp 4's middleware, which builds the policy from the settings twice for every
    response (about 60 µs). A response without a policy of its own, to a request that used no
    nonce, gets the settings' policies built once; any other is left to django-csp."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if getattr(request, "_csp_nonce", None) is not None or any(
            hasattr(response, name) for name in OWN_POLICY
        ):
            return super().process_response(request, response)
        if settings.DEBUG and response.status_code in {404, 500}:
            return response  # django-csp leaves Django's debug pages alone
        enforced, report_only = settings_policies()
        both = ((HEADER, enforced, ""), (HEADER_REPORT_ONLY, report_only, "_ro"))
        for header, policy, suffix in both:
            if not policy or header in response or getattr(response, f"_csp_exempt{suffix}", False):
                continue
            setting = "CONTENT_SECURITY_POLICY" + ("_REPORT_ONLY" if suffix else "")
            prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
            if not request.path_info.startswith(tuple(prefixes)):
                response[header] = policy
        # as django-csp: a nonce asked for once the header is written is an error, not ignored
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response
