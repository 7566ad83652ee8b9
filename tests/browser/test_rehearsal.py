"""A rehearsal of the whole day, end to end, as the people of the day live it, in Dutch.

The organiser sets up the event on a laptop and shows the poster; phones read its QR code from
the screen, join and propose (three page loads from the code to the proposal); the pitch round
runs with its clock on the beamer, read twice; the votes become the grid, accepted and
published; a phone on My page and one on the event page follow without a reload; the organiser
moves a session in the editor and every phone shows it within 10 s; a host without an email
signs out and gets back in at the info desk; afterwards slides and a report, and the event
report is built, published and downloaded on a phone. Every step leaves a screenshot in
test-artifacts/test_the_whole_day_in_dutch/, and no page scrolls sideways.

Nothing here waits for time: each step waits for what a person would see."""

import datetime
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdfium2
import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from sessions_app.models import Event, Participant, Placement, Session, Vote
from tests.browser.conftest import LAPTOP, PHONE, Steps, overflow, read_qr
from tests.browser.test_event_report import QuietPolls
from tests.sample_files import pdf_bytes

pytestmark = pytest.mark.django_db(transaction=True)

ON_A_PHONE: dict[str, Any] = {"viewport": PHONE, "is_mobile": True, "has_touch": True}
BEAMER: dict[str, Any] = {"viewport": {"width": 1280, "height": 720}}
PROMISE = {"timeout": 10_000}  # every phone shows a change of the grid within 10 s
SLUG = "oocamp-2026"
FATHERS = "Vaders bereiken in de opvoedingsondersteuning"
POVERTY = "Opvoeden in armoede: wat werkt?"
DAY = datetime.date.today() + datetime.timedelta(days=30)


def path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def clock_seconds(text: str) -> int:
    minutes, seconds = text.strip().split(":")
    return int(minutes) * 60 + int(seconds)


class Day:
    """The people of the day: each has a browser of their own, and every screen they look at is
    checked for sideways scrolling before its screenshot is kept."""

    def __init__(self, new_context: CreateContextCallback, steps: Steps) -> None:
        self.new_context = new_context
        self.steps = steps

    def phone(self) -> Page:
        return self.new_context(**ON_A_PHONE).new_page()

    def shoot(self, page: Page, step: str) -> None:
        assert overflow(page) == 0, f"{step}: the page scrolls sideways"
        self.steps(page, step)


def join_and_propose(day: Day, join_url: str, name: str, title: str) -> tuple[Page, int]:
    """A phone that scanned the poster proposes a session; returns the page and how many page
    loads it took from the code to the proposal's page."""
    phone = day.phone()
    loads: list[str] = []
    phone.on(
        "framenavigated",
        lambda frame: loads.append(frame.url) if frame == phone.main_frame else None,
    )
    phone.goto(join_url)
    phone.get_by_label("Je naam").fill(name)
    phone.get_by_role("button", name="Doe mee en stel een sessie voor").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Stel een sessie voor")
    phone.get_by_label("Titel").fill(title)
    phone.get_by_label("Beschrijving").fill(f"{name} brengt ervaringen uit de praktijk mee.")
    phone.get_by_role("button", name="Voorstellen", exact=True).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(title)
    expect(phone.locator(".messages")).to_contain_text("Je sessie is voorgesteld. Dank je wel!")
    return phone, len(loads)


