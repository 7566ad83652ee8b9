"""An organiser builds the event report in a real browser, in Dutch (the default language): one
click on "Verslag maken", the progress panel follows the worker by itself (htmx polls every
second), and the PDF and ZIP download buttons appear; both downloads are read back, the PDF in
Dutch. Then the report is published and a visitor who is not signed in downloads the PDF on a
phone. The build and the downloads are repeated for an English event.

The worker runs in the test's own thread, one task at a time (`db_worker --batch --max-tasks
1`), so the page can be seen between the PDF being ready and the ZIP being built."""

import json
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pypdfium2
import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, BrowserContext, Page, Request, Route, expect
from pytest_django.live_server_helper import LiveServer
from pytest_playwright.pytest_playwright import CreateContextCallback

from sessions_app.models import Event, Participant
from tests.browser.conftest import ENGLISH, Steps, overflow
from tests.exports.test_event_report import build_report_event
from tests.factories import make_event, make_participant

pytestmark = pytest.mark.django_db(transaction=True)


def run_one_task() -> None:
    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--no-reload", "--max-tasks", "1", interval=0
    )


class QuietPolls:
    """The live server shares the test's SQLite connection, so the worker (in this thread) and
    a progress poll must not use it at the same moment. Polls go through a route, which
    Playwright only lets through while this thread waits on the browser: during `run_one_task`
    they are held in the browser and answered afterwards, as from a busy server."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.in_flight = 0
        page.route("**/organise/report/progress/", self.let_through)
        page.on("requestfinished", self.done)
        page.on("requestfailed", self.done)

    def let_through(self, route: Route) -> None:
        self.in_flight += 1
        route.continue_()

    def done(self, request: Request) -> None:
        if "/organise/report/progress/" in request.url:
            self.in_flight -= 1

    def run_one_task(self) -> None:
        while self.in_flight > 0:  # a poll under way finishes first
            self.page.wait_for_event("requestfinished")
        run_one_task()


def report_event(language: str) -> tuple[Event, Participant, dict]:
    event = make_event(slug="report-camp", name="Report camp")
    organiser = make_participant(event, name="Olga", role=Participant.Role.ORGANISER)
    sessions = build_report_event(event)  # in English: the event's language follows
    Event.objects.filter(pk=event.pk).update(language=language)
    event.refresh_from_db()
    return event, organiser, sessions


def pdf_text(path: Path) -> str:
    document = pypdfium2.PdfDocument(path)
    try:
        return " ".join(p.get_textpage().get_text_range() for p in document)
    finally:
        document.close()


def test_organiser_builds_watches_progress_and_downloads_pdf_and_zip(
    new_context: CreateContextCallback,
    sign_in: Callable[[BrowserContext, object], None],
    steps: Steps,
    tmp_path: Path,
) -> None:
    event, organiser, sessions = report_event("nl")
    context = new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    sign_in(context, organiser.user)
    page = context.new_page()
    polls = QuietPolls(page)

    page.goto(f"/{event.slug}/organise/")
    page.get_by_role("link", name="Evenementverslag").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report camp")
    expect(
        page.get_by_text("Niet gepubliceerd: alleen organisatoren zien deze pagina.")
    ).to_be_visible()
    steps(page, "verslagpagina")
    page.get_by_role("button", name="Verslag maken").click()

    panel = page.locator("#build-panel")
    expect(panel.get_by_role("status")).to_contain_text("Wacht op het achtergrondproces")
    expect(panel.locator("progress")).to_have_count(2)
    steps(page, "in de wachtrij")

    polls.run_one_task()  # the PDF
    expect(panel.get_by_role("status")).to_contain_text("Klaar", timeout=10_000)
    expect(panel.locator("progress").first).to_have_attribute("value", "100")
    steps(page, "pdf klaar")

    polls.run_one_task()  # the ZIP
    download_pdf = panel.get_by_role("link", name=re.compile("Download de PDF"))
    expect(download_pdf).to_be_visible(timeout=10_000)
    steps(page, "pdf en zip klaar")

    with page.expect_download() as pdf_download:
        download_pdf.click()
    pdf_path = tmp_path / "report.pdf"
    pdf_download.value.save_as(pdf_path)
    with page.expect_download() as zip_download:
        panel.get_by_role("link", name=re.compile("Download de ZIP")).click()
    zip_path = tmp_path / "report.zip"
    zip_download.value.save_as(zip_path)

    assert pdf_download.value.suggested_filename == "evenementverslag-report-camp.pdf"
    text = pdf_text(pdf_path)
    for heading in ("Inhoud", "In cijfers", "De sessies", "Gehouden sessies"):
        assert heading in text
    for session in sessions["held"]:
        assert session.report in text
    with zipfile.ZipFile(zip_path) as archive:
        assert json.loads(archive.read("event.json"))["event"]["slug"] == "report-camp"
        assert "evenementverslag-report-camp.pdf" in archive.namelist()

    page.get_by_role("button", name="Verslag publiceren").click()
    expect(page.get_by_text("Het evenementverslag is nu openbaar.")).to_be_visible()
    assert Event.objects.get(pk=event.pk).report_published is True
    steps(page, "gepubliceerd")

    visitor = new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    public = visitor.new_page()
    public.goto(f"/{event.slug}/report/")
    expect(public.get_by_role("heading", name="Reaching fathers")).to_be_visible()
    expect(public.get_by_role("heading", name="De sessies")).to_be_visible()
    with public.expect_download() as public_pdf:
        public.get_by_role("link", name=re.compile("^PDF")).click()
    assert public_pdf.value.suggested_filename == "evenementverslag-report-camp.pdf"
    steps(public, "openbaar op een smartphone")
    assert overflow(public) == 0


def test_in_english_the_organiser_builds_and_downloads_the_report(
    browser: Browser,
    live_server: LiveServer,
    sign_in: Callable[[BrowserContext, object], None],
    steps: Steps,
    tmp_path: Path,
) -> None:
    event, organiser, sessions = report_event("en")
    context = browser.new_context(
        base_url=live_server.url,
        accept_downloads=True,
        viewport={"width": 1280, "height": 900},
        **ENGLISH,
    )
    sign_in(context, organiser.user)
    page = context.new_page()
    polls = QuietPolls(page)
    page.goto(f"/{event.slug}/report/")
    expect(page.get_by_text("Not published: only organisers see this page.")).to_be_visible()

    page.get_by_role("button", name="Build the report").click()
    panel = page.locator("#build-panel")
    expect(panel.get_by_role("status")).to_contain_text("Waiting for the background worker")
    polls.run_one_task()
    polls.run_one_task()
    download_pdf = panel.get_by_role("link", name=re.compile("Download the PDF"))
    expect(download_pdf).to_be_visible(timeout=10_000)
    steps(page, "built in English")
    with page.expect_download() as pdf_download:
        download_pdf.click()
    pdf_download.value.save_as(tmp_path / "report.pdf")
    assert pdf_download.value.suggested_filename == "event-report-report-camp.pdf"

    text = pdf_text(tmp_path / "report.pdf")
    assert "The sessions" in text
    for session in sessions["held"]:
        assert session.report in text
    context.close()
