"""Numbers, dates and times written for a script or a machine do not depend on the language.

Django writes numbers and dates for people in the active language: in Dutch "10,2" and
"13-06-2026". A script that reads "10,2" from a data attribute gets NaN (the pitch countdown
said "Tijd!" from the first second), a calendar app cannot read a localized date. So every page
of a demo-like event is rendered in Dutch, with fractional settings and values past 999
(capacities, votes, ids), and every value meant for a machine is read as its reader would:
data-* attributes, `<time datetime>`, the values of hidden, number, date and time inputs,
`<progress>`/`<meter>`, json_script blocks, hx-vals, htmx triggers, inline CSS and SVG
geometry, and the query strings of links. None may hold a decimal comma, a thousands dot or a
localized date. The feeds (iCalendar, frab XML and JSON, CSV) fetched in Dutch parse with
their parsers to the same values as in English.

The pages are every URL pattern of the project (the walk of tests/reliability/
test_access_matrix.py), as an anonymous visitor, a participant, a host and an organiser.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime, time, timedelta
from urllib.parse import parse_qsl, urlsplit

import icalendar
import lxml.etree
import lxml.html
import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sessions_app import actions
from sessions_app.exports import paper
from sessions_app.grid import grid_view
from sessions_app.models import Event, GridProposal, Participant, PitchRound, Room, Vote
from tests.factories import make_event, make_participant, make_room, make_session, make_slot
from tests.reliability.test_access_matrix import APP_ROUTES, World, build_side, path_for

pytestmark = pytest.mark.django_db

BIG = 1234  # past 999: a thousands separator would show
MANY_VOTES = 1001

# a number written for people in Dutch: a decimal comma ("10,2"), a thousands dot ("1.234")
DECIMAL_COMMA = re.compile(r"\d,\d")
THOUSANDS_DOT = re.compile(r"-?\d{1,3}(\.\d{3})+")  # the whole value: 1.5 is a fine number
# a date written for people: 13-06-2026, 13/06/2026, 13 juni 2026
LOCAL_DATE = re.compile(
    r"\b\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}\b|\b\d{1,2} (januari|februari|maart|april|mei|juni|juli"
    r"|augustus|september|oktober|november|december)\b",
    re.IGNORECASE,
)
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")

INPUT_TYPES = {"hidden", "number", "range", "date", "time", "datetime-local", "month", "week"}
SVG_GEOMETRY = {"x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "width",
                "height", "stroke-width", "offset", "font-size"}  # fmt: skip
# (path data, points, viewBox and transforms are lists in which a comma separates numbers:
# no pattern tells a localized one; the ones on these pages are written by hand or by segno)


# ---- a demo-like event, in Dutch, with fractional and large values --------------------------


@pytest.fixture
def world(db, settings) -> World:
    settings.OOCAMP_LIVE_POLL_SECONDS = 2.5
    settings.OOCAMP_PITCH_STATE_SECONDS = 0.5
    superuser = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    world = World(build_side("camp-a"), build_side("camp-b"), superuser)
    a = world.a
    Room.objects.filter(pk=a.room.pk).update(capacity=BIG * 10)
    for n in range(5):  # six rooms, as the demo has
        make_room(a.event, name=f"Zaal {n}", capacity=BIG + n)
    make_slot(a.event, "11:00", "12:30")
    make_slot(a.event, "12:30", "13:15", kind="break", label="Lunch")
    many_votes(a)
    GridProposal.objects.create(
        event=a.event,
        status=GridProposal.Status.RUNNING,
        based_on_version=a.event.grid_version,
        progress=0.375,
        elapsed=12.75,
        placements=[],
    )
    Event.objects.filter(pk=a.event.pk).update(votes_per_participant=BIG)
    return world


def many_votes(side) -> None:
    """`MANY_VOTES` participants who all voted for the session (bulk: seconds, not minutes)."""
    User = get_user_model()
    users = User.objects.bulk_create(
        User(username=f"voter-{n}", password="!") for n in range(MANY_VOTES)
    )
    voters = Participant.objects.bulk_create(
        Participant(event=side.event, user=user, name=f"Kiezer {n}", calendar_token=f"t-{n}")
        for n, user in enumerate(users)
    )
    events = Event.objects.filter(pk=side.event.pk)
    phase = events.values_list("phase", flat=True).get()
    events.update(phase=Event.Phase.VOTING)  # the database takes votes only while voting
    Vote.objects.bulk_create(Vote(participant=p, session=side.session) for p in voters)
    events.update(phase=phase)


@pytest.fixture
def pitching_event(db, settings) -> Event:
    """An event in its pitch round, with the clock running (a fraction of a second gone)."""
    settings.OOCAMP_LIVE_POLL_SECONDS = 2.5
    event = make_event(slug="pitch-camp", language="nl", phase=Event.Phase.PROPOSALS)
    organiser = make_participant(event, "Olga", role=Participant.Role.ORGANISER)
    for n in range(3):
        make_session(event, hosts=[organiser], title=f"Pitch {n}")
    pitch_round = PitchRound.objects.create(event=event, seconds=90)
    actions.start_pitch_round(event=event, version=pitch_round.version)
    PitchRound.objects.filter(event=event).update(
        current_since=timezone.now() - timedelta(seconds=10.2)
    )
    return event


def dutch(user=None) -> Client:
    client = Client(headers={"accept-language": "nl"}, raise_request_exception=True)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "nl"
    if user is not None:
        client.force_login(user)
    return client


def english(user=None) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


# ---- reading a page as a script reads it -----------------------------------------------------


def machine_values(html: str) -> list[tuple[str, str]]:
    """(where, value) for every value in `html` that a script, a browser or another program
    reads as a number, a date or a time."""
    if not html.strip():
        return []
    root = lxml.html.fromstring(html.encode())
    found: list[tuple[str, str]] = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.rsplit("}", 1)[-1].lower()
        for name, value in element.attrib.items():
            name = name.lower()
            where = f"<{tag} {name}>"
            if (
                name.startswith("data-")
                or name in {"hx-vals", "hx-trigger", "datetime"}
                or name in {"min", "max", "step", "low", "high", "optimum"}
            ):
                found.append((where, value))
            elif name == "value" and (
                tag in {"progress", "meter"}
                or (tag == "input" and element.get("type", "text").lower() in INPUT_TYPES)
            ):
                found.append((f"<{tag} type={element.get('type')} value>", value))
            elif (
                name == "style"
                or name in SVG_GEOMETRY
                and tag
                in {
                    "svg",
                    "rect",
                    "circle",
                    "line",
                    "path",
                    "polygon",
                    "polyline",
                    "ellipse",
                    "g",
                    "text",
                    "stop",
                    "use",
                    "image",
                }
            ):
                found.append((where, value))
            elif name in {"href", "src", "action", "hx-get", "hx-post"} and "?" in value:
                for key, item in parse_qsl(urlsplit(value).query):
                    found.append((f"<{tag} {name}> ?{key}=", item))
        if tag == "script" and element.get("type") == "application/json":
            found.append(("<script type=application/json>", element.text or ""))
        if tag == "style":
            found.append(("<style>", element.text or ""))
    return found


def problems(values: list[tuple[str, str]]) -> list[str]:
    wrong = []
    for where, value in values:
        if where == "<script type=application/json>":
            try:
                json.loads(value)
            except ValueError as error:
                wrong.append(f"{where}: not JSON ({error}): {value[:80]}")
            continue
        if where.startswith("<time datetime>"):
            if not iso_moment(value):
                wrong.append(f"{where}: {value!r} is not an ISO 8601 date, time or duration")
            continue
        for found, what in (
            (DECIMAL_COMMA.search(value), "a decimal comma"),
            (THOUSANDS_DOT.fullmatch(value.strip()), "a thousands dot"),
            (LOCAL_DATE.search(value), "a localized date"),
        ):
            if found:
                wrong.append(f"{where}: {value[:80]!r} has {what}")
                break
        else:
            if "type=date " in where and value and not iso_moment(value):
                wrong.append(f"{where}: {value!r} is not YYYY-MM-DD")
            if "type=time " in where and value and not iso_moment(value):
                wrong.append(f"{where}: {value!r} is not HH:MM")
            if "type=number " in where and value and not NUMBER.match(value):
                wrong.append(f"{where}: {value!r} is not a number")
    return wrong


def iso_moment(value: str) -> bool:
    for parse in (datetime.fromisoformat, date.fromisoformat, time.fromisoformat):
        try:
            parse(value)
            return True
        except ValueError:
            pass
    return bool(re.fullmatch(r"P(T?\d+[YMWDHS])+|PT(\d+H)?(\d+M)?(\d+(\.\d+)?S)?", value))


def test_the_scanner_catches_what_dutch_does_to_numbers_and_dates() -> None:
    page = """<div data-remaining="10,2" data-seats="1.234" data-day="13-06-2026">
      <time datetime="13 juni 2026 10:00">x</time><input type="number" value="2,5">
      <input type="date" value="13-06-2026"><progress value="37,5" max="100"></progress>
      <svg width="10,5"></svg><a href="/x?at=10,5">x</a></div>"""
    fine = """<div data-remaining="10.2" data-seats="1234" data-day="2026-06-13"
      data-version="1765051234.123456" data-message="Het rooster is veranderd, kijk opnieuw.">
      <time datetime="2026-06-13T10:00:00+02:00">x</time><input type="number" value="2.5">
      <input type="date" value="2026-06-13"><progress value="37.5" max="100"></progress>
      <svg width="10.5" viewBox="0,0,10,10"></svg><a href="/x?at=10.5">x</a></div>"""

    assert len(problems(machine_values(page))) == 9
    assert problems(machine_values(fine)) == []


def test_thousands_are_written_without_a_separator() -> None:
    """Django would write 1234 as "1.234" in Dutch everywhere, machine values included."""
    assert django_settings.USE_THOUSAND_SEPARATOR is False


# ---- every page --------------------------------------------------------------------------


def pages(world: World) -> list[str]:
    return [path_for(route, world) for route in APP_ROUTES if not route.route.startswith("i18n/")]


def scan(client: Client, path: str, **headers) -> list[str]:
    response = client.get(path, headers=headers)
    if response.streaming:
        b"".join(response.streaming_content)  # read to the end: the file is closed then
        return []
    kind = response.get("Content-Type", "")
    if "json" in kind:  # the live pages' version endpoints, and the like
        values = [("<script type=application/json>", response.text)]
    elif "html" in kind or "svg" in kind:
        values = machine_values(response.text)
    else:
        return []  # files for people (PDF, images), and the feeds, read below by their parsers
    return [f"{path}: {problem}" for problem in problems(values)]


def test_every_page_writes_machine_values_the_same_in_dutch(world) -> None:
    a = world.a
    visitors = [None, a.participant.user, a.host.user, a.organiser.user]
    wrong: list[str] = []
    scanned = 0
    for user in visitors:
        client = dutch(user)
        for path in pages(world):
            wrong += scan(client, path)
            scanned += 1
    organiser = dutch(a.organiser.user)
    for path in pages(world):  # the fragments htmx swaps in
        wrong += [f"(htmx) {problem}" for problem in scan(organiser, path, hx_request="true")]
    assert scanned > 100
    assert not wrong, "\n".join(sorted(set(wrong)))


def test_the_printed_signs_and_cards_write_no_localized_numbers(world) -> None:
    """Door signs and session cards are HTML laid out as PDF, in the event's language."""
    event, base_url = world.a.event, "https://oocamp.example"
    documents = [
        paper.door_signs_html(event, paper.door_signs(grid_view(event), base_url)),
        paper.session_cards_html(event, paper.session_cards(grid_view(event), base_url)),
    ]

    assert all(problems(machine_values(html)) == [] for html in documents)
    assert all("<img" in html for html in documents)  # the QR codes are there


