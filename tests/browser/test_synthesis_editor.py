"""Issue 18 in a real browser, in Dutch: an organiser writes a theme's synthesis with the theme's
sessions on the same page. She opens the editor from the themes, opens one session's long
report in place, reads it to its end while the text she writes stays in sight (beside it on a
laptop and a big screen; on a phone below it, with a link back up), writes and saves. All the
sessions open and close at once, nothing scrolls sideways, axe finds nothing serious with all of
them open, and without JavaScript each session still opens on its own. Once in English. Each step leaves a screenshot."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import Page, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from sessions_app.models import Attachment, Event, Participant, Theme
from tests.browser.conftest import DESKTOP, LAPTOP, PHONE, Steps, in_viewport, overflow
from tests.browser.test_accessibility import assert_accessible
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
from tests.sample_files import pdf_bytes

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "oocamp-2026"
LONG = "Open data in kleine gemeenten"
SCREENS: dict[str, dict[str, Any]] = {
    "telefoon": {"viewport": PHONE, "is_mobile": True, "has_touch": True},
    "laptop": {"viewport": LAPTOP},
    "groot-scherm": {"viewport": DESKTOP},
}


def long_report() -> str:
    """A report longer than any screen: a summary, a list, a table and many paragraphs, with
    one last sentence to read to."""
    paragraphs = [
        f"Gemeente {n} vertelde hoe ze haar begroting als open data publiceert, wie die "
        "gegevens gebruikt en wat er nog ontbreekt om burgers echt mee te laten beslissen."
        for n in range(1, 19)
    ]
    return "\n\n".join(
        [
            "## Samenvatting",
            "We brachten **twaalf** gemeenten in kaart.",
            "- open begrotingen\n- een gedeeld datamodel\n- vragen van burgers",
            "| Gemeente | Open data |\n|---|---|\n| Gent | ja |\n| Aalst | bijna |",
            *paragraphs,
            "Slotsom: gemeenten delen hun data pas als iemand erom vraagt.",
        ]
    )


def finished_camp(language: str = "nl") -> Event:
    """An event that is over, with a theme of four sessions: one with a long report and
    slides, one with a short report, two with only a description (one held outside the grid,
    one not held); a session of another theme; and an organiser."""
    event = make_event(slug=SLUG, name="Open Overheid Camp", language=language, phase="archived")
    room = make_room(event, name="Zaal 1")
    hanna = make_participant(event, name="Hanna Host")
    otto = make_participant(event, name="Otto Other")
    make_participant(event, name="Olga Organiser", role=Participant.Role.ORGANISER)
    theme = make_theme(event, name="Open data")
    long = make_session(event, [hanna, otto], title=LONG, report=long_report())
    short = make_session(
        event,
        [otto],
        title="Participatiebudgetten",
        report="Budgetten werken als **burgers** beslissen.",
    )
    described = make_session(
        event,
        [hanna],
        title="Data en privacy",
        description="Wat mag een gemeente *delen*?",
        held=True,
    )
    missed = make_session(
        event, [otto], title="Gemiste sessie", description="Ging niet door.", held=False
    )
    other = make_session(event, [otto], title="Toegankelijkheid", report="Een ander thema.")
    make_placement(long, room, make_slot(event, "10:00", "10:45"))
    make_placement(short, room, make_slot(event, "11:00", "11:45"))
    theme.sessions.add(long, short, described, missed)
    other.themes.add(make_theme(event, name="Toegankelijkheid"))
    slides = Attachment(session=long, title="Onze slides", content_type="application/pdf")
    slides.file.save("slides.pdf", ContentFile(pdf_bytes()), save=False)
    slides.size = slides.file.size
    slides.save()
    make_attachment(long, title="Kaart van de gemeenten", kind="link", url="https://example.org/")
    return event


@pytest.fixture
def camp() -> Event:
    return finished_camp()


def organiser_of(event: Event) -> Participant:
    return event.participants.get(role=Participant.Role.ORGANISER)


@pytest.fixture
def page_for(new_context: CreateContextCallback, sign_in: Callable) -> Callable[..., Page]:
    """`page_for(event, screen)`: a page signed in as the event's organiser."""

    def page_for(event: Event, screen: dict[str, Any], **options: Any) -> Page:
        context = new_context(**screen, **options)
        sign_in(context, organiser_of(event).user)
        return context.new_page()

    return page_for


def shoot(steps: Steps, page: Page, step: str, *, full_page: bool = True) -> None:
    """Nothing on the page scrolls sideways; a screenshot of the step."""
    assert overflow(page) == 0, f"{step}: {overflow(page)} px sideways"
    steps(page, step, full_page=full_page)


def source(page: Page, title: str):
    return page.locator("details.source", has=page.locator("summary", has_text=title))


