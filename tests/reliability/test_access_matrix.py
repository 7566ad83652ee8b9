"""Row 17 of the reliability plan: who gets what, for every URL of the project.

The test walks every URL pattern (`get_resolver()`, recursively, with namespaced names) and
fails when a pattern has no line in MATRIX below, naming exactly the missing patterns and what
they answer now, ready to be checked and pasted. Zulip's rule: no URL goes untested.

Each line gives the answer to a GET and to a POST of an empty form, for seven visitors of event
"a", in this order:

    anon   not signed in
    p-oth  a participant of event "b" only
    part   a participant of "a" who hosts nothing
    host   a participant of "a" who hosts the session in the URL
    o-oth  an organiser of "b" only
    org    an organiser of "a"
    super  a superuser (no participation anywhere)

`login` is a redirect to a sign-in page, `join` a redirect to the event's join page, `302` any
other redirect. Every request runs in a savepoint that is rolled back, so one visitor's POST
(withdrawing the session, say) never changes what the next one sees.

Data that could leak is present (the pretalx rule): both events have a published grid, a
session with a host, votes, an attachment with a file and a thumbnail, a theme, host links,
sign-in links, report builds and calendar tokens. Then, for every URL that names an object
(a session, an attachment, a theme, a room, a token, a thumbnail), the same URL under event
"a" with event "b"'s object must answer exactly as for an object that does not exist (404 for
whoever may see "a"'s own): no existence leak across events.

The admin (`admin/…`) is checked by rule, since it is Django's own and not scoped to events:
every visitor but the superuser is sent to its sign-in page, the superuser never gets a 500.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from sessions_app.models import (
    Attachment,
    Event,
    HostLink,
    Participant,
    ReportBuild,
    Theme,
)
from tests.factories import (
    make_event,
    make_participant,
    make_placement,
    make_room,
    make_session,
    make_sign_in_link,
    make_slot,
    make_theme,
    make_vote,
)

ROLES = ("anon", "p-oth", "part", "host", "o-oth", "org", "super")
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")

# ---- the matrix ---------------------------------------------------------------------------
# fmt: off
MATRIX: dict[str, tuple[str, str]] = {
    # name                              GET:  anon  p-oth part  host  o-oth org   super
    #                                   POST (an empty form), the same seven
    "login":                           ("200   200   200   200   200   200   200",
                                        "200   200   200   200   200   200   200"),
    # the code after the password (nobody here owes one: a redirect onwards), and setting up an
    # authenticator app: for whoever organises an event, and superusers
    "login-code":                      ("login 302   302   302   302   302   302",
                                        "login 302   302   302   302   302   302"),
    "two-step":                        ("login 403   403   403   200   200   200",
                                        "login 403   403   403   200   200   200"),
    "logout":                          ("login 405   405   405   405   405   405",
                                        "login 302   302   302   302   302   302"),
    # the header's "Sign out": who could not come back (no password, no address) is warned first
    "sign-out":                        ("login 200   200   200   200   200   200",
                                        "login 200   200   302   200   200   302"),
    "password_change":                 ("login 200   200   200   200   200   200",
                                        "login 200   200   200   200   200   200"),
    "password_change_done":            ("login 200   200   200   200   200   200",
                                        "login 405   405   405   405   405   405"),
    "password_reset":                  ("200   200   200   200   200   200   200",
                                        "200   200   200   200   200   200   200"),
    "password_reset_done":             ("200   200   200   200   200   200   200",
                                        "405   405   405   405   405   405   405"),
    "password_reset_confirm":          ("200   200   200   200   200   200   200",
                                        "200   200   200   200   200   200   200"),
    "password_reset_complete":         ("200   200   200   200   200   200   200",
                                        "405   405   405   405   405   405   405"),
    "set_language":                    ("302   302   302   302   302   302   302",
                                        "302   302   302   302   302   302   302"),
    "public:healthz":                  ("200   200   200   200   200   200   200",
                                        "405   405   405   405   405   405   405"),
    "public:home":                     ("200   200   200   200   200   200   200",
                                        "405   405   405   405   405   405   405"),
    # the installable app (issue 21): its service worker and manifests, the same for everyone
    "public:service-worker":           ("200   200   200   200   200   200   200",
                                        "405   405   405   405   405   405   405"),
    "public:manifest":                 ("200   200   200   200   200   200   200",
                                        "405   405   405   405   405   405   405"),
    "public:event-manifest":           ("200   200   200   200   200   200   200",
                                        "405   405   405   405   405   405   405"),
    "public:offline":                  ("200   200   200   200   200   200   200",
                                        "405   405   405   405   405   405   405"),
    "public:join-with-code":           ("200   200   200   200   200   200   200",
                                        "200   200   200   200   200   200   200"),
    "public:sign-in-request":          ("200   200   200   200   200   200   200",
                                        "200   200   200   200   200   200   200"),
    "public:sign-in":                  ("200   200   200   200   200   200   200",
                                        "302   302   302   302   302   302   302"),
    "public:event":                    ("200   200   200   200   200   200   200",
                                        "405   405   405   405   405   405   405"),
    "public:join":                     ("200   200   302   302   200   302   200",
                                        "200   200   302   302   200   302   200"),
    "public:session":                  ("200   200   200   200   200   200   200",
                                        "405   405   405   405   405   405   405"),
    "public:grid":                     ("200   200   200   200   200   200   200",
                                        "405   405   405   405   405   405   405"),
    "public:grid-version":             ("200   200   200   200   200   200   200",
                                        "405   405   405   405   405   405   405"),
    "public:pitch-version":            ("200   200   200   200   200   200   200",
                                        "405   405   405   405   405   405   405"),
    "public:now":                      ("200   200   200   200   200   200   200",
                                        "405   405   405   405   405   405   405"),
    "public:changes":                  ("200   200   200   200   200   200   200",
                                        "405   405   405   405   405   405   405"),
    "public:changes-atom":             ("200   200   200   200   200   200   200",
                                        "405   405   405   405   405   405   405"),
    "public:attachment":               ("200   200   200   200   200   200   200",
                                        "405   405   405   405   405   405   405"),
    "public:attachment-thumbnail":     ("200   200   200   200   200   200   200",
                                        "405   405   405   405   405   405   405"),
    "public:event-report":             ("404   404   404   404   404   200   200",
                                        "405   405   405   405   405   405   405"),
    # the report's cover picture: for whoever may read the report (it is not published here)
    "public:event-report-cover":       ("404   404   404   404   404   200   200",
                                        "405   405   405   405   405   405   405"),
    "public:event-report-file":        ("404   404   404   404   404   302   302",
                                        "405   405   405   405   405   405   405"),
    "public:feeds":                    ("200   200   200   200   200   200   200",
                                        "405   405   405   405   405   405   405"),
    "public:schedule-xml":             ("200   200   200   200   200   200   200",
                                        "405   405   405   405   405   405   405"),
    "public:schedule-json":            ("200   200   200   200   200   200   200",
                                        "405   405   405   405   405   405   405"),
    "public:schedule-ics":             ("200   200   200   200   200   200   200",
                                        "405   405   405   405   405   405   405"),
    "public:session-ics":              ("200   200   200   200   200   200   200",
                                        "405   405   405   405   405   405   405"),
    "public:personal-ics":             ("200   200   200   200   200   200   200",
                                        "405   405   405   405   405   405   405"),
    "public:sessions-csv":             ("200   200   200   200   200   200   200",
                                        "405   405   405   405   405   405   405"),
    "public:votes-csv":                ("200   200   200   200   200   200   200",
                                        "405   405   405   405   405   405   405"),
    "participant:proposals":           ("200   200   200   200   200   200   200",
                                        "405   405   405   405   405   405   405"),
    "participant:propose":             ("join  join  302   302   join  302   join",
                                        "join  join  302   302   join  302   join"),
    "participant:preview":             ("405   405   405   405   405   405   405",
                                        "join  join  302   302   join  302   join"),
    "participant:my-page":             ("join  join  200   200   join  200   join",
                                        "405   405   405   405   405   405   405"),
    "participant:my-email":            ("405   405   405   405   405   405   405",
                                        "join  join  302   302   join  302   join"),
    "participant:edit-session":        ("join  join  404   302   join  200   join",
                                        "join  join  404   302   join  200   join"),
    # bringing back an earlier description: for whoever may edit the session (issue 15)
    "participant:restore-description": ("405   405   405   405   405   405   405",
                                        "join  join  404   302   join  302   join"),
    "participant:withdraw-session":    ("405   405   405   405   405   405   405",
                                        "join  join  404   302   join  302   join"),
    "participant:vote":                ("405   405   405   405   405   405   405",
                                        "join  join  302   302   join  302   join"),
    # after publication: "I'll go", keeping one of two at the same time, changes seen; an
    # empty form changes nothing and goes back
    "participant:follow":              ("405   405   405   405   405   405   405",
                                        "join  join  302   302   join  302   join"),
    "participant:keep":                ("405   405   405   405   405   405   405",
                                        "join  join  302   302   join  302   join"),
    "participant:changes-seen":        ("405   405   405   405   405   405   405",
                                        "join  join  302   302   join  302   join"),
    "participant:slides":              ("login 404   404   200   404   200   200",
                                        "405   405   405   405   405   405   405"),
    "participant:slides-upload":       ("405   405   405   405   405   405   405",
                                        "403   404   404   400   404   400   400"),
    "participant:slides-link":         ("405   405   405   405   405   405   405",
                                        "403   404   404   400   404   400   400"),
    "participant:slides-replace":      ("405   405   405   405   405   405   405",
                                        "403   404   404   400   404   400   400"),
    "participant:slides-delete":       ("405   405   405   405   405   405   405",
                                        "403   404   404   302   404   302   302"),
    "participant:report":              ("join  join  404   200   join  200   200",
                                        "join  join  404   200   join  200   200"),
    "participant:report-restore":      ("405   405   405   405   405   405   405",
                                        "404   404   404   302   404   302   302"),
    "participant:note-takers":         ("405   405   405   405   405   405   405",
                                        "404   404   404   302   404   302   302"),
    "participant:report-preview":      ("405   405   405   405   405   405   405",
                                        "400   400   400   400   400   400   400"),
    "participant:host-link":           ("302   302   302   302   302   302   302",
                                        "405   405   405   405   405   405   405"),
    "participant:renew-calendar":      ("405   405   405   405   405   405   405",
                                        "join  join  302   302   join  302   join"),
    "organiser:poster":                ("login 403   403   403   403   200   200",
                                        "login 405   405   405   405   405   405"),
    "organiser:join-qr":               ("login 403   403   403   403   200   200",
                                        "login 405   405   405   405   405   405"),
    "organiser:team":                  ("login 403   403   403   403   200   200",
                                        "login 403   403   403   403   200   200"),
    # the info desk: a sign-in link (and QR code) for any participant, shown or printed
    "organiser:desk":                  ("login 403   403   403   403   200   200",
                                        "login 405   405   405   405   405   405"),
    "organiser:desk-link":             ("login 403   403   403   403   200   200",
                                        "login 403   403   403   403   302   302"),
    "organiser:desk-print":            ("login 403   403   403   403   302   302",
                                        "login 405   405   405   405   405   405"),
    "organiser:merge":                 ("login 403   403   403   403   200   200",
                                        "login 403   403   403   403   200   200"),
    "organiser:hide":                  ("login 405   405   405   405   405   405",
                                        "login 403   403   403   403   302   302"),
    "organiser:grid":                  ("login 403   403   403   403   200   200",
                                        "login 405   405   405   405   405   405"),
    "organiser:move":                  ("login 405   405   405   405   405   405",
                                        "login 403   403   403   403   400   400"),
    "organiser:pin":                   ("login 405   405   405   405   405   405",
                                        "login 403   403   403   403   400   400"),
    "organiser:undo":                  ("login 405   405   405   405   405   405",
                                        "login 403   403   403   403   400   400"),
    "organiser:history":               ("login 403   403   403   403   200   200",
                                        "login 405   405   405   405   405   405"),
    "organiser:restore":               ("login 405   405   405   405   405   405",
                                        "login 403   403   403   403   400   400"),
    "organiser:propose-grid":          ("login 403   403   403   403   200   200",
                                        "login 405   405   405   405   405   405"),
    "organiser:start-proposal":        ("login 405   405   405   405   405   405",
                                        "login 403   403   403   403   302   302"),
    "organiser:discard-proposal":      ("login 405   405   405   405   405   405",
                                        "login 403   403   403   403   302   302"),
    "organiser:accept-grid":           ("login 405   405   405   405   405   405",
                                        "login 403   403   403   403   400   400"),
    # re-planning the rest of the day: the page plans (writes nothing), accepting writes
    "organiser:replan":                ("login 403   403   403   403   200   200",
                                        "login 405   405   405   405   405   405"),
    "organiser:replan-accept":         ("login 405   405   405   405   405   405",
                                        "login 403   403   403   403   400   400"),
    "organiser:pitch":                 ("login 403   403   403   403   200   200",
                                        "login 405   405   405   405   405   405"),
    "organiser:pitch-step":            ("login 405   405   405   405   405   405",
                                        "login 403   403   403   403   400   400"),
    "organiser:pitch-seconds":         ("login 405   405   405   405   405   405",
                                        "login 403   403   403   403   302   302"),
    "organiser:pitch-requeue":         ("login 405   405   405   405   405   405",
                                        "login 403   403   403   403   400   400"),
    "organiser:pitch-beamer":          ("login 403   403   403   403   302   302",
                                        "login 405   405   405   405   405   405"),
    "organiser:create-event":          ("login 403   403   403   200   200   200",
                                        "login 403   403   403   200   200   200"),
    "organiser:dashboard":             ("login 403   403   403   403   200   200",
                                        "login 405   405   405   405   405   405"),
    "organiser:phase":                 ("login 405   405   405   405   405   405",
                                        "login 403   403   403   403   302   302"),
    "organiser:edit-event":            ("login 403   403   403   403   200   200",
                                        "login 403   403   403   403   200   200"),
    # an empty POST names no version it was opened on: the compare screen, nothing saved
    "organiser:frame":                 ("login 403   403   403   403   200   200",
                                        "login 403   403   403   403   409   409"),
    "organiser:copy-frame":            ("login 405   405   405   405   405   405",
                                        "login 403   403   403   403   302   302"),
    "organiser:paper":                 ("login 403   403   403   403   200   200",
                                        "login 405   405   405   405   405   405"),
    "organiser:door-signs":            ("login 403   403   403   403   200   200",
                                        "login 405   405   405   405   405   405"),
    "organiser:door-sign":             ("login 403   403   403   403   200   200",
                                        "login 405   405   405   405   405   405"),
    "organiser:session-cards":         ("login 403   403   403   403   200   200",
                                        "login 405   405   405   405   405   405"),
    "organiser:report-publish":        ("login 405   405   405   405   405   405",
                                        "login 403   403   403   403   302   302"),
    "organiser:report-build":          ("login 405   405   405   405   405   405",
                                        "login 403   403   403   403   302   302"),
    "organiser:report-progress":       ("login 403   403   403   403   302   302",
                                        "login 405   405   405   405   405   405"),
    # the picture on the report's cover: uploaded or removed by a plain POST (no page of its own)
    "organiser:report-cover":          ("login 405   405   405   405   405   405",
                                        "login 403   403   403   403   302   302"),
    "organiser:material":              ("login 403   403   403   403   200   200",
                                        "login 405   405   405   405   405   405"),
    "organiser:send-host-links":       ("login 405   405   405   405   405   405",
                                        "login 403   403   403   403   302   302"),
    "organiser:remind-hosts":          ("login 405   405   405   405   405   405",
                                        "login 403   403   403   403   302   302"),
    "organiser:set-held":              ("login 405   405   405   405   405   405",
                                        "login 403   403   403   403   302   302"),
    "organiser:resend-host-links":     ("login 405   405   405   405   405   405",
                                        "login 403   403   403   403   302   302"),
    "organiser:revoke-host-links":     ("login 405   405   405   405   405   405",
                                        "login 403   403   403   403   302   302"),
    "organiser:themes":                ("login 403   403   403   403   200   200",
                                        "login 403   403   403   403   200   200"),
    "organiser:rename-theme":          ("login 405   405   405   405   405   405",
                                        "login 403   403   403   403   302   302"),
    "organiser:delete-theme":          ("login 405   405   405   405   405   405",
                                        "login 403   403   403   403   302   302"),
    "organiser:theme-synthesis":       ("login 403   403   403   403   200   200",
                                        "login 403   403   403   403   200   200"),
    "organiser:assign-themes":         ("login 403   403   403   403   200   200",
                                        "login 405   405   405   405   405   405"),
    "organiser:set-session-theme":     ("login 405   405   405   405   405   405",
                                        "login 403   403   403   403   302   302"),
    "organiser:event-texts":           ("login 403   403   403   403   200   200",
                                        "login 403   403   403   403   302   302"),
    # bringing back an earlier synthesis, introduction, conclusion, structure or description
    "organiser:restore-text":          ("login 405   405   405   405   405   405",
                                        "login 403   403   403   403   302   302"),
    "organiser:participants-csv":      ("login 403   403   403   403   200   200",
                                        "login 405   405   405   405   405   405"),
}
# fmt: on


# ---- the URL patterns ----------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    key: str  # the namespaced name, or the route itself where there is no (unique) name
    route: str
    pattern: URLPattern

    def __str__(self) -> str:
        return self.key

    @property
    def kwargs(self) -> list[str]:
        return [a or b for a, b in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", self.route)]

    @property
    def is_admin(self) -> bool:
        return self.route.startswith("admin/")


def all_routes() -> list[Route]:
    found: list[tuple[str | None, str, URLPattern]] = []

    def walk(patterns, prefix: str, namespace: str | None) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = p.namespace
                inner = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
                walk(p.url_patterns, prefix + str(p.pattern), inner)
            else:
                name = f"{namespace}:{p.name}" if namespace and p.name else p.name
                found.append((name, prefix + str(p.pattern), p))

    walk(get_resolver().url_patterns, "", None)
    # a pattern after another with the same route is never reached (the first one answers)
    seen: set[str] = set()
    found = [f for f in found if not (f[1] in seen or seen.add(f[1]))]
    names = [name for name, _route, _p in found]
    return [
        Route(name if name and names.count(name) == 1 else route, route, p)
        for name, route, p in found
    ]


ROUTES = all_routes()
APP_ROUTES = [r for r in ROUTES if not r.is_admin]
ADMIN_ROUTES = [r for r in ROUTES if r.is_admin]


# ---- data that could leak ------------------------------------------------------------------


@dataclass
class Side:
    event: Event
    organiser: Participant
    host: Participant
    participant: Participant
    session: object
    room: object
    theme: Theme
    attachment: Attachment
    host_token: str
    sign_in_token: str


def build_side(slug: str) -> Side:
    event = make_event(slug=slug, name=f"Camp {slug}", phase=Event.Phase.PUBLISHED)
    organiser = make_participant(event, f"Organiser {slug}", role=Participant.Role.ORGANISER)
    host = make_participant(event, f"Host {slug}", email=f"host-{slug}@example.org")
    participant = make_participant(event, f"Participant {slug}")
    room = make_room(event)
    slot = make_slot(event)
    theme = make_theme(event)
    session = make_session(event, hosts=[host], title=f"Secret session of {slug}", held=True)
    session.themes.add(theme)
    make_placement(session, room, slot)
    make_vote(participant, session)
    attachment = Attachment(
        session=session,
        kind=Attachment.Kind.SLIDES,
        title=f"Slides of {slug}",
        content_type="application/pdf",
        size=len(PDF),
    )
    attachment.file.save("upload.pdf", ContentFile(PDF), save=False)
    attachment.thumbnail.save("thumb.png", ContentFile(PNG), save=False)
    attachment.save()
    event.cover.save("cover.png", ContentFile(PNG))  # the report's cover picture
    host_token = f"host-link-token-of-{slug}"
    HostLink.objects.create(
        session=session,
        participant=host,
        token_hash=HostLink.hash(host_token),
        sent_to=host.email,
    )
    sign_in_token = f"sign-in-token-of-{slug}"
    make_sign_in_link(participant, sign_in_token)
    for kind in ReportBuild.Kind.values:
        build = ReportBuild(
            event=event, kind=kind, status=ReportBuild.Status.DONE, progress=100, attempt=1
        )
        build.file.save(f"report.{kind}", ContentFile(PDF), save=False)
        build.finished_at = timezone.now()
        build.save()
    return Side(
        event, organiser, host, participant, session, room, theme, attachment, host_token,
        sign_in_token,
    )  # fmt: skip


@dataclass
class World:
    a: Side
    b: Side
    superuser: object

    def user(self, role: str):
        return {
            "anon": None,
            "p-oth": self.b.participant.user,
            "part": self.a.participant.user,
            "host": self.a.host.user,
            "o-oth": self.b.organiser.user,
            "org": self.a.organiser.user,
            "super": self.superuser,
        }[role]


@pytest.fixture
def world(db) -> World:
    superuser = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    return World(build_side("camp-a"), build_side("camp-b"), superuser)


# ---- filling in the URL ----------------------------------------------------------------------

MISSING = "missing"  # fill in an object that does not exist


def kwargs_for(route: Route, world: World, objects: str) -> dict[str, object]:
    """URL arguments: the slug is always event "a"'s; the objects named are "a"'s (`own`),
    "b"'s (`other`) or ones that do not exist (`missing`)."""
    a = world.a
    side = {"own": world.a, "other": world.b, "missing": None}[objects]
    r = route.route

    def pk(obj) -> int:
        return obj.pk if side is not None else 987654

    values: dict[str, object] = {}
    for name in route.kwargs:
        if name == "slug":
            values[name] = a.event.slug
        elif name == "pk":
            if "attachments/" in r:
                values[name] = pk(side and side.attachment)
            elif "themes/" in r:
                values[name] = pk(side and side.theme)
            elif "desk/" in r:  # the info desk: a participant
                values[name] = pk(side and side.participant)
            else:  # sessions/<pk>, material/<pk>, organise/sessions/<pk>
                values[name] = pk(side and side.session)
        elif name == "attachment_pk":
            values[name] = pk(side and side.attachment)
        elif name == "room_id":
            values[name] = pk(side and side.room)
        elif name == "event_id":
            values[name] = a.event.pk
        elif name == "name":  # a thumbnail's file name
            values[name] = (
                side.attachment.thumbnail.name.rsplit("/", 1)[1] if side else "0" * 32 + ".png"
            )
        elif name == "token":
            if "signin/" in r:
                values[name] = side.sign_in_token if side else "no-such-token"
            elif "calendar/" in r:
                values[name] = side.participant.calendar_token if side else "no-such-token"
            else:
                values[name] = side.host_token if side else "no-such-token"
        elif name == "kind":
            values[name] = "pdf"
        elif name == "uidb64":
            values[name] = "MQ"
        elif name in ("object_id", "id", "content_type_id", "app_label", "url"):
            values[name] = {"app_label": "sessions_app", "url": "nowhere/"}.get(name, "1")
        else:
            raise AssertionError(f"{route.key}: do not know how to fill <{name}>")
    return values


