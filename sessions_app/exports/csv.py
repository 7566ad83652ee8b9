"""Spreadsheets of an event: its sessions, the votes per session, and (for organisers) its
participants.

The files open as they are in Excel and LibreOffice:
- UTF-8 with a byte order mark, without which Excel reads the file as Windows-1252 and turns
  "Vlaanderen – één" into mojibake;
- the separator Excel expects in the event's language: a semicolon for Dutch (Dutch and Belgian
  Excel use the comma for decimals), a comma for English; the csv module quotes any field that
  holds the separator, a quote or a line break;
- CRLF line ends;
- a text that starts with = + - @ (or a tab or carriage return) gets a leading apostrophe, so a
  session title cannot become a spreadsheet formula (CSV injection).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from django.db.models import Count, Prefetch
from django.utils.translation import gettext as _

from sessions_app.exports.frab import clean_line
from sessions_app.models import Event, Host, Participant, Session, SessionQuerySet

BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def separator(event: Event) -> str:
    return ";" if event.language == Event.Language.DUTCH else ","


def cell(value: object) -> object:
    """A value as a spreadsheet should take it: numbers stay numbers, texts stay texts."""
    if value is None:
        return ""
    if isinstance(value, int | float):
        return value
    text = clean_line(str(value))
    return "'" + text if text.startswith(FORMULA_START) else text


def write(event: Event, header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, delimiter=separator(event), lineterminator="\r\n")
    writer.writerow([cell(title) for title in header])
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return buffer.getvalue().encode("utf-8")


def _visible_sessions(event: Event):
    """Sessions on the board (not withdrawn or hidden) with votes, hosts, themes and place:
    four queries."""
    return (
        event.sessions.visible()
        .with_vote_count()
        .select_related("placement__room", "placement__slot")
        .prefetch_related(
            Prefetch("hostings", queryset=Host.objects.select_related("participant")), "themes"
        )
    )


def _place(event: Event, session: Session) -> tuple[str, str, str, str]:
    placement = getattr(session, "placement", None)
    if placement is None:
        return "", "", "", ""
    start, end = event.local(placement.slot.start), event.local(placement.slot.end)
    return placement.room.name, start.date().isoformat(), f"{start:%H:%M}", f"{end:%H:%M}"


def _hosts(session: Session) -> str:
    return ", ".join(clean_line(h.participant.name) for h in session.hostings.all())


def sessions_csv(event: Event, origin: str) -> bytes:
    """Every session on the board: placed ones by time and room, then the others by votes."""
    sessions = list(_visible_sessions(event))

    def order(session: Session) -> tuple:
        placement = getattr(session, "placement", None)
        if placement:
            return (0, placement.slot.start, placement.room.order, session.pk)
        return (1, -session.vote_count, session.pk)

    sessions.sort(key=order)
    header = [
        _("id"),
        _("title"),
        _("kind"),
        _("hosts"),
        _("themes"),
        _("votes"),
        _("room"),
        _("date"),
        _("start"),
        _("end"),
        _("link"),
    ]
    rows = (
        [
            session.pk,
            session.title,
            session.get_kind_display(),
            _hosts(session),
            ", ".join(clean_line(theme.name) for theme in session.themes.all()),
            session.vote_count,
            *_place(event, session),
            origin + session.get_absolute_url(),
        ]
        for session in sessions
    )
    return write(event, header, rows)


def votes_csv(event: Event) -> bytes:
    """Votes per session, most voted first, with the seats of the room it got."""
    sessions = sorted(_visible_sessions(event), key=lambda s: (-s.vote_count, s.pk))
    header = [_("rank"), _("id"), _("title"), _("hosts"), _("votes"), _("room"), _("seats")]
    rows = []
    for rank, session in enumerate(sessions, start=1):
        placement = getattr(session, "placement", None)
        rows.append(
            [
                rank,
                session.pk,
                session.title,
                _hosts(session),
                session.vote_count,
                placement.room.name if placement else "",
                placement.room.capacity if placement else "",
            ]
        )
    return write(event, header, rows)


def participants_csv(event: Event) -> bytes:
    """For organisers only: who takes part, how to reach them, what they host and voted."""
    visible = SessionQuerySet.visible_rule("hosted_sessions__")
    participants = (
        event.participants.annotate(
            hosted=Count("hosted_sessions", filter=visible, distinct=True),
            voted=Count("votes", distinct=True),
        )
        .prefetch_related(
            Prefetch(
                "hosted_sessions",
                queryset=Session.objects.visible().order_by("id"),
                to_attr="hosted_list",
            )
        )
        .order_by("name", "id")
    )
    header = [
        _("id"),
        _("name"),
        _("organisation"),
        _("email"),
        _("role"),
        _("joined"),
        _("sessions hosted"),
        _("votes cast"),
        _("sessions they host"),
    ]
    rows = (
        [
            participant.pk,
            participant.name,
            participant.organisation,
            participant.email,
            Participant.Role(participant.role).label,
            event.local(participant.joined_at).strftime("%Y-%m-%d %H:%M"),
            participant.hosted,
            participant.voted,
            " | ".join(clean_line(session.title) for session in participant.hosted_list),
        ]
        for participant in participants
    )
    return write(event, header, rows)
