"""The feeds as real clients read them: calendar sync tools (khal, vdirsyncer) that refuse an
empty calendar, libical's iTIP check, a browser widget that polls across sites (CORS), two
server processes that must answer the same Last-Modified, schedule apps that read the hosts'
ids from schedule.json, and the one-click links into Google Calendar, Outlook and Giggity."""

import html
import json
import re
from datetime import timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import jsonschema
import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from sessions_app import actions
from sessions_app.models import Event, Follow, Participant, Session, Slot
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

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"
JSON_VALIDATOR = jsonschema.Draft6Validator(
    json.loads((SCHEMAS / "schedule.json.schema.json").read_text()),
    format_checker=jsonschema.FormatChecker(),
)
PUBLIC_FEEDS = ["schedule-xml", "schedule-json", "schedule-ics"]


@pytest.fixture
def published() -> Event:
    return make_event(
        name="OOcamp 2026", slug="oocamp-2026", phase=Event.Phase.PUBLISHED, language="en"
    )


def parse(body: bytes) -> Calendar:
    calendar = Calendar.from_ical(body)
    assert [(c.name, c.errors) for c in calendar.walk() if c.errors] == []
    return calendar


def summaries(body: bytes) -> list[str]:
    return sorted(str(e["summary"]) for e in parse(body).walk("VEVENT"))


def personal_url(participant: Participant) -> str:
    participant.refresh_from_db()
    return reverse("public:personal-ics", args=[participant.event.slug, participant.calendar_token])


def feed_url(name: str, event: Event) -> str:
    return reverse(f"public:{name}", args=[event.slug])


def placed(event: Event, title: str, hour: int, *, host: Participant | None = None) -> Session:
    room = event.rooms.first() or make_room(event, name="Zaal Zenne")
    session = make_session(event, title=title, hosts=[host or make_participant(event)])
    make_placement(session, room, make_slot(event, f"{hour:02}:00", f"{hour:02}:45"))
    return session


# ---- the personal calendar --------------------------------------------------------------------


def test_personal_feed_before_publication_is_a_calendar_with_its_time_zone(client):
    event = make_event(phase=Event.Phase.VOTING, timezone="Europe/Brussels", name="OOcamp")
    ann = make_participant(event)
    placed(event, "Not yet", 10, host=ann)

    response = client.get(personal_url(ann))

    assert response.status_code == 200
    calendar = parse(response.content)
    assert calendar.name == "VCALENDAR"
    assert str(calendar["prodid"]) and str(calendar["version"]) == "2.0"
    assert "OOcamp" in str(calendar["x-wr-calname"])
    assert [str(zone["tzid"]) for zone in calendar.walk("VTIMEZONE")] == ["Europe/Brussels"]
    assert calendar.walk("VEVENT") == []


def test_personal_feed_holds_what_is_followed_or_hosted_not_what_was_voted(client, published):
    ann = make_participant(published, name="Ann")
    hosted = placed(published, "Ann hosts", 10, host=ann)
    followed = placed(published, "Ann follows", 11)
    voted = placed(published, "Ann voted, then chose another", 12)
    placed(published, "Nobody's", 13)
    make_slot(published, "09:00", "09:30", kind=Slot.Kind.PLENARY, label="Opening")
    make_vote(ann, voted)
    Follow.objects.create(participant=ann, session=followed)

    body = client.get(personal_url(ann)).content

    assert summaries(body) == ["Ann follows", "Ann hosts", "Opening"]
    assert hosted.title in body.decode()


def test_votes_count_as_follows_at_publication(client):
    event = make_event(phase=Event.Phase.VOTING)
    ann = make_participant(event)
    voted = placed(event, "Voted", 10)
    placed(event, "Not voted", 11)
    make_vote(ann, voted)

    actions.set_phase(event=event, phase=Event.Phase.PUBLISHED)

    assert summaries(client.get(personal_url(ann)).content) == ["Voted"]


def test_a_new_follow_shows_at_once_and_an_unfollow_too(client, published):
    ann = make_participant(published)
    first = placed(published, "First", 10)
    second = placed(published, "Second", 11)
    Follow.objects.create(participant=ann, session=first)
    url = personal_url(ann)
    before = client.get(url)

    actions.follow_session(participant=ann, session=second)
    after_follow = client.get(url, headers={"if-none-match": before["ETag"]})
    actions.unfollow_session(participant=ann, session=first)
    after_unfollow = client.get(url, headers={"if-none-match": after_follow["ETag"]})

    assert summaries(before.content) == ["First"]
    assert after_follow.status_code == 200
    assert summaries(after_follow.content) == ["First", "Second"]
    assert after_unfollow.status_code == 200
    assert summaries(after_unfollow.content) == ["Second"]
    # an unfollow leaves no moment: a date could only go back, so there is none
    assert "Last-Modified" not in after_unfollow


