"""Django's ModelBackend, with the signed-in user read by a query compiled once.

Every signed-in request reads its user (AuthenticationMiddleware, through the backend named in
the session). Through the ORM that read cost more CPU than the rest of a vote tap's database
work: 0.4 ms to build and compile `User.objects.get(pk=…)` for a 0.1 ms answer. Here the query
is a `PreparedModels` (prepared.py): compiled once per thread, run again with the user's id, the
same instance built from the same row.

Sessions signed in before this backend name Django's own ModelBackend, so settings keeps it
listed after this one until those sessions have expired (SESSION_COOKIE_AGE); `authenticate`
refuses for both, so a wrong password is never checked twice.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import backends, get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from sessions_app.prepared import PreparedModels

PATH = "sessions_app.auth.ModelBackend"  # what a session signed in through it stores

_USER = PreparedModels(lambda pk: get_user_model()._default_manager.filter(pk=pk))


class ModelBackend(backends.ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            # the answer for every backend: the one after this one is Django's own, kept for
            # the sessions signed in through it, and would only hash the password again
            raise PermissionDenied
        return user

    def get_user(self, user_id: Any) -> Any:
        found = _USER.instances(user_id)
        if not found:
            return None
        user = found[0]
        return user if self.user_can_authenticate(user) else None
