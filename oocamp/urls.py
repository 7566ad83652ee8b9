from django.contrib import admin
from django.urls import include, path

from sessions_app.login_throttle import (
    ThrottledAdminAuthenticationForm,
    ThrottledAuthenticationForm,
)
from sessions_app.views import account, language

# Password sign-in is throttled per username and address (sessions_app/login_throttle.py), and
# asks accounts with an authenticator app for its code (sessions_app/second_factor.py).
admin.site.login_form = ThrottledAdminAuthenticationForm

urlpatterns = [
    # before the admin's own sign-in page (same address), which would skip the code
    path("admin/login/", account.AdminLoginView.as_view(), name="admin-login"),
    path("admin/", admin.site.urls),
    path(
        "accounts/login/",
        account.TwoStepLoginView.as_view(authentication_form=ThrottledAuthenticationForm),
        name="login",
    ),
    path("accounts/login/code/", account.login_code, name="login-code"),
    path("accounts/two-step/", account.two_step, name="two-step"),
    path("accounts/sign-out/", account.sign_out, name="sign-out"),  # warns who cannot return
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/setlang/", language.switch_language, name="set_language"),
    path("", include("sessions_app.urls")),
]