# ---- no iTIP method ---------------------------------------------------------------------------


def test_no_calendar_says_method_publish(client, published):
    ann = make_participant(published)
    session = placed(published, "Open data", 10, host=ann)

    bodies = [
        client.get(feed_url("schedule-ics", published)).content,
        client.get(reverse("public:session-ics", args=[published.slug, session.pk])).content,
        client.get(personal_url(ann)).content,
    ]

    for body in bodies:
        assert not re.search(rb"^METHOD:", body, re.MULTILINE)
        assert "method" not in parse(body)
        assert b"BEGIN:VTIMEZONE" in body


# ---- CORS -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PUBLIC_FEEDS)
def test_a_preflight_is_answered_with_what_a_poll_needs(client, published, name):
    placed(published, "Open data", 10)

    response = client.options(
        feed_url(name, published),
        headers={
            "origin": "https://oocamp.example",
            "access-control-request-method": "GET",
            "access-control-request-headers": "if-none-match",
        },
    )

    assert response.status_code == 204
    assert response.content == b""
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    allowed = {h.strip().lower() for h in response["Access-Control-Allow-Headers"].split(",")}
    assert allowed == {"if-none-match", "if-modified-since"}
    assert int(response["Access-Control-Max-Age"]) > 0


def test_the_change_log_feed_answers_a_preflight_and_exposes_its_headers(client, published):
    url = reverse("public:changes-atom", args=[published.slug])

    preflight = client.options(url, headers={"origin": "https://oocamp.example"})
    response = client.get(url, headers={"origin": "https://oocamp.example"})

    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "If-Modified-Since" in preflight["Access-Control-Allow-Headers"]
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Expose-Headers"] == "ETag, Last-Modified"


def test_the_session_calendar_answers_a_preflight_too(client, published):
    session = placed(published, "Open data", 10)

    response = client.options(reverse("public:session-ics", args=[published.slug, session.pk]))

    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("name", PUBLIC_FEEDS)
def test_a_script_on_another_site_can_read_etag_and_last_modified(client, published, name):
    placed(published, "Open data", 10)
    url = feed_url(name, published)

    first = client.get(url, headers={"origin": "https://oocamp.example"})
    again = client.get(url, headers={"if-none-match": first["ETag"]})
    head = client.head(url)

    for response in (first, again, head):
        assert response["Access-Control-Allow-Origin"] == "*"
        exposed = {h.strip().lower() for h in response["Access-Control-Expose-Headers"].split(",")}
        assert {"etag", "last-modified"} <= exposed
    assert again.status_code == 304


def test_the_personal_feed_is_not_readable_from_other_sites(client, published):
    ann = make_participant(published)
    placed(published, "Open data", 10, host=ann)
    url = personal_url(ann)

    preflight = client.options(url)
    response = client.get(url, headers={"origin": "https://elsewhere.example"})

    assert preflight.status_code == 405
    assert "Access-Control-Allow-Origin" not in preflight
    assert "Access-Control-Allow-Origin" not in response
    assert "Access-Control-Expose-Headers" not in response


def test_an_organisers_preview_before_publication_stays_private(client):
    event = make_event(phase=Event.Phase.VOTING)
    placed(event, "Open data", 10)
    client.force_login(make_participant(event, role=Participant.Role.ORGANISER).user)

    response = client.get(feed_url("schedule-xml", event))

    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response


# ---- Last-Modified ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", [*PUBLIC_FEEDS, "sessions-csv"])
def test_last_modified_is_the_same_from_a_process_that_renders_it_later(client, published, name):
    """Another process has its own cache: clearing it and asking a second later is what a
    request that lands on another process sees."""
    session = placed(published, "Open data", 10)
    url = feed_url(name, published)
    first = client.get(url)

    cache.clear()
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):  # whole seconds count
        second = client.get(url)

    assert second.status_code == 200
    assert second["Last-Modified"] == first["Last-Modified"]
    assert second["ETag"] == first["ETag"]
    session.refresh_from_db()
    published.refresh_from_db()
    latest = max(session.updated_at, published.updated_at).replace(microsecond=0)
    assert parsedate_to_datetime(first["Last-Modified"]) == latest


def test_last_modified_moves_on_when_a_session_moves(client, published):
    session = placed(published, "Open data", 10)
    other_slot = make_slot(published, "14:00", "14:45")
    url = feed_url("schedule-xml", published)
    first = client.get(url)

    published.refresh_from_db()
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):  # whole seconds count
        actions.move_session(
            event=published,
            session=session,
            cell=(session.placement.room, other_slot),
            version=published.grid_version,
            by=None,
        )
        cache.clear()
        moved = client.get(url, headers={"if-modified-since": first["Last-Modified"]})

    assert moved.status_code == 200
    assert parsedate_to_datetime(moved["Last-Modified"]) > parsedate_to_datetime(
        first["Last-Modified"]
    )