def path_for(route: Route, world: World, objects: str = "own") -> str:
    values = kwargs_for(route, world, objects)
    path = route.route
    for name, value in values.items():
        path = re.sub(rf"<(?:\w+:)?{name}>|\(\?P<{name}>[^)]*\)", str(value), path)
    path = path.lstrip("^").rstrip("$")
    return "/" + path


def outcome(response) -> str:
    if response.status_code in (301, 302, 303, 307, 308):
        location = response["Location"]
        if "/login/" in location:
            return "login"
        if re.search(r"/[\w-]+/join/", location):
            return "join"
        return "302"
    return str(response.status_code)


def client_for(world: World, role: str) -> Client:
    """One signed-in client per visitor, kept for the whole test (signing in costs queries)."""
    clients = world.__dict__.setdefault("clients", {})
    if role not in clients:
        client = Client(raise_request_exception=False)
        user = world.user(role)
        if user is not None:
            client.force_login(user)
        clients[role] = client
    return clients[role]


def visit(world: World, role: str, method: str, path: str) -> str:
    """One request in a savepoint that is rolled back afterwards, cookies put back too (a view
    that signs the visitor in or out changes them)."""
    client = client_for(world, role)
    cookies = client.cookies
    client.cookies = cookies.__class__()
    client.cookies.update(cookies)
    with transaction.atomic():
        response = client.get(path) if method == "GET" else client.post(path, {})
        result = outcome(response)
        if response.streaming:  # read to the end: the test client then closes the file
            b"".join(response.streaming_content)  # (response.close() would close the database
            # connection too, on PostgreSQL, through the request_finished signal)
        transaction.set_rollback(True)
    client.cookies = cookies
    return result


