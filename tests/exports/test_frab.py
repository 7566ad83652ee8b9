"""schedule.xml and schedule.json: valid against the c3voc XSD and JSON schema (copies in
tests/schemas/, copies of ../shared/schemas/) for the demo event and for every odd event we
can think of; stable GUIDs when the grid changes; ETag, Last-Modified and 304; who may fetch
them; and a fixed number of queries however many sessions there are."""

import json
import time
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import jsonschema
import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from lxml import etree

from sessions_app import actions
from sessions_app.exports import frab
from sessions_app.models import Event, Participant, Session, Slot
from tests.factories import (
    make_attachment,
    make_event,
    make_participant,
    make_placement,
    make_room,
    make_session,
    make_slot,
    make_theme,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("uncached_live_state")]

# Copies of the official frab/c3voc schemas (../shared/schemas, byte for byte as of 2026-11-29):
# CI runs on a clone where that folder is not beside the checkout.
SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"
XSD = etree.XMLSchema(etree.parse(str(SCHEMAS / "schedule.xml.xsd")))
JSON_SCHEMA = json.loads((SCHEMAS / "schedule.json.schema.json").read_text())
JSON_VALIDATOR = jsonschema.Draft6Validator(JSON_SCHEMA, format_checker=jsonschema.FormatChecker())
# What a participant can type, and more: Unicode, Markdown, HTML, control characters (NUL too,
# where the database stores it: PostgreSQL refuses it in text).
NASTY = "Één “café” 🎪 **vet** _schuin_ <b>&amp;</b> ]]> \x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\ufffe ; , \" ' \t\r\nnext"
if connection.vendor != "sqlite":
    NASTY = NASTY.replace("\x00", "")


def long_text(n: int, max_length: int) -> str:
    """`n` characters where the database takes them (SQLite does not enforce max_length),
    else as many as the column holds."""
    return ("Lang " * n)[: n if connection.vendor == "sqlite" else max_length]


def assert_valid_xml(body: bytes) -> etree._Element:
    document = etree.fromstring(body)
    if not XSD.validate(document):
        raise AssertionError("schedule.xml breaks the XSD:\n" + str(XSD.error_log))
    return document


