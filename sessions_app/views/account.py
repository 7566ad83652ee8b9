"""Signing in with a password, in two steps for accounts with an authenticator app, and setting
one up (sessions_app/second_factor.py). The pages live beside Django's own under /accounts/
and use its `registration/` template folder."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext as django_admin_text  # in Django's own catalogue
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from sessions_app import actions, offline, second_factor
from sessions_app.forms import AuthenticatorCodeForm
from sessions_app.login_throttle import ThrottledAdminAuthenticationForm
from sessions_app.models import Participant
from sessions_app.requests import safe_next


class TwoStepLoginView(LoginView):
    """Django's password sign-in; an account with an authenticator is not signed in yet but
    sent on to give its code."""

    def form_valid(self, form) -> HttpResponse:
        user = form.get_user()
        if second_factor.authenticator_of(user) is None:
            # Django's own form_valid, with the sign-in (it writes the account's last sign-in)
            # through the actions
            actions.sign_in(request=self.request, user=user)
            return HttpResponseRedirect(self.get_success_url())
        second_factor.await_code(self.request, user)
        return redirect(second_factor.step_url(second_factor.CODE, self.get_success_url()))


@method_decorator(never_cache, name="dispatch")
@method_decorator(login_not_required, name="dispatch")
class AdminLoginView(TwoStepLoginView):
    """The admin's sign-in page (its own form and look) in two steps too: the admin's built-in
    view would sign in with the password alone. Mounted at admin/login/ before the admin."""

    authentication_form = ThrottledAdminAuthenticationForm
    template_name = "admin/login.html"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        request.current_app = admin.site.name
        if request.method == "GET" and admin.site.has_permission(request):
            return second_factor.gate(request) or redirect("admin:index")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs) -> dict:
        context = {
            **super().get_context_data(**kwargs),
            **admin.site.each_context(self.request),
            "title": django_admin_text("Log in"),
            "subtitle": None,
            "app_path": self.request.get_full_path(),
            "username": self.request.user.get_username(),
        }
        if not context.get("next"):
            context["next"] = reverse("admin:index")
        return context


@require_http_methods(["GET", "POST"])
@login_not_required
@never_cache
@sensitive_post_parameters("code")
def login_code(request: HttpRequest) -> HttpResponse:
    """The second step: the code after the password, or after a sign-in link."""
    after = safe_next(request, reverse("public:home"))
    due = second_factor.awaiting_code(request)
    if due is None:
        if request.user.is_authenticated:
            return redirect(after)
        messages.info(request, _("Sign in with your password first."))
        return redirect(f"{reverse('login')}?{urlencode({'next': after})}")
    user, backend = due
    form = AuthenticatorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            second_factor.sign_in_with_code(request, user, backend, form.cleaned_data["code"])
        except second_factor.CodeRefused as refusal:
            form.add_error("code", str(refusal))
        else:
            return redirect(after)
    return render(request, "registration/login_code.html", {"form": form, "next": after})


@require_http_methods(["GET", "POST"])
@never_cache
@sensitive_post_parameters("code")
def two_step(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: its QR code and its secret as text, confirmed with a code."""
    if not second_factor.privileged(request.user):
        raise PermissionDenied
    after = safe_next(request, "")
    device = second_factor.authenticator_of(request.user)
    if device is not None and not second_factor.verified(request):
        return redirect(second_factor.step_url(second_factor.CODE, request.get_full_path()))
    replacing = device is not None and "new" in request.GET
    form = AuthenticatorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            second_factor.confirm_setup(request, form.cleaned_data["code"])
        except second_factor.CodeRefused as refusal:
            form.add_error("code", str(refusal))
        else:
            messages.success(
                request,
                _(
                    "Two-step sign-in is on. From now on you give a code from the app after "
                    "your password."
                ),
            )
            return redirect(after or "two-step")
    context = {
        "device": device,
        "form": form,
        "next": after,
        "required": second_factor.required(),
        "setting_up": device is None or replacing or request.method == "POST",
    }
    if context["setting_up"]:
        context |= second_factor.setup_details(request)
    return render(request, "registration/two_step.html", context)


def stranded_participations(user) -> list[Participant]:
    """The participations `user` could not get back to after signing out: all of them when the
    account has no password and none of its participations has an address to mail a sign-in
    link to (one address is enough: the link signs in the person, for every event)."""
    if user.has_usable_password():
        return []
    participations = list(Participant.objects.filter(user=user).select_related("event"))
    if any(p.email for p in participations):
        return []
    return participations


@require_http_methods(["GET", "POST"])
@never_cache
def sign_out(request: HttpRequest) -> HttpResponse:
    """The header's "Sign out". Someone who could not come back (no password, no address) is
    warned first and offered to add an address; "sign out anyway" (`anyway`) signs out."""
    stranded = stranded_participations(request.user)
    if request.method == "POST" and (not stranded or "anyway" in request.POST):
        logout(request)
        # the phone forgets the pages it kept for offline reading (static/js/offline.js too)
        return offline.clear_site_data(redirect(resolve_url(settings.LOGOUT_REDIRECT_URL)))
    return render(request, "registration/sign_out.html", {"stranded": stranded})
