"""Choosing people (co-hosts, note-takers) among 150 participants, in a real browser (issue 14,
defect 11): on a phone, in Dutch, a few letters of a name or an organisation find the person
(case and accents ignored), a tap or Enter picks, chips show who is chosen and remove them; the
form posts what the chips show. Without JavaScript the same form is a plain select that still
works; axe finds no serious violation in the picker; the note-takers repeat it in English."""

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from sessions_app.models import Event, Participant, Session
from tests.browser.conftest import LAPTOP, PHONE, Steps, overflow
from tests.browser.test_accessibility import assert_accessible
from tests.factories import make_event, make_participant, make_session

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "oocamp-2026"
ON_A_PHONE: dict[str, Any] = {"viewport": PHONE, "is_mobile": True, "has_touch": True}
FIRST_NAMES = ["An", "Bart", "Carine", "Dirk", "Els", "Frank", "Goedele", "Hilde", "Ides", "Joke"]
LAST_NAMES = ["Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens"]
LAST_NAMES += ["Wouters", "Desmet", "Dubois", "Lambert", "Dupont", "Hermans", "Vermeulen"]


def crowd(event: Event) -> None:
    """150 participants: the people the tests pick among, and 146 others (one more "Hond…")."""
    people = [
        ("Jan D'Hondt", "Gemeente Sint-Niklaas"),
        ("Özlem Şahin", "Stad Antwerpen"),
        ("Griet Gastvrouw", "Stad Gent"),
        ("Hannelore Hondekijn", ""),  # also "hond": the test must pick the right one
    ]
    people += [
        (f"{first} {last}", "Vlaamse overheid" if n % 3 else "")
        for n, (first, last) in enumerate(
            (first, last) for last in LAST_NAMES for first in FIRST_NAMES
        )
    ][: 150 - len(people)]
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"crowd{n}") for n in range(len(people))
    )
    Participant.objects.bulk_create(
        Participant(event=event, user=user, name=name, organisation=organisation)
        for user, (name, organisation) in zip(users, people, strict=True)
    )


@pytest.fixture
def event() -> Event:
    event = make_event(slug=SLUG, name="Open Overheid Camp 2026", phase=Event.Phase.VOTING)
    crowd(event)
    return event


@pytest.fixture
def me(event: Event) -> Participant:
    return make_participant(event, name="An Proposer")


def phone(new_context: CreateContextCallback, sign_in, user, **extra: Any) -> Page:
    context = new_context(**ON_A_PHONE, **extra)
    sign_in(context, user)
    return context.new_page()


def test_on_a_phone_type_hond_pick_jan_remove_one_and_propose(
    new_context: CreateContextCallback, sign_in, event: Event, me: Participant, steps: Steps
) -> None:
    assert event.participants.count() == 151
    page = phone(new_context, sign_in, me.user)
    page.goto(f"/{SLUG}/propose/")
    page.get_by_label("Titel").fill("Vaders bereiken")
    search = page.get_by_role("combobox", name="Mede-begeleiders")
    expect(search).to_be_visible()
    expect(page.get_by_text("Ctrl-klik")).to_have_count(0)  # the plain select's hint is gone
    expect(page.locator("#id_cohosts")).to_be_hidden()

    search.press_sequentially("hond")
    options = page.get_by_role("listbox", name="Mede-begeleiders").get_by_role("option")
    expect(options).to_have_text(["Hannelore Hondekijn", "Jan D'Hondt (Gemeente Sint-Niklaas)"])
    expect(search).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("status").filter(has_text="Gevonden: 2")).to_have_count(1)
    steps(page, "hond getypt")
    page.get_by_role("option", name="Jan D'Hondt (Gemeente Sint-Niklaas)").tap()

    chosen = page.get_by_role("list", name="Gekozen").get_by_role("listitem")
    expect(chosen).to_have_text([re.compile("^Jan D'Hondt")])
    expect(search).to_have_value("")
    expect(search).to_be_focused()
    expect(
        page.get_by_role("status").filter(has_text="Jan D'Hondt (Gemeente Sint-Niklaas) toegevoegd")
    ).to_have_count(1)

    # accents and case ignored, the keyboard picks (arrow down, Enter)
    search.press_sequentially("OZLEM")
    expect(options).to_have_text(["Özlem Şahin (Stad Antwerpen)"])
    search.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    search.press("Enter")
    # the organisation finds people too; a chosen person is not offered again
    search.press_sequentially("stad gent")
    expect(options).to_have_text(["Griet Gastvrouw (Stad Gent)"])
    options.first.tap()
    expect(chosen).to_have_count(3)
    search.press_sequentially("hondt")
    expect(page.get_by_role("status").filter(has_text="Niemand gevonden")).to_have_count(1)
    expect(options).to_have_count(0)
    search.fill("")
    steps(page, "drie gekozen")

    page.get_by_role("button", name="Verwijder Özlem Şahin (Stad Antwerpen)").tap()
    # the chips follow the list's order (by name), as the select does
    expect(chosen).to_have_text([re.compile("^Griet Gastvrouw"), re.compile("^Jan D'Hondt")])
    expect(
        page.get_by_role("status").filter(has_text="Özlem Şahin (Stad Antwerpen) verwijderd")
    ).to_have_count(1)
    assert overflow(page) == 0
    steps(page, "een verwijderd")

    page.get_by_role("button", name="Voorstellen", exact=True).tap()

    expect(page.get_by_role("heading", level=1)).to_have_text("Vaders bereiken")
    session = Session.objects.get(title="Vaders bereiken")
    assert sorted(h.participant.name for h in session.hostings.all()) == [
        "An Proposer",
        "Griet Gastvrouw",
        "Jan D'Hondt",
    ]
    steps(page, "voorgesteld")


