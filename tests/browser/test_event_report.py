"""An organiser builds the event report in a real browser: one click on "Build the report", the
progress panel follows the worker by itself (htmx polls every second), and the PDF and ZIP
download buttons appear; both downloads are read back. Then the report is published and a
visitor who is not signed in downloads the PDF too.

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
from playwright.sync_api import BrowserContext, Page, Request, Route, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from sessions_app.models import Event, Participant
from tests.factories import make_event, make_participant
from tests.test_event_report import build_report_event

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
        while self.in_flight > 0:
            self.page.wait_for_timeout(20)
        run_one_task()


def test_organiser_builds_watches_progress_and_downloads_pdf_and_zip(
    new_context: CreateContextCallback,
    sign_in: Callable[[BrowserContext, object], None],
    artifacts_dir: Path,
    tmp_path: Path,
) -> None:
    event = make_event(slug="report-camp", name="Report camp", language="en")
    organiser = make_participant(event, name="Olga", role=Participant.Role.ORGANISER)
    sessions = build_report_event(event)
    context = new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    sign_in(context, organiser.user)
    page = context.new_page()
    polls = QuietPolls(page)

    page.goto(f"/{event.slug}/organise/")
    page.get_by_role("link", name="Event report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report camp")
    expect(page.get_by_text("Not published: only organisers see this page.")).to_be_visible()
    page.get_by_role("button", name="Build the report").click()

    panel = page.locator("#build-panel")
    expect(panel.get_by_role("status")).to_contain_text("Waiting for the background worker")
    expect(panel.locator("progress")).to_have_count(2)
    page.screenshot(path=artifacts_dir / "event-report-1-queued.png", full_page=True)

    polls.run_one_task()  # the PDF
    expect(panel.get_by_role("status")).to_contain_text("Ready", timeout=10_000)
    expect(panel.locator("progress").first).to_have_attribute("value", "100")
    page.screenshot(path=artifacts_dir / "event-report-2-pdf-ready.png", full_page=True)

    polls.run_one_task()  # the ZIP
    download_pdf = panel.get_by_role("link", name=re.compile("Download the PDF"))
    expect(download_pdf).to_be_visible(timeout=10_000)
    page.screenshot(path=artifacts_dir / "event-report-3-ready.png", full_page=True)

    with page.expect_download() as pdf_download:
        download_pdf.click()
    pdf_path = tmp_path / "report.pdf"
    pdf_download.value.save_as(pdf_path)
    with page.expect_download() as zip_download:
        panel.get_by_role("link", name=re.compile("Download the ZIP")).click()
    zip_path = tmp_path / "report.zip"
    zip_download.value.save_as(zip_path)

    assert pdf_download.value.suggested_filename == "report-camp-report.pdf"
    document = pypdfium2.PdfDocument(pdf_path)
    text = " ".join(p.get_textpage().get_text_range() for p in document)
    document.close()
    for session in sessions["held"]:
        assert session.report in text
    with zipfile.ZipFile(zip_path) as archive:
        assert json.loads(archive.read("event.json"))["event"]["slug"] == "report-camp"
        assert "report-camp-report.pdf" in archive.namelist()

    page.get_by_role("button", name="Publish the report").click()
    expect(page.get_by_text("The event report is public now.")).to_be_visible()
    assert Event.objects.get(pk=event.pk).report_published is True

    visitor = new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    public = visitor.new_page()
    public.goto(f"/{event.slug}/report/")
    expect(public.get_by_role("heading", name="Reaching fathers")).to_be_visible()
    with public.expect_download() as public_pdf:
        public.get_by_role("link", name=re.compile("^PDF")).click()
    assert public_pdf.value.suggested_filename == "report-camp-report.pdf"
    widths = public.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    public.screenshot(path=artifacts_dir / "event-report-4-public-phone.png", full_page=True)
    assert widths == [390, 390]
