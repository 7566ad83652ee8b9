"""What every write path shares: refusals (`ActionRefused`, `RateLimited`), forms that create
something once (`submit_once`), the one way mails are rendered, and texts two people can edit.

Every editor two people can open names the version it was opened on; a save from an older
version is refused with `EditConflict` (the view shows both sides), never written over what
someone else saved. Texts people write keep every save as a `TextRevision`, like reports."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar, cast

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template import Context, engines
from django.template.backends.django import DjangoTemplates
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sessions_app.models import (
    Event,
    FormSubmission,
    Participant,
    TextRevision,
)


class ActionRefused(Exception):
    """The action cannot be done; `str(error)` says why, in the user's language."""


class RateLimited(ActionRefused):
    pass


# ---- forms that create something, once ------------------------------------------------------

T = TypeVar("T")


ANONYMOUS_RETURN_WINDOW = timedelta(minutes=10)


class AlreadySubmitted(Exception):
    """The form was sent before with this key by the same person: nothing new is made; `url`
    shows what the first submit made and `user` is whom it was for."""

    def __init__(self, submission: FormSubmission) -> None:
        super().__init__(submission.url)
        self.url = submission.url
        self.user = submission.user


def check_first_submit(*, key: uuid.UUID | None, user, anonymous_may_return: bool = False) -> None:
    """Raise `AlreadySubmitted` if `user` sent a form with this key before (see `submit_once`);
    for a form whose checks would refuse the second submit before it gets that far (the join
    form: "this address is taken")."""
    if key is None:
        return
    earlier = FormSubmission.objects.select_related("user").filter(key=key).first()
    if earlier is None or not earlier.url:
        return
    me = user.pk if user is not None and user.is_authenticated else None
    # A visitor who is not signed in comes back to the first submit only soon after it (the
    # answer that signed them in was lost): the key is not a lasting way into an account.
    fresh = earlier.created_at >= timezone.now() - ANONYMOUS_RETURN_WINDOW
    if earlier.user_id == me or (me is None and anonymous_may_return and fresh):
        raise AlreadySubmitted(earlier)


def submit_once(
    *,
    key: uuid.UUID | None,
    user,
    create: Callable[[], T],
    url: Callable[[T], str],
    owner: Callable[[T], Any] | None = None,
    anonymous_may_return: bool = False,
) -> T:
    """Run `create` (an action) once per form key, in one transaction with the key's row.

    The row goes in first: a second submit with the same key waits on the unique index until
    the first one commits, then finds its row and raises `AlreadySubmitted` instead of making a
    second copy; if the first one was refused, its row went with it and the second one goes
    ahead. A key belongs to who sent it, or to `owner(made)` (the account a join made); someone
    else's key makes the form a plain form again, so it never leads to what another person made.
    `anonymous_may_return` lets a visitor who is not signed in come back to the owner's submit
    (the join form: its CSRF token is bound to the browser and renewed by the sign-in it did).
    Without a key (a page from an old cache) the form works as it always did."""
    if key is None:
        return create()
    me = user if user is not None and user.is_authenticated else None
    with transaction.atomic():
        try:
            with transaction.atomic():
                submission = FormSubmission.objects.create(key=key, user=me, url="")
        except IntegrityError:
            check_first_submit(key=key, user=user, anonymous_may_return=anonymous_may_return)
            return create()  # someone else's key
        made = create()
        submission.url = url(made)[: FormSubmission._meta.get_field("url").max_length]
        if owner is not None:
            submission.user = owner(made)
        submission.save(update_fields=["url", "user"])
        return made


class _NotDone(Exception):
    def __init__(self, result: Any) -> None:
        super().__init__()
        self.result = result