def observe(world: World, route: Route, objects: str = "own") -> tuple[str, str]:
    path = path_for(route, world, objects)
    return tuple(  # type: ignore[return-value]
        " ".join(visit(world, role, method, path) for role in ROLES) for method in ("GET", "POST")
    )


def as_line(key: str, seen: tuple[str, str]) -> str:
    """A MATRIX entry, laid out like the others."""

    def columns(statuses: str) -> str:
        return " ".join(f"{status:<5}" for status in statuses.split()).rstrip()

    name = f'"{key}":'
    return f'    {name:<34} ("{columns(seen[0])}",\n    {"":<34}  "{columns(seen[1])}"),'


def expected(key: str) -> tuple[str, str]:
    get, post = MATRIX[key]
    return " ".join(get.split()), " ".join(post.split())


# ---- the tests -----------------------------------------------------------------------------
# One test per check over all patterns (not one per pattern): the data is built once per test,
# and a failure lists every pattern that changed, each as a line to paste once checked.


def test_every_url_pattern_has_an_expectation(world) -> None:
    keys = {r.key for r in APP_ROUTES}
    missing = [r for r in APP_ROUTES if r.key not in MATRIX]
    stale = sorted(set(MATRIX) - keys)
    lines = [as_line(r.key, observe(world, r)) for r in missing]
    assert not missing, (
        f"{len(missing)} URL pattern(s) without an expected status per visitor in MATRIX "
        f"({__file__}); they answer now as follows, check before pasting:\n" + "\n".join(lines)
    )
    assert not stale, f"MATRIX names patterns that no longer exist: {stale}"


