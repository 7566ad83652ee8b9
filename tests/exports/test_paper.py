"""Paper for the venue: door signs and session cards as PDF, read back with pypdfium2.

Door signs: one page per room with its sessions in time order, the breaks and plenaries, the
room's name; a QR code of each session's public page; a moved session is on its new room's page
at the next download. Session cards: one per session on the programme, four to a sheet. Only
organisers get them. The PDF renderer fetches nothing from outside."""

import http.server
import math
import re
import threading
from collections.abc import Iterator

import pypdfium2 as pdfium
import pytest
from django.test import Client
from django.urls import reverse

from sessions_app import actions
from sessions_app.exports import paper
from sessions_app.exports.pdf import PDF_BASE_URL, RefusedURL, SafeURLFetcher, render_pdf
from sessions_app.exports.pdf import static_prefixes as pdf_static_prefixes
from sessions_app.grid import grid_view
from sessions_app.models import Event, Participant, Session, Slot
from tests.factories import (
    make_event,
    make_participant,
    make_placement,
    make_room,
    make_session,
    make_slot,
)
from tests.helpers import url

pytestmark = pytest.mark.django_db

BASE = "http://testserver"


# ---- helpers ----------------------------------------------------------------------------------


def pdf_pages(content: bytes) -> list[str]:
    """The text of each page, whitespace squeezed and words a line break hyphenated joined
    again (WeasyPrint hyphenates long words with U+2010)."""
    document = pdfium.PdfDocument(content)
    try:
        texts = []
        for page in document:
            text = page.get_textpage().get_text_range()
            text = re.sub(r"\u2010\s+", "", text)
            texts.append(" ".join(text.split()))
        return texts
    finally:
        document.close()


def positions(text: str, needles: list[str]) -> list[int]:
    return [text.find(needle) for needle in needles]


@pytest.fixture
def event(english_event: Event) -> Event:
    return english_event


@pytest.fixture
def organiser_client(organiser: Participant) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(organiser.user)
    return client


@pytest.fixture
def programme(event: Event, participant: Participant) -> dict:
    """Two rooms, a plenary, two session slots, a lunch break; three placed sessions and one
    in the tray, plus a hidden one and a withdrawn one."""
    ada = make_participant(event, name="Ada Lovelace")
    rooms = [make_room(event, name="Zaal Één"), make_room(event, name="Café")]
    opening = make_slot(event, "09:00", "09:30", kind=Slot.Kind.PLENARY, label="Opening")
    first = make_slot(event, "09:45", "10:30")
    lunch = make_slot(event, "12:00", "12:45", kind=Slot.Kind.BREAK, label="Lunch")
    second = make_slot(event, "13:00", "13:45")
    sessions = {
        "open data": make_session(event, [ada], title="Open data in cities"),
        "archives": make_session(event, [participant], title="Archives tomorrow", kind="demo"),
        "woo": make_session(event, [ada, participant], title="Faster FOI requests"),
        "tray": make_session(event, [ada], title="Still in the tray"),
        "hidden": make_session(event, [ada], title="Buy cheap watches", hidden=True),
        "withdrawn": make_session(
            event, [ada], title="Withdrawn one", status=Session.Status.WITHDRAWN
        ),
    }
    make_placement(sessions["woo"], rooms[0], second)
    make_placement(sessions["open data"], rooms[0], first)
    make_placement(sessions["archives"], rooms[1], first)
    slots = {"opening": opening, "first": first, "lunch": lunch, "second": second}
    return {"rooms": rooms, "slots": slots, "sessions": sessions}


# ---- door signs -------------------------------------------------------------------------------


