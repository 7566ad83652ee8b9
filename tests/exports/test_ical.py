"""iCalendar feeds: the whole event, one session, and a participant's personal feed behind a
secret, revocable URL. They parse, keep the right instants across clock changes, keep their
UIDs and raise SEQUENCE when a session moves, and never show one participant another's day."""

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from sessions_app import actions
from sessions_app.exports import ical
from sessions_app.models import Event, Participant, Session, Slot
from tests.exports.test_frab import NASTY, long_text
from tests.factories import (
    make_event,
    make_participant,
    make_placement,
    make_room,
    make_session,
    make_slot,
    make_vote,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("uncached_live_state")]


@pytest.fixture
def published() -> Event:
    return make_event(slug="oocamp-2026", phase=Event.Phase.PUBLISHED, language="en")


def parse(body: bytes) -> Calendar:
    calendar = Calendar.from_ical(body)
    problems = [(c.name, c.errors) for c in calendar.walk() if c.errors]
    assert problems == []
    return calendar


def vevents(calendar: Calendar) -> dict[str, object]:
    """VEVENTs by SUMMARY."""
    return {str(e["summary"]): e for e in calendar.walk("VEVENT")}


def event_ics(client: Client, event: Event) -> Calendar:
    response = client.get(reverse("public:schedule-ics", args=[event.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return parse(response.content)


def personal_url(participant: Participant) -> str:
    participant.refresh_from_db()
    return reverse("public:personal-ics", args=[participant.event.slug, participant.calendar_token])


def at(event: Event, utc: str) -> datetime:
    return datetime.fromisoformat(utc).replace(tzinfo=UTC)


def place(event: Event, title: str, start: datetime, minutes: int, room=None) -> Session:
    room = room or event.rooms.first() or make_room(event)
    slot = Slot.objects.create(event=event, start=start, end=start + timedelta(minutes=minutes))
    session = make_session(event, title=title, hosts=[make_participant(event)])
    make_placement(session, room, slot)
    return session


# ---- the whole event --------------------------------------------------------------------------


def test_event_feed_has_every_placed_session_and_plenary_in_local_time(client, published):
    room = make_room(published, name="Zaal A")
    session = make_session(
        published,
        title="Open data",
        description="**Vet**",
        hosts=[make_participant(published, name="An")],
    )
    make_placement(session, room, make_slot(published, "10:00", "10:45"))
    make_slot(published, "09:00", "09:30", kind=Slot.Kind.PLENARY, label="Opening")
    make_slot(published, "12:00", "13:00", kind=Slot.Kind.BREAK, label="Lunch")
    make_session(published, title="Not placed")

    calendar = event_ics(client, published)

    events = vevents(calendar)
    assert sorted(events) == ["Open data", "Opening"]
    talk = events["Open data"]
    assert talk["dtstart"].params["TZID"] == "Europe/Brussels"
    assert talk.decoded("dtstart") == datetime(2026, 6, 13, 10, tzinfo=published.tz)
    assert talk.decoded("dtend") == datetime(2026, 6, 13, 10, 45, tzinfo=published.tz)
    assert str(talk["location"]) == "Zaal A"
    assert "Hosts: An" in str(talk["description"])
    assert str(talk["url"]) == "http://testserver" + session.get_absolute_url()
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Brussels"]
    assert str(calendar["x-wr-calname"]) == published.name


def test_nasty_and_long_text_still_parses(client, published):
    room = make_room(published, name=long_text(200, 100))
    session = make_session(
        published,
        title=long_text(5000, 200 - len(NASTY)) + NASTY,
        description=NASTY * 20,
        hosts=[make_participant(published, name=NASTY[:140])],
    )
    make_placement(session, room, make_slot(published))

    calendar = event_ics(client, published)

    (event,) = calendar.walk("VEVENT")
    assert not any(ord(c) < 32 for c in str(event["summary"]))
    assert str(event["summary"]).endswith("; , \" ' next")


# ---- clock changes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "slots"),
    [
        # last Sunday of March 2026: 02:00 CET becomes 03:00 CEST (01:00 UTC)
        (
            date(2026, 3, 29),
            [("2026-03-29T00:00", 45), ("2026-03-29T00:45", 45), ("2026-03-29T08:00", 45)],
        ),
        # last Sunday of October 2026: 03:00 CEST becomes 02:00 CET (01:00 UTC); 02:00–02:59
        # happens twice, and a session in each of them must keep its own instant
        (
            date(2026, 10, 25),
            [
                ("2026-10-24T23:30", 30),
                ("2026-10-25T00:15", 30),
                ("2026-10-25T01:15", 30),
                ("2026-10-25T09:00", 45),
            ],
        ),
    ],
    ids=["march", "october"],
)
def test_times_round_trip_across_the_clock_change(client, day, slots):
    event = make_event(date=day, phase=Event.Phase.PUBLISHED)
    room = make_room(event)
    expected = {}
    for index, (start, minutes) in enumerate(slots):
        moment = at(event, start)
        place(event, f"S{index}", moment, minutes, room)
        expected[f"S{index}"] = (moment, moment + timedelta(minutes=minutes))

    events = vevents(event_ics(client, event))

    assert {
        title: (e.decoded("dtstart"), e.decoded("dtend")) for title, e in events.items()
    } == expected
    for title, (start, _end) in expected.items():
        local = start.astimezone(event.tz)
        unambiguous = local.replace(fold=1).utcoffset() == local.replace(fold=0).utcoffset()
        params = events[title]["dtstart"].params
        assert params.get("TZID") == ("Europe/Brussels" if unambiguous else None)


def test_a_wall_clock_time_is_utc_only_when_the_clock_change_makes_it_ambiguous():
    programme = SimpleNamespace(tz=ZoneInfo("Europe/Brussels"))
    first = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST
    second = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # 02:30 CET
    morning = datetime(2026, 10, 25, 9, 0, tzinfo=UTC)

    assert ical.ical_time(first, programme).tzinfo is UTC
    assert ical.ical_time(second, programme).tzinfo is UTC
    assert ical.ical_time(morning, programme).hour == 10


# ---- moves ------------------------------------------------------------------------------------


def test_a_move_keeps_the_uid_and_raises_sequence_and_last_modified(client, published):
    room = make_room(published)
    here, there = make_slot(published, "10:00", "10:45"), make_slot(published, "11:00", "11:45")
    session = make_session(published, title="Moving", hosts=[make_participant(published)])
    make_placement(session, room, here)
    Session.objects.filter(pk=session.pk).update(updated_at=datetime(2026, 1, 1, tzinfo=UTC))
    before = vevents(event_ics(client, published))["Moving"]

    published.refresh_from_db()
    actions.move_session(
        event=published,
        session=session,
        cell=(room, there),
        version=published.grid_version,
        by=None,
    )
    after = vevents(event_ics(client, published))["Moving"]

    assert str(after["uid"]) == str(before["uid"])
    assert after.decoded("sequence") == before.decoded("sequence") + 1
    assert after.decoded("last-modified") > before.decoded("last-modified")
    assert after.decoded("dtstart") == there.start


def test_pinning_is_no_move(client, published):
    room = make_room(published)
    session = make_session(published, title="Pinned", hosts=[make_participant(published)])
    make_placement(session, room, make_slot(published))
    published.refresh_from_db()

    actions.set_pinned(
        event=published, session=session, pinned=True, version=published.grid_version, by=None
    )

    assert vevents(event_ics(client, published))["Pinned"].decoded("sequence") == 0


def test_a_slot_that_changes_time_raises_the_sequence_of_its_sessions(client, published):
    room = make_room(published)
    slot = make_slot(published, "10:00", "10:45")
    session = make_session(published, title="Later", hosts=[make_participant(published)])
    make_placement(session, room, slot)
    slot.start, slot.end = slot.start + timedelta(hours=1), slot.end + timedelta(hours=1)

    actions.save_frame(
        event=published,
        changes=actions.FrameChanges(rooms=[], deleted_rooms=[], slots=[slot], deleted_slots=[]),
    )

    event = vevents(event_ics(client, published))["Later"]
    assert event.decoded("sequence") == 1
    assert event.decoded("dtstart") == datetime(2026, 6, 13, 11, tzinfo=published.tz)


def test_a_new_event_date_raises_the_sequence_of_every_placed_session(client, published):
    room = make_room(published)
    session = make_session(published, title="Moved day", hosts=[make_participant(published)])
    make_placement(session, room, make_slot(published, "10:00", "10:45"))
    make_session(published, title="Unplaced")
    published.date = date(2026, 6, 20)

    actions.update_event(event=published)

    event = vevents(event_ics(client, published))["Moved day"]
    assert event.decoded("sequence") == 1
    assert event.decoded("dtstart") == datetime(2026, 6, 20, 10, tzinfo=published.tz)
    assert Session.objects.get(title="Unplaced").schedule_sequence == 0


def test_unplacing_a_session_takes_it_out_of_the_feed(client, published):
    room = make_room(published)
    session = make_session(published, title="Gone", hosts=[make_participant(published)])
    make_placement(session, room, make_slot(published))
    assert list(vevents(event_ics(client, published))) == ["Gone"]
    published.refresh_from_db()

    actions.move_session(
        event=published, session=session, cell=None, version=published.grid_version, by=None
    )

    assert list(vevents(event_ics(client, published))) == []
    assert Session.objects.get(pk=session.pk).schedule_sequence == 1


# ---- one session ------------------------------------------------------------------------------


def test_one_session_feed(client, published):
    room = make_room(published)
    session = make_session(published, title="Alone", hosts=[make_participant(published)])
    make_placement(session, room, make_slot(published))
    other = make_session(published, title="Other")
    make_placement(other, room, make_slot(published, "11:00", "11:45"))
    unplaced = make_session(published, title="Nowhere")

    response = client.get(reverse("public:session-ics", args=[published.slug, session.pk]))
    missing = client.get(reverse("public:session-ics", args=[published.slug, unplaced.pk]))

    assert list(vevents(parse(response.content))) == ["Alone"]
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="{published.slug}-{session.pk}.ics"'
    )
    assert missing.status_code == 404


# ---- the personal feed ------------------------------------------------------------------------


@pytest.fixture
def two_days(published):
    """Ann hosts "Ann hosts" and voted "Ann votes"; Bob voted "Bob votes"; nobody "Nobody's".
    Their votes became follows when the grid was published (actions.follow_votes)."""
    room = make_room(published)
    slots = [make_slot(published, f"{h:02}:00", f"{h:02}:45") for h in (10, 11, 12, 13)]
    ann, bob = make_participant(published, name="Ann"), make_participant(published, name="Bob")
    hosted = make_session(published, title="Ann hosts", hosts=[ann])
    voted = make_session(published, title="Ann votes", hosts=[make_participant(published)])
    bobs = make_session(published, title="Bob votes", hosts=[make_participant(published)])
    nobody = make_session(published, title="Nobody's", hosts=[make_participant(published)])
    for session, slot in zip([hosted, voted, bobs, nobody], slots, strict=True):
        make_placement(session, room, slot)
    make_vote(ann, voted)
    make_vote(bob, bobs)
    actions.follow_votes(published)
    make_slot(published, "09:00", "09:30", kind=Slot.Kind.PLENARY, label="Opening")
    return ann, bob


def test_personal_feed_has_only_own_sessions_and_the_plenaries(client, two_days):
    ann, bob = two_days

    ann_feed = client.get(personal_url(ann))
    bob_feed = client.get(personal_url(bob))

    assert sorted(vevents(parse(ann_feed.content))) == ["Ann hosts", "Ann votes", "Opening"]
    assert sorted(vevents(parse(bob_feed.content))) == ["Bob votes", "Opening"]
    assert b"Ann" not in bob_feed.content
    assert ann_feed["Cache-Control"] == "private, no-cache"
    assert "Access-Control-Allow-Origin" not in ann_feed


def test_personal_feed_leaves_out_votes_once_everything_is_unfollowed(client):
    """Votes count as follows until the participant changes them: whoever takes back every
    follow after publication gets a calendar without those sessions, as My day shows."""
    event = make_event(slug="buurtcamp", phase=Event.Phase.VOTING, language="en")
    room = make_room(event)
    slot = make_slot(event, "10:00", "10:45")
    make_slot(event, "09:00", "09:30", kind=Slot.Kind.PLENARY, label="Opening")
    fien = make_participant(event, name="Fien")
    voted = make_session(event, title="Buurtwerk", hosts=[make_participant(event)])
    make_placement(voted, room, slot)
    actions.cast_vote(participant=fien, session=voted)
    actions.set_phase(event=event, phase=Event.Phase.PUBLISHED)
    followed = vevents(parse(client.get(personal_url(fien)).content))

    actions.unfollow_session(participant=fien, session=voted)
    unfollowed = vevents(parse(client.get(personal_url(fien)).content))

    assert sorted(followed) == ["Buurtwerk", "Opening"]
    assert sorted(unfollowed) == ["Opening"]


def test_personal_feed_needs_no_sign_in_and_answers_304(client, two_days):
    ann, _bob = two_days
    first = client.get(personal_url(ann))

    again = client.get(personal_url(ann), headers={"if-none-match": first["ETag"]})

    assert first.status_code == 200
    assert again.status_code == 304


@pytest.mark.parametrize("token", ["nope", "x" * 32, "a" * 500])
def test_unknown_token_is_404(client, two_days, token):
    ann, _bob = two_days

    response = client.get(f"/{ann.event.slug}/calendar/{token}.ics")

    assert response.status_code == 404


def test_a_token_with_a_nul_byte_is_refused_as_unreadable(client, two_days):
    """No token holds a NUL: the address is refused before any lookup (PostgreSQL would refuse
    the NUL with a server error), as every address holding one is."""
    ann, _bob = two_days

    response = client.get(f"/{ann.event.slug}/calendar/%00.ics", headers={"accept-language": "nl"})

    assert response.status_code == 400
    assert "Dit verzoek kunnen we niet lezen" in response.text


def test_a_token_only_works_with_its_own_event(client, two_days):
    ann, _bob = two_days
    other = make_event()
    ann.refresh_from_db()

    response = client.get(reverse("public:personal-ics", args=[other.slug, ann.calendar_token]))

    assert response.status_code == 404


def test_renewing_revokes_the_old_url(client, two_days):
    ann, bob = two_days
    old = personal_url(ann)
    bobs = personal_url(bob)
    client.force_login(ann.user)

    response = client.post(reverse("participant:renew-calendar", args=[ann.event.slug]))

    new = personal_url(ann)
    assert response.status_code == 302
    assert response["Location"].endswith("/me/#my-calendar")
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert client.get(bobs).status_code == 200  # nobody else's link changes
    page = client.get(reverse("participant:my-page", args=[ann.event.slug]))
    assert new in page.text
    assert old not in page.text


def test_renewing_needs_a_post_by_a_participant(client, two_days):
    ann, _bob = two_days
    url = reverse("participant:renew-calendar", args=[ann.event.slug])
    old = personal_url(ann)

    anonymous = client.post(url)
    client.force_login(ann.user)
    get = client.get(url)

    assert anonymous.status_code == 302
    assert "/join/" in anonymous["Location"]
    assert get.status_code == 405
    assert personal_url(ann) == old


def test_my_page_shows_the_personal_link_and_the_renew_button(client, two_days):
    ann, _bob = two_days
    client.force_login(ann.user)

    page = client.get(reverse("participant:my-page", args=[ann.event.slug]))

    assert f"webcal://testserver{personal_url(ann)}" in page.text
    assert f"http://testserver{personal_url(ann)}" in page.text
    assert reverse("participant:renew-calendar", args=[ann.event.slug]) in page.text


def test_personal_feed_is_an_empty_calendar_before_publication(client):
    event = make_event(phase=Event.Phase.VOTING)
    ann = make_participant(event)
    session = make_session(event, hosts=[ann])
    make_placement(session, make_room(event), make_slot(event))

    response = client.get(personal_url(ann))

    calendar = parse(response.content)
    assert response.status_code == 200
    assert list(vevents(calendar)) == []


def test_every_participant_has_a_different_token(published):
    tokens = {make_participant(published).calendar_token for _ in range(20)}

    assert len(tokens) == 20
    assert all(len(token) >= 32 for token in tokens)


@pytest.mark.parametrize("count", [5, 100])
def test_personal_feed_needs_a_fixed_number_of_queries(
    client, published, django_assert_max_num_queries, count
):
    ann = make_participant(published)
    rooms = [make_room(published) for _ in range(10)]
    slots = [make_slot(published, f"{8 + h:02}:00", f"{8 + h:02}:45") for h in range(10)]
    cells = [(room, slot) for slot in slots for room in rooms][:count]
    for room, slot in cells:
        session = make_session(published, hosts=[make_participant(published)])
        make_placement(session, room, slot)
        actions.follow_session(participant=ann, session=session)
    url = personal_url(ann)

    with django_assert_max_num_queries(10):
        response = client.get(url)

    assert len(vevents(parse(response.content))) == count
