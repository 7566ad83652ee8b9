"""The organisers' grid editor in a real browser, in Dutch (the default language; the drag and
drop flow is also checked in English): drag and drop (tray → cell, swap, back to the tray),
undo, the same moves with the keyboard alone (Choose, then the arrow keys to a cell and Enter),
a move the rules refuse, two organisers on one grid (409 and the fresh grid), a phone-sized
screen, where the page never scrolls sideways (only the grid does, inside its own box), and the
demo's 6 rooms on a laptop (1366 × 768): every room in sight, compact cells, warnings as marks
whose sentence shows on focus, the four figures of `lost` explained, the proposal uncut.

Selectors are ids, data attributes and roles; the grid's wording is asserted where it is the
point (the refusal names the host and both sessions)."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from sessions_app.models import Event, Participant, Placement, Room, Session, Slot
from tests.browser.conftest import LAPTOP, in_viewport, inject_axe, overflow
from tests.factories import (
    make_event,
    make_participant,
    make_placement,
    make_room,
    make_session,
    make_slot,
    make_vote,
)

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "grid-camp"
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DEMO_ROOMS = [
    "Grote Zaal",
    "Bovenzaal",
    "Zaal Dansaert",
    "Zaal Graanmarkt",
    "Vergaderzaal Zenne",
    "Leeshoek",
]
CHOOSE = re.compile("^Kies")


@dataclass
class Camp:
    event: Event
    organiser: Participant
    aula: Room
    zaal: Room
    kelder: Room
    ten: Slot
    eleven: Slot
    data: Session  # Ann
    budget: Session  # Bob
    access: Session  # Ann again
    forms: Session  # Cas


@pytest.fixture
def camp(request: pytest.FixtureRequest) -> Camp:
    """An event in the default language (Dutch); `@pytest.mark.parametrize("camp", ["en"],
    indirect=True)` makes it English."""
    language = {"language": request.param} if getattr(request, "param", None) else {}
    event = make_event(slug=SLUG, name="Grid Camp", phase=Event.Phase.VOTING, **language)
    ann = make_participant(event, name="Ann Hosting")
    bob = make_participant(event, name="Bob Hosting")
    cas = make_participant(event, name="Cas Hosting")
    camp = Camp(
        event=event,
        organiser=make_participant(event, name="Olga", role=Participant.Role.ORGANISER),
        aula=make_room(event, name="Aula", capacity=40),
        zaal=make_room(event, name="Zaal B", capacity=12),
        kelder=make_room(event, name="Kelder", capacity=3),
        ten=make_slot(event, "10:00", "10:45"),
        eleven=make_slot(event, "11:00", "11:45"),
        data=make_session(event, [ann], title="Open data in de gemeenteraad"),
        budget=make_session(event, [bob], title="Participatieve begrotingen"),
        access=make_session(event, [ann], title="Toegankelijke formulieren"),
        forms=make_session(event, [cas], title="Brieven in klare taal"),
    )
    make_slot(event, "12:00", "13:00", kind=Slot.Kind.BREAK, label="Lunch")
    make_slot(event, "13:00", "13:45")
    voters = [make_participant(event, name=f"Voter {n}") for n in range(8)]
    for n, session in enumerate([camp.data, camp.budget, camp.access, camp.forms]):
        for voter in voters[: 8 - 2 * n]:
            make_vote(voter, session)
    return camp


@pytest.fixture
def open_editor(
    new_context: CreateContextCallback, sign_in: Callable, camp: Camp
) -> Callable[..., Page]:
    def open_editor(screen: dict[str, Any] = DESKTOP, user=None) -> Page:
        context: BrowserContext = new_context(**screen)
        sign_in(context, user or camp.organiser.user)
        page = context.new_page()
        page.goto(f"/{SLUG}/organise/grid/")
        expect(page.locator("#grid")).to_be_visible()
        return page

    return open_editor


@pytest.fixture
def shoot(artifacts_dir: Path, request: pytest.FixtureRequest) -> Callable[[Page, str], None]:
    test = request.node.originalname.removeprefix("test_")

    def shoot(page: Page, step: str) -> None:
        page.screenshot(path=artifacts_dir / f"editor-{test}-{step}.png", full_page=True)

    return shoot


def where(event: Event) -> dict[str, tuple[str, str]]:
    return {
        p.session.title: (p.room.name, f"{p.slot.local_start:%H:%M}")
        for p in Placement.objects.filter(session__event=event).select_related(
            "session", "room", "slot__event"
        )
    }


def item(page: Page, session: Session) -> Locator:
    return page.locator(f'#grid [data-session="{session.pk}"]')


def cell(page: Page, room: Room, slot: Slot) -> Locator:
    return page.locator(f"#cell-{slot.pk}-{room.pk}")


def tray(page: Page) -> Locator:
    return page.locator("#grid .tray")


def drag(page: Page, session: Session, target: Locator) -> None:
    item(page, session).drag_to(target)


def focused(page: Page) -> str:
    """The accessible text of the focused element (what a screen reader would read)."""
    return page.evaluate("document.activeElement ? document.activeElement.innerText : ''")


def tab_to(page: Page, target: Locator, limit: int = 200) -> None:
    """Press Tab until `target` has the focus (as someone without a mouse does)."""
    for _ in range(limit):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {target}")


# ---- the mouse -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("camp", "back_to_tray"),
    [(None, "terug naar de bak"), ("en", "back to the tray")],
    ids=["nl", "en"],
    indirect=["camp"],
)
def test_drag_place_swap_unplace_then_undo_twice(open_editor, camp, shoot, back_to_tray):
    """Also the English pass of this file (an event in English)."""
    page = open_editor()
    shoot(page, "1-start")

    drag(page, camp.data, cell(page, camp.aula, camp.ten))
    expect(cell(page, camp.aula, camp.ten)).to_contain_text(camp.data.title)
    drag(page, camp.budget, cell(page, camp.zaal, camp.eleven))
    expect(cell(page, camp.zaal, camp.eleven)).to_contain_text(camp.budget.title)
    assert where(camp.event) == {
        camp.data.title: ("Aula", "10:00"),
        camp.budget.title: ("Zaal B", "11:00"),
    }
    shoot(page, "2-placed")

    drag(page, camp.data, cell(page, camp.zaal, camp.eleven))  # onto Budgets: they swap
    expect(cell(page, camp.zaal, camp.eleven)).to_contain_text(camp.data.title)
    expect(cell(page, camp.aula, camp.ten)).to_contain_text(camp.budget.title)
    shoot(page, "3-swapped")

    drag(page, camp.budget, tray(page))
    expect(tray(page)).to_contain_text(camp.budget.title)
    assert where(camp.event) == {camp.data.title: ("Zaal B", "11:00")}
    expect(page.locator(".grid-feedback")).to_contain_text(back_to_tray)
    shoot(page, "4-unplaced")

    page.locator("#undo-button").click()
    expect(cell(page, camp.aula, camp.ten)).to_contain_text(camp.budget.title)
    page.locator("#undo-button").click()
    expect(cell(page, camp.aula, camp.ten)).to_contain_text(camp.data.title)
    expect(cell(page, camp.zaal, camp.eleven)).to_contain_text(camp.budget.title)
    assert where(camp.event) == {
        camp.data.title: ("Aula", "10:00"),
        camp.budget.title: ("Zaal B", "11:00"),
    }
    shoot(page, "5-undone-twice")


def test_refused_move_shows_the_conflict_and_changes_nothing(open_editor, camp, shoot):
    make_placement(camp.data, camp.aula, camp.ten)
    page = open_editor()

    drag(page, camp.access, cell(page, camp.zaal, camp.ten))  # Ann hosts both

    feedback = page.locator(".grid-feedback")
    expect(feedback).to_have_text(
        "Ann Hosting zou twee sessies tegelijk begeleiden: “Open data in de gemeenteraad” / "
        "“Toegankelijke formulieren”."
    )
    expect(feedback).to_have_attribute("role", "alert")
    expect(tray(page)).to_contain_text(camp.access.title)
    assert where(camp.event) == {camp.data.title: ("Aula", "10:00")}
    shoot(page, "refused")


def test_choosing_shows_effects_and_warnings(open_editor, camp, shoot):
    make_placement(camp.data, camp.kelder, camp.ten)  # 8 votes, 3 seats
    make_placement(camp.budget, camp.aula, camp.ten)  # shares its 6 voters with Open data
    page = open_editor()

    warnings = cell(page, camp.kelder, camp.ten).locator(".warning")
    expect(warnings.locator(".warning-mark")).to_have_text(["⚠ +5", "⇄ 100 %"])
    expect(warnings.locator(".warning-text")).to_have_text(
        [
            "Zaal te klein: 5 stemmen meer dan plaatsen",
            "Deelt 100 % van haar stemmers met “Participatieve begrotingen”, op hetzelfde moment",
        ]
    )
    item(page, camp.access).get_by_role("link", name=CHOOSE).click()

    expect(page.locator("#selection-title")).to_be_focused()
    expect(cell(page, camp.zaal, camp.eleven).locator(".effect")).to_have_text("−4 zonder plaats")
    expect(cell(page, camp.zaal, camp.ten).locator(".place")).to_contain_text("Niet mogelijk")
    shoot(page, "choosing")

    page.keyboard.press("Escape")
    expect(page.locator("#selection-title")).to_have_count(0)
    expect(item(page, camp.access).get_by_role("link", name=CHOOSE)).to_be_focused()


SEEN = """() => ({
    cells: Object.fromEntries([...document.querySelectorAll("#grid td.cell")]
        .map((td) => [td.id, [td.className, td.innerText.replace(/\\s+/g, " ").trim()]])),
    lost: [...document.querySelectorAll("#grid .lost dd")].map((dd) => dd.textContent),
    undo: document.querySelector("#grid .undo-what").textContent,
    versions: [...new Set([...document.querySelectorAll('#grid input[name="version"]')]
        .map((input) => input.value))],
})"""


def test_a_drop_changes_only_its_cells_and_the_page_then_matches_a_reload(open_editor, camp, shoot):
    make_placement(camp.data, camp.aula, camp.ten)
    make_placement(camp.budget, camp.zaal, camp.eleven)
    page = open_editor()
    page.evaluate("document.getElementById('grid').dataset.kept = 'yes'")

    # Open data to the small cellar at 11:00: Aula empties at 10:00, the cellar overflows and
    # Participatieve begrotingen now shares its voters with it
    drag(page, camp.data, cell(page, camp.kelder, camp.eleven))
    expect(cell(page, camp.kelder, camp.eleven)).to_contain_text(camp.data.title)
    expect(page.locator(".grid-feedback")).to_contain_text("Open data in de gemeenteraad")
    expect(page.locator("#grid")).to_have_attribute("data-kept", "yes")  # not swapped whole
    expect(cell(page, camp.zaal, camp.eleven).locator(".warning-mark")).to_have_text("⇄ 100 %")
    # the answer has settled: the emptied cell is free again and every form posts the new
    # version (grid-editor.js hands it on once htmx has swapped everything in)
    expect(cell(page, camp.aula, camp.ten)).to_have_class(re.compile(r"\bfree\b"))
    expect(page.locator("#grid .htmx-added, #grid .htmx-settling")).to_have_count(0)
    page.wait_for_function(
        """() => [...document.querySelectorAll('#grid input[name="version"]')]
            .every((input) => input.value === "1")"""
    )
    after = page.evaluate(SEEN)
    shoot(page, "dropped")

    page.reload()
    expect(cell(page, camp.kelder, camp.eleven)).to_contain_text(camp.data.title)
    assert page.evaluate(SEEN) == after
    assert after["versions"] == ["1"]
    assert after["lost"] == ["17", "6", "6", "5"]  # lost: 6 unplaced, 6 clashes, 5 overflow

    # every form of the page carries the new version: a pin and a second drop are not stale
    page.goto(f"/{SLUG}/organise/grid/")
    drag(page, camp.budget, cell(page, camp.aula, camp.ten))
    expect(cell(page, camp.aula, camp.ten)).to_contain_text(camp.budget.title)
    cell(page, camp.kelder, camp.eleven).locator("button.pin").click()
    expect(cell(page, camp.kelder, camp.eleven).locator(".pin-mark")).to_have_count(1)
    assert where(camp.event) == {
        camp.data.title: ("Kelder", "11:00"),
        camp.budget.title: ("Aula", "10:00"),
    }
    assert Placement.objects.get(session=camp.data).pinned


# ---- the keyboard alone --------------------------------------------------------------------


GRID_POSITION = """([target]) => {
    const rows = [...document.querySelectorAll("#grid .grid-table tbody tr")]
        .map((tr) => [...tr.querySelectorAll(":scope > td.cell")])
        .filter((cells) => cells.length);
    const at = (td) => {
        const r = rows.findIndex((cells) => cells.includes(td));
        return [r, r < 0 ? -1 : rows[r].indexOf(td)];
    };
    const here = document.activeElement && document.activeElement.closest("td.cell");
    return [at(here), at(document.getElementById(target))];
}"""


def arrow_to(page: Page, target: Locator) -> int:
    """Press the arrow keys, from the cell that has the focus, until the focus is on `target`'s
    "Place here" button (columns first, then rows); returns how many keys were pressed."""
    target_id = target.get_attribute("id")
    for pressed in range(100):
        (row, col), (to_row, to_col) = page.evaluate(GRID_POSITION, [target_id])
        assert row >= 0, "the focus is not in a cell"
        if (row, col) == (to_row, to_col):
            expect(target.locator("button.place")).to_be_focused()
            return pressed
        if col != to_col:
            page.keyboard.press("ArrowRight" if to_col > col else "ArrowLeft")
        else:
            page.keyboard.press("ArrowDown" if to_row > row else "ArrowUp")
    raise AssertionError(f"the arrow keys never reached {target_id}")


def choose_and_place(page: Page, session: Session, target: Locator) -> None:
    choose = item(page, session).get_by_role("link", name=CHOOSE)
    tab_to(page, choose)
    page.keyboard.press("Enter")
    expect(page.locator("#selection-title")).to_be_focused()
    # the editor's script has made one "Place here" the grid's tab stop: the page is ready for
    # the arrow keys (the focus can be on the bar before the script has run)
    expect(page.locator('#grid.selecting button.place[tabindex="0"]')).to_have_count(1)
    page.keyboard.press("ArrowDown")  # from the "Choose a cell" bar into the grid
    arrow_to(page, target)
    assert focused(page).startswith("Hier plaatsen")
    page.keyboard.press("Enter")
    expect(page.locator(".grid-feedback")).to_be_focused()


def test_the_same_moves_by_keyboard_only(open_editor, camp, shoot):
    page = open_editor()
    page.locator("body").focus()

    choose_and_place(page, camp.data, cell(page, camp.aula, camp.ten))
    expect(cell(page, camp.aula, camp.ten)).to_contain_text(camp.data.title)
    choose_and_place(page, camp.budget, cell(page, camp.zaal, camp.eleven))
    choose_and_place(page, camp.data, cell(page, camp.zaal, camp.eleven))  # swap
    expect(cell(page, camp.aula, camp.ten)).to_contain_text(camp.budget.title)
    shoot(page, "1-swapped")

    choose = item(page, camp.budget).get_by_role("link", name=CHOOSE)
    tab_to(page, choose)
    page.keyboard.press("Enter")
    tab_to(page, page.locator("#to-tray-button"))
    page.keyboard.press("Enter")
    expect(tray(page)).to_contain_text(camp.budget.title)
    assert where(camp.event) == {camp.data.title: ("Zaal B", "11:00")}

    version = page.locator('#grid input[name="version"]').first
    for _ in range(2):
        before = version.input_value()
        tab_to(page, page.locator("#undo-button"))
        page.keyboard.press("Enter")
        # each undo makes a new grid version; the feedback alone still reads "Undone" from
        # the first undo while the second is on its way
        expect(version).not_to_have_value(before)
        expect(page.locator(".grid-feedback")).to_contain_text("Ongedaan")
        # htmx focuses the new feedback ([autofocus]) when the swap settles, a moment after the
        # grid is in; a keyboard user hears it first, so wait for it before tabbing on
        expect(page.locator(".grid-feedback")).to_be_focused()
    expect(cell(page, camp.zaal, camp.eleven)).to_contain_text(camp.budget.title)
    assert where(camp.event) == {
        camp.data.title: ("Aula", "10:00"),
        camp.budget.title: ("Zaal B", "11:00"),
    }
    shoot(page, "2-undone")


# ---- two organisers ------------------------------------------------------------------------


def test_a_change_on_a_stale_grid_is_refused_and_the_fresh_grid_shown(open_editor, camp, shoot):
    other = make_participant(camp.event, name="Otto", role=Participant.Role.ORGANISER)
    mine, theirs = open_editor(), open_editor(user=other.user)

    drag(theirs, camp.budget, cell(theirs, camp.aula, camp.ten))
    expect(cell(theirs, camp.aula, camp.ten)).to_contain_text(camp.budget.title)
    drag(mine, camp.data, cell(mine, camp.zaal, camp.eleven))

    expect(mine.locator(".grid-feedback")).to_have_text(
        "Iemand anders wijzigde net het rooster. Hier is het nieuwe rooster; probeer opnieuw."
    )
    expect(cell(mine, camp.aula, camp.ten)).to_contain_text(camp.budget.title)
    assert where(camp.event) == {camp.budget.title: ("Aula", "10:00")}
    shoot(mine, "stale")

    drag(mine, camp.data, cell(mine, camp.zaal, camp.eleven))  # on the fresh grid: works
    expect(cell(mine, camp.zaal, camp.eleven)).to_contain_text(camp.data.title)


def test_a_drop_on_a_grid_changed_meanwhile_shows_the_cells_that_changed_and_then_works(
    open_editor, camp, shoot
):
    make_placement(camp.budget, camp.aula, camp.ten)
    other = make_participant(camp.event, name="Otto", role=Participant.Role.ORGANISER)
    mine, theirs = open_editor(), open_editor(user=other.user)

    drag(theirs, camp.budget, cell(theirs, camp.zaal, camp.eleven))  # from a cell to a cell
    expect(cell(theirs, camp.zaal, camp.eleven)).to_contain_text(camp.budget.title)
    drag(mine, camp.data, cell(mine, camp.kelder, camp.eleven))

    expect(mine.locator(".grid-feedback")).to_have_text(
        "Iemand anders wijzigde net het rooster. Hier is het nieuwe rooster; probeer opnieuw."
    )
    expect(cell(mine, camp.zaal, camp.eleven)).to_contain_text(camp.budget.title)
    expect(cell(mine, camp.aula, camp.ten)).not_to_contain_text(camp.budget.title)
    expect(tray(mine)).to_contain_text(camp.data.title)
    assert where(camp.event) == {camp.budget.title: ("Zaal B", "11:00")}
    shoot(mine, "stale-cells")

    drag(mine, camp.data, cell(mine, camp.kelder, camp.eleven))  # the fresh version: works
    expect(cell(mine, camp.kelder, camp.eleven)).to_contain_text(camp.data.title)
    assert where(camp.event) == {
        camp.budget.title: ("Zaal B", "11:00"),
        camp.data.title: ("Kelder", "11:00"),
    }


# ---- a phone -------------------------------------------------------------------------------


def page_width(page: Page) -> list[int]:
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


def test_phone_tap_choose_and_place_without_sideways_page_scroll(open_editor, camp, shoot):
    make_placement(camp.budget, camp.aula, camp.ten)
    page = open_editor(PHONE)
    assert page_width(page) == [390, 390]
    shoot(page, "1-grid")

    item(page, camp.data).get_by_role("link", name=CHOOSE).tap()
    expect(page.locator("#selection-title")).to_be_visible()
    assert page_width(page) == [390, 390]
    shoot(page, "2-choosing")
    cell(page, camp.kelder, camp.eleven).locator("button.place").tap()

    expect(cell(page, camp.kelder, camp.eleven)).to_contain_text(camp.data.title)
    assert page_width(page) == [390, 390]
    scroller = page.locator("#grid .grid-scroll")
    assert scroller.evaluate("el => el.scrollWidth > el.clientWidth")  # the grid scrolls inside
    shoot(page, "3-placed")


def test_phone_proposal_and_history_fit(open_editor, camp, shoot):
    page = open_editor(PHONE)
    page.get_by_role("button", name="Stel een rooster voor").tap()
    expect(page.get_by_role("button", name="Dit rooster aanvaarden")).to_be_visible()
    assert page_width(page) == [390, 390]
    shoot(page, "1-proposal")
    page.get_by_role("button", name="Dit rooster aanvaarden").tap()
    expect(page).to_have_url(re.compile(r"/organise/grid/$"))
    assert set(where(camp.event)) == {
        camp.data.title,
        camp.budget.title,
        camp.access.title,
        camp.forms.title,
    }
    page.goto(f"/{SLUG}/organise/history/")
    assert page_width(page) == [390, 390]
    shoot(page, "2-history")


# ---- accessibility -------------------------------------------------------------------------


def serious_violations(page: Page, axe_source: str) -> list[str]:
    """axe-core's serious and critical findings, plus duplicated ids, as readable lines."""
    inject_axe(page, axe_source)  # CSP-safe (issue 8)
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    found = [
        f"{v['id']}: {[n['target'] for n in v['nodes']]}"
        for v in results["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    ids = page.evaluate(
        "() => { const ids = [...document.querySelectorAll('[id]')].map(e => e.id);"
        " return [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))]; }"
    )
    return found + [f"duplicate id: {i}" for i in ids]


def test_editor_history_and_proposal_pass_axe(open_editor, camp, axe_source):
    make_placement(camp.data, camp.kelder, camp.ten)
    make_placement(camp.budget, camp.aula, camp.ten)
    page = open_editor()
    assert serious_violations(page, axe_source) == []

    item(page, camp.access).get_by_role("link", name=CHOOSE).click()
    expect(page.locator("#selection-title")).to_be_focused()
    assert serious_violations(page, axe_source) == []
    page.locator("#grid .warning").first.focus()  # its sentence shows
    assert serious_violations(page, axe_source) == []

    for path in ["organise/history/", "organise/grid/propose/"]:
        page.goto(f"/{SLUG}/{path}")
        assert serious_violations(page, axe_source) == [], path


def test_a_move_in_the_editor_reaches_a_participants_open_grid_within_ten_seconds(
    open_editor: Callable[..., Page],
    new_context: CreateContextCallback,
    sign_in: Callable,
    camp: Camp,
) -> None:
    """Two browsers: an organiser in the editor, a participant looking at the public grid on a
    phone. The participant's page is never reloaded."""
    Event.objects.filter(pk=camp.event.pk).update(phase=Event.Phase.PUBLISHED)
    phone = new_context(**PHONE)
    sign_in(phone, make_participant(camp.event, name="Pia Phone").user)
    grid = phone.new_page()
    grid.goto(f"/{SLUG}/grid/")
    grid.evaluate("window.__not_reloaded = true")
    expect(grid.locator("body")).not_to_contain_text(camp.budget.title)

    editor = open_editor()
    drag(editor, camp.budget, cell(editor, camp.aula, camp.ten))
    expect(cell(editor, camp.aula, camp.ten)).to_contain_text(camp.budget.title)

    expect(grid.locator("body")).to_contain_text(camp.budget.title, timeout=10_000)
    assert grid.evaluate("window.__not_reloaded") is True


# ---- a proposed grid -----------------------------------------------------------------------


def test_propose_a_grid_watch_it_being_made_and_accept_it(
    open_editor, camp, shoot, settings, run_tasks
):
    settings.OOCAMP_INLINE_PLAN_ITERATIONS = 0  # as on a large event: the worker plans it
    make_placement(camp.access, camp.kelder, camp.ten, pinned=True)
    page = open_editor()

    page.get_by_role("button", name="Stel een rooster voor").click()
    status = page.get_by_role("status")
    expect(status).to_contain_text("Wachten tot het achtergrondproces begint te zoeken")
    expect(page.locator("progress")).to_be_visible()
    shoot(page, "1-waiting")

    run_tasks()  # the worker (db_worker) takes the search; the page polls until it is there

    accept = page.get_by_role("button", name="Dit rooster aanvaarden")
    expect(accept).to_be_visible()
    expect(page.get_by_role("heading", name="Het rooster nu")).to_be_visible()
    expect(page.get_by_role("heading", name="Voorstel", exact=True)).to_be_visible()
    shoot(page, "2-proposal")
    assert where(camp.event) == {camp.access.title: ("Kelder", "10:00")}  # nothing written yet

    accept.click()
    expect(page.locator("#grid")).to_be_visible()
    expect(page.get_by_text("Voorgesteld rooster aanvaard", exact=True)).to_be_visible()
    placed = where(camp.event)
    assert placed[camp.access.title] == ("Kelder", "10:00")  # the pinned session stayed
    assert set(placed) == {s.title for s in (camp.data, camp.budget, camp.access, camp.forms)}
    shoot(page, "3-accepted")


# ---- the demo's 6 rooms on a laptop (issue 14) ---------------------------------------------


SCROLL_BOXES = """() => [...document.querySelectorAll("body *")].filter((el) => {
    const style = getComputedStyle(el);
    const y = /auto|scroll/.test(style.overflowY) && el.scrollHeight > el.clientHeight + 1;
    const x = /auto|scroll/.test(style.overflowX) && el.scrollWidth > el.clientWidth + 1;
    return x || y;
}).map((el) => el.tagName + "." + el.className)"""
"""Every element that has a scrollbar of its own (content hidden in a box)."""

LOST_EXPLAINED = [
    "Alles wat het rooster afneemt van wie stemde, in persoon-sessies: zonder plaats + "
    "botsingen + overloop. Lager is beter; 0 is perfect.",
    "Stemmen voor sessies die geen plaats in het rooster hebben.",
    "Per persoon en per tijdslot de sessies die die persoon wil (gestemd of zelf gegeven) "
    "boven de eerste: niemand kan in twee zalen tegelijk zijn.",
    "Per geplaatste sessie de stemmen boven het aantal plaatsen van haar zaal: de mensen die er "
    "niet in passen.",
]


@pytest.fixture
def open_demo_editor(new_context: CreateContextCallback, sign_in: Callable, demo: Event):
    def open_demo_editor() -> Page:
        context: BrowserContext = new_context(viewport=LAPTOP)
        organiser = make_participant(demo, name="Olga", role=Participant.Role.ORGANISER)
        sign_in(context, organiser.user)
        page = context.new_page()
        page.goto(f"/{demo.slug}/organise/grid/")
        expect(page.locator("#grid")).to_be_visible()
        return page

    return open_demo_editor


def test_demo_editor_fits_a_laptop_with_compact_cells(open_demo_editor, steps):
    page = open_demo_editor()
    steps(page, "roostereditor-1366", full_page=False)

    rooms = page.locator("#grid .grid-table thead th")
    expect(rooms).to_have_text([re.compile("^Tijd"), *(re.compile(f"^{r}") for r in DEMO_ROOMS)])
    for room in rooms.all():
        assert in_viewport(page, room), room.inner_text()
    assert overflow(page) == 0
    assert page.evaluate(SCROLL_BOXES) == []
    heights = page.locator("#grid tbody tr:has(td.cell)").evaluate_all(
        "rows => rows.map((row) => row.getBoundingClientRect().height)"
    )
    assert len(heights) == 9
    assert max(heights) <= 200, heights  # a quarter of the screen at most (was 330 px and more)

    # a warning is a mark; its sentence shows on focus and on hover, and Esc hides it again
    warning = page.locator("#grid .warning").first
    sentence = warning.locator(".warning-text")
    assert sentence.bounding_box()["width"] <= 1
    warning.focus()
    expect(sentence).to_have_text(
        re.compile(r"^Deelt \d+ % van haar stemmers met “.+”, op hetzelfde moment$")
    )
    assert sentence.bounding_box()["width"] > 150
    assert in_viewport(page, sentence)
    steps(page, "waarschuwing-met-focus", full_page=False)
    page.keyboard.press("Escape")
    assert sentence.bounding_box()["width"] <= 1
    other = page.locator("#grid .warning").nth(1)
    other.hover()
    assert other.locator(".warning-text").bounding_box()["width"] > 150
    # a screen reader reads the sentence, not the mark
    snapshot = page.locator("#grid .warnings").first.aria_snapshot()
    assert "Deelt" in snapshot and "⇄" not in snapshot, snapshot

    # the four figures of `lost`, explained next to them
    explained = page.locator(".lost-explained")
    expect(explained.locator("dd").first).to_be_hidden()
    explained.get_by_text("Wat betekenen deze cijfers?").click()
    expect(explained.locator("dt")).to_have_text(
        ["Verlies", "Zonder plaats", "Botsingen", "Overloop"]
    )
    expect(explained.locator("dd")).to_have_text(LOST_EXPLAINED)
    assert overflow(page) == 0
    steps(page, "verlies-uitgelegd", full_page=False)


def test_demo_keyboard_move_with_the_arrow_keys(open_demo_editor, demo, steps):
    """Choose a session with Tab and Enter, then the arrow keys to a free cell and Enter. The
    keys pressed are counted (before: about 55 Tab presses to reach a cell)."""
    moved = demo.sessions.get(title="Tieners en hun ouders: een vergeten doelgroep")
    Placement.objects.filter(session=moved).delete()  # into the tray
    leeshoek = demo.rooms.get(name="Leeshoek")
    last = demo.slots.for_sessions().order_by("start").last()
    assert not Placement.objects.filter(room=leeshoek, slot=last).exists()
    page = open_demo_editor()
    target = page.locator(f"#cell-{last.pk}-{leeshoek.pk}")

    choose = item(page, moved).get_by_role("link", name=CHOOSE)
    tabs = 0
    while not choose.evaluate("el => el === document.activeElement"):
        page.keyboard.press("Tab")
        tabs += 1
        assert tabs < 40, "Tab never reached the tray"
    page.keyboard.press("Enter")
    expect(page.locator("#selection-title")).to_be_focused()
    expect(page.locator("#selection-title")).to_contain_text(
        "Pijltjestoetsen: naar een ander vak; Enter: hier plaatsen; Esc: annuleren."
    )
    # the editor's script has set up the grid's one tab stop (see choose_and_place)
    expect(page.locator('#grid.selecting button.place[tabindex="0"]')).to_have_count(1)
    page.keyboard.press("ArrowDown")  # into the grid
    expect(page.locator("#grid button.place").first).to_be_visible()
    assert page.locator('#grid button.place[tabindex="0"]').count() == 1  # one tab stop
    arrows = 1 + arrow_to(page, target)
    assert focused(page).startswith("Hier plaatsen")
    assert "Leeshoek, 17:40" in focused(page)
    steps(page, "vak-gekozen-met-pijltjes", full_page=False)
    page.keyboard.press("Enter")

    expect(page.locator(".grid-feedback")).to_be_focused()
    expect(target).to_contain_text(moved.title)
    assert where(demo)[moved.title] == ("Leeshoek", "17:40")
    presses = tabs + 1 + arrows + 1
    print(f"keyboard move: {tabs} Tab + Enter + {arrows} arrow keys + Enter = {presses} keys")
    assert presses <= 30, presses
    steps(page, "geplaatst", full_page=False)

    # Esc from a cell cancels "choose a cell" and gives the focus back to "Choose"
    choose = item(page, moved).get_by_role("link", name=CHOOSE)
    choose.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#selection-title")).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(page.locator("#grid button.place:focus")).to_have_count(1)
    page.keyboard.press("Escape")
    expect(page.locator("#selection-title")).to_have_count(0)
    expect(item(page, moved).get_by_role("link", name=CHOOSE)).to_be_focused()


def test_demo_proposal_fits_a_laptop_and_explains_lost(open_demo_editor, steps):
    page = open_demo_editor()
    page.get_by_role("button", name="Stel een rooster voor").click()
    expect(page.get_by_role("button", name="Dit rooster aanvaarden")).to_be_visible()
    steps(page, "voorstel-1366")

    assert overflow(page) == 0
    assert page.evaluate(SCROLL_BOXES) == []
    for grid in page.locator(".proposal-compare table").all():
        expect(grid.locator("thead th")).to_have_count(7)
        last_room = grid.locator("thead th").last
        expect(last_room).to_contain_text("Leeshoek")
        box = last_room.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= LAPTOP["width"]  # not cut off

    explained = page.locator(".proposal-compare .lost-explained")
    expect(explained).to_have_count(2)  # the grid now and the proposal
    for details in explained.all():
        details.get_by_text("Wat betekenen deze cijfers?").click()
        expect(details.locator("dd")).to_have_text(LOST_EXPLAINED)
    assert overflow(page) == 0
    steps(page, "voorstel-verlies-uitgelegd")