def test_door_signs_have_a_page_per_room_with_its_sessions_in_time_order(
    organiser_client, event, programme
):
    response = organiser_client.get(url("organiser:door-signs", event))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="door-signs-oocamp-2026.pdf"'
    pages = pdf_pages(response.content)
    assert len(pages) == 2
    first, second = pages
    assert first.startswith("Zaal Één Open Overheid Camp · Saturday 13 June 2026")
    assert positions(first, ["09:00–09:30 Opening", "09:45–10:30 Open data in cities"]) == sorted(
        positions(first, ["09:00–09:30 Opening", "09:45–10:30 Open data in cities"])
    )
    order = ["Opening", "Open data in cities", "Lunch", "Faster FOI requests"]
    assert -1 not in positions(first, order)
    assert positions(first, order) == sorted(positions(first, order))
    assert "Ada Lovelace, Piet Participant" in first
    assert "Archives tomorrow" not in first
    assert second.startswith("Café Open Overheid Camp")
    order = ["Opening", "Archives tomorrow", "Lunch", "No session here"]
    assert -1 not in positions(second, order)
    assert positions(second, order) == sorted(positions(second, order))
    assert "Demo" in second
    for text in pages:
        assert ("Still in the tray" in text, "Buy cheap watches" in text) == (False, False)


def test_door_sign_of_one_room_is_one_page_with_only_that_room(organiser_client, event, programme):
    cafe = programme["rooms"][1]

    response = organiser_client.get(url("organiser:door-sign", event, cafe.pk))

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="door-sign-oocamp-2026-{cafe.pk}.pdf"'
    )
    pages = pdf_pages(response.content)
    assert len(pages) == 1
    assert pages[0].startswith("Café ")
    assert ("Archives tomorrow" in pages[0], "Open data in cities" in pages[0]) == (True, False)


def test_door_sign_of_another_events_room_is_404(organiser_client, event, programme):
    other_room = make_room(make_event(), name="Elsewhere")

    response = organiser_client.get(url("organiser:door-sign", event, other_room.pk))

    assert response.status_code == 404


def test_a_moved_session_is_on_its_new_rooms_sign(organiser_client, event, organiser, programme):
    zaal, cafe = programme["rooms"]
    before = pdf_pages(organiser_client.get(url("organiser:door-signs", event)).content)
    event.refresh_from_db()

    actions.move_session(
        event=event,
        session=programme["sessions"]["woo"],
        cell=(cafe, programme["slots"]["second"]),
        version=event.grid_version,
        by=organiser,
    )
    after = pdf_pages(organiser_client.get(url("organiser:door-signs", event)).content)

    assert ("Faster FOI requests" in before[0], "Faster FOI requests" in before[1]) == (True, False)
    assert ("Faster FOI requests" in after[0], "Faster FOI requests" in after[1]) == (False, True)
    assert after[0].find("Lunch") < after[0].find("No session here", after[0].find("Lunch"))


def test_a_renamed_session_is_renamed_on_the_next_download(organiser_client, event, programme):
    organiser_client.get(url("organiser:door-signs", event))
    Session.objects.filter(pk=programme["sessions"]["woo"].pk).update(title="Open by default")

    pages = pdf_pages(organiser_client.get(url("organiser:door-signs", event)).content)

    assert ("Open by default" in pages[0], "Faster FOI requests" in pages[0]) == (True, False)


def test_each_session_on_a_sign_has_a_qr_code_of_its_public_page(event, programme):
    signs = paper.door_signs(grid_view(event), "https://camp.example/")
    woo = programme["sessions"]["woo"]
    expected = f"https://camp.example/oocamp-2026/sessions/{woo.pk}/"

    rows = [row for row in signs[0].rows if row.session is not None]
    html = paper.door_signs_html(event, signs)

    assert [row.url for row in rows] == [
        f"https://camp.example/oocamp-2026/sessions/{programme['sessions']['open data'].pk}/",
        expected,
    ]
    assert expected == "https://camp.example" + woo.get_absolute_url()
    assert f'<img src="{paper.qr_data_uri(expected)}"' in html
    assert paper.qr_data_uri(expected).startswith("data:image/svg+xml")
    assert html.count('<img src="data:image/svg+xml') == 3


def test_the_views_qr_codes_lead_to_the_site_the_organiser_uses(
    organiser_client, event, programme, settings
):
    """The QR code's address is the one the request came in on (the view's base URL)."""
    settings.ALLOWED_HOSTS = ["camp.example"]
    woo = programme["sessions"]["woo"]

    response = organiser_client.get(url("organiser:door-signs", event), HTTP_HOST="camp.example")
    signs = paper.door_signs(grid_view(event), "http://camp.example/")

    assert response.status_code == 200
    assert f"http://camp.example/oocamp-2026/sessions/{woo.pk}/" in [
        row.url for row in signs[0].rows
    ]