def test_the_pitch_pages_write_the_clock_for_scripts(pitching_event) -> None:
    organiser = pitching_event.participants.get(role=Participant.Role.ORGANISER)
    slug = pitching_event.slug
    paths = [
        reverse("organiser:pitch", args=[slug]),
        reverse("organiser:pitch-beamer", args=[slug]),
        reverse("participant:proposals", args=[slug]),
        reverse("public:now", args=[slug]),
    ]
    wrong = [problem for path in paths for problem in scan(dutch(organiser.user), path)]
    assert not wrong, "\n".join(wrong)


# ---- feeds --------------------------------------------------------------------------------


def fetch(client: Client, name: str, event: Event, *args) -> bytes:
    response = client.get(reverse(name, args=[event.slug, *args]))
    assert response.status_code == 200, (name, response.status_code)
    return b"".join(response.streaming_content) if response.streaming else response.content


def both(name: str, world: World, *args, user=None) -> tuple[bytes, bytes]:
    event = world.a.event
    return fetch(dutch(user), name, event, *args), fetch(english(user), name, event, *args)


def calendar_values(body: bytes) -> list[dict]:
    """Each event of the calendar: its times, ids and places, as a calendar app reads them."""
    calendar = icalendar.Calendar.from_ical(body)
    return [
        {
            key: component.decoded(key)
            for key in ("UID", "DTSTART", "DTEND", "DURATION", "SEQUENCE", "URL", "GEO")
            if key in component
        }
        for component in calendar.walk("VEVENT")
    ]