def assert_valid_json(body: bytes) -> dict:
    document = json.loads(body)
    errors = sorted(JSON_VALIDATOR.iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, "schedule.json breaks the schema:\n" + "\n".join(
        f"{list(e.absolute_path)}: {e.message}" for e in errors
    )
    return document


def get(client: Client, name: str, event: Event, **headers: str):
    return client.get(reverse(f"public:{name}", args=[event.slug]), headers=headers)


def feeds(client: Client, event: Event) -> tuple[etree._Element, dict]:
    xml, data = get(client, "schedule-xml", event), get(client, "schedule-json", event)
    assert (xml.status_code, data.status_code) == (200, 200)
    return assert_valid_xml(xml.content), assert_valid_json(data.content)


def xml_events(document: etree._Element) -> list[etree._Element]:
    return document.findall("day/room/event")


def json_events(document: dict) -> list[dict]:
    return [
        item
        for day in document["schedule"]["conference"]["days"]
        for items in day["rooms"].values()
        for item in items
    ]


@pytest.fixture
def published() -> Event:
    return make_event(
        name="OOcamp 2026", slug="oocamp-2026", phase=Event.Phase.PUBLISHED, language="en"
    )


def fill(event: Event, *, rooms: int = 2, slots: int = 2, sessions: int | None = None) -> list:
    """Rooms, session slots from 10:00 on, and a session with one host in each cell."""
    room_rows = [make_room(event, capacity=20 + i) for i in range(rooms)]
    slot_rows = [make_slot(event, f"{10 + i:02}:00", f"{10 + i:02}:45") for i in range(slots)]
    cells = [(room, slot) for slot in slot_rows for room in room_rows]
    placed = []
    for room, slot in cells[: len(cells) if sessions is None else sessions]:
        session = make_session(event, hosts=[make_participant(event)])
        make_placement(session, room, slot)
        placed.append(session)
    return placed


# ---- the schemas ------------------------------------------------------------------------------


def test_the_validators_catch_a_broken_document(client, published):
    fill(published)
    xml, data = feeds(client, published)

    xml_events(xml)[0].find("start").text = "9:00"  # must be 09:00
    json_events(data)[0]["report"] = "extra keys are refused"

    with pytest.raises(AssertionError, match="start"):
        assert_valid_xml(etree.tostring(xml))
    with pytest.raises(AssertionError, match="report"):
        assert_valid_json(json.dumps(data).encode())


# ---- the demo event ---------------------------------------------------------------------------


def test_demo_feeds_are_valid_and_hold_the_whole_grid(client, demo):
    xml, data = feeds(client, demo)

    placed = Session.objects.filter(event=demo, placement__isnull=False).count()
    plenaries = demo.slots.filter(kind=Slot.Kind.PLENARY).count()
    assert len(xml_events(xml)) == placed + plenaries
    assert len(json_events(data)) == placed + plenaries
    assert xml.findtext("version") == str(demo.grid_version)
    assert xml.findtext("conference/acronym") == "oocamp_2012"
    assert xml.findtext("conference/time_zone_name") == "Europe/Brussels"
    assert [room.get("name") for room in xml.find("day").findall("room")] == list(
        demo.rooms.order_by("order", "id").values_list("name", flat=True)
    )
    rooms = data["schedule"]["conference"]["rooms"]
    assert [(r["name"], r["capacity"]) for r in rooms] == list(
        demo.rooms.order_by("order", "id").values_list("name", "capacity")
    )


def test_demo_feed_names_schedule_and_conference_in_its_first_kilobyte(client, demo):
    body = get(client, "schedule-xml", demo).content

    assert b"<schedule" in body[:1024]  # what Giggity sniffs for
    assert b"<conference" in body[:1024]


def test_demo_session_carries_kind_hosts_slides_and_its_page(client, demo):
    session = (
        Session.objects.filter(event=demo, placement__isnull=False, attachments__kind="slides")
        .order_by("id")
        .first()
    )

    xml, data = feeds(client, demo)

    element = next(e for e in xml_events(xml) if e.get("id") == str(session.pk))
    hosts = [h.participant.name for h in session.hostings.select_related("participant")]
    assert element.findtext("type") == session.kind
    assert [p.text for p in element.findall("persons/person")] == hosts
    assert [a.get("type") for a in element.findall("attachments/attachment")][:1] == ["slides"]
    page = "http://testserver" + session.get_absolute_url()
    assert [(link.get("href"), link.get("type")) for link in element.findall("links/link")][:1] == [
        (page, "related")
    ]
    assert element.findtext("url") == page
    item = next(i for i in json_events(data) if i["id"] == session.pk)
    assert item["guid"] == element.get("guid")
    assert [p["name"] for p in item["persons"]] == hosts
    assert item["attachments"][0]["type"] == "slides"
    assert (item["links"][0]["url"], item["links"][0]["type"]) == (page, "related")


def test_demo_plenary_is_an_event_in_the_largest_room(client, demo):
    opening = demo.slots.filter(kind=Slot.Kind.PLENARY).order_by("start").first()
    largest = demo.rooms.order_by("-capacity", "order", "id").first()

    xml, _data = feeds(client, demo)

    element = next(
        e for e in xml_events(xml) if e.get("id") == str(frab.PLENARY_ID_OFFSET + opening.pk)
    )
    assert (element.findtext("title"), element.findtext("type")) == (opening.label, "plenary")
    assert element.findtext("room") == largest.name


# ---- every event we can hold ------------------------------------------------------------------


def no_slots_at_all(event: Event) -> None:
    make_room(event)


def empty_grid(event: Event) -> None:
    fill(event, sessions=0)


def one_room(event: Event) -> None:
    fill(event, rooms=1, slots=3)


def plenaries_and_breaks(event: Event) -> None:
    fill(event, rooms=3, slots=2)
    make_slot(event, "09:00", "09:30", kind=Slot.Kind.PLENARY, label="Opening")
    make_slot(event, "12:00", "13:00", kind=Slot.Kind.BREAK, label="Lunch")
    make_slot(event, "16:00", "16:30", kind=Slot.Kind.PLENARY)  # no label


def no_host_names(event: Event) -> None:
    room, slot = make_room(event), make_slot(event)
    nameless = make_session(event, hosts=[make_participant(event, name="")])
    make_placement(nameless, room, slot)
    hostless = make_session(event)
    make_placement(hostless, room, make_slot(event, "11:00", "11:45"))


def nasty_text_everywhere(event: Event) -> None:
    Event.objects.filter(pk=event.pk).update(name=NASTY, venue=NASTY)
    rooms = [make_room(event, name=NASTY[:90]), make_room(event, name=NASTY[:90] + "\x01")]
    slot = make_slot(event)
    make_slot(event, "12:00", "12:30", kind=Slot.Kind.PLENARY, label=NASTY[:90])
    theme = make_theme(event, name=NASTY[:140])
    for room in rooms:  # two room names that are the same once cleaned
        session = make_session(
            event,
            title=NASTY,
            description=NASTY * 3,
            hosts=[make_participant(event, name=NASTY[:140])],
        )
        session.themes.set([theme])
        make_attachment(session, title=NASTY)
        make_attachment(session, title=NASTY, kind="link", url="https://example.org/é?q=1 2")
        make_placement(session, room, slot)


def long_strings(event: Event) -> None:
    room = make_room(event, name=long_text(200, 100))
    session = make_session(
        event, title=long_text(5000, 200), hosts=[make_participant(event, name="x" * 150)]
    )
    session.themes.set([make_theme(event, name="ü" * 150)])
    make_placement(session, room, make_slot(event))


def twenty_rooms(event: Event) -> None:
    fill(event, rooms=20, slots=3)


def across_midnight_and_two_days(event: Event) -> None:
    room = make_room(event)
    late = make_session(event, title="Late")
    make_placement(late, room, make_slot(event, "23:30", "23:59"))
    early = Slot.objects.create(
        event=event,
        start=make_slot(event, "08:00", "08:30").start + timedelta(days=1, hours=-5),
        end=make_slot(event, "08:30", "09:00").start + timedelta(days=1, hours=-5),
    )
    make_placement(make_session(event, title="Night owls"), room, early)
    tomorrow = make_slot(event, "10:00", "11:00")
    Slot.objects.filter(pk=tomorrow.pk).update(
        start=tomorrow.start + timedelta(days=1), end=tomorrow.end + timedelta(days=1)
    )
    make_placement(make_session(event, title="Day two"), room, Slot.objects.get(pk=tomorrow.pk))


EDGE_CASES = [
    no_slots_at_all,
    empty_grid,
    one_room,
    plenaries_and_breaks,
    no_host_names,
    nasty_text_everywhere,
    long_strings,
    twenty_rooms,
    across_midnight_and_two_days,
]


@pytest.mark.parametrize("build", EDGE_CASES, ids=[f.__name__ for f in EDGE_CASES])
def test_feeds_stay_valid(client, published, build):
    build(published)

    xml, data = feeds(client, published)

    placed = Session.objects.filter(event=published, placement__isnull=False).count()
    plenaries = published.slots.filter(kind=Slot.Kind.PLENARY).count()
    expected = placed + (plenaries if published.rooms.exists() else 0)
    assert len(xml_events(xml)) == expected
    assert len(json_events(data)) == expected


def test_control_characters_are_dropped_and_the_rest_kept(client, published):
    nasty_text_everywhere(published)

    xml, data = feeds(client, published)

    title = xml_events(xml)[0].findtext("title")
    assert title == frab.clean_line(NASTY)
    assert title.startswith("Één “café” 🎪 **vet** _schuin_ <b>&amp;</b> ]]>")
    assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in title)
    assert json_events(data)[0]["title"] == title
    names = [room["name"] for room in data["schedule"]["conference"]["rooms"]]
    assert len(set(names)) == 2  # the same once cleaned, told apart again


