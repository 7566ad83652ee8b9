"""An organiser prints for the venue in a real browser, in Dutch (the default language): from the
dashboard to the door signs (a PDF download with a page per room, dates in Dutch), then through
the print page to one room's sign and the session cards; the pages load nothing from outside,
and the phone never scrolls sideways. The door signs are repeated for an English event."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from sessions_app.models import Participant, Slot
from tests.browser.conftest import ENGLISH, Steps, overflow
from tests.factories import (
    make_event,
    make_participant,
    make_placement,
    make_room,
    make_session,
    make_slot,
)

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "paper-camp"
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def pdf_texts(path: Path) -> list[str]:
    document = pdfium.PdfDocument(path.read_bytes())
    try:
        return [" ".join(page.get_textpage().get_text_range().split()) for page in document]
    finally:
        document.close()


def paper_camp(language: str = "nl") -> Participant:
    event = make_event(slug=SLUG, name="Paper Camp", language=language)
    organiser = make_participant(event, name="Olga", role=Participant.Role.ORGANISER)
    ann = make_participant(event, name="Ann Hosting")
    aula, kelder = make_room(event, name="Aula"), make_room(event, name="Kelder")
    ten = make_slot(event, "10:00", "10:45")
    make_slot(event, "12:00", "13:00", kind=Slot.Kind.BREAK, label="Lunch")
    one = make_slot(event, "13:00", "13:45")
    make_placement(make_session(event, [ann], title="Open data in the council"), aula, ten)
    make_placement(make_session(event, [ann], title="Plain language letters"), kelder, ten)
    make_placement(make_session(event, [ann], title="Participatory budgets"), aula, one)
    return organiser


@pytest.fixture
def organiser() -> Participant:
    return paper_camp()


@pytest.fixture
def open_page(
    new_context: CreateContextCallback, sign_in: Callable, organiser: Participant
) -> Callable[..., Page]:
    def open_page(path: str, screen: dict[str, Any] = DESKTOP) -> Page:
        context = new_context(accept_downloads=True, **screen)
        sign_in(context, Participant.objects.get(role=Participant.Role.ORGANISER).user)
        page = context.new_page()
        page.goto(path)
        return page

    return open_page


def test_organiser_downloads_the_door_signs_from_the_dashboard(
    open_page, external_requests, steps: Steps, tmp_path
):
    page = open_page(f"/{SLUG}/organise/")
    print_section = page.get_by_role("region", name="Afdrukken")
    steps(page, "dashboard")

    with page.expect_download() as download_info:
        print_section.get_by_role("link", name="Deuraffiches").click()
    download = download_info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    assert download.suggested_filename == "door-signs-paper-camp.pdf"
    pages = pdf_texts(path)
    assert len(pages) == 2
    assert pages[0].startswith("Aula Paper Camp · zaterdag 13 juni 2026")
    assert pages[0].index("Open data in the council") < pages[0].index("Lunch")
    assert pages[0].index("Lunch") < pages[0].index("Participatory budgets")
    assert pages[1].startswith("Kelder ")
    assert "Plain language letters" in pages[1]
    assert external_requests == []


def test_in_english_the_door_signs_are_in_english(
    browser: Browser, live_server, sign_in: Callable, steps: Steps, tmp_path
):
    organiser = paper_camp(language="en")
    context = browser.new_context(
        base_url=live_server.url, accept_downloads=True, **ENGLISH, **DESKTOP
    )
    sign_in(context, organiser.user)
    page = context.new_page()
    page.goto(f"/{SLUG}/organise/")
    steps(page, "dashboard in English")

    with page.expect_download() as download_info:
        page.get_by_role("region", name="Print").get_by_role("link", name="Door signs").click()
    path = tmp_path / "signs.pdf"
    download_info.value.save_as(path)

    pages = pdf_texts(path)
    assert pages[0].startswith("Aula Paper Camp · Saturday 13 June 2026")
    assert pages[1].startswith("Kelder ")


def test_organiser_prints_one_rooms_sign_and_the_cards_from_the_print_page(
    open_page, external_requests, steps: Steps, tmp_path
):
    page = open_page(f"/{SLUG}/organise/", PHONE)
    page.get_by_role("link", name="Afdrukken voor de locatie").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Afdrukken voor de locatie")
    assert overflow(page) == 0
    steps(page, "afdrukpagina op een smartphone")

    with page.expect_download() as sign_info:
        page.get_by_role("link", name="Deuraffiche van Kelder (PDF)").click()
    with page.expect_download() as cards_info:
        page.get_by_role("link", name="Sessiekaarten (PDF)").click()
    sign, cards = tmp_path / "sign.pdf", tmp_path / "cards.pdf"
    sign_info.value.save_as(sign)
    cards_info.value.save_as(cards)

    sign_pages = pdf_texts(sign)
    assert len(sign_pages) == 1
    assert sign_pages[0].startswith("Kelder ")
    assert "Open data in the council" not in sign_pages[0]
    card_pages = pdf_texts(cards)
    assert len(card_pages) == 1
    assert [
        title in card_pages[0] for title in ["Open data", "Plain language", "Participatory"]
    ] == [
        True,
        True,
        True,
    ]
    assert external_requests == []
