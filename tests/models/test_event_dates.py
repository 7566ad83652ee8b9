"""An event's date at the edges of the calendar and on the nights the clocks change (issue 15).

- Dates: an event is dated between 1 January 1970 and 31 December 2199 (`Event.clean`, so the
  settings form, the new-event form, the admin and the event-file importer refuse others in
  words). Rows that hold such a date from before (year 1, year 9999) still get every page and
  every feed: no 500.
- Clocks: a slot's time that a clock change skips (02:30 on 29 March 2026 in Brussels) or
  doubles (02:30 on 25 October 2026) is refused by the slot form, by moving the event's date
  and by copying a frame, in words that say which time and why, and nothing changes.
Hypothesis posts dates from year 1 to 9999 through the settings form and moves an event with
night slots over the days of a year: no server error, and every feed answers 200."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sessions_app import wallclock
from sessions_app.models import Event, Participant, Slot
from tests.factories import (
    make_event,
    make_participant,
    make_placement,
    make_room,
    make_session,
    make_slot,
    make_vote,
)
from tests.helpers import page_text

pytestmark = pytest.mark.django_db

OUT_OF_RANGE = "Kies een datum tussen 1 januari 1970 en 31 december 2199."
FEEDS = [
    "public:schedule-xml",
    "public:schedule-json",
    "public:schedule-ics",
    "public:sessions-csv",
    "public:votes-csv",
]


@pytest.fixture(autouse=True)
def fresh_feeds(settings):
    settings.OOCAMP_GRID_STATE_SECONDS = 0  # each request reads the event as it is now


def organiser_client(event: Event) -> tuple[Client, Participant]:
    organiser = make_participant(event, name="Olga", role=Participant.Role.ORGANISER)
    client = Client(headers={"accept-language": "nl"})
    client.force_login(organiser.user)
    return client, organiser


def settings_of(event: Event, **changes) -> dict[str, str]:
    """The settings form as sent after opening it on this event, with `changes` typed in."""
    return {
        "name": event.name,
        "date": event.date.isoformat(),
        "venue": event.venue,
        "language": event.language,
        "timezone": event.timezone,
        "voting": "plus",
        "votes": "",
        "description": event.description,
        "version": str(event.settings_version),
    } | changes


def feed_statuses(client: Client, event: Event) -> list[int]:
    return [client.get(reverse(name, args=[event.slug])).status_code for name in FEEDS]


def local_slots(event: Event) -> list[tuple[str, str]]:
    event.refresh_from_db()
    return [
        (f"{event.local(s.start):%Y-%m-%d %H:%M}", f"{event.local(s.end):%H:%M}")
        for s in event.slots.order_by("start")
    ]


# ---- the range of dates ---------------------------------------------------------------------


@pytest.mark.parametrize("day", ["0001-01-01", "1969-12-31", "2200-01-01", "9999-12-31"], ids=str)
def test_a_date_outside_the_range_is_refused_in_words_and_nothing_changes(day):
    event = make_event(language="nl", phase=Event.Phase.PUBLISHED)
    client, _organiser = organiser_client(event)
    make_slot(event, "10:00", "10:45")

    response = client.post(
        reverse("organiser:edit-event", args=[event.slug]), settings_of(event, date=day)
    )

    assert response.status_code == 200
    assert OUT_OF_RANGE in page_text(response)
    assert local_slots(event) == [("2026-06-13 10:00", "10:45")]
    assert event.settings_version == 0


@pytest.mark.parametrize("day", ["1970-01-01", "2199-12-31"])
def test_the_first_and_last_day_of_the_range_are_taken(day):
    event = make_event(language="nl")
    client, _organiser = organiser_client(event)
    make_slot(event, "10:00", "10:45")

    response = client.post(
        reverse("organiser:edit-event", args=[event.slug]), settings_of(event, date=day)
    )

    assert response.status_code == 302
    assert local_slots(event) == [(f"{day} 10:00", "10:45")]


def test_a_new_event_outside_the_range_is_refused_in_words(client):
    event = make_event(language="nl")
    client, organiser = organiser_client(event)
    data = {"name": "Toekomstcamp", "slug": "", "date": "9999-12-31", "language": "nl",
            "timezone": "Europe/Brussels", "voting": "plus"}  # fmt: skip

    response = client.post(reverse("organiser:create-event"), data)

    assert response.status_code == 200
    assert OUT_OF_RANGE in page_text(response)
    assert not Event.objects.filter(name="Toekomstcamp").exists()


def test_the_model_refuses_it_for_anyone_who_cleans_it(settings):
    settings.LANGUAGE_CODE = "en"
    for day in (date(1, 1, 1), date(9999, 12, 31)):
        with pytest.raises(ValidationError) as refused:
            Event(slug="x", name="X", date=day).full_clean()
        assert refused.value.message_dict["date"] == [
            "Choose a date between Jan. 1, 1970 and Dec. 31, 2199."
        ]


def test_the_date_field_tells_browsers_the_range():
    event = make_event(language="nl")
    client, _organiser = organiser_client(event)

    html = client.get(reverse("organiser:edit-event", args=[event.slug])).content.decode()

    assert re.search(r'<input type="date" name="date"[^>]* min="1970-01-01" max="2199-12-31"', html)


# ---- rows from before: every page and feed still answers ------------------------------------

EDGE_DAYS = [date(1, 1, 1), date(1, 1, 2), date(9999, 12, 30), date(9999, 12, 31)]
EDGE_ZONES = ["Europe/Brussels", "Asia/Tokyo", "America/Los_Angeles", "Pacific/Kiritimati"]


def edge_event(day: date, zone: str) -> tuple[Event, Participant]:
    """A published event dated `day` (written past the checks, as older data is) with slots
    at night and in the day where the calendar can hold them, a placed session and a vote."""
    event = make_event(language="nl", timezone=zone, phase=Event.Phase.PUBLISHED)
    Event.objects.filter(pk=event.pk).update(date=day)
    event.refresh_from_db()
    room = make_room(event, name="Zaal")
    slots = []
    for start, end in [("00:30", "01:15"), ("10:00", "10:45"), ("22:30", "23:15")]:
        try:
            for moment in (start, end):
                datetime.combine(day, time.fromisoformat(moment), event.tz).astimezone(UTC)
        except OverflowError:
            continue  # not a moment the calendar has: no database holds it either
        slots.append(make_slot(event, start, end))
    host = make_participant(event, name="Hanne")
    session = make_session(event, hosts=[host], title="Aan de rand")
    make_placement(session, room, slots[0])
    make_vote(host, session)
    return event, host


@pytest.mark.parametrize("zone", EDGE_ZONES)
@pytest.mark.parametrize("day", EDGE_DAYS, ids=str)
def test_an_event_dated_at_the_calendars_edge_still_gets_every_page_and_feed(day, zone):
    event, host = edge_event(day, zone)
    client, _organiser = organiser_client(event)
    session = event.sessions.get()
    slug = [event.slug]
    feeds = [reverse(name, args=slug) for name in FEEDS] + [
        reverse("public:session-ics", args=[event.slug, session.pk]),
        reverse("public:personal-ics", args=[event.slug, host.calendar_token]),
    ]
    pages = [
        reverse(name, args=slug)
        for name in [
            "public:event", "public:grid", "public:now", "public:feeds", "public:event-report",
            "participant:my-page", "participant:proposals", "organiser:dashboard",
            "organiser:frame", "organiser:edit-event", "organiser:grid", "organiser:history",
            "organiser:paper", "organiser:door-signs", "organiser:session-cards",
            "organiser:material", "organiser:participants-csv",
        ]
    ] + [reverse("public:session", args=[event.slug, session.pk])]  # fmt: skip

    statuses = {url: client.get(url).status_code for url in feeds + pages}

    assert {url: statuses[url] for url in feeds} == dict.fromkeys(feeds, 200)
    assert {url: s for url, s in statuses.items() if s >= 500} == {}


@pytest.mark.parametrize("day", [date(1, 1, 1), date(9999, 12, 31)], ids=str)
def test_an_edge_event_is_moved_into_the_range_with_its_slots(day):
    event, _host = edge_event(day, "Europe/Brussels")
    client, _organiser = organiser_client(event)
    url = reverse("organiser:edit-event", args=[event.slug])

    kept = client.post(url, settings_of(event, venue="Gent"))
    moved = client.post(url, settings_of(event, date="2026-06-13"))

    assert OUT_OF_RANGE in page_text(kept)
    assert moved.status_code == 302
    assert [start for start, _end in local_slots(event)] == [
        "2026-06-13 00:30", "2026-06-13 10:00", "2026-06-13 22:30"
    ]  # fmt: skip


# ---- hypothesis: any date of the calendar through the settings form -------------------------


def test_any_date_from_year_1_to_9999_is_saved_or_refused_in_words_and_feeds_answer():
    event = make_event(language="nl", phase=Event.Phase.PUBLISHED)
    client, _organiser = organiser_client(event)
    room = make_room(event)
    make_placement(make_session(event), room, make_slot(event, "10:00", "10:45"))
    url = reverse("organiser:edit-event", args=[event.slug])
    outcomes: dict[str, int] = {}

    @settings(max_examples=120, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
    @given(
        day=st.one_of(
            st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
            st.dates(min_value=date(1965, 1, 1), max_value=date(2205, 12, 31)),  # the edges
        )
    )
    def post(day: date) -> None:
        event.refresh_from_db()
        before = local_slots(event)
        response = client.post(url, settings_of(event, date=day.isoformat()))
        if date(1970, 1, 1) <= day <= date(2199, 12, 31):
            assert response.status_code == 302, page_text(response)
            assert local_slots(event) == [(f"{day.isoformat()} 10:00", "10:45")]
            outcomes["saved"] = outcomes.get("saved", 0) + 1
        else:
            assert response.status_code == 200
            assert OUT_OF_RANGE in page_text(response)
            assert local_slots(event) == before
            outcomes["refused"] = outcomes.get("refused", 0) + 1
        assert feed_statuses(client, event) == [200] * len(FEEDS)

    post()
    print(f"\ndates: {sum(outcomes.values())} dates posted, {outcomes}, 0 server errors")
    assert outcomes.get("saved") and outcomes.get("refused")


# ---- clock changes --------------------------------------------------------------------------

SPRING, AUTUMN = date(2026, 3, 29), date(2026, 10, 25)
GAP = (
    "02:30 bestaat niet op 29 maart 2026 in Europe/Brussels: de klok gaat dan vooruit van "
    "02:00 naar 03:00. Kies een tijd buiten 02:00–03:00."
)
FOLD = (
    "02:30 komt twee keer voor op 25 oktober 2026 in Europe/Brussels: de klok gaat dan terug "
    "van 03:00 naar 02:00. Kies een tijd buiten 02:00–03:00."
)


def frame_post(event: Event, rows: list[tuple[str, str]]) -> dict[str, str]:
    data = {"version": str(event.frame_version), "rooms-TOTAL_FORMS": "0",
            "rooms-INITIAL_FORMS": "0", "slots-TOTAL_FORMS": str(len(rows)),
            "slots-INITIAL_FORMS": "0"}  # fmt: skip
    for index, (start, end) in enumerate(rows):
        data |= {f"slots-{index}-start_time": start, f"slots-{index}-end_time": end,
                 f"slots-{index}-kind": "sessions", f"slots-{index}-label": ""}  # fmt: skip
    return data


@pytest.mark.parametrize(("day", "said"), [(SPRING, GAP), (AUTUMN, FOLD)], ids=["gap", "fold"])
def test_a_slot_at_a_time_the_clocks_skip_or_double_is_refused_in_words(day, said):
    event = make_event(language="nl", date=day)
    client, _organiser = organiser_client(event)

    response = client.post(
        reverse("organiser:frame", args=[event.slug]),
        frame_post(event, [("01:00", "01:45"), ("02:30", "03:30")]),
    )

    assert response.status_code == 200
    assert said in page_text(response)
    assert "tegelijk" not in page_text(response)  # not "someone changed it at the same time"
    assert event.slots.count() == 0


def test_around_the_clock_change_slots_are_taken_at_their_real_times():
    event = make_event(language="nl", date=SPRING)
    client, _organiser = organiser_client(event)

    response = client.post(
        reverse("organiser:frame", args=[event.slug]),
        frame_post(event, [("01:00", "01:59"), ("03:00", "04:00")]),
    )

    assert response.status_code == 302
    lengths = [s.end - s.start for s in event.slots.order_by("start")]
    assert lengths == [timedelta(minutes=59), timedelta(hours=1)]
    assert local_slots(event) == [("2026-03-29 01:00", "01:59"), ("2026-03-29 03:00", "04:00")]


@pytest.mark.parametrize(("day", "said"), [(SPRING, GAP), (AUTUMN, FOLD)], ids=["gap", "fold"])
def test_moving_the_date_onto_a_clock_change_with_night_slots_says_why_and_changes_nothing(
    day, said
):
    event = make_event(language="nl", phase=Event.Phase.PUBLISHED)
    client, _organiser = organiser_client(event)
    room = make_room(event)
    make_placement(make_session(event), room, make_slot(event, "01:00", "02:00"))
    make_slot(event, "02:30", "03:30", label="Nachtsessie")
    before = local_slots(event)

    response = client.post(
        reverse("organiser:edit-event", args=[event.slug]), settings_of(event, date=day.isoformat())
    )

    assert response.status_code == 200
    text = page_text(response)
    assert "Er is niets bewaard: het tijdslot" in text
    assert said in text or "02:00 bestaat niet" in text or "02:00 komt twee keer voor" in text
    assert "tegelijk" not in text  # not "someone changed it at the same time"
    event.refresh_from_db()
    assert (event.date, local_slots(event), event.settings_version) == (
        date(2026, 6, 13),
        before,
        0,
    )
    assert feed_statuses(client, event) == [200] * len(FEEDS)


def test_copying_night_slots_onto_a_clock_change_says_why_and_copies_nothing():
    earlier = make_event(language="nl", date=date(2025, 6, 14))
    make_room(earlier, name="Aula")
    make_slot(earlier, "02:30", "03:30")
    event = make_event(language="nl", date=SPRING)
    client, organiser = organiser_client(event)
    make_participant(earlier, user=organiser.user, role=Participant.Role.ORGANISER)

    response = client.post(
        reverse("organiser:copy-frame", args=[event.slug]), {"source": earlier.pk}, follow=True
    )

    text = page_text(response)
    assert "Er is niets gekopieerd: het tijdslot 02:30–03:30 kan niet naar deze datum." in text
    assert GAP in text
    assert (event.rooms.count(), event.slots.count()) == (0, 0)


NIGHTS = [
    [("01:00", "02:00"), ("02:00", "03:00"), ("03:00", "04:00")],
    [("00:30", "01:30"), ("02:30", "03:15")],
    [("01:45", "02:15")],
    [("09:00", "10:00"), ("23:00", "23:59")],
]
ZONES = ["Europe/Brussels", "Europe/London", "America/New_York", "Australia/Lord_Howe"]


def test_moving_night_slots_to_any_day_of_a_year_never_fails_and_feeds_answer():
    outcomes: dict[str, int] = {}

    @settings(max_examples=150, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
    @given(
        day=st.one_of(
            st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31)),
            st.sampled_from([SPRING, AUTUMN, date(2026, 3, 8), date(2026, 11, 1),
                             date(2026, 4, 5), date(2026, 10, 4)]),
        ),
        zone=st.sampled_from(ZONES),
        night=st.sampled_from(NIGHTS),
    )  # fmt: skip
    def move(day: date, zone: str, night: list[tuple[str, str]]) -> None:
        event = make_event(language="nl", timezone=zone, phase=Event.Phase.PUBLISHED)
        client, _organiser = organiser_client(event)
        room = make_room(event)
        for start, end in night:
            make_placement(make_session(event), room, make_slot(event, start, end))
        before = local_slots(event)

        response = client.post(
            reverse("organiser:edit-event", args=[event.slug]),
            settings_of(event, date=day.isoformat()),
        )

        if response.status_code == 302:
            wanted = [(f"{day.isoformat()} {start}", end) for start, end in night]
            assert local_slots(event) == wanted
            outcomes["moved"] = outcomes.get("moved", 0) + 1
        else:
            assert response.status_code == 200
            text = page_text(response)
            assert "Er is niets bewaard: het tijdslot" in text
            assert "bestaat niet op" in text or "komt twee keer voor op" in text
            assert local_slots(event) == before
            outcomes["refused"] = outcomes.get("refused", 0) + 1
        assert feed_statuses(client, event) == [200] * len(FEEDS)

    move()
    print(f"\nclock changes: {sum(outcomes.values())} moves, {outcomes}, 0 server errors")
    assert outcomes.get("moved") and outcomes.get("refused")


def test_every_day_of_2026_with_night_slots_in_brussels_is_moved_or_refused_in_words():
    event = make_event(language="nl", date=date(2025, 12, 31))
    client, _organiser = organiser_client(event)
    room = make_room(event)
    for start, end in [("01:00", "02:00"), ("02:00", "03:00"), ("03:00", "04:00")]:
        make_placement(make_session(event), room, make_slot(event, start, end))
    url = reverse("organiser:edit-event", args=[event.slug])
    refused = []

    day = date(2026, 1, 1)
    while day.year == 2026:
        event.refresh_from_db()
        response = client.post(url, settings_of(event, date=day.isoformat()))
        assert response.status_code in (200, 302)
        if response.status_code == 200:
            refused.append((day, page_text(response)))
        day += timedelta(days=1)

    assert [day for day, _text in refused] == [SPRING, AUTUMN]
    assert "02:00 bestaat niet op 29 maart 2026" in refused[0][1]
    assert "02:00 komt twee keer voor op 25 oktober 2026" in refused[1][1]
    assert local_slots(event)[0] == ("2026-12-31 01:00", "02:00")


def test_an_imported_slot_at_a_doubled_time_is_kept_when_its_row_is_not_touched():
    event = make_event(language="nl", date=AUTUMN)
    client, _organiser = organiser_client(event)
    second = datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=event.tz)  # the second 02:30
    slot = Slot.objects.create(event=event, start=second, end=second + timedelta(minutes=45))
    page = client.get(reverse("organiser:frame", args=[event.slug]))
    data = frame_post(event, [])
    data |= {"slots-TOTAL_FORMS": "1", "slots-INITIAL_FORMS": "1", "slots-0-id": str(slot.pk),
             "slots-0-start_time": "02:30", "slots-0-end_time": "03:15",
             "initial-slots-0-start_time": "02:30", "initial-slots-0-end_time": "03:15",
             "slots-0-kind": "sessions", "slots-0-label": "Laat",
             "initial-slots-0-kind": "sessions", "initial-slots-0-label": ""}  # fmt: skip
    assert page.status_code == 200

    response = client.post(reverse("organiser:frame", args=[event.slug]), data)

    assert response.status_code == 302
    slot.refresh_from_db()
    # the same moment, 02:30 CET (01:30 UTC), not the first 02:30 (CEST, 00:30 UTC)
    assert (slot.start, slot.label) == (second.astimezone(UTC), "Laat")
    assert slot.start.astimezone(UTC).hour == 1


def test_a_half_hour_clock_change_is_named_with_its_own_times(settings):
    found = wallclock.problem(datetime(2026, 10, 4, 2, 15), ZoneInfo("Australia/Lord_Howe"))

    assert str(found) == (
        "02:15 does not exist on Oct. 4, 2026 in Australia/Lord_Howe: the clocks go forward "
        "from 02:00 to 02:30. Choose a time outside 02:00–02:30."
    )
    assert wallclock.problem(datetime(2026, 10, 4, 2, 30), ZoneInfo("Australia/Lord_Howe")) is None


def test_counter_check_without_the_clock_check_a_night_slot_moves_silently_wrong(monkeypatch):
    """What the clock tests guard against: without `wallclock.problem`, a slot at 02:15 moved
    onto the spring change is saved at 03:15, and its organiser is told "saved"."""
    monkeypatch.setattr(wallclock, "problem", lambda naive, tz: None)
    event = make_event(language="nl")
    client, _organiser = organiser_client(event)
    make_slot(event, "02:15", "04:00")

    response = client.post(
        reverse("organiser:edit-event", args=[event.slug]),
        settings_of(event, date=SPRING.isoformat()),
    )

    assert response.status_code == 302
    assert local_slots(event) == [("2026-03-29 03:15", "04:00")]  # not the 02:15 it was