def test_days_run_from_four_to_four_with_their_offsets(client, published):
    across_midnight_and_two_days(published)

    xml, data = feeds(client, published)

    days = xml.findall("day")
    assert [(d.get("index"), d.get("date"), d.get("start"), d.get("end")) for d in days] == [
        ("1", "2026-06-13", "2026-06-13T04:00:00+02:00", "2026-06-14T03:59:00+02:00"),
        ("2", "2026-06-14", "2026-06-14T04:00:00+02:00", "2026-06-15T03:59:00+02:00"),
    ]
    titles = [[e.findtext("title") for e in d.findall("room/event")] for d in days]
    assert titles == [["Late", "Night owls"], ["Day two"]]
    assert data["schedule"]["conference"]["daysCount"] == 2


# ---- the grid changes -------------------------------------------------------------------------


def guids(document: etree._Element) -> dict[str, str]:
    return {e.get("id"): e.get("guid") for e in xml_events(document)}


def test_a_move_keeps_guids_and_ids_and_changes_version_and_etag(client, published):
    sessions = fill(published, rooms=2, slots=2, sessions=3)
    free_room = published.rooms.order_by("order").last()
    free_slot = published.slots.order_by("start").last()
    before = get(client, "schedule-xml", published)
    before_json = get(client, "schedule-json", published)

    published.refresh_from_db()
    actions.move_session(
        event=published,
        session=sessions[0],
        cell=(free_room, free_slot),
        version=published.grid_version,
        by=None,
    )
    after = get(client, "schedule-xml", published)
    after_json = get(client, "schedule-json", published)

    old, new = assert_valid_xml(before.content), assert_valid_xml(after.content)
    assert guids(new) == guids(old)
    assert int(new.findtext("version")) == int(old.findtext("version")) + 1
    assert after["ETag"] != before["ETag"]
    assert after_json["ETag"] != before_json["ETag"]
    moved = next(e for e in xml_events(new) if e.get("id") == str(sessions[0].pk))
    assert moved.findtext("room") == free_room.name
    assert {e["guid"] for e in json_events(assert_valid_json(after_json.content))} == set(
        guids(new).values()
    )