def act_once(
    *,
    key: uuid.UUID | None,
    user,
    act: Callable[[], T],
    done: Callable[[T], bool],
    replay: Callable[[], T],
    url: str,
) -> T:
    """Run `act` once per key: an action sent again from a phone's outbox (static/js/outbox.js)
    with the key the phone gave it when it was written offline, because the answer to the first
    send was lost. The key's row (`submit_once`) goes in with what `act` did, in one
    transaction; a second send with the same key gets `replay()` (what things are now) and
    writes nothing, even when the person changed their mind in between. When `done(result)` is
    false (`act` was refused: voting closed meanwhile) the key's row goes back with it, so a
    second send is refused again with the same message. Without a key, `act()` as always."""
    if key is None:
        return act()

    def once() -> T:
        result = act()
        if not done(result):
            raise _NotDone(result)
        return result

    try:
        return submit_once(key=key, user=user, create=once, url=lambda _result: url)
    except AlreadySubmitted:
        return replay()
    except _NotDone as not_done:
        return cast(T, not_done.result)


def _absolute(path: str) -> str:
    return f"{settings.OOCAMP_BASE_URL.rstrip('/')}{path}"


def render_mail(stem: str, context: dict, *, language: str) -> tuple[str, str]:
    """The subject and body of the plain-text mail `emails/<stem>.txt`, in `language`. A mail
    is not HTML: nothing is escaped (“D'Hondt & Zoon” reads as typed), and the subject is one
    line. Every mail goes through here."""
    engine = cast(DjangoTemplates, engines["django"]).engine
    with translation.override(language):
        subject = engine.get_template(f"emails/{stem}_subject.txt").render(
            Context(context, autoescape=False)
        )
        body = engine.get_template(f"emails/{stem}.txt").render(Context(context, autoescape=False))
    return " ".join(subject.split()), body


def _lock(event: Event) -> None:
    """Two organisers clicking at once wait for each other, so nobody is mailed twice."""
    Event.objects.select_for_update().filter(pk=event.pk).first()


# ---- texts two people can edit: versions, conflicts and each text's history ---------------

Subject = TextRevision.Subject


class EditConflict(ActionRefused):
    """Someone saved what the writer is editing since they opened it. `current` is the row as
    it is saved now (its version included), `latest` the newest revision of its text, if any:
    the view shows them beside the writer's own, which it keeps, now based on `current`."""

    def __init__(self, current, latest: TextRevision | None = None) -> None:
        super().__init__(
            _("Someone else saved this while you were editing it. Merge both versions.")
        )
        self.current = current
        self.latest = latest


def _text_owner(subject: str, owner) -> dict[str, Any]:
    """The columns that name one text's history: the event, the subject, and the theme or
    session it belongs to."""
    if subject == Subject.SYNTHESIS:
        return {"event_id": owner.event_id, "subject": subject, "theme_id": owner.pk}
    if subject == Subject.SESSION_DESCRIPTION:
        return {"event_id": owner.event_id, "subject": subject, "session_id": owner.pk}
    return {"event_id": owner.pk, "subject": subject}


def text_history(*, subject: str, owner):
    """Every kept save of one text (a theme's synthesis, an event's introduction, a session's
    description, …), newest first."""
    return TextRevision.objects.filter(**_text_owner(subject, owner)).select_related("author")


def keep_text(
    *, subject: str, owner, old: str, new: str, by: Participant | None
) -> TextRevision | None:
    """Keep one save of a written text in its history; call it in the transaction that locks
    `owner` and writes `new` over `old`. Nothing when the text did not change. A text written
    before its history was kept goes in first (without an author), so the history holds what
    the first save replaced."""
    if new == old:
        return None
    where = _text_owner(subject, owner)
    if old and not TextRevision.objects.filter(**where).exists():
        TextRevision.objects.create(**where, text=old, author=None)
    return TextRevision.objects.create(**where, text=new, author=by)


def _save_fields(row, *fields: str) -> None:
    """Save these fields of a locked row (and when it was last changed, if it keeps that)."""
    stamped = any(f.name == "updated_at" for f in row._meta.concrete_fields)
    row.save(update_fields=[*fields, *(["updated_at"] if stamped else [])])


def _stale(locked, version_field: str, based_on: int, subject: str | None = None) -> None:
    """Refuse a save made from another version than the one saved now."""
    if getattr(locked, version_field) != based_on:
        latest = text_history(subject=subject, owner=locked).first() if subject else None
        raise EditConflict(locked, latest)
