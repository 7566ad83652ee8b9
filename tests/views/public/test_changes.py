"""The grid's public change log: the page in the visitor's language (Dutch by default, English
when picked), the Atom feed in the event's language read back by feedparser and checked
against what RFC 4287 requires, and both at a fixed number of queries."""

from __future__ import annotations

import re
from dataclasses import dataclass

import feedparser
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from lxml import etree

from sessions_app import actions
from sessions_app.models import Event, Room, Session, SessionChange, Slot
from tests.factories import make_event, make_placement, make_room, make_session, make_slot

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@dataclass
class Camp:
    event: Event
    zaal_a: Room
    zaal_b: Room
    zenne: Room
    eleven: Slot
    later: Slot
    fathers: Session  # moved to another room and time
    data: Session  # another room, the same time
    cooking: Session  # cancelled
    spam: Session  # moved, then hidden as spam


def move(event: Event, session: Session, room: Room, slot: Slot) -> None:
    event.refresh_from_db()
    actions.move_session(
        event=event, session=session, cell=(room, slot), version=event.grid_version, by=None
    )


def build_camp(language: str = "nl", slug: str = "changes-camp") -> Camp:
    """A grid with four sessions; a move made before publication, which the log never shows;
    after publication a move, a room change, a cancellation and a move of a spam session."""
    event = make_event(slug=slug, language=language, phase=Event.Phase.VOTING)
    zaal_a = make_room(event, name="Zaal A")
    zaal_b = make_room(event, name="Zaal B")
    zenne = make_room(event, name="Zaal Zenne")
    eleven = make_slot(event, "11:00", "11:45")
    later = make_slot(event, "14:05", "14:50")
    fathers = make_session(event, title="Vaders bereiken")
    data = make_session(event, title="Open data & jij")
    cooking = make_session(event, title="Samen koken")
    spam = make_session(event, title="Goedkope horloges")
    make_placement(fathers, zaal_b, later)
    make_placement(data, zaal_b, eleven)
    make_placement(cooking, zenne, eleven)
    make_placement(spam, zaal_a, later)
    move(event, fathers, zaal_a, eleven)  # before publication: not news to anyone
    Event.objects.filter(pk=event.pk).update(phase=Event.Phase.PUBLISHED)
    move(event, fathers, zenne, later)
    move(event, data, zaal_a, eleven)
    actions.withdraw_session(session=cooking)
    move(event, spam, zaal_b, later)
    actions.set_session_hidden(session=spam, hidden=True)
    return Camp(event, zaal_a, zaal_b, zenne, eleven, later, fathers, data, cooking, spam)


