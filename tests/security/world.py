"""The data the security tests look at: one event with a value in every user-editable text
field, every page of it that shows those values, and the roles to look with.

`build_world(texts)` takes the strings to store (the XSS corpus, or plain demo-like text for the
CSP test) and spreads them over event name/description/venue/introduction/conclusion, room
names, slot labels, participant names and organisations, session titles/descriptions/reports,
theme names and syntheses, and attachment titles and link URLs, so that each string lands in
each kind of field at least once.
"""

from dataclasses import dataclass
from itertools import cycle, islice

from django.urls import reverse

from sessions_app.models import Attachment, Event, Participant, Session, Slot
from tests.factories import (
    make_event,
    make_participant,
    make_placement,
    make_room,
    make_session,
    make_slot,
    make_theme,
    make_vote,
)

SLUG = "sec-camp"

# text fields the world fills, for the figure the tests print
FIELDS = [
    "event.name",
    "event.description",
    "event.venue",
    "event.introduction",
    "event.conclusion",
    "room.name",
    "slot.label",
    "participant.name",
    "participant.organisation",
    "session.title",
    "session.description",
    "session.report",
    "theme.name",
    "theme.synthesis",
    "attachment.title",
    "attachment.url",
]


@dataclass
class World:
    event: Event
    organiser: Participant
    participant: Participant
    sessions: list[Session]
    other_events: list[Event]

    def pages(self) -> dict[str, str]:
        """Every HTML page that shows the stored values, by a readable name."""
        slug = self.event.slug
        first = self.sessions[0]
        theme = self.event.themes.first()

        def url(name: str, *args) -> str:
            return reverse(name, args=[slug, *args])

        return {
            "home": reverse("public:home"),
            "event": url("public:event"),
            "grid": url("public:grid"),
            "now": url("public:now"),
            "session": url("public:session", first.pk),
            "session-2": url("public:session", self.sessions[1].pk),
            "session-3": url("public:session", self.sessions[2].pk),
            "event-report": url("public:event-report"),
            "feeds": url("public:feeds"),
            "proposals": url("participant:proposals"),
            "propose": url("participant:propose"),
            "my-page": url("participant:my-page"),
            "edit-session": url("participant:edit-session", first.pk),
            "slides": url("participant:slides", first.pk),
            "session-report": url("participant:report", first.pk),
            "dashboard": url("organiser:dashboard"),
            "edit-event": url("organiser:edit-event"),
            "frame": url("organiser:frame"),
            "team": url("organiser:team"),
            "poster": url("organiser:poster"),
            "merge": url("organiser:merge", first.pk),
            "grid-editor": url("organiser:grid"),
            "history": url("organiser:history"),
            "propose-grid": url("organiser:propose-grid"),
            "pitch": url("organiser:pitch"),
            "pitch-beamer": url("organiser:pitch-beamer"),
            "paper": url("organiser:paper"),
            "material": url("organiser:material"),
            "themes": url("organiser:themes"),
            "theme-synthesis": url("organiser:theme-synthesis", theme.pk),
            "assign-themes": url("organiser:assign-themes"),
            "event-texts": url("organiser:event-texts"),
        }


def voting_pages(world: World) -> dict[str, str]:
    """Pages that only show while proposals and voting are open (the event is switched)."""
    slug = world.event.slug

    def url(name: str, *args) -> str:
        return reverse(name, args=[slug, *args])

    return {
        "proposals (voting)": url("participant:proposals"),
        "propose (voting)": url("participant:propose"),
        "event (voting)": url("public:event"),
        "session (voting)": url("public:session", world.sessions[3].pk),
        "pitch (voting)": url("organiser:pitch"),
        "pitch-beamer (voting)": url("organiser:pitch-beamer"),
    }


PUBLIC = {"home", "event", "grid", "now", "session", "event-report", "feeds"}


def build_world(texts: list[str], *, phase: str = Event.Phase.PUBLISHED) -> World:
    """An event in `phase` whose every text field holds one of `texts` (in turn)."""
    n = len(texts)
    feed = cycle(texts)

    def nxt() -> str:
        return next(feed)

    def joined(offset: int) -> str:
        return "\n\n".join(islice(cycle(texts), offset, offset + n))

    event = make_event(
        slug=SLUG,
        name=texts[0],
        venue=texts[1 % n],
        description=joined(0),
        introduction=joined(1),
        conclusion=joined(2),
        language=Event.Language.ENGLISH,
        phase=phase,
        report_published=True,
        votes_per_participant=None,
    )
    # the home page lists every event: one more per text shows each as an event name
    others = [
        make_event(name=text, venue=texts[(i + 1) % n], description=text)
        for i, text in enumerate(texts)
    ]
    organiser = make_participant(
        event, name=nxt(), organisation=nxt(), role=Participant.Role.ORGANISER
    )
    participant = make_participant(event, name=nxt(), organisation=nxt())
    people = [organiser, participant] + [
        make_participant(event, name=nxt(), organisation=nxt()) for _ in range(n)
    ]

    def unique(i: int) -> str:  # room and theme names are unique within an event
        return texts[i % n] if n >= 12 else f"{texts[i % n]} {i}"

    rooms = [make_room(event, name=unique(7 + i), capacity=30) for i in range(4)]
    slots = [
        make_slot(event, f"{9 + i:02}:00", f"{9 + i:02}:45", label=nxt()) for i in range(4)
    ] + [make_slot(event, "13:00", "13:45", kind=Slot.Kind.BREAK, label=nxt())]
    themes = [make_theme(event, name=unique(20 + i), synthesis=joined(i)) for i in range(12)]
    sessions = []
    for i in range(n):
        session = make_session(
            event,
            [organiser if i % 3 == 0 else people[2 + i % n], participant],
            title=texts[i],
            description=texts[(i + 1) % n] + "\n\n" + texts[(i + 2) % n],
            report=texts[(i + 3) % n] + "\n\n" + texts[(i + 4) % n],
            status=Session.Status.PROPOSED,
            held=True,
        )
        session.themes.set([themes[i % len(themes)]])
        Attachment.objects.create(
            session=session,
            kind=Attachment.Kind.LINK,
            title=texts[(i + 5) % n],
            url=texts[(i + 6) % n],
        )
        sessions.append(session)
    for i, session in enumerate(sessions[: len(rooms) * 4]):
        make_placement(session, rooms[i % len(rooms)], slots[i // len(rooms)])
        Session.objects.filter(pk=session.pk).update(status=Session.Status.SCHEDULED)
    for session in sessions[:5]:
        make_vote(participant, session)
    return World(event, organiser, participant, sessions, others)