def test_guids_differ_between_sessions_rooms_and_events(client, published):
    fill(published, rooms=2, slots=2)
    other = make_event(phase=Event.Phase.PUBLISHED)
    fill(other, rooms=2, slots=2)

    mine, theirs = feeds(client, published)[0], feeds(client, other)[0]

    all_guids = list(guids(mine).values()) + list(guids(theirs).values())
    all_guids += [r.get("guid") for r in mine.findall("day/room") + theirs.findall("day/room")]
    assert len(all_guids) == len(set(all_guids)) == 12


def test_no_change_answers_304_with_the_same_etag(client, published):
    fill(published)
    first = get(client, "schedule-xml", published)
    first_json = get(client, "schedule-json", published)

    again = get(client, "schedule-xml", published, if_none_match=first["ETag"])
    # each feed's own date, as a client sends it (the JSON is first made a moment later: a
    # second boundary between the two made this test fail on a busy machine)
    since = get(client, "schedule-json", published, if_modified_since=first_json["Last-Modified"])

    assert (again.status_code, again.content) == (304, b"")
    assert again["ETag"] == first["ETag"]
    assert since.status_code == 304
    assert first["Access-Control-Allow-Origin"] == "*"
    assert again["Access-Control-Allow-Origin"] == "*"


def test_an_old_etag_gets_the_new_schedule(client, published):
    sessions = fill(published, sessions=1)
    first = get(client, "schedule-xml", published)
    published.refresh_from_db()
    actions.move_session(
        event=published,
        session=sessions[0],
        cell=(published.rooms.last(), published.slots.last()),
        version=published.grid_version,
        by=None,
    )

    response = get(client, "schedule-xml", published, if_none_match=first["ETag"])

    assert response.status_code == 200
    assert response["ETag"] != first["ETag"]
    assert parsedate_to_datetime(response["Last-Modified"]) >= parsedate_to_datetime(
        first["Last-Modified"]
    )