def test_the_whole_day_in_dutch(
    new_context: CreateContextCallback, sign_in: Callable, steps: Steps, tmp_path: Path, capsys
) -> None:
    day = Day(new_context, steps)
    olga = get_user_model().objects.create_user(username="olga", password="x" * 20)
    last_year = Event.objects.create(
        slug="oocamp-2025", name="OOcamp 2025", date=DAY.replace(year=DAY.year - 1)
    )
    Participant.objects.create(
        event=last_year, user=olga, name="Olga Organisator", role=Participant.Role.ORGANISER
    )

    # ---- the organiser sets up the event on a laptop ----------------------------------------
    laptop_context = new_context(viewport=LAPTOP, accept_downloads=True)
    sign_in(laptop_context, olga)
    laptop = laptop_context.new_page()
    laptop.goto("/organise/new/")
    laptop.locator("#id_name").fill("OOcamp 2026")
    laptop.locator("#id_slug").fill(SLUG)
    laptop.locator("#id_date").fill(DAY.isoformat())
    laptop.locator("#id_venue").fill("Mechelen")
    laptop.get_by_role("button", name="Evenement aanmaken").click()
    expect(laptop).to_have_url(re.compile(rf"/{SLUG}/organise/$"))
    event = Event.objects.get(slug=SLUG)
    assert event.language == "nl"
    day.shoot(laptop, "organiser creates the event")

    laptop.get_by_role("link", name="Zalen en tijdsloten").click()
    laptop.locator("#id_rooms-0-name").fill("Zaal Zenne")
    laptop.locator("#id_rooms-0-capacity").fill("40")
    laptop.locator("#id_rooms-1-name").fill("Bovenzaal")
    laptop.locator("#id_rooms-1-capacity").fill("15")
    laptop.locator("#id_slots-0-start_time").fill("10:00")
    laptop.locator("#id_slots-0-end_time").fill("10:45")
    laptop.locator("#id_slots-1-start_time").fill("11:00")
    laptop.locator("#id_slots-1-end_time").fill("11:45")
    laptop.get_by_role("button", name="Zalen en tijdsloten bewaren").last.click()
    expect(laptop.locator(".message-success")).to_contain_text(
        "De zalen en tijdsloten zijn bewaard."
    )
    assert (event.rooms.count(), event.slots.count()) == (2, 2)
    day.shoot(laptop, "rooms and slots")

    laptop.goto(f"/{SLUG}/organise/")
    laptop.get_by_role("link", name="Affiche om mee te doen").click()
    poster_qr = laptop.locator("img.poster-qr")
    expect(poster_qr).to_be_visible()
    join_url = read_qr(poster_qr)
    assert path(join_url) == f"/{SLUG}/join/?code={event.join_code}"
    day.shoot(laptop, "the poster with its QR code")

    # ---- phones scan the code, join and propose ----------------------------------------------
    an, an_loads = join_and_propose(day, join_url, "An Peeters", FATHERS)
    day.shoot(an, "a phone proposed in three screens")
    bert, bert_loads = join_and_propose(day, join_url, "Bert D'Hondt & Zoon", POVERTY)
    assert (an_loads, bert_loads) == (3, 3)

    pia = day.phone()  # only comes to listen and vote
    pia.goto(join_url)
    pia.get_by_label("Je naam").fill("Pia Luyten")
    pia.get_by_role("button", name="Doe mee", exact=True).click()
    expect(pia.locator(".messages")).to_contain_text("Welkom, Pia Luyten!")
    pia.goto(f"/{SLUG}/proposals/")
    day.shoot(pia, "a participant who only votes")

    # ---- the pitch round: moderator on the laptop, the beamer, the phones ------------------
    laptop.goto(f"/{SLUG}/organise/")
    laptop.get_by_role("link", name="Pitchronde").first.click()
    laptop.get_by_role("button", name="Pitchronde starten").click()
    expect(laptop.locator(".pitch-now")).to_contain_text(FATHERS)
    beamer_context = new_context(**BEAMER)
    sign_in(beamer_context, olga)
    beamer = beamer_context.new_page()
    beamer.goto(f"/{SLUG}/organise/pitch/beamer/")
    expect(beamer.locator(".pitch-title")).to_contain_text(FATHERS)
    clock = beamer.locator(".pitch-clock")
    expect(clock).to_have_text(re.compile(r"^\d+:\d\d$"))
    first = clock_seconds(clock.inner_text())
    assert first > 0, "the clock says the time is up at the start of a pitch"
    expect(clock).not_to_have_text(clock.inner_text())  # read again once it changed
    second = clock_seconds(clock.inner_text())
    assert 0 < second < first, (first, second)
    expect(beamer.get_by_role("img", name=re.compile("QR"))).to_be_visible()
    assert path(read_qr(beamer.get_by_role("img", name=re.compile("QR")))) == path(join_url)
    day.shoot(beamer, "the beamer during the first pitch")

    pitch_card = pia.locator("#pitch-now")
    expect(pitch_card).to_contain_text(FATHERS, **PROMISE)
    pitch_card.get_by_role("button", name=re.compile(r"^\+1 Stem")).tap()
    expect(pitch_card.locator("button.vote-button")).to_have_class(re.compile(r"\bvoted\b"))
    day.shoot(pia, "a phone votes during the pitch")

    laptop.locator("body").press("ArrowRight")
    expect(laptop.locator(".pitch-now")).to_contain_text(POVERTY)
    expect(beamer.locator(".pitch-title")).to_contain_text(POVERTY, **PROMISE)
    expect(pia.locator("#pitch-now .pitch-title")).to_contain_text(POVERTY, **PROMISE)
    pia.locator("#pitch-now").get_by_role("button", name=re.compile(r"^\+1 Stem")).tap()
    expect(pia.locator("#pitch-now button.vote-button")).to_have_class(re.compile(r"\bvoted\b"))
    laptop.locator("body").press("e")
    expect(laptop.get_by_role("heading", name="De ronde is voorbij: de stemmen")).to_be_visible()
    assert Vote.objects.filter(participant__name="Pia Luyten").count() == 2
    day.shoot(laptop, "the votes after the round")

    # phones look on before the grid is published: they must follow it without a reload
    an.goto(f"/{SLUG}/me/")
    expect(an.get_by_role("heading", level=1)).to_have_text("Mijn pagina")
    an.evaluate("window.notReloaded = true")
    visitor = day.phone()  # not joined: the event's page
    visitor.goto(f"/{SLUG}/")
    visitor.evaluate("window.notReloaded = true")

    # ---- accept and publish ----------------------------------------------------------------
    laptop.get_by_role("button", name="Stel met deze stemmen een rooster voor").click()
    laptop.get_by_role("button", name="Aanvaarden en publiceren").click()
    expect(laptop.locator(".messages")).to_contain_text("gepubliceerd")
    placements = Placement.objects.filter(session__event=event).select_related("room", "slot")
    assert placements.count() == 2
    day.shoot(laptop, "the grid is published")

    expect(pia).to_have_url(re.compile(rf"/{SLUG}/grid/$"), **PROMISE)
    for title in (FATHERS, POVERTY):
        expect(pia.locator("main")).to_contain_text(title)
    day.shoot(pia, "the phone in the round shows the grid")
    expect(visitor.get_by_role("link", name="Bekijk het rooster")).to_be_visible(**PROMISE)
    day.shoot(visitor, "the event page leads to the grid")
    my_day = an.locator("ol.my-day li")
    expect(my_day).to_have_count(1, **PROMISE)
    expect(my_day).to_contain_text(FATHERS)
    fathers = Session.objects.get(title=FATHERS)
    before = Placement.objects.select_related("room", "slot").get(session=fathers)
    expect(my_day).to_contain_text(before.room.name)
    day.shoot(an, "my page shows my day")

    # ---- the organiser moves a session; every phone follows within 10 s -------------------
    laptop.goto(f"/{SLUG}/organise/grid/")
    other_room = event.rooms.exclude(pk=before.room_id).get()
    other_slot = event.slots.exclude(pk=before.slot_id).get()
    target = laptop.locator(f"#cell-{other_slot.pk}-{other_room.pk}")
    laptop.locator(f'#grid [data-session="{fathers.pk}"]').drag_to(target)
    expect(target).to_contain_text(FATHERS)
    day.shoot(laptop, "the organiser moves a session")
    expect(my_day).to_contain_text(other_room.name, **PROMISE)
    moved_row = pia.locator("#grid tr").filter(has_text=FATHERS)
    expect(moved_row.locator("td").filter(has_text=FATHERS)).to_contain_text(
        other_room.name, **PROMISE
    )
    expect(moved_row.locator("th")).to_contain_text(f"{event.local(other_slot.start):%H:%M}")
    day.shoot(an, "my page after the move")
    day.shoot(pia, "the grid after the move")
    assert an.evaluate("window.notReloaded") is True
    assert visitor.evaluate("window.notReloaded") is True

    # ---- a host without an email gets back in at the info desk -----------------------------
    an.get_by_role("button", name="Afmelden").click()
    expect(an.get_by_role("alert")).to_contain_text("Je hebt geen e-mailadres bij ons")
    day.shoot(an, "warned before signing out")
    an.get_by_role("button", name="Toch afmelden").click()
    expect(an.get_by_role("link", name="Aanmelden")).to_be_visible()

    laptop.goto(f"/{SLUG}/organise/desk/")
    laptop.get_by_label("Naam").fill("peeters")
    laptop.get_by_role("button", name="Zoeken").click()
    laptop.get_by_role("button", name="Toon een aanmeldlink voor An Peeters").click()
    desk_qr = laptop.get_by_role("img", name="QR-code die An Peeters aanmeldt")
    expect(desk_qr).to_be_visible()
    day.shoot(laptop, "the info desk shows a sign-in code")
    an.goto(read_qr(desk_qr))
    an.get_by_role("button", name="Aanmelden bij OOcamp 2026").click()
    expect(an).to_have_url(re.compile(rf"/{SLUG}/me/$"))
    expect(an.locator("ol.my-day li")).to_contain_text(FATHERS)
    day.shoot(an, "back in through the info desk")

    # ---- afterwards: slides and a report ---------------------------------------------------
    an.goto(fathers.get_absolute_url())
    an.get_by_role("link", name="Slides toevoegen").click()
    an.locator("#id_title").fill("Vaders in cijfers")
    an.locator("#id_file").set_input_files(
        {"name": "vaders.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
    )
    an.get_by_role("button", name="Uploaden").click()
    expect(an.locator("#attachments .message-success")).to_have_text("Het bestand is geüpload.")
    day.shoot(an, "slides uploaded")
    an.goto(fathers.get_absolute_url())
    an.get_by_role("link", name="Verslag schrijven").click()
    report = "## Wat we leerden\n\nVaders komen als de uitnodiging hen rechtstreeks aanspreekt."
    an.get_by_label("Verslag").fill(report)
    an.get_by_role("button", name="Verslag bewaren").click()
    expect(an.locator(".messages")).to_contain_text("Het verslag is bewaard.")
    day.shoot(an, "report written")

    # ---- the event report: built, published, downloaded on a phone ------------------------
    for page in (an, bert, pia, visitor, beamer):  # their polls would meet the worker below
        page.close()
    laptop.goto(f"/{SLUG}/organise/")
    laptop.get_by_role("link", name="Evenementverslag").click()
    polls = QuietPolls(laptop)
    laptop.get_by_role("button", name="Verslag maken").click()
    panel = laptop.locator("#build-panel")
    expect(panel.get_by_role("status")).to_contain_text("Wacht op het achtergrondproces")
    polls.run_one_task()  # the PDF
    polls.run_one_task()  # the ZIP
    expect(panel.get_by_role("link", name=re.compile("Download de PDF"))).to_be_visible(**PROMISE)
    laptop.get_by_role("button", name="Verslag publiceren").click()
    expect(laptop.get_by_text("Het evenementverslag is nu openbaar.")).to_be_visible()
    day.shoot(laptop, "the event report is published")

    reader = new_context(**ON_A_PHONE, accept_downloads=True).new_page()
    reader.goto(f"/{SLUG}/")
    reader.get_by_role("link", name=re.compile("verslag", re.IGNORECASE)).first.click()
    expect(reader).to_have_url(re.compile(rf"/{SLUG}/report/$"))
    day.shoot(reader, "the public report page on a phone")
    with reader.expect_download() as download:
        reader.get_by_role("link", name=re.compile(r"^PDF")).click()
    pdf = tmp_path / download.value.suggested_filename
    download.value.save_as(pdf)
    document = pypdfium2.PdfDocument(pdf)
    try:
        text = " ".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
    assert FATHERS in text and "Vaders komen als de uitnodiging" in text

    with capsys.disabled():
        print(f"\nrehearsal: from the QR code to a proposal in {an_loads} page loads")