def page_lines(html: str) -> list[str]:
    """Each line of the log as text: "10:32 — “Vaders bereiken” verplaatst van …"."""
    items = re.findall(r'<li id="change-\d+"[^>]*>(.*?)</li>', html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", "", item).split()) for item in items]


def without_time(line: str) -> str:
    return line.split(" — ", 1)[1]


# ---- the page --------------------------------------------------------------------------------


def test_the_page_in_dutch_lists_moves_room_changes_and_cancellations() -> None:
    camp = build_camp()

    response = Client().get(reverse("public:changes", args=[camp.event.slug]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Wat er veranderde in het rooster</h1>" in html
    lines = page_lines(html)
    assert [without_time(line) for line in lines] == [
        "“Samen koken” geannuleerd (was Zaal Zenne, 11:00)",
        "“Open data &amp; jij” verplaatst van Zaal B naar Zaal A (11:00)",
        "“Vaders bereiken” verplaatst van Zaal A (11:00) naar Zaal Zenne (14:05)",
    ]
    assert all(re.fullmatch(r"\d\d:\d\d — .+", line) for line in lines)
    assert "Goedkope horloges" not in html  # hidden as spam: not a word of it
    session_url = reverse("public:session", args=[camp.event.slug, camp.fathers.pk])
    assert f'<a href="{session_url}">Vaders bereiken</a>' in html
    atom_url = reverse("public:changes-atom", args=[camp.event.slug])
    assert 'type="application/atom+xml" title="Wat er veranderde in het rooster' in html
    assert f'href="{atom_url}"' in html


def test_the_page_in_english_for_a_visitor_who_picked_it() -> None:
    camp = build_camp()
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    html = client.get(reverse("public:changes", args=[camp.event.slug])).content.decode()

    assert "<h1>What changed in the grid</h1>" in html
    assert [without_time(line) for line in page_lines(html)] == [
        "“Samen koken” cancelled (was Zaal Zenne, 11:00)",
        "“Open data &amp; jij” moved from Zaal B to Zaal A (11:00)",
        "“Vaders bereiken” moved from Zaal A (11:00) to Zaal Zenne (14:05)",
    ]


def test_the_page_groups_by_day_in_the_event_time_zone() -> None:
    camp = build_camp(language="en")
    change = camp.fathers.changes.get()
    # 23:30 in UTC is already the next day in Brussels
    SessionChange.objects.filter(pk=change.pk).update(
        created_at=change.created_at.replace(year=2026, month=6, day=12, hour=23, minute=30)
    )

    html = Client().get(reverse("public:changes", args=[camp.event.slug])).content.decode()

    assert "<h2" in html and "Saturday 13 June" in html
    assert re.search(r"01:30</time> — “<a [^>]+>Vaders bereiken</a>”", html)


def test_a_time_change_in_the_same_room_and_a_new_place() -> None:
    event = make_event(slug="times", language="en", phase=Event.Phase.PUBLISHED)
    room = make_room(event, name="Zaal A")
    early, late = make_slot(event, "09:00", "09:45"), make_slot(event, "16:00", "16:45")
    session = make_session(event, title="Later op de dag")
    newcomer = make_session(event, title="Nieuw")
    make_placement(session, room, early)
    move(event, session, room, late)
    move(event, newcomer, room, early)

    html = Client().get(reverse("public:changes", args=[event.slug])).content.decode()

    assert [without_time(line) for line in page_lines(html)] == [
        "“Nieuw” added to the grid: Zaal A (09:00)",
        "“Later op de dag” moved from 09:00 to 16:00 (Zaal A)",
    ]


def test_before_publication_the_page_says_so_and_lists_nothing() -> None:
    event = make_event(slug="not-yet", phase=Event.Phase.VOTING)
    room, slot = make_room(event, name="Zaal A"), make_slot(event)
    session = make_session(event, title="Vaders bereiken")
    move(event, session, room, slot)

    html = Client().get(reverse("public:changes", args=[event.slug])).content.decode()

    assert "nog niet gepubliceerd" in html
    assert page_lines(html) == []
    assert not SessionChange.objects.exists()


def test_a_published_grid_without_changes() -> None:
    event = make_event(slug="calm", phase=Event.Phase.PUBLISHED)

    html = Client().get(reverse("public:changes", args=[event.slug])).content.decode()

    assert "Er is niets veranderd sinds het rooster gepubliceerd is." in html


def test_the_grid_and_the_feeds_page_link_to_the_log() -> None:
    camp = build_camp()
    page = reverse("public:changes", args=[camp.event.slug])
    atom = reverse("public:changes-atom", args=[camp.event.slug])

    grid = Client().get(reverse("public:grid", args=[camp.event.slug])).content.decode()
    feeds = Client().get(reverse("public:feeds", args=[camp.event.slug])).content.decode()

    assert f'href="{page}"' in grid
    assert f'href="{page}"' in feeds and f'href="{atom}"' in feeds


# ---- the Atom feed ---------------------------------------------------------------------------


def atom_of(event: Event, client: Client | None = None, **headers):
    return (client or Client()).get(reverse("public:changes-atom", args=[event.slug]), **headers)


def test_the_atom_feed_reads_back_in_feedparser() -> None:
    camp = build_camp()

    response = atom_of(camp.event)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cache-Control"] == "public, no-cache"  # a reader asks again, cheaply
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "Event: wijzigingen in het rooster".replace("Event", camp.event.name)
    assert feed.feed.language == "nl"
    base = "http://testserver"
    assert feed.feed.link == base + reverse("public:changes", args=[camp.event.slug])
    assert {link.rel: link.href for link in feed.feed.links}["self"] == base + reverse(
        "public:changes-atom", args=[camp.event.slug]
    )
    assert [entry.title for entry in feed.entries] == [
        "“Samen koken” geannuleerd (was Zaal Zenne, 11:00)",
        "“Open data & jij” verplaatst van Zaal B naar Zaal A (11:00)",
        "“Vaders bereiken” verplaatst van Zaal A (11:00) naar Zaal Zenne (14:05)",
    ]
    newest = camp.cooking.changes.get()
    assert feed.entries[0].link == base + reverse(
        "public:session", args=[camp.event.slug, camp.cooking.pk]
    )
    assert feed.entries[0].content[0].value == feed.entries[0].title
    assert feed.entries[0].updated_parsed[:6] == newest.created_at.utctimetuple()[:6]
    # The feed is as new as its newest entry or the event's last change, whichever is later:
    # here the hidden session's move came after the cancellation, in the same or the next second.
    camp.event.refresh_from_db()
    last_change = max(newest.created_at, camp.event.updated_at)
    assert feed.feed.updated_parsed[:6] == last_change.utctimetuple()[:6]
    assert feed.feed.updated_parsed >= feed.entries[0].updated_parsed
    ids = [entry.id for entry in feed.entries]
    assert len(set(ids)) == 3 and all(i.startswith("tag:testserver,") for i in ids)
    assert ids[0].endswith(f"/changes/{newest.pk}")


def test_the_atom_feed_has_what_rfc_4287_requires() -> None:
    """Feed: id, title, updated, an author (none of the entries has one), a self link.
    Entry: id, title, updated, and content or an alternate link."""
    camp = build_camp()

    root = etree.fromstring(atom_of(camp.event).content)

    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert len(root.findall(f"{ATOM}{name}")) == 1, name
    assert root.find(f"{ATOM}author/{ATOM}name").text == camp.event.name
    assert root.find(f"{ATOM}link[@rel='self']") is not None
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 3
    rfc3339 = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)"
    assert re.fullmatch(rfc3339, root.findtext(f"{ATOM}updated"))
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{ATOM}{name}")) == 1, name
            assert entry.findtext(f"{ATOM}{name}").strip(), name
        assert re.fullmatch(rfc3339, entry.findtext(f"{ATOM}updated"))
        assert entry.find(f"{ATOM}link[@rel='alternate']") is not None
        assert entry.find(f"{ATOM}content").get("type") == "text"


def test_the_atom_ids_stay_the_same_and_a_new_change_comes_first() -> None:
    camp = build_camp()
    before = feedparser.parse(atom_of(camp.event).content)

    move(camp.event, camp.data, camp.zaal_b, camp.later)
    after = feedparser.parse(atom_of(camp.event).content)

    assert [e.id for e in after.entries[1:]] == [e.id for e in before.entries]
    assert after.entries[0].title.startswith("“Open data & jij” verplaatst van Zaal A (11:00)")


def test_the_atom_feed_answers_304_to_a_reader_that_has_it() -> None:
    camp = build_camp()
    first = atom_of(camp.event)

    again = atom_of(camp.event, HTTP_IF_NONE_MATCH=first["ETag"])
    since = atom_of(camp.event, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    move(camp.event, camp.data, camp.zaal_b, camp.later)
    changed = atom_of(camp.event, HTTP_IF_NONE_MATCH=first["ETag"])

    assert (again.status_code, since.status_code, changed.status_code) == (304, 304, 200)
    assert atom_of(camp.event)["ETag"] == changed["ETag"] != first["ETag"]


def test_the_atom_feed_is_in_the_event_language_whatever_the_visitor_picked() -> None:
    camp = build_camp(language="en")
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"

    feed = feedparser.parse(atom_of(camp.event, client).content)

    assert feed.entries[0].title == "“Samen koken” cancelled (was Zaal Zenne, 11:00)"
    assert feed.feed.language == "en"


def test_before_publication_the_atom_feed_is_valid_and_empty() -> None:
    event = make_event(slug="early", phase=Event.Phase.VOTING)

    first, second = atom_of(event), atom_of(event)
    feed = feedparser.parse(first.content)

    assert first.status_code == 200 and feed.bozo == 0
    assert feed.entries == [] and feed.feed.updated
    assert first.content == second.content  # no "now" in it: the same bytes, the same ETag


# ---- cost --------------------------------------------------------------------------------------


def queries(url: str) -> int:
    client = Client()
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", ["public:changes", "public:changes-atom"])
def test_the_queries_do_not_grow_with_the_changes(name: str) -> None:
    """The event and the changes with their sessions: two queries for 3 changes or 13."""
    camp = build_camp(slug="few")
    few = queries(reverse(name, args=["few"]))
    many = build_camp(slug="many")
    for _ in range(5):
        move(many.event, many.fathers, many.zaal_b, many.later)
        move(many.event, many.fathers, many.zenne, many.later)
    assert many.event.session_changes.count() == camp.event.session_changes.count() + 10

    assert few == queries(reverse(name, args=["many"])) == 2