def test_a_change_no_timestamp_records_still_ends_if_modified_since(client, published):
    """A room renamed only raises the grid version; a client that sends only
    If-Modified-Since must get the new name all the same."""
    fill(published, rooms=1, sessions=1)
    first = get(client, "schedule-xml", published)
    time.sleep(1.1)  # Last-Modified counts whole seconds
    room = published.rooms.get()
    room.name = "Renamed"
    actions.save_frame(
        event=published,
        changes=actions.FrameChanges(rooms=[room], deleted_rooms=[], slots=[], deleted_slots=[]),
    )

    response = get(client, "schedule-xml", published, if_modified_since=first["Last-Modified"])

    assert response.status_code == 200
    assert xml_events(assert_valid_xml(response.content))[0].findtext("room") == "Renamed"


def test_a_new_attachment_changes_the_feed_without_a_grid_change(client, published):
    session = fill(published, sessions=1)[0]
    first = get(client, "schedule-xml", published)

    make_attachment(session, title="Slides", kind="slides")
    response = get(client, "schedule-xml", published, if_none_match=first["ETag"])

    assert response.status_code == 200
    event = xml_events(assert_valid_xml(response.content))[0]
    assert [a.text for a in event.findall("attachments/attachment")] == ["Slides"]


def test_head_answers_like_get_without_a_body(client, published):
    fill(published)

    response = client.head(reverse("public:schedule-xml", args=[published.slug]))

    assert response.status_code == 200
    assert response.content == b""
    assert response["Content-Type"] == "application/xml; charset=utf-8"


# ---- who may fetch them -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["schedule-xml", "schedule-json", "schedule-ics"])
def test_unknown_event_is_404(client, name):
    response = client.get(reverse(f"public:{name}", args=["no-such-event"]))

    assert response.status_code == 404


@pytest.mark.parametrize("name", ["schedule-xml", "schedule-json", "schedule-ics"])
def test_unpublished_grid_is_404_for_the_public_and_participants(client, name):
    event = make_event(phase=Event.Phase.VOTING)
    fill(event)
    participant = make_participant(event)

    anonymous = get(client, name, event)
    client.force_login(participant.user)
    joined = get(client, name, event)

    assert (anonymous.status_code, joined.status_code) == (404, 404)


def test_unpublished_grid_is_there_for_organisers_privately(client):
    event = make_event(phase=Event.Phase.VOTING)
    fill(event)
    organiser = make_participant(event, role=Participant.Role.ORGANISER)
    client.force_login(organiser.user)

    response = get(client, "schedule-xml", event)

    assert response.status_code == 200
    assert_valid_xml(response.content)
    assert response["Cache-Control"] == "private, no-cache"
    assert "Cookie" in response["Vary"]


# ---- cost ------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [5, 100])
@pytest.mark.parametrize("name", ["schedule-xml", "schedule-json", "schedule-ics"])
def test_feeds_need_at_most_ten_queries(
    client, published, django_assert_max_num_queries, count, name
):
    sessions = fill(published, rooms=10, slots=10, sessions=count)
    theme = make_theme(published)
    for session in sessions:
        session.themes.set([theme])
        make_attachment(session)

    with django_assert_max_num_queries(10):
        response = get(client, name, published)

    assert response.status_code == 200


def test_an_unchanged_grid_answers_from_the_cache(client, published, django_assert_num_queries):
    fill(published, rooms=5, slots=5)
    get(client, "schedule-xml", published)

    with django_assert_num_queries(2):  # the event, the stamp; nothing else is read again
        response = get(client, "schedule-xml", published)

    assert response.status_code == 200


