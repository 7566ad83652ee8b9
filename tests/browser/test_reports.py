"""After the event, in a real browser: a host writes the session report with a live preview on
a phone; a second writer's save that crossed the first gets the merge screen with both texts,
merges and saves; an earlier version is restored; a host follows the mailed link in a fresh
browser and may write that session's report only; an organiser marks sessions held, puts
sessions in themes with one click each and writes a synthesis."""

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import Page, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from sessions_app import actions
from sessions_app.models import Event, Participant, Session, Theme
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


@pytest.fixture
def over() -> Event:
    """An English event that is over, with two placed sessions by two hosts, and an organiser."""
    event = make_event(slug=SLUG, name="Open Overheid Camp", language="en", phase="archived")
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
def shoot(artifacts_dir: Path, request: pytest.FixtureRequest) -> Callable[[Page, str], None]:
    test = request.node.originalname.removeprefix("test_")

    def shoot(page: Page, step: str) -> None:
        width = page.viewport_size["width"]
        assert page.evaluate("document.documentElement.scrollWidth") <= width, step
        page.screenshot(path=artifacts_dir / f"reports-{test}-{step}.png", full_page=True)

    return shoot


def test_host_writes_a_report_on_a_phone(over: Event, page_for, shoot) -> None:
    session = session_titled("Open data in small towns")
    page = page_for(person(over, "Hanna Host"), PHONE)
    page.goto(session.get_absolute_url())

    page.locator(".report-link a").click()

    expect(page).to_have_url(re.compile(rf"{report_path(session)}$"))
    editor = page.locator("#id_text")
    expect(editor).to_have_value(re.compile(r"^## Summary"))  # the standard structure
    editor.fill("## Summary\n\nWe mapped **twelve** towns.\n\n- open budgets\n- maps")
    expect(page.locator("#preview-text .prose strong")).to_have_text("twelve")  # live preview
    shoot(page, "1-writing")
    page.locator(".report-form button.primary").click()

    expect(page.locator(".messages")).to_contain_text("The report is saved.")
    expect(page.locator(".revision-list li")).to_have_count(1)
    shoot(page, "2-saved")
    page.goto(session.get_absolute_url())
    expect(page.locator("#report + .prose strong")).to_have_text("twelve")
    assert session_titled("Open data in small towns").report_revisions.get().author.name == (
        "Hanna Host"
    )


def test_second_writer_gets_the_merge_screen_merges_and_restores(
    over: Event, page_for, shoot
) -> None:
    session = session_titled("Open data in small towns")
    hanna = page_for(person(over, "Hanna Host"))
    otto = page_for(person(over, "Otto Other"), PHONE)
    hanna.goto(report_path(session))
    otto.goto(report_path(session))

    hanna.locator("#id_text").fill("Hanna's notes: maps matter.")
    hanna.locator(".report-form button.primary").click()
    expect(hanna.locator(".messages")).to_contain_text("The report is saved.")
    otto.locator("#id_text").fill("Otto's notes: budgets matter.")
    otto.locator(".report-form button.primary").click()

    merge = otto.locator(".merge")
    expect(merge).to_be_visible()
    expect(merge.locator(".merge-theirs")).to_have_value("Hanna's notes: maps matter.")
    expect(merge.locator(".merge-yours")).to_have_text("Otto's notes: budgets matter.")
    expect(otto.locator("#id_text")).to_have_value("Otto's notes: budgets matter.")
    assert session_titled(session.title).report == "Hanna's notes: maps matter."
    shoot(otto, "1-merge")

    otto.locator("#id_text").fill("Hanna's notes: maps matter.\n\nOtto's notes: budgets matter.")
    otto.locator(".report-form button.primary").click()

    expect(otto.locator(".messages")).to_contain_text("The report is saved.")
    expect(otto.locator(".merge")).to_have_count(0)
    assert session_titled(session.title).report == (
        "Hanna's notes: maps matter.\n\nOtto's notes: budgets matter."
    )
    expect(otto.locator(".revision-list li")).to_have_count(2)
    shoot(otto, "2-merged")

    otto.locator(".revision-list li").nth(1).get_by_role("button").click()

    expect(otto.locator(".messages")).to_contain_text("is the report again")
    expect(otto.locator("#id_text")).to_have_value("Hanna's notes: maps matter.")
    assert [r.author.name for r in session.report_revisions.all()] == [
        "Otto Other",
        "Otto Other",
        "Hanna Host",
    ]


def test_host_link_opens_one_session_in_a_fresh_browser(over: Event, page_for) -> None:
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
    page.locator("#id_text").fill("Written from the mail.")
    page.locator(".report-form button.primary").click()
    expect(page.locator(".messages")).to_contain_text("The report is saved.")
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

    page.get_by_role("link", name="Slides and reports").click()
    expect(page.locator(".summary-line")).to_contain_text("0 of 2 held sessions have slides")
    row = page.locator("tr", has_text="Never placed")
    row.get_by_role("button", name=re.compile(r"^Held")).click()
    expect(page.locator(".summary-line")).to_contain_text("0 of 3 held sessions have slides")
    assert session_titled("Never placed").held is True
    shoot(page, "1-board")

    page.goto(f"/{SLUG}/organise/")
    page.get_by_role("link", name="Themes and synthesis").click()
    page.get_by_role("link", name="Put sessions in themes").click()
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
    shoot(page, "2-assign")

    page.get_by_role("link", name="Back to the themes").click()
    page.get_by_role("link", name="Participation", exact=True).click()
    page.locator("#id_synthesis").fill("Budgets work when **citizens** decide.")
    expect(page.locator("#preview-synthesis .prose strong")).to_have_text("citizens")
    page.locator("form button.primary").click()

    expect(page.locator(".messages")).to_contain_text("is saved")
    assert Theme.objects.get(name="Participation").synthesis == (
        "Budgets work when **citizens** decide."
    )
    shoot(page, "3-synthesis")


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