@pytest.mark.parametrize("screen", SCREENS, ids=list(SCREENS))
def test_organiser_reads_a_report_in_place_and_writes_the_synthesis(
    camp: Event, page_for, steps: Steps, screen: str
) -> None:
    page = page_for(camp, SCREENS[screen])
    page.goto(f"/{SLUG}/organise/themes/")
    page.get_by_role("link", name="Open data", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Synthese: Open data")
    sources = page.locator("details.source")
    expect(sources.locator("summary")).to_have_text(
        [  # in the order they ran, the one not held last
            LONG,
            "Participatiebudgetten",
            re.compile(r"^Data en privacy\s+nog geen verslag"),
            re.compile(r"^Gemiste sessie\s+nog geen verslag\s+Niet gehouden"),
        ]
    )
    expect(page.locator("details.source[open]")).to_have_count(0)
    expect(page.get_by_text("2 van 4 sessies hebben een verslag.")).to_be_visible()
    editor = page.locator("#id_synthesis")
    wide = screen != "telefoon"
    if wide:  # on a phone the text starts on the first screen, below the page's heading
        assert in_viewport(page, editor), "the text to write is in sight when the page opens"
    shoot(steps, page, f"{screen}-editor")

    report = source(page, LONG)
    report.locator("summary").click()  # opened in place: the page stays, the text stays
    expect(report).to_have_attribute("open", "")
    expect(report.get_by_role("heading", name="Samenvatting")).to_be_visible()
    expect(report.locator(".source-meta")).to_have_text(
        re.compile(r"Begeleid door Hanna Host, Otto Other\s*10:00–10:45, Zaal 1\s*Gehouden")
    )
    expect(report.get_by_role("link", name="Onze slides")).to_have_attribute("target", "_blank")
    expect(report.get_by_role("link", name="Kaart van de gemeenten")).to_be_visible()
    expect(report.locator(".prose td").first).to_have_text("Gent")
    end = report.get_by_text("Slotsom:")
    end.scroll_into_view_if_needed()  # read to the end of the long report
    expect(end).to_be_in_viewport()
    if wide:  # the text sits beside the report and stayed in sight while it scrolled
        assert page.evaluate("window.scrollY") > 300, "the report is longer than the screen"
        assert in_viewport(page, editor), "the synthesis scrolled away with the report"
        text_box, report_box = editor.bounding_box(), report.bounding_box()
        assert text_box and report_box and text_box["x"] + text_box["width"] <= report_box["x"]
    shoot(steps, page, f"{screen}-verslag-gelezen", full_page=not wide)
    if not wide:  # on a phone the text is above the sessions, one tap away
        report.get_by_role("link", name="Terug naar je synthese").click()
        expect(editor).to_be_in_viewport()

    editor.fill("## Wat de sessies zeggen\n\nGemeenten delen data als **burgers** erom vragen.")
    expect(page.locator("#preview-synthesis .prose strong")).to_have_text("burgers")
    shoot(steps, page, f"{screen}-geschreven", full_page=not wide)  # the sticky text in sight
    page.get_by_role("button", name="Synthese bewaren").click()

    expect(page.locator(".messages")).to_contain_text("De synthese van “Open data” is bewaard.")
    expect(page.locator("#id_synthesis")).to_have_value(re.compile(r"^## Wat de sessies zeggen"))
    expect(source(page, LONG)).to_have_attribute("open", "")  # still open to read on
    expect(page.locator("details.source[open]")).to_have_count(1)
    assert Theme.objects.get(name="Open data").synthesis.endswith("**burgers** erom vragen.")
    shoot(steps, page, f"{screen}-bewaard")


@pytest.mark.parametrize("screen", SCREENS, ids=list(SCREENS))
def test_all_sessions_open_and_close_at_once_and_fit_the_screen(
    camp: Event, page_for, steps: Steps, screen: str, axe_source: str
) -> None:
    page = page_for(camp, SCREENS[screen])
    page.goto(f"/{SLUG}/organise/themes/{camp.themes.get(name='Open data').pk}/")

    page.get_by_role("button", name="Alles openen").click()

    expect(page.locator("details.source[open]")).to_have_count(4)
    described = source(page, "Data en privacy")
    expect(described.locator(".source-note")).to_have_text("Geen verslag; de beschrijving:")
    expect(described.locator(".prose em")).to_have_text("delen")
    expect(source(page, "Gemiste sessie").locator(".source-meta")).to_contain_text("Niet geplaatst")
    shoot(steps, page, f"{screen}-alles-open")
    assert_accessible(page, axe_source)  # every report open: headings, tables, links, badges
    page.get_by_role("button", name="Alles sluiten").click()
    expect(page.locator("details.source[open]")).to_have_count(0)


def test_without_javascript_each_session_opens_on_its_own(camp: Event, page_for, steps) -> None:
    page = page_for(camp, SCREENS["telefoon"], java_script_enabled=False)
    page.goto(f"/{SLUG}/organise/themes/{camp.themes.get(name='Open data').pk}/")

    expect(page.get_by_role("button", name="Alles openen")).to_be_hidden()  # needs a script
    source(page, "Participatiebudgetten").locator("summary").click()

    expect(source(page, "Participatiebudgetten").locator(".prose strong")).to_have_text("burgers")
    page.locator("#id_synthesis").fill("Zonder script.")
    page.get_by_role("button", name="Synthese bewaren").click()
    expect(page.locator(".messages")).to_contain_text("De synthese van “Open data” is bewaard.")
    assert Theme.objects.get(name="Open data").synthesis == "Zonder script."
    shoot(steps, page, "zonder-script")


def test_in_english_the_organiser_reads_a_description_and_saves(page_for, steps) -> None:
    event = finished_camp("en")
    page = page_for(event, SCREENS["laptop"])
    page.goto(f"/{SLUG}/organise/themes/")
    page.get_by_role("link", name="Open data", exact=True).click()

    expect(page.get_by_role("heading", name="Sessions in this theme")).to_be_visible()
    described = source(page, "Data en privacy")
    described.locator("summary").click()
    expect(described.locator(".source-note")).to_have_text("No report; the description:")
    expect(described.locator(".source-meta")).to_have_text(
        re.compile(r"Hosted by Hanna Host\s*Not placed\s*Held")
    )
    page.locator("#id_synthesis").fill("Privacy comes first.")
    page.get_by_role("button", name="Save the synthesis").click()

    expect(page.locator(".messages")).to_contain_text("The synthesis of “Open data” is saved.")
    assert Theme.objects.get(name="Open data").synthesis == "Privacy comes first."
    shoot(steps, page, "english")