def test_each_visitor_gets_the_expected_answer(world) -> None:
    changed, errors = [], []
    checked = 0
    for route in APP_ROUTES:
        if route.key not in MATRIX:
            continue  # reported by the test above
        seen = observe(world, route)
        checked += 1
        if "500" in " ".join(seen):
            errors.append(route.key)
        if seen != expected(route.key):
            changed.append(as_line(route.key, seen))
    print(f"access matrix: {checked} URL patterns x {len(ROLES)} visitors x GET/POST checked")
    assert not errors, f"server errors: {errors}"
    assert not changed, "answers differ from MATRIX; now:\n" + "\n".join(changed)


OBJECT_KWARGS = {"pk", "attachment_pk", "room_id", "token", "name"}


def test_another_events_objects_are_as_unknown_as_missing_ones(world) -> None:
    leaks = []
    org = ROLES.index("org")
    # event-scoped patterns only: a sign-in or password-reset token is global by design
    routes = [r for r in APP_ROUTES if OBJECT_KWARGS & set(r.kwargs) and "slug" in r.kwargs]
    for route in routes:
        other = observe(world, route, "other")
        missing = observe(world, route, "missing")
        if other != missing:
            leaks.append(f"{route.key}: b's object {other}, no object {missing}")
        elif (
            route.key in MATRIX
            and expected(route.key)[0].split()[org] == "200"
            and other[0].split()[org] != "404"
        ):
            leaks.append(f"{route.key}: a's organiser gets {other[0]} for b's object")
    print(f"cross-event ids: {len(routes)} URL patterns, {len(leaks)} leak(s)")
    assert not leaks, "\n".join(leaks)


# the admin's own sign-in page and its sign-out are for everyone
ADMIN_OPEN = {"admin/login/", "admin/logout/"}


def test_the_admin_lets_in_only_the_superuser(world) -> None:
    wrong = []
    for route in ADMIN_ROUTES:
        path = path_for(route, world)
        for role in ROLES:
            for method in ("GET", "POST"):
                seen = visit(world, role, method, path)
                if role == "super" or route.route in ADMIN_OPEN:
                    ok = seen != "500"
                else:
                    ok = seen == "login"
                if not ok:
                    wrong.append(f"{method} {path} as {role}: {seen}")
    print(f"admin: {len(ADMIN_ROUTES)} URL patterns, only the superuser let in")
    assert not wrong, "\n".join(wrong)
