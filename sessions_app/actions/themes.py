"""Themes and the texts organisers write: naming and deleting themes, which sessions belong
to which, each theme's synthesis, the event's introduction, conclusion and report template,
and restoring any text from its history."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from sessions_app.actions.base import (
    Subject,
    _save_fields,
    _stale,
    _text_owner,
    keep_text,
)
from sessions_app.models import (
    Event,
    Participant,
    Session,
    TextRevision,
    Theme,
)

# subject → (the model that holds the text, its text field, the version field of its editor)
TEXT_PLACES: dict[str, tuple[type[Theme | Event | Session], str, str]] = {
    Subject.SYNTHESIS: (Theme, "synthesis", "version"),
    Subject.INTRODUCTION: (Event, "introduction", "texts_version"),
    Subject.CONCLUSION: (Event, "conclusion", "texts_version"),
    Subject.REPORT_TEMPLATE: (Event, "report_template", "texts_version"),
    Subject.EVENT_DESCRIPTION: (Event, "description", "settings_version"),
    Subject.SESSION_DESCRIPTION: (Session, "description", "version"),
}
EVENT_TEXTS = (Subject.INTRODUCTION, Subject.CONCLUSION, Subject.REPORT_TEMPLATE)


@transaction.atomic
def restore_text(*, revision: TextRevision, by: Participant | None) -> TextRevision:
    """Bring back an earlier text as a new revision (the history itself never loses one); the
    owner's version goes up, so whoever has its editor open merges instead of overwriting."""
    model, field, version_field = TEXT_PLACES[revision.subject]
    owners: dict[str, int | None] = {
        Subject.SYNTHESIS: revision.theme_id,
        Subject.SESSION_DESCRIPTION: revision.session_id,
    }
    owner_id = owners.get(revision.subject, revision.event_id)
    # The constraints give a synthesis its theme and a session description its session.
    assert owner_id is not None
    locked = model.objects.select_for_update().get(pk=owner_id)
    where = _text_owner(revision.subject, locked)
    restored = TextRevision.objects.create(**where, text=revision.text, author=by)
    setattr(locked, field, revision.text)
    setattr(locked, version_field, getattr(locked, version_field) + 1)
    _save_fields(locked, field, version_field)
    return restored


@transaction.atomic
def save_synthesis(
    *, theme: Theme, text: str, based_on: int, by: Participant | None, name: str | None = None
) -> Theme | None:
    """Save a theme's synthesis (and its name, which the same form shows) from the version the
    editor was opened on; `EditConflict` if someone saved it since. Saving what is already
    there (a double click) changes nothing and returns None."""
    locked = Theme.objects.select_for_update().get(pk=theme.pk)
    name = locked.name if name is None else name
    if (text, name) == (locked.synthesis, locked.name):
        return None
    _stale(locked, "version", based_on, Subject.SYNTHESIS)
    keep_text(subject=Subject.SYNTHESIS, owner=locked, old=locked.synthesis, new=text, by=by)
    locked.name, locked.synthesis, locked.version = name, text, locked.version + 1
    locked.save(update_fields=["name", "synthesis", "version"])
    theme.name, theme.synthesis, theme.version = locked.name, locked.synthesis, locked.version
    return locked


@transaction.atomic
def rename_theme(*, theme: Theme, name: str, based_on: int | None = None) -> Theme:
    """A new name; the theme's version goes up, since its synthesis editor shows the name.
    `based_on`: the version the renaming page showed; a rename from an older one raises
    `EditConflict` (None: no check)."""
    locked = Theme.objects.select_for_update().get(pk=theme.pk)
    if locked.name != name and based_on is not None:
        _stale(locked, "version", based_on)
    if locked.name != name:
        locked.name, locked.version = name, locked.version + 1
        locked.save(update_fields=["name", "version"])
    theme.name, theme.version = locked.name, locked.version
    return locked


@transaction.atomic
def delete_theme(*, theme: Theme) -> None:
    """Delete a theme; it leaves its sessions, whose editors show their themes: their versions
    go up."""
    _bump_session_versions(theme.sessions.values_list("pk", flat=True))
    theme.delete()


def _bump_session_versions(ids) -> None:
    Session.objects.filter(pk__in=list(ids)).update(version=F("version") + 1)


@transaction.atomic
def set_session_theme(*, session: Session, theme: Theme, assigned: bool) -> bool:
    """Put a session in a theme or take it out (the state wanted, so a double click changes
    nothing); True when it changed. The session's version goes up, since its edit form shows
    its themes."""
    locked = Session.objects.select_for_update().get(pk=session.pk)
    present = locked.themes.filter(pk=theme.pk).exists()
    if present == assigned:
        return False
    if assigned:
        locked.themes.add(theme)
    else:
        locked.themes.remove(theme)
    locked.version += 1
    locked.save(update_fields=["version", "updated_at"])
    session.version = locked.version
    return True


@transaction.atomic
def save_event_texts(
    *, event: Event, texts: dict[str, str], based_on: int, by: Participant | None
) -> list[str]:
    """Save the event's introduction, conclusion and report structure (those given in
    `texts`, by subject) from the version the editor was opened on: a revision for each text
    that changed, the texts' version one up. `EditConflict` if someone saved them since.
    Returns the subjects that changed (none: nothing was saved, e.g. a double click)."""
    locked = Event.objects.select_for_update().get(pk=event.pk)
    changed: list[str] = [s for s in EVENT_TEXTS if s in texts and texts[s] != getattr(locked, s)]
    if not changed:
        return []
    _stale(locked, "texts_version", based_on)
    for subject in changed:
        keep_text(
            subject=subject, owner=locked, old=getattr(locked, subject), new=texts[subject], by=by
        )
        setattr(locked, subject, texts[subject])
    locked.texts_version += 1
    _save_fields(locked, *changed, "texts_version")
    for subject in changed:
        setattr(event, subject, texts[subject])
    event.texts_version = locked.texts_version
    return changed