def test_door_signs_speak_the_events_language(organiser_client, event, programme):
    Event.objects.filter(pk=event.pk).update(language="nl")

    response = organiser_client.get(url("organiser:door-signs", event))

    assert pdf_pages(response.content)[0].startswith(
        "Zaal Één Open Overheid Camp · zaterdag 13 juni 2026"
    )


def test_long_and_unicode_titles_wrap_and_every_room_keeps_one_page(organiser_client, event):
    rooms = [make_room(event, name=f"Zaal {n} " + "ë" * 60) for n in range(3)]
    host = make_participant(event, name=("Ådne Ørsted-Ünal Łukasz Čapek " + "Z" * 150)[:150])
    titles = []
    for hour in range(8, 20):
        slot = make_slot(event, f"{hour:02}:00", f"{hour:02}:50")
        for room in rooms:
            title = f"{hour}{room.pk} Überlange ß «Café» — " + "coördinatie" * 16
            make_placement(make_session(event, [host], title=title[:200]), room, slot)
            titles.append(title)
    make_placement(
        make_session(event, [host], title="W" * 200), rooms[0], make_slot(event, "21:00", "21:30")
    )

    response = organiser_client.get(url("organiser:door-signs", event))

    assert response.status_code == 200
    pages = pdf_pages(response.content)
    assert len(pages) == 3
    assert ["20:00–20:50" in page for page in pages] == [False, False, False]
    assert [("19:00–19:50" in page, "08:00–08:50" in page) for page in pages] == [(True, True)] * 3
    assert f"8{rooms[0].pk} Überlange ß «Café" in pages[0]
    assert "WWWWWWWWWW" in pages[0]


def test_door_signs_without_rooms_send_back_to_the_print_page(organiser_client, event):
    response = organiser_client.get(url("organiser:door-signs", event), follow=True)

    assert response.redirect_chain == [(url("organiser:paper", event), 302)]
    assert "There are no rooms yet, so there are no door signs to print." in response.text


def test_a_room_without_slots_says_so(organiser_client, event):
    make_room(event, name="Attic")

    pages = pdf_pages(organiser_client.get(url("organiser:door-signs", event)).content)

    assert pages == [
        "Attic Open Overheid Camp · Saturday 13 June 2026 Nothing is planned in this room yet."
    ]


# ---- words longer than the paper is wide (issue 15) -------------------------------------------

LONG_WORD = "Opvoedingsondersteuningsprofessionaliseringstrajectbegeleiding"
LONG_URL = (
    "https://www.example.org/een/heel/lange/adres/zonder/spaties/"
    "opvoedingsondersteuningsprofessionaliseringstrajectbegeleiding/verslag.html"
)
WRAP_ANYWHERE = "body { overflow-wrap: anywhere; }"  # the rule of both papers' stylesheets


def off_the_paper(content: bytes) -> list[str]:
    """The characters (not spaces) printed past a page's left or right edge."""
    document = pdfium.PdfDocument(content)
    try:
        off = []
        for number, page in enumerate(document, 1):
            width, text = page.get_width(), page.get_textpage()
            for i in range(text.count_chars()):
                left, _bottom, right, _top = text.get_charbox(i)
                char = text.get_text_range(i, 1)
                if char.strip() and (left < -0.5 or right > width + 0.5):
                    off.append(f"page {number}: {char!r} at {left:.0f}-{right:.0f} of {width:.0f}")
        return off
    finally:
        document.close()