@pytest.mark.parametrize("name", ["public:schedule-ics", "public:session-ics"])
def test_calendars_in_dutch_hold_the_same_times_as_in_english(world, name) -> None:
    args = [world.a.session.pk] if name == "public:session-ics" else []
    nl, en = both(name, world, *args)

    assert calendar_values(nl) == calendar_values(en)
    assert calendar_values(nl)  # one event at least
    assert isinstance(calendar_values(nl)[0]["DTSTART"], datetime)


def test_the_personal_calendar_in_dutch_holds_the_same_times(world) -> None:
    token = world.a.host.calendar_token
    nl, en = both("public:personal-ics", world, token)

    assert calendar_values(nl) == calendar_values(en) != []


MACHINE_FIELDS = {"date", "start", "duration", "id", "guid", "room", "slug", "url", "version",
                  "start_date", "end_date", "days", "daysCount", "index", "timeslot_duration",
                  "base_url", "conference_url", "time_zone_name"}  # fmt: skip


def xml_values(body: bytes) -> list[tuple[str, str]]:
    """Every attribute and every machine field of the frab XML, by path."""
    root = lxml.etree.fromstring(body)
    tree = root.getroottree()
    values = []
    for element in root.iter():
        where = tree.getpath(element)
        values += [(f"{where}@{key}", value) for key, value in sorted(element.attrib.items())]
        if element.tag in MACHINE_FIELDS:
            values.append((where, (element.text or "").strip()))
    return values


