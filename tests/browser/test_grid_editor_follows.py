"""The grid editor on the day, in a real browser, in Dutch: the organiser sees each session's
followers against its room's seats, chooses a followed session and reads how many followers the
move will tell before placing it, then places it; and takes the suggested room swap in one click
and undoes it."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from playwright.sync_api import Locator, Page, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from sessions_app.models import Event, Follow, Participant, Placement, Room, Session, Slot
from tests.factories import (
    make_event,
    make_participant,
    make_placement,
    make_room,
    make_session,
    make_slot,
)

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "grid-day"


@dataclass
class Day:
    event: Event
    organiser: Participant
    aula: Room  # 40 seats
    kelder: Room  # 5 seats
    ten: Slot
    eleven: Slot
    data: Session  # Kelder at 10:00, 12 followers: more than its seats
    budget: Session  # Aula at 10:00, 3 followers: they fit in the Kelder


@pytest.fixture
def day() -> Day:
    event = make_event(slug=SLUG, name="Grid Day", phase=Event.Phase.PUBLISHED)
    ann = make_participant(event, name="Ann Hosting")
    bob = make_participant(event, name="Bob Hosting")
    day = Day(
        event=event,
        organiser=make_participant(event, name="Olga", role=Participant.Role.ORGANISER),
        aula=make_room(event, name="Aula", capacity=40),
        kelder=make_room(event, name="Kelder", capacity=5),
        ten=make_slot(event, "10:00", "10:45"),
        eleven=make_slot(event, "11:00", "11:45"),
        data=make_session(event, [ann], title="Open data in de gemeenteraad"),
        budget=make_session(event, [bob], title="Participatieve begrotingen"),
    )
    make_placement(day.data, day.kelder, day.ten)
    make_placement(day.budget, day.aula, day.ten)
    people = [make_participant(event, name=f"Volger {n}") for n in range(15)]
    for person in people[:12]:
        Follow.objects.create(participant=person, session=day.data)
    for person in people[12:]:
        Follow.objects.create(participant=person, session=day.budget)
    return day


@pytest.fixture
def page(new_context: CreateContextCallback, sign_in: Callable, day: Day) -> Page:
    context = new_context(viewport={"width": 1280, "height": 900})
    sign_in(context, day.organiser.user)
    page = context.new_page()
    page.goto(f"/{SLUG}/organise/grid/")
    expect(page.locator("#grid")).to_be_visible()
    return page


def cell(page: Page, room: Room, slot: Slot) -> Locator:
    return page.locator(f"#cell-{slot.pk}-{room.pk}")


def where(session: Session) -> tuple[str, str]:
    placement = Placement.objects.select_related("room", "slot__event").get(session=session)
    return placement.room.name, f"{placement.slot.local_start:%H:%M}"


def test_the_organiser_sees_the_followers_a_move_tells_before_placing_it(page, day, steps):
    crowded = cell(page, day.kelder, day.ten).locator(".follows")
    expect(crowded.locator(".follows-mark")).to_have_text("⚠ 12/5")
    expect(crowded).to_have_attribute("title", "Meer volgers dan plaatsen: 12 volgers, 5 plaatsen")
    expect(crowded.locator(".visually-hidden")).to_have_text(
        "Meer volgers dan plaatsen: 12 volgers, 5 plaatsen"
    )
    expect(cell(page, day.aula, day.ten).locator(".follows-mark")).to_have_text("3/40")
    steps(page, "live interest")

    page.locator(f'#grid [data-session="{day.data.pk}"]').get_by_role("link", name="Kies").click()

    expect(page.locator("#selection-told")).to_contain_text(
        "12 volgers krijgen bericht van deze wijziging."
    )
    free = cell(page, day.aula, day.eleven)
    expect(free.locator(".told")).to_have_text("12 volgers krijgen bericht")
    expect(cell(page, day.aula, day.ten).locator(".told")).to_have_text(
        "15 volgers krijgen bericht"  # a swap tells Participatieve begrotingen's followers too
    )
    steps(page, "chosen: followers told")

    free.get_by_role("button", name="Hier plaatsen").click()

    expect(cell(page, day.aula, day.eleven)).to_contain_text(day.data.title)
    expect(page.locator(".grid-feedback")).to_be_visible()
    expect(page.locator("#selection-told")).to_have_count(0)
    assert where(day.data) == ("Aula", "11:00")
    steps(page, "moved")


def test_the_suggested_room_swap_is_one_click_and_undoable(page, day, steps):
    suggestion = page.locator(".room-swap")
    expect(suggestion).to_contain_text(
        "Wissel zaal: Open data in de gemeenteraad (12 volgers, zaal voor 5) ↔ "
        "Participatieve begrotingen (3 volgers, zaal voor 40)"
    )
    steps(page, "suggestion")

    suggestion.get_by_role("button", name="Wissel de zalen").click()

    expect(cell(page, day.aula, day.ten)).to_contain_text(day.data.title)
    expect(cell(page, day.kelder, day.ten)).to_contain_text(day.budget.title)
    expect(page.locator(".room-swap")).to_have_count(0)
    assert (where(day.data), where(day.budget)) == (("Aula", "10:00"), ("Kelder", "10:00"))
    steps(page, "swapped")

    page.locator("#undo-button").click()

    expect(page.locator(".room-swap")).to_have_count(1)
    expect(cell(page, day.kelder, day.ten)).to_contain_text(day.data.title)
    assert where(day.data) == ("Kelder", "10:00")
    steps(page, "undone")