def test_words_longer_than_the_paper_wrap_on_door_signs_and_session_cards(organiser_client, event):
    """Every text the paper prints holds a word with no place to break that is wider than the
    page (the event's name, rooms, slot labels of sessions, breaks and plenaries, hosts, titles,
    a web address): nothing is printed past the paper's edge, and the event's name is there
    whole. Counter-check: the same signs without the stylesheet's `overflow-wrap: anywhere`
    run off the page, so the check can fail."""
    Event.objects.filter(pk=event.pk).update(name=(LONG_WORD * 4)[:200])
    event.refresh_from_db()
    host = make_participant(event, name=(LONG_WORD * 3)[:150])
    rooms = [make_room(event, name=f"{n}{LONG_WORD}{LONG_URL}"[:100]) for n in range(2)]
    ten = make_slot(event, "10:00", "10:45", label=(LONG_WORD + LONG_URL)[:100])
    make_slot(event, "11:00", "11:30", kind=Slot.Kind.BREAK, label=(LONG_WORD * 2)[:100])
    make_slot(event, "11:30", "12:00", kind=Slot.Kind.PLENARY, label=LONG_URL[:100])
    make_placement(make_session(event, [host], title=(LONG_WORD * 4)[:200]), rooms[0], ten)
    make_placement(make_session(event, [host], title=LONG_URL), rooms[1], ten)

    printed = {
        name: organiser_client.get(url(name, event))
        for name in ("organiser:door-signs", "organiser:session-cards")
    }

    assert {name: r.status_code for name, r in printed.items()} == dict.fromkeys(printed, 200)
    assert {name: off_the_paper(r.content) for name, r in printed.items()} == dict.fromkeys(
        printed, []
    )
    signs = pdf_pages(printed["organiser:door-signs"].content)
    assert len(signs) == 2
    assert all(LONG_WORD * 3 in "".join(page.split()) for page in signs)  # the event's name

    html = paper.door_signs_html(event, paper.door_signs(grid_view(event), BASE))
    assert WRAP_ANYWHERE in html
    unwrapped = off_the_paper(render_pdf(html.replace(WRAP_ANYWHERE, "")))
    assert len(unwrapped) > 10, unwrapped


# ---- session cards ----------------------------------------------------------------------------


def test_session_cards_hold_every_session_on_the_programme_four_to_a_sheet(
    organiser_client, event, programme
):
    keep = programme["sessions"]["tray"]
    merged = make_session(event, title="Merged away")
    actions.merge_sessions(keep=keep, merge=merged)
    for n in range(3):
        make_session(event, title=f"Extra {n}")

    response = organiser_client.get(url("organiser:session-cards", event))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="session-cards-oocamp-2026.pdf"'
    pages = pdf_pages(response.content)
    assert len(pages) == math.ceil(7 / 4) == 2
    text = " ".join(pages)
    order = [
        "Open data in cities",
        "Archives tomorrow",
        "Faster FOI requests",
        "Still in the tray",
        "Extra 0",
        "Extra 1",
        "Extra 2",
    ]
    assert -1 not in positions(text, order)
    assert positions(text, order) == sorted(positions(text, order))
    for gone in ["Merged away", "Buy cheap watches", "Withdrawn one"]:
        assert gone not in text
    assert "DISCUSSION Open data in cities Ada Lovelace" in pages[0]
    assert "DEMO Archives tomorrow Piet Participant" in pages[0]
    assert "Zaal Één 13:00–13:45 Open Overheid Camp" in pages[0]


def test_session_cards_have_qr_codes_of_the_session_pages(event, programme):
    cards = paper.session_cards(grid_view(event), "https://camp.example/")

    assert [card.url for card in cards][:1] == [
        f"https://camp.example/oocamp-2026/sessions/{programme['sessions']['open data'].pk}/"
    ]
    assert [card.qr == paper.qr_data_uri(card.url) for card in cards] == [True] * 4


def test_session_cards_of_an_empty_event_say_so(organiser_client, event):
    pages = pdf_pages(organiser_client.get(url("organiser:session-cards", event)).content)

    assert pages == ["There are no sessions on the programme yet."]


# ---- access, links, queries --------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["organiser:paper", "organiser:door-signs", "organiser:session-cards"]
)
def test_participants_get_403_and_anonymous_visitors_the_login_page(
    name, event, participant, programme
):
    client = Client()
    anonymous = client.get(url(name, event))
    client.force_login(participant.user)
    as_participant = client.get(url(name, event))

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))
    assert as_participant.status_code == 403


def test_an_unknown_event_is_404(organiser_client):
    response = organiser_client.get(reverse("organiser:door-signs", args=["no-such-camp"]))

    assert response.status_code == 404