# ---- pure rendering ---------------------------------------------------------------------------


def test_rendering_alone_takes_5000_character_titles_and_200_character_rooms():
    room = frab.RoomInfo(1, frab.guid("room", 1), "R" * 200, 10)
    start = datetime.fromisoformat("2026-06-13T10:00:00+02:00")
    item = frab.Item(
        id=1,
        guid=frab.guid("session", 1),
        session_id=1,
        title=frab.clean_line("Ø" * 5000 + "\x00"),
        type="discussion",
        start=start,
        end=start + timedelta(minutes=45),
        room=room,
        abstract="*" * 20000,
        url="https://example.org/s/1/",
        slug="oocamp_2026-1-session",
    )
    programme = frab.Programme(
        event_id=1,
        title="OOcamp",
        acronym="oocamp",
        language="nl",
        time_zone="Europe/Brussels",
        version="7",
        base_url="https://example.org/e/",
        grid_url="https://example.org/e/grid/",
        schedule_url="https://example.org/e/schedule.xml",
        days=(start.date(),),
        timeslot_minutes=15,
        rooms=(room,),
        tracks=(),
        items=(item,),
    )

    xml = assert_valid_xml(frab.schedule_xml(programme))
    data = assert_valid_json(frab.schedule_json(programme))

    assert len(xml_events(xml)[0].findtext("title")) == 5000
    assert list(data["schedule"]["conference"]["days"][0]["rooms"]) == ["R" * 200]


# ---- where they are linked --------------------------------------------------------------------


def test_grid_page_links_to_the_feeds(client, published):
    fill(published)

    page = client.get(
        reverse("public:grid", args=[published.slug]), headers={"accept-language": "en"}
    )

    feeds_page = reverse("public:feeds", args=[published.slug])
    assert f'href="{feeds_page}#calendar">Add to your calendar</a>' in page.text
    assert f'href="{feeds_page}#apps">Open in your schedule app</a>' in page.text


def test_feeds_page_shows_addresses_and_qr_codes(client, published):
    fill(published)

    page = client.get(
        reverse("public:feeds", args=[published.slug]), headers={"accept-language": "en"}
    )

    assert 'value="http://testserver/oocamp-2026/schedule.xml"' in page.text
    assert 'href="webcal://testserver/oocamp-2026/schedule.ics"' in page.text
    assert page.text.count("<svg") == 2
    assert reverse("organiser:participants-csv", args=[published.slug]) not in page.text


def test_feeds_page_before_publication_says_when_they_come(client):
    event = make_event(phase=Event.Phase.VOTING, language="en")

    page = client.get(reverse("public:feeds", args=[event.slug]), headers={"accept-language": "en"})

    assert "appear here as soon as they do" in page.text
    assert "schedule.xml" not in page.text
    assert "<svg" not in page.text


def test_feeds_page_offers_organisers_the_participants(client):
    event = make_event(phase=Event.Phase.VOTING, language="en")
    client.force_login(make_participant(event, role=Participant.Role.ORGANISER).user)

    page = client.get(reverse("public:feeds", args=[event.slug]), headers={"accept-language": "en"})

    assert "only organisers can open these feeds" in page.text
    assert reverse("organiser:participants-csv", args=[event.slug]) in page.text


def test_session_page_links_to_its_calendar_entry(client, published):
    session = fill(published, sessions=1)[0]

    page = client.get(session.get_absolute_url(), headers={"accept-language": "en"})

    ics = reverse("public:session-ics", args=[published.slug, session.pk])
    assert f'<a href="{ics}">Add to my calendar</a>' in page.text


def test_organiser_dashboard_links_to_the_feeds(client, published):
    client.force_login(make_participant(published, role=Participant.Role.ORGANISER).user)

    page = client.get(reverse("organiser:dashboard", args=[published.slug]))

    assert reverse("public:feeds", args=[published.slug]) in page.text
