"""Paper for the venue: door signs (one landscape A4 page per room, what runs there today, in
type that reads from across a corridor) and session cards (one card per proposal, four to an
A4 sheet: the paper twin of the grid wall).

Both are made from the live grid each time they are asked for (`grid.grid_view`, a fixed
number of queries whatever the event's size), so a session moved in the grid editor is on its
new room's sign at the next download; nothing is stored. Every session carries a QR code of
its public page, where slides and the report will go.

The HTML is rendered in the event's language and turned into PDF by `exports.pdf.render_pdf`
(which fetches nothing from outside). The PDF is kept in the cache under a hash of that HTML:
identical HTML makes an identical PDF, so a repeated download skips WeasyPrint, and any change
that shows on paper (a move, a new title, a renamed room, another language) is a new key.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.text import Truncator
from weasyprint.document import Document

from sessions_app.exports.pdf import render_document
from sessions_app.grid import GridView, grid_view
from sessions_app.models import Event, Room, Session, Slot
from sessions_app.qr import print_data_uri as qr_data_uri

PDF_CACHE_SECONDS = 60 * 60
# Titles are at most 200 characters (Session.title); on paper they are cut well before that,
# and the stylesheet clamps what is left to a few lines.
SIGN_TITLE_CHARS = 120
CARD_TITLE_CHARS = 160
HOSTS_CHARS = 90
CARDS_PER_SHEET = 4
# Type size steps for a door sign, by how many rows it has (see door_signs.css): fewer rows, larger
# type. If a sign still overflows its page (long titles everywhere), it is rendered again one
# step smaller.
DENSITIES = ("roomy", "normal", "compact", "tight", "tiny")
ROWS_PER_DENSITY = (4, 6, 9, 14)  # at most this many rows for the first four


def session_url(event: Event, session: Session, base_url: str) -> str:
    """The absolute address of the session's public page (its slides and report go there)."""
    return urljoin(base_url, reverse("public:session", args=[event.slug, session.pk]))


def times(start: datetime, end: datetime) -> str:
    """ "10:00–10:45" (give wall-clock times at the event: templates would show the server's)."""
    return f"{start:%H:%M}–{end:%H:%M}"


def hosts_text(session: Session) -> str:
    """The hosts' names, in the order they were named (`grid_view` prefetched them)."""
    names = ", ".join(hosting.participant.name for hosting in session.hostings.all())
    return Truncator(names).chars(HOSTS_CHARS)


@dataclass
class SignRow:
    """One line of a door sign: a session (or an empty cell) in this room, or a break or
    plenary that concerns every room."""

    start: datetime
    end: datetime
    kind: str  # Slot.Kind
    label: str = ""  # a break's or plenary's name
    session: Session | None = None
    title: str = ""
    hosts: str = ""
    url: str = ""
    qr: str = ""

    @property
    def times(self) -> str:
        """ "10:00–10:45", wall-clock time at the event (whatever the server's time zone)."""
        return f"{self.start:%H:%M}–{self.end:%H:%M}"

    @property
    def is_free(self) -> bool:
        return self.kind == Slot.Kind.SESSIONS and self.session is None


@dataclass
class DoorSign:
    room: Room
    rows: list[SignRow] = field(default_factory=list)
    shrink: int = 0  # type sizes smaller than its rows alone call for

    @property
    def density(self) -> str:
        """The type size step (a CSS class): the more rows, the smaller."""
        count = len(self.rows)
        step = (
            0 if count <= 4 else 1 if count <= 6 else 2 if count <= 9 else 3 if count <= 14 else 4
        )
        return DENSITIES[min(step + self.shrink, len(DENSITIES) - 1)]


def door_signs(view: GridView, base_url: str, *, room: Room | None = None) -> list[DoorSign]:
    """A sign per room of the grid (or just `room`'s), its rows in time order."""
    event = view.event
    signs = [DoorSign(r) for r in view.rooms if room is None or r.pk == room.pk]
    for grid_row in view.rows:
        slot = grid_row.slot
        start, end = event.local(slot.start), event.local(slot.end)
        cells = {cell.room.pk: cell for cell in grid_row.cells}
        for sign in signs:
            row = SignRow(start, end, slot.kind, label=slot.label)
            cell = cells.get(sign.room.pk)
            if cell is not None and cell.session is not None:
                row.session = cell.session
                row.title = Truncator(cell.session.title).chars(SIGN_TITLE_CHARS)
                row.hosts = hosts_text(cell.session)
                row.url = session_url(event, cell.session, base_url)
                row.qr = qr_data_uri(row.url)
            sign.rows.append(row)
    return signs


