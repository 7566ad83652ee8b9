"""Issue 14, defects 4, 6 and 7 as people live them, in Dutch, on phones and a laptop:

- a participant without an email who taps "Afmelden" is warned first; signed out anyway, they
  get back in at the info desk, where an organiser shows a sign-in QR code on the laptop that
  the phone's camera reads (decoded from a screenshot); on My page they add an email;
- from the poster's QR code to a submitted proposal in three page loads, and the path of
  someone who only wants to vote still works;
- the event page and My page follow the publication of the grid and a move without a reload.
"""

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from sessions_app import actions
from sessions_app.models import Event, Participant, Session
from tests.browser.conftest import LAPTOP, PHONE, read_qr
from tests.factories import (
    make_event,
    make_participant,
    make_placement,
    make_room,
    make_session,
    make_slot,
    make_user,
)

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "kamp-2026"
CODE = "KMP234"
ON_A_PHONE: dict[str, Any] = {"viewport": PHONE, "is_mobile": True, "has_touch": True}


@pytest.fixture
def event() -> Event:
    return make_event(
        slug=SLUG, name="Open Overheid Kamp", phase=Event.Phase.VOTING, join_code=CODE
    )


@pytest.fixture
def organiser(event: Event) -> Participant:
    return make_participant(event, name="Olga Organisator", role=Participant.Role.ORGANISER)


@pytest.fixture
def laptop(new_context: CreateContextCallback, sign_in: Callable, organiser: Participant) -> Page:
    """The organiser's laptop at the info desk, signed in."""
    context = new_context(viewport=LAPTOP)
    sign_in(context, organiser.user)
    return context.new_page()


def phone(new_context: CreateContextCallback) -> Page:
    return new_context(**ON_A_PHONE).new_page()


def test_without_an_email_a_participant_is_warned_and_gets_back_in_at_the_info_desk(
    event: Event, laptop: Page, new_context: CreateContextCallback, steps: Callable
) -> None:
    make_participant(event, name="Bert Bezet", email="bert@example.org")
    hanne = phone(new_context)
    hanne.goto(f"/{SLUG}/join/?code={CODE}")
    hanne.get_by_label("Je naam").fill("Hanne Zondermail")
    hanne.get_by_role("button", name="Doe mee", exact=True).click()
    expect(hanne.locator(".messages")).to_contain_text("Welkom, Hanne Zondermail!")

    hanne.get_by_role("button", name="Afmelden").click()

    warning = hanne.get_by_role("alert")
    expect(warning).to_contain_text("Je hebt geen e-mailadres bij ons")
    expect(warning).to_contain_text(
        "Eens afgemeld kun je niet meer terug binnen. Voeg eerst een e-mailadres toe, "
        "of vraag aan de infobalie een aanmeldlink."
    )
    expect(hanne.get_by_role("link", name="Voeg een e-mailadres toe")).to_be_visible()
    steps(hanne, "warned before signing out")
    hanne.get_by_role("button", name="Toch afmelden").click()
    expect(hanne).to_have_url(re.compile(r"/$"))
    expect(hanne.get_by_role("link", name="Aanmelden")).to_be_visible()
    hanne.goto(f"/{SLUG}/me/")
    expect(hanne).to_have_url(re.compile(rf"/{SLUG}/join/"))  # a stranger now

    laptop.goto(f"/{SLUG}/organise/desk/")
    expect(laptop.get_by_role("heading", level=1)).to_have_text("Infobalie")
    laptop.get_by_label("Naam").fill("hanne")
    laptop.get_by_role("button", name="Zoeken").click()
    row = laptop.locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("geen e-mailadres")
    row.get_by_role("button", name="Toon een aanmeldlink voor Hanne Zondermail").click()
    expect(laptop.get_by_role("heading", level=1)).to_have_text("Aanmeldlink voor Hanne Zondermail")
    qr = laptop.get_by_role("img", name="QR-code die Hanne Zondermail aanmeldt")
    expect(qr).to_be_visible()
    steps(laptop, "the info desk shows the link")
    scanned = read_qr(qr)
    assert scanned == laptop.locator("#desk-link-url").input_value()
    laptop.get_by_role("link", name="Afdrukversie").click()
    expect(laptop.get_by_role("heading", level=1)).to_have_text("Hanne Zondermail")
    assert read_qr(laptop.get_by_role("img")) == scanned
    steps(laptop, "print view")

    hanne.goto(scanned)
    hanne.get_by_role("button", name="Aanmelden bij Open Overheid Kamp").click()

    expect(hanne).to_have_url(re.compile(rf"/{SLUG}/me/$"))
    expect(hanne.get_by_role("heading", level=1)).to_have_text("Mijn pagina")
    expect(hanne.locator("main")).to_contain_text("Hanne Zondermail op Open Overheid Kamp")
    steps(hanne, "signed in again on my page")

    email = hanne.get_by_label("Je e-mailadres")
    email.fill("BERT@example.org")
    hanne.get_by_role("button", name="Voeg mijn e-mailadres toe").click()
    expect(hanne.locator(".field-errors")).to_contain_text(
        "Iemand in dit evenement gebruikt dit e-mailadres al."
    )
    hanne.get_by_label("Je e-mailadres").fill("hanne@example.org")
    hanne.get_by_role("button", name="Voeg mijn e-mailadres toe").click()
    expect(hanne.locator(".messages")).to_contain_text("Je e-mailadres is bewaard.")
    steps(hanne, "email added")
    assert Participant.objects.get(name="Hanne Zondermail").email == "hanne@example.org"

    hanne.get_by_role("button", name="Afmelden").click()  # no warning any more
    expect(hanne).to_have_url(re.compile(r"/$"))
    expect(hanne.get_by_role("link", name="Aanmelden")).to_be_visible()