def test_dashboard_links_to_the_prints(organiser_client, event):
    response = organiser_client.get(url("organiser:dashboard", event))

    assert response.status_code == 200
    assert f'<a href="{url("organiser:door-signs", event)}">Door signs</a>' in response.text
    assert f'<a href="{url("organiser:session-cards", event)}">Session cards</a>' in response.text
    assert f'<a href="{url("organiser:paper", event)}">Print for the venue</a>' in response.text


def test_print_page_links_to_each_rooms_door_sign(organiser_client, event, programme):
    zaal, cafe = programme["rooms"]

    response = organiser_client.get(url("organiser:paper", event))

    assert response.status_code == 200
    assert (
        f'<a href="{url("organiser:door-sign", event, cafe.pk)}">Door sign of Café (PDF)</a>'
        in response.text
    )
    assert "4 sessions are on the programme." in response.text


def fill(event: Event, sessions: int) -> None:
    """`sessions` sessions with two hosts each, placed over 5 rooms."""
    rooms = [make_room(event) for _ in range(5)]
    hosts = [make_participant(event) for _ in range(4)]
    starts = [8 * 60 + 30 * n for n in range(math.ceil(sessions / 5))]  # half-hour slots
    slots = [
        make_slot(event, f"{m // 60:02}:{m % 60:02}", f"{m // 60:02}:{m % 60 + 25:02}")
        for m in starts
    ]
    for n in range(sessions):
        session = make_session(event, hosts[n % 3 : n % 3 + 2], title=f"Session number {n}")
        make_placement(session, rooms[n % 5], slots[n // 5])


@pytest.mark.parametrize("sessions", [5, 100])
@pytest.mark.parametrize("name", ["organiser:door-signs", "organiser:session-cards"])
def test_prints_take_a_fixed_number_of_queries(
    name, sessions, organiser_client, event, django_assert_max_num_queries
):
    fill(event, sessions)

    with django_assert_max_num_queries(10):
        response = organiser_client.get(url(name, event))

    assert response.status_code == 200
    pages = pdf_pages(response.content)
    expected = 5 if name == "organiser:door-signs" else math.ceil(sessions / 4)
    assert len(pages) == expected
    assert f"Session number {sessions - 1}" in " ".join(pages)


# ---- the PDF renderer fetches nothing ----------------------------------------------------------


@pytest.fixture
def http_server() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server that records every request it gets."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()
    server.server_close()


def test_pdf_fetches_no_http_image_and_embeds_no_local_file(http_server):
    address, hits = http_server
    html = (
        '<p>Hallo café</p><img src="http://example.com/x.png">'
        f'<img src="{address}/tracker.png"><link rel="stylesheet" href="{address}/x.css">'
        '<link rel="attachment" href="file:///etc/passwd"><img src="file:///etc/hostname">'
    )

    pdf = render_pdf(html)

    assert pdf.startswith(b"%PDF-")
    assert hits == []
    assert b"/EmbeddedFile" not in pdf
    assert pdf_pages(pdf) == ["Hallo café"]


def test_pdf_with_the_sites_address_as_base_still_fetches_nothing_but_static_files(http_server):
    address, hits = http_server

    pdf = render_pdf('<img src="/media/x.png"><img src="x.png"><p>Hi</p>', base_url=address + "/")

    assert (pdf_pages(pdf), hits) == (["Hi"], [])


def test_fetcher_serves_our_static_files_and_data_uris_only(settings):
    fetcher = SafeURLFetcher(pdf_static_prefixes(PDF_BASE_URL))
    static = PDF_BASE_URL + settings.STATIC_URL.lstrip("/")

    css = fetcher.fetch(static + "css/app.css")
    data = fetcher.fetch("data:text/plain,hello")

    assert (css.content_type, css.read()[:2]) == ("text/css", b"/*")
    assert data.read() == b"hello"
    for refused in [
        static + "..%2F..%2Foocamp%2Fsettings.py",
        static + "css/no-such.css",
        "file:///etc/passwd",
        "http://example.com/static/css/app.css",
        PDF_BASE_URL + "media/x.png",
    ]:
        with pytest.raises(RefusedURL):
            fetcher.fetch(refused)