def json_values(data, where: str = "") -> list[tuple[str, object]]:
    """Every number, and every field meant for machines, of the frab JSON, by path."""
    if isinstance(data, dict):
        return [pair for key, item in data.items() for pair in json_values(item, f"{where}/{key}")]
    if isinstance(data, list):
        return [pair for n, item in enumerate(data) for pair in json_values(item, f"{where}/{n}")]
    if isinstance(data, bool) or data is None:
        return []
    key = where.rsplit("/", 1)[-1]
    if isinstance(data, int | float) or key in MACHINE_FIELDS or key.isdigit():
        return [(where, data)]
    return []


def test_the_frab_schedule_in_dutch_holds_the_same_values(world) -> None:
    nl_xml, en_xml = both("public:schedule-xml", world)
    nl_json, en_json = both("public:schedule-json", world)

    assert xml_values(nl_xml) == xml_values(en_xml)
    assert any(where.endswith("/date") or "@date" in where for where, _v in xml_values(nl_xml))
    nl, en = json.loads(nl_json), json.loads(en_json)
    assert json_values(nl) == json_values(en)
    assert problems([("json", str(value)) for _where, value in json_values(nl)]) == []


def csv_rows(body: bytes, event: Event) -> list[list[str]]:
    text = body.decode("utf-8-sig")
    delimiter = ";" if event.language == Event.Language.DUTCH else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


@pytest.mark.parametrize(
    "name", ["public:sessions-csv", "public:votes-csv", "organiser:participants-csv"]
)
def test_spreadsheets_in_dutch_hold_the_same_values_as_in_english(world, name) -> None:
    user = world.a.organiser.user
    nl, en = both(name, world, user=user)

    nl_rows, en_rows = csv_rows(nl, world.a.event), csv_rows(en, world.a.event)
    assert nl_rows[1:] == en_rows[1:]  # the header row is for people, in their language
    assert len(nl_rows) > 1
    numbers = [value for row in nl_rows[1:] for value in row if re.fullmatch(r"[\d.,]+", value)]
    assert numbers and all(re.fullmatch(r"\d+", value) for value in numbers), numbers