# ---- schedule.json ----------------------------------------------------------------------------


def test_schedule_json_persons_carry_the_ids_of_the_xml(client, published):
    an = make_participant(published, name="An Peeters")
    bo = make_participant(published, name="Bo")
    session = make_session(published, title="Two hosts", hosts=[an, bo])
    make_placement(session, make_room(published), make_slot(published, "10:00", "10:45"))

    document = json.loads(client.get(feed_url("schedule-json", published)).content)
    xml = client.get(feed_url("schedule-xml", published)).text

    errors = [e.message for e in JSON_VALIDATOR.iter_errors(document)]
    assert errors == []
    day = document["schedule"]["conference"]["days"][0]
    (event,) = [item for items in day["rooms"].values() for item in items]
    persons = sorted(event["persons"], key=lambda p: p["name"])
    assert [(p["name"], p["id"]) for p in persons] == [("An Peeters", an.pk), ("Bo", bo.pk)]
    for person in persons:
        assert f'<person id="{person["id"]}" guid="{person["guid"]}">{person["name"]}<' in xml


# ---- one-click links --------------------------------------------------------------------------


def one_click_links(page: str) -> tuple[str, str]:
    google = html.unescape(re.search(r'href="(https://calendar\.google\.com/[^"]+)"', page)[1])
    outlook = html.unescape(re.search(r'href="(https://outlook\.live\.com/[^"]+)"', page)[1])
    return google, outlook


def test_feeds_page_adds_the_programme_to_google_and_outlook_in_one_click(client, published):
    placed(published, "Open data", 10)
    published.name = "OOcamp & friends 2026"
    published.save()

    page = client.get(reverse("public:feeds", args=[published.slug])).text

    google, outlook = one_click_links(page)
    assert google.startswith("https://calendar.google.com/calendar/render?cid=webcal%3A%2F%2F")
    assert parse_qs(urlsplit(google).query) == {
        "cid": [f"webcal://testserver{feed_url('schedule-ics', published)}"]
    }
    assert outlook.startswith("https://outlook.live.com/calendar/0/addfromweb?url=http%3A%2F%2F")
    assert parse_qs(urlsplit(outlook).query) == {
        "url": [f"http://testserver{feed_url('schedule-ics', published)}"],
        "name": ["OOcamp & friends 2026"],
    }
    assert "%20%26%20" in outlook  # the name's space and ampersand are encoded, not raw


def test_my_page_adds_the_personal_feed_to_google_and_outlook(client, published):
    ann = make_participant(published)
    client.force_login(ann.user)

    page = client.get(reverse("participant:my-page", args=[published.slug])).text

    google, outlook = one_click_links(page)
    assert parse_qs(urlsplit(google).query)["cid"] == [f"webcal://testserver{personal_url(ann)}"]
    query = parse_qs(urlsplit(outlook).query)
    assert query["url"] == [f"http://testserver{personal_url(ann)}"]
    assert query["name"] == [f"{published.name}: my sessions"]
    assert "sessions you follow or host" in page


def test_feeds_page_offers_an_entry_for_giggitys_menu(client, published):
    placed(published, "Day one", 10)
    slot = Slot.objects.create(
        event=published,
        start=published.slots.get().start + timedelta(days=1),
        end=published.slots.get().end + timedelta(days=1),
    )
    make_placement(
        make_session(published, hosts=[make_participant(published)]), published.rooms.get(), slot
    )

    page = client.get(reverse("public:feeds", args=[published.slug])).text

    textarea = re.search(r'<textarea id="giggity-entry"[^>]*>(.*?)</textarea>', page, re.S)
    entry = json.loads(html.unescape(textarea[1]))
    assert entry["url"] == f"http://testserver{feed_url('schedule-xml', published)}"
    assert entry["title"] == "OOcamp 2026"
    assert entry["start"] == published.date.isoformat()
    assert entry["end"] == (published.date + timedelta(days=1)).isoformat()
    assert entry["timezone"] == published.timezone
    assert 2008010100 <= entry["version"] <= 2029123199
    assert entry["metadata"]["links"][0]["url"].endswith(
        reverse("public:grid", args=[published.slug])
    )
    # copied from the page, not downloaded: a data: link would carry the event's text into an
    # address, which the stored-XSS sweep rightly refuses
    assert "data:application/json" not in page


def test_feeds_page_before_publication_offers_no_links_to_the_public(client):
    event = make_event(phase=Event.Phase.VOTING)

    page = Client().get(reverse("public:feeds", args=[event.slug])).text

    assert "calendar.google.com" not in page
    assert "giggity-entry" not in page