def test_without_javascript_the_select_still_picks_cohosts(
    new_context: CreateContextCallback, sign_in, event: Event, me: Participant, steps: Steps
) -> None:
    page = phone(new_context, sign_in, me.user, java_script_enabled=False)
    page.goto(f"/{SLUG}/propose/")
    page.get_by_label("Titel").fill("Zonder JavaScript")
    select = page.get_by_role("listbox", name="Mede-begeleiders")
    expect(select).to_be_visible()
    expect(page.get_by_role("combobox")).to_have_count(0)
    expect(select).to_have_accessible_description(re.compile("Ctrl-klik op elke naam"))
    steps(page, "zonder javascript")

    select.select_option(label="Jan D'Hondt (Gemeente Sint-Niklaas)")
    page.get_by_role("button", name="Voorstellen", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Zonder JavaScript")
    session = Session.objects.get(title="Zonder JavaScript")
    assert sorted(h.participant.name for h in session.hostings.all()) == [
        "An Proposer",
        "Jan D'Hondt",
    ]


def test_editing_keeps_the_chosen_cohosts_as_chips(
    new_context: CreateContextCallback, sign_in, event: Event, me: Participant
) -> None:
    jan = event.participants.get(name="Jan D'Hondt")
    session = make_session(event, [me, jan], title="Samen")
    page = phone(new_context, sign_in, me.user)
    page.goto(f"/{SLUG}/sessions/{session.pk}/edit/")

    chosen = page.get_by_role("list", name="Gekozen").get_by_role("listitem")
    expect(chosen).to_have_text([re.compile("^Jan D'Hondt")])
    page.get_by_role("button", name="Verwijder Jan D'Hondt (Gemeente Sint-Niklaas)").tap()
    expect(chosen).to_have_count(0)
    page.get_by_role("button", name="Wijzigingen bewaren").tap()

    expect(page.get_by_role("heading", level=1)).to_have_text("Samen")
    assert [h.participant.name for h in session.hostings.all()] == ["An Proposer"]


@pytest.mark.parametrize("size", ["phone", "laptop"])
def test_picker_open_with_chips_has_no_serious_violations(
    new_context: CreateContextCallback,
    sign_in,
    event: Event,
    me: Participant,
    axe_source: str,
    size: str,
) -> None:
    screen = ON_A_PHONE if size == "phone" else {"viewport": LAPTOP}
    context = new_context(**screen)
    sign_in(context, me.user)
    page = context.new_page()
    page.goto(f"/{SLUG}/propose/")
    search = page.get_by_role("combobox", name="Mede-begeleiders")
    search.press_sequentially("griet")
    search.press("Enter")  # one match: Enter picks it
    expect(page.get_by_role("list", name="Gekozen").get_by_role("listitem")).to_have_count(1)
    search.press_sequentially("hond")
    search.press("ArrowDown")
    expect(page.get_by_role("option", selected=True)).to_have_text("Hannelore Hondekijn")

    assert_accessible(page, axe_source)


def test_note_takers_in_english_with_the_keyboard(
    new_context: CreateContextCallback, sign_in, steps: Steps
) -> None:
    event = make_event(slug=SLUG, name="Open Government Camp", language="en", phase="archived")
    crowd(event)
    host = make_participant(event, name="Hanna Host")
    session = make_session(event, [host], title="Open data in small towns")
    context = new_context(viewport=LAPTOP)  # an English event is read in English
    sign_in(context, host.user)
    page = context.new_page()
    page.goto(f"/{SLUG}/sessions/{session.pk}/report/")

    search = page.get_by_role("combobox", name="Note-takers")
    expect(page.get_by_text("Ctrl-click")).to_have_count(0)
    search.press_sequentially("sahin")
    search.press("ArrowDown")
    search.press("Enter")
    search.press_sequentially("d'hondt")
    search.press("ArrowDown")
    search.press("Enter")
    chosen = page.get_by_role("list", name="Chosen").get_by_role("listitem")
    expect(chosen).to_have_count(2)
    steps(page, "two note-takers")
    page.get_by_role("button", name="Remove Özlem Şahin (Stad Antwerpen)").focus()
    page.keyboard.press("Enter")
    expect(chosen).to_have_count(1)
    page.get_by_role("button", name="Save the note-takers").click()

    expect(page.get_by_text("The note-takers are saved.")).to_be_visible()
    assert [p.name for p in session.note_takers.all()] == ["Jan D'Hondt"]
    expect(page.get_by_role("list", name="Chosen").get_by_role("listitem")).to_have_text(
        [re.compile("^Jan D'Hondt")]
    )
