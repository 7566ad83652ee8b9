"""Row 27 of the reliability plan: the critical path in one go, in Chromium, one person after
another as on the day: a host proposes a session, a participant votes for it, the organiser
places it in the grid, the host uploads slides, and the organiser builds the event report and
downloads its PDF and ZIP, which hold the session and its slides. Screenshots of each step go
to test-artifacts/ (smoke-*.png).

The phase changes between the steps are made directly (the dashboard's phase buttons have
their own tests); everything a person does goes through the browser. The worker runs in the
test's thread, as in tests/browser/test_event_report.py."""

import re
import zipfile
from pathlib import Path

import pypdfium2
import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from sessions_app.models import Attachment, Event, Participant, Placement, Session, Vote
from tests.browser.conftest import (  # noqa: F401 - the browser fixtures, outside tests/browser
    artifacts_dir,
    base_url,
    browser_context_args,
    browser_type_launch_args,
    sign_in,
)
from tests.browser.test_event_report import QuietPolls
from tests.factories import make_event, make_participant, make_room, make_slot
from tests.test_slides import pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TITLE = "Open data in the council"


def test_propose_vote_place_upload_and_download_the_report(
    new_context,
    sign_in,  # noqa: F811 - the fixture imported above
    artifacts_dir: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    event = make_event(slug="smoke-camp", name="Smoke camp", language="en")
    organiser = make_participant(event, "Olga", role=Participant.Role.ORGANISER)
    host = make_participant(event, "Hanne Host")
    voter = make_participant(event, "Vera Voter")
    room = make_room(event, name="Aula", capacity=40)
    slot = make_slot(event, "10:00", "10:45")

    def page_of(person: Participant):
        context = new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        sign_in(context, person.user)
        return context.new_page()

    def shoot(page, step: str) -> None:
        page.screenshot(path=artifacts_dir / f"smoke-{step}.png", full_page=True)

    # 1. the host proposes
    hosting = page_of(host)
    hosting.goto(f"/{event.slug}/propose/")
    hosting.locator("#id_title").fill(TITLE)
    hosting.locator("#id_description").fill("What the council decides, as **open data**.")
    hosting.locator(".proposal-form button.primary").click()
    expect(hosting.get_by_role("heading", level=1)).to_have_text(TITLE)
    shoot(hosting, "1-proposed")
    session = Session.objects.get(title=TITLE)

    # 2. a participant votes
    Event.objects.filter(pk=event.pk).update(phase=Event.Phase.VOTING)
    voting = page_of(voter)
    voting.goto(f"/{event.slug}/proposals/")
    card = voting.locator(".session-card").filter(has_text=TITLE)
    card.locator("button.vote-button").click()
    expect(card.locator("button.vote-button")).to_have_class(re.compile(r"\bvoted\b"))
    shoot(voting, "2-voted")
    assert Vote.objects.filter(participant=voter, session=session).count() == 1

    # 3. the organiser places it in the grid
    organising = page_of(organiser)
    organising.goto(f"/{event.slug}/organise/grid/")
    organising.locator(f'#grid [data-session="{session.pk}"]').get_by_role(
        "link", name=re.compile("^Choose")
    ).click()
    cell = organising.locator(f"#cell-{slot.pk}-{room.pk}")
    cell.locator("button.place").click()
    expect(cell).to_contain_text(TITLE)
    shoot(organising, "3-placed")
    assert Placement.objects.filter(session=session, room=room, slot=slot).exists()

    # 4. after the session, the host uploads the slides
    Event.objects.filter(pk=event.pk).update(phase=Event.Phase.PUBLISHED)
    hosting.goto(f"/{event.slug}/sessions/{session.pk}/slides/")
    hosting.locator("#id_title").fill("Council data")
    hosting.locator("#id_file").set_input_files(
        {"name": "council.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
    )
    hosting.get_by_role("button", name="Upload").click()
    expect(hosting.locator("#attachments .message-success")).to_have_text("The file is uploaded.")
    shoot(hosting, "4-uploaded")
    assert Attachment.objects.filter(session=session).count() == 1

    # 5. the organiser builds the report and downloads the PDF and the ZIP
    polls = QuietPolls(organising)
    organising.goto(f"/{event.slug}/report/")
    organising.get_by_role("button", name="Build the report").click()
    panel = organising.locator("#build-panel")
    expect(panel.get_by_role("status")).to_contain_text("Waiting for the background worker")
    polls.run_one_task()
    polls.run_one_task()
    download_pdf = panel.get_by_role("link", name=re.compile("Download the PDF"))
    expect(download_pdf).to_be_visible(timeout=10_000)
    shoot(organising, "5-built")
    with organising.expect_download() as pdf_download:
        download_pdf.click()
    pdf_download.value.save_as(tmp_path / "report.pdf")
    with organising.expect_download() as zip_download:
        panel.get_by_role("link", name=re.compile("Download the ZIP")).click()
    zip_download.value.save_as(tmp_path / "report.zip")

    document = pypdfium2.PdfDocument(tmp_path / "report.pdf")
    text = " ".join(page.get_textpage().get_text_range() for page in document)
    document.close()
    assert TITLE in text
    with zipfile.ZipFile(tmp_path / "report.zip") as archive:
        assert archive.testzip() is None
        slides = [n for n in archive.namelist() if n.endswith(".pdf") and "council" in n.lower()]
        assert slides, archive.namelist()
        assert archive.read(slides[0]) == pdf_bytes()
    call_command("check_media")  # and the files agree with the rows