@dataclass
class SessionCard:
    session: Session
    title: str
    hosts: str
    url: str
    qr: str
    room: Room | None = None
    slot: Slot | None = None
    when: str = ""  # "10:00–10:45" at the event, once placed


def session_cards(view: GridView, base_url: str) -> list[SessionCard]:
    """A card for each session on the programme: not withdrawn (merged ones are), not hidden.
    Placed sessions come first in the order of the grid (time, then room), so the pile goes
    up on the wall in order; the others follow in the order they were proposed."""
    event = view.event
    placed: list[tuple[Session, Room | None, Slot | None]] = []
    for grid_row in view.rows:
        for cell in grid_row.cells:
            if cell.session is not None:
                placed.append((cell.session, cell.room, cell.slot))
    seen = {session.pk for session, _room, _slot in placed}
    rest = [(s, None, None) for pk, s in sorted(view.sessions.items()) if pk not in seen]
    cards = []
    for session, room, slot in placed + rest:
        url = session_url(event, session, base_url)
        cards.append(
            SessionCard(
                session=session,
                title=Truncator(session.title).chars(CARD_TITLE_CHARS),
                hosts=hosts_text(session),
                url=url,
                qr=qr_data_uri(url),
                room=room,
                slot=slot,
                when=f"{event.local(slot.start):%H:%M}–{event.local(slot.end):%H:%M}"
                if slot
                else "",
            )
        )
    return cards


def sheets(cards: list[SessionCard]) -> list[list[SessionCard]]:
    return [cards[i : i + CARDS_PER_SHEET] for i in range(0, len(cards), CARDS_PER_SHEET)]


# ---- PDF --------------------------------------------------------------------------------------


def _cached_pdf(html: str, make: Callable[[], bytes]) -> bytes:
    """The PDF for `html` from the cache, or `make()` (then kept)."""
    key = "oocamp:paper:" + hashlib.sha256(html.encode()).hexdigest()
    pdf = cache.get(key)
    if pdf is None:
        pdf = make()
        cache.set(key, pdf, PDF_CACHE_SECONDS)
    return pdf


def door_signs_html(event: Event, signs: list[DoorSign]) -> str:
    """The signs as one HTML document, one page each, in the event's language."""
    with translation.override(event.language):
        return render_to_string("organiser/paper/door_signs.html", {"event": event, "signs": signs})


def fitted(event: Event, sign: DoorSign) -> Document:
    """The sign laid out on one page: if its rows run onto a second page (long titles
    everywhere), it is set a type size smaller, down to the smallest."""
    while True:
        document = render_document(door_signs_html(event, [sign]))
        if len(document.pages) <= 1 or sign.density == DENSITIES[-1]:
            return document
        sign.shrink += 1


def door_signs_pdf(
    event: Event, base_url: str | None = None, *, room: Room | None = None
) -> bytes | None:
    """The door signs of every room (or one `room`), one page each, from the live grid; None
    if the event has no rooms yet."""
    base_url = base_url or settings.OOCAMP_BASE_URL
    signs = door_signs(grid_view(event), base_url, room=room)
    if not signs:
        return None
    html = door_signs_html(event, signs)

    def make() -> bytes:
        documents = [fitted(event, sign) for sign in signs]
        pages = [page for document in documents for page in document.pages]
        return documents[0].copy(pages).write_pdf()

    return _cached_pdf(html, make)


def session_cards_html(event: Event, cards: list[SessionCard]) -> str:
    with translation.override(event.language):
        return render_to_string(
            "organiser/paper/session_cards.html", {"event": event, "sheets": sheets(cards)}
        )


def session_cards_pdf(event: Event, base_url: str | None = None) -> bytes:
    """A card per session on the programme, four to an A4 sheet, from the live grid."""
    base_url = base_url or settings.OOCAMP_BASE_URL
    html = session_cards_html(event, session_cards(grid_view(event), base_url))
    return _cached_pdf(html, lambda: render_document(html).write_pdf())