def test_from_the_poster_to_a_proposal_in_three_page_loads_and_voting_still_works(
    event: Event, laptop: Page, new_context: CreateContextCallback, steps: Callable
) -> None:
    laptop.goto(f"/{SLUG}/organise/poster/")
    join_url = read_qr(laptop.locator("img.poster-qr"))
    an = phone(new_context)
    loads: list[str] = []
    an.on("framenavigated", lambda frame: loads.append(frame.url) if frame == an.main_frame else 0)

    an.goto(join_url)
    an.get_by_label("Je naam").fill("An Voorsteller")
    steps(an, "1 join form")
    an.get_by_role("button", name="Doe mee en stel een sessie voor").click()
    expect(an.get_by_role("heading", level=1)).to_have_text("Stel een sessie voor")
    an.get_by_label("Titel").fill("Vaders bereiken")
    an.get_by_label("Beschrijving").fill("Hoe bereiken we **vaders**?")
    steps(an, "2 proposal form")
    an.get_by_role("button", name="Voorstellen", exact=True).click()
    expect(an.get_by_role("heading", level=1)).to_have_text("Vaders bereiken")
    expect(an.locator(".messages")).to_contain_text("Je sessie is voorgesteld. Dank je wel!")
    steps(an, "3 session page")

    assert [re.sub(r"^https?://[^/]+", "", url) for url in loads] == [
        f"/{SLUG}/join/?code={CODE}",
        f"/{SLUG}/propose/",
        re.sub(r"^https?://[^/]+", "", an.url),
    ]
    assert Session.objects.get().hostings.get().participant.name == "An Voorsteller"

    bart = phone(new_context)  # only wants to vote
    bart.goto(join_url)
    bart.get_by_label("Je naam").fill("Bart Stemmer")
    bart.get_by_role("button", name="Doe mee", exact=True).click()
    bart.get_by_role("link", name="Stem voor sessies").click()
    card = bart.locator(".session-card").filter(has_text="Vaders bereiken")
    card.get_by_role("button", name=re.compile(r"^\+1 Stem")).click()
    expect(card.locator(".vote-button.voted")).to_contain_text("Gestemd")
    expect(card.locator(".vote-count")).to_have_text("1 stem")
    steps(bart, "voted")


def test_the_event_page_and_my_page_follow_publication_and_a_move(
    event: Event,
    new_context: CreateContextCallback,
    sign_in: Callable,
    settings,
    steps: Callable,
) -> None:
    settings.OOCAMP_LIVE_POLL_SECONDS = 0.5
    settings.OOCAMP_GRID_STATE_SECONDS = 0
    soon = {"timeout": 10_000}  # the promise: every phone shows it within 10 s
    room_a = make_room(event, name="Zaal Schelde")
    room_b = make_room(event, name="Zaal Leie")
    slot = make_slot(event, "10:00", "10:45")
    host = make_participant(event, name="Griet Gastvrouw", user=make_user())
    session = make_session(event, [host], title="Open data in de gemeenteraad")
    make_placement(session, room_a, slot)

    visitor = phone(new_context)
    visitor.goto(f"/{SLUG}/")
    expect(visitor.get_by_role("link", name="Doe mee aan dit evenement")).to_be_visible()
    visitor.evaluate("window.notReloaded = true")
    context = new_context(**ON_A_PHONE)
    sign_in(context, host.user)
    griet = context.new_page()
    griet.goto(f"/{SLUG}/me/")
    expect(griet.get_by_role("heading", name="Sessies die ik begeleid")).to_be_visible()
    expect(griet.get_by_role("heading", name="Mijn dag")).to_have_count(0)
    griet.evaluate("window.notReloaded = true")

    actions.set_phase(event=event, phase=Event.Phase.PUBLISHED)

    expect(visitor.get_by_role("link", name="Bekijk het rooster")).to_be_visible(**soon)
    expect(visitor.get_by_role("link", name="Doe mee aan dit evenement")).to_have_count(0)
    expect(visitor.locator("main")).not_to_contain_text("stel een sessie voor")
    steps(visitor, "event page after publication")
    day = griet.locator("ol.my-day li")
    expect(day).to_have_count(1, **soon)
    expect(day).to_contain_text("Open data in de gemeenteraad")
    expect(day).to_contain_text("Zaal Schelde")
    expect(griet.get_by_role("link", name="Bekijk het rooster")).to_be_visible()
    steps(griet, "my page after publication")

    event.refresh_from_db()
    actions.move_session(
        event=event, session=session, cell=(room_b, slot), version=event.grid_version, by=None
    )

    expect(day).to_contain_text("Zaal Leie", **soon)
    steps(griet, "my page after a move")
    assert visitor.evaluate("window.notReloaded") is True
    assert griet.evaluate("window.notReloaded") is True
