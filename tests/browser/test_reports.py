"""After the event, in a real browser, in Dutch (the default language): a host writes the
session report with a live preview on a phone; a second writer's save that crossed the first
gets the merge screen with both texts, merges and saves; an earlier version is restored; a host
follows the mailed link in a fresh browser and may write that session's report only; an
organiser marks sessions held, puts sessions in themes with one click each and writes a
synthesis. Writing a report is repeated in English. Each step leaves a screenshot."""

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import Page, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from sessions_app import actions
from sessions_app.models import Event, Participant, Session, Theme
from tests.browser.conftest import ENGLISH, Steps, overflow
from tests.factories import (
    make_event,
    make_participant,
    make_placement,
    make_room,
    make_session,
    make_slot,
    make_theme,
)

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "oocamp-2026"
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 800}}


def camp_that_is_over(language: str = "nl") -> Event:
    """An event that is over, with two placed sessions by two hosts, and an organiser."""
    event = make_event(slug=SLUG, name="Open Overheid Camp", language=language, phase="archived")
    room = make_room(event, name="Zaal 1")
    slots = [make_slot(event, "10:00", "10:45"), make_slot(event, "11:00", "11:45")]
    hanna = make_participant(event, name="Hanna Host", email="hanna@example.org")
    otto = make_participant(event, name="Otto Other", email="otto@example.org")
    first = make_session(event, [hanna, otto], title="Open data in small towns")
    second = make_session(event, [otto], title="Participation budgets")
    make_placement(first, room, slots[0])
    make_placement(second, room, slots[1])
    make_participant(event, name="Olga Organiser", role=Participant.Role.ORGANISER)
    return event


@pytest.fixture
def over() -> Event:
    """A Dutch event (the default language) that is over."""
    return camp_that_is_over()


def person(event: Event, name: str) -> Participant:
    return event.participants.get(name=name)


def session_titled(title: str) -> Session:
    return Session.objects.get(title=title)


def report_path(session: Session) -> str:
    return f"/{SLUG}/sessions/{session.pk}/report/"


@pytest.fixture
def page_for(new_context: CreateContextCallback, sign_in: Callable) -> Callable[..., Page]:
    """`page_for(participant, screen)`: a page in a fresh context signed in as that person."""

    def page_for(participant: Participant | None, screen: dict[str, Any] = DESKTOP) -> Page:
        context = new_context(**screen)
        if participant is not None:
            sign_in(context, participant.user)
        return context.new_page()

    return page_for


@pytest.fixture
def shoot(steps: Steps) -> Callable[[Page, str], None]:
    """`shoot(page, step)`: the page does not scroll sideways; a screenshot of the step."""

    def shoot(page: Page, step: str) -> None:
        assert overflow(page) == 0, step
        steps(page, step)

    return shoot


def test_host_writes_a_report_on_a_phone(over: Event, page_for, shoot) -> None:
    session = session_titled("Open data in small towns")
    page = page_for(person(over, "Hanna Host"), PHONE)
    page.goto(session.get_absolute_url())

    page.get_by_role("link", name="Verslag schrijven").click()

    expect(page).to_have_url(re.compile(rf"{report_path(session)}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sessieverslag")
    editor = page.locator("#id_text")
    expect(editor).to_have_value(re.compile(r"^## Samenvatting"))  # the standard structure
    editor.fill(
        "## Samenvatting\n\nWe brachten **twaalf** gemeenten in kaart.\n\n- open begrotingen"
    )
    expect(page.locator("#preview-text .prose strong")).to_have_text("twaalf")  # live preview
    expect(page.locator("#preview-text .prose h2")).to_have_text("Samenvatting")
    shoot(page, "schrijven")
    page.get_by_role("button", name="Verslag bewaren").click()

    expect(page.locator(".messages")).to_contain_text("Het verslag is bewaard.")
    expect(page.locator(".revision-list li")).to_have_count(1)
    shoot(page, "bewaard")
    page.goto(session.get_absolute_url())
    expect(page.locator("#report + .prose strong")).to_have_text("twaalf")
    shoot(page, "sessiepagina")
    assert session_titled("Open data in small towns").report_revisions.get().author.name == (
        "Hanna Host"
    )


def test_in_english_a_host_writes_a_report(browser, live_server, sign_in: Callable, shoot) -> None:
    event = camp_that_is_over("en")
    session = session_titled("Open data in small towns")
    context = browser.new_context(base_url=live_server.url, **ENGLISH, **PHONE)
    sign_in(context, person(event, "Hanna Host").user)
    page = context.new_page()
    page.goto(session.get_absolute_url())

    page.get_by_role("link", name="Write the report").click()
    editor = page.locator("#id_text")
    expect(editor).to_have_value(re.compile(r"^## Summary"))
    editor.fill("## Summary\n\nWe mapped **twelve** towns.")
    expect(page.locator("#preview-text .prose strong")).to_have_text("twelve")
    page.get_by_role("button", name="Save the report").click()

    expect(page.locator(".messages")).to_contain_text("The report is saved.")
    shoot(page, "saved in English")
    context.close()


def test_second_writer_gets_the_merge_screen_merges_and_restores(
    over: Event, page_for, shoot
) -> None:
    session = session_titled("Open data in small towns")
    hanna = page_for(person(over, "Hanna Host"))
    otto = page_for(person(over, "Otto Other"), PHONE)
    hanna.goto(report_path(session))
    otto.goto(report_path(session))

    hanna.locator("#id_text").fill("Hanna's notes: maps matter.")
    hanna.get_by_role("button", name="Verslag bewaren").click()
    expect(hanna.locator(".messages")).to_contain_text("Het verslag is bewaard.")
    otto.locator("#id_text").fill("Otto's notes: budgets matter.")
    otto.get_by_role("button", name="Verslag bewaren").click()

    merge = otto.locator(".merge")
    expect(merge).to_be_visible()
    expect(merge.get_by_role("heading", name="Hun tekst (bewaard)")).to_be_visible()
    expect(merge.locator(".merge-theirs")).to_have_value("Hanna's notes: maps matter.")
    expect(merge.locator(".merge-yours")).to_have_text("Otto's notes: budgets matter.")
    expect(otto.locator("#id_text")).to_have_value("Otto's notes: budgets matter.")
    assert session_titled(session.title).report == "Hanna's notes: maps matter."
    shoot(otto, "samenvoegen")

    otto.locator("#id_text").fill("Hanna's notes: maps matter.\n\nOtto's notes: budgets matter.")
    otto.get_by_role("button", name="Samengevoegde tekst bewaren").click()

    expect(otto.locator(".messages")).to_contain_text("Het verslag is bewaard.")
    expect(otto.locator(".merge")).to_have_count(0)
    assert session_titled(session.title).report == (
        "Hanna's notes: maps matter.\n\nOtto's notes: budgets matter."
    )
    expect(otto.locator(".revision-list li")).to_have_count(2)
    shoot(otto, "samengevoegd")

    otto.locator(".revision-list li").nth(1).get_by_role(
        "button", name="Deze versie terugzetten"
    ).click()

    expect(otto.locator(".messages")).to_contain_text("is weer het verslag")
    shoot(otto, "teruggezet")
    expect(otto.locator("#id_text")).to_have_value("Hanna's notes: maps matter.")
    assert [r.author.name for r in session.report_revisions.all()] == [
        "Otto Other",
        "Otto Other",
        "Hanna Host",
    ]


def test_host_link_opens_one_session_in_a_fresh_browser(over: Event, page_for, shoot) -> None:
    session = session_titled("Participation budgets")
    other = session_titled("Open data in small towns")
    actions.send_host_links(event=over)
    otto_mail = next(
        m for m in mail.outbox if m.to == ["otto@example.org"] and session.title in m.subject
    )
    link = re.search(r"http://\S+/material/\S+/", otto_mail.body).group(0)
    page = page_for(None, PHONE)  # no account, no cookie

    page.goto(urlsplit(link).path)  # the mail's host is the configured one, not the test server

    expect(page).to_have_url(re.compile(rf"{report_path(session)}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sessieverslag")
    shoot(page, "via de link uit de mail")
    page.locator("#id_text").fill("Written from the mail.")
    page.get_by_role("button", name="Verslag bewaren").click()
    expect(page.locator(".messages")).to_contain_text("Het verslag is bewaard.")
    assert session_titled(session.title).report == "Written from the mail."
    response = page.goto(report_path(other))
    assert response is not None and response.status == 404

    actions.revoke_host_links(session=session)
    response = page.goto(report_path(session))
    assert response is not None and response.status == 404


def test_organiser_marks_held_assigns_themes_and_writes_a_synthesis(
    over: Event, page_for, shoot
) -> None:
    for name in ["Open data", "Participation", "Accessibility"]:
        make_theme(over, name=name)
    make_session(over, [person(over, "Otto Other")], title="Never placed")
    page = page_for(person(over, "Olga Organiser"))
    page.goto(f"/{SLUG}/organise/")

    page.get_by_role("link", name="Slides en verslagen").click()
    expect(page.locator(".summary-line")).to_contain_text("0 van 2 gehouden sessies hebben slides")
    row = page.locator("tr", has_text="Never placed")
    row.get_by_role("button", name=re.compile(r"^Gehouden")).click()
    expect(page.locator(".summary-line")).to_contain_text("0 van 3 gehouden sessies hebben slides")
    assert session_titled("Never placed").held is True
    shoot(page, "bord")

    page.goto(f"/{SLUG}/organise/")
    page.get_by_role("link", name="Thema’s en synthese").click()
    page.get_by_role("link", name="Sessies indelen in thema’s").click()
    box = page.get_by_role("button", name="“Participation budgets” in Participation")
    page.evaluate("window.notReloaded = true")
    box.click()
    expect(
        page.get_by_role("button", name="“Participation budgets” in Participation")
    ).to_have_attribute("aria-pressed", "true")
    page.get_by_role("button", name="“Open data in small towns” in Participation").click()
    page.get_by_role("button", name="“Open data in small towns” in Open data").click()
    expect(page.locator('.toggle-box[aria-pressed="true"]')).to_have_count(3)
    page.get_by_role("button", name="“Open data in small towns” in Participation").click()
    expect(page.locator('.toggle-box[aria-pressed="true"]')).to_have_count(2)
    assert page.evaluate("window.notReloaded") is True
    participation = Theme.objects.get(name="Participation")
    assert [s.title for s in participation.sessions.all()] == ["Participation budgets"]
    shoot(page, "indelen")

    page.get_by_role("link", name="Terug naar de thema’s").click()
    page.get_by_role("link", name="Participation", exact=True).click()
    page.locator("#id_synthesis").fill("Budgets work when **citizens** decide.")
    expect(page.locator("#preview-synthesis .prose strong")).to_have_text("citizens")
    page.get_by_role("button", name="Synthese bewaren").click()

    expect(page.locator(".messages")).to_contain_text("De synthese van “Participation” is bewaard.")
    assert Theme.objects.get(name="Participation").synthesis == (
        "Budgets work when **citizens** decide."
    )
    shoot(page, "synthese")


def test_theme_boxes_work_without_javascript(over: Event, new_context, sign_in) -> None:
    make_theme(over, name="Open data")
    context = new_context(java_script_enabled=False, **DESKTOP)
    sign_in(context, person(over, "Olga Organiser").user)
    page = context.new_page()
    page.goto(f"/{SLUG}/organise/themes/assign/")

    page.get_by_role("button", name="“Participation budgets” in Open data").click()

    expect(
        page.get_by_role("button", name="“Participation budgets” in Open data")
    ).to_have_attribute("aria-pressed", "true")
    assert [s.title for s in Theme.objects.get(name="Open data").sessions.all()] == [
        "Participation budgets"
    ]


@pytest.mark.parametrize(
    "path",
    [
        "/{slug}/sessions/{pk}/report/",
        "/{slug}/organise/material/",
        "/{slug}/organise/themes/",
        "/{slug}/organise/themes/assign/",
        "/{slug}/organise/themes/{theme}/",
        "/{slug}/organise/texts/",
    ],
)
def test_report_and_theme_pages_have_no_serious_violations(
    over: Event, page_for, axe_source: str, path: str
) -> None:
    from tests.browser.test_accessibility import assert_accessible

    session = session_titled("Open data in small towns")
    actions.save_report(session=session, text="## Summary\n\nDone.", based_on=None, by=None)
    theme = make_theme(over, name="Open data")
    session.themes.add(theme)
    page = page_for(person(over, "Olga Organiser"), PHONE)

    page.goto(path.format(slug=SLUG, pk=session.pk, theme=theme.pk))

    assert_accessible(page, axe_source)
