"""Row 27 of the reliability plan: the critical path in one go, in Chromium, one person after
another as on the day: a host proposes a session, a participant votes for it, the organiser
places it in the grid, the host uploads slides, and the organiser builds the event report and
downloads its PDF and ZIP, which hold the session and its slides. Screenshots of each step go
to test-artifacts/ (smoke-*.png).

The phase changes between the steps are made directly (the dashboard's phase buttons have
their own tests); everything a person does goes through the browser. The worker runs in the
test's thread, as in tests/browser/test_event_report.py.

It runs in Dutch (the default language), reading the Dutch a person reads, and once more in
English. Screenshots of each step go to test-artifacts/<test>/."""

import re
import zipfile
from pathlib import Path

import pypdfium2
import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from sessions_app.models import Attachment, Event, Participant, Placement, Session, Vote
from tests.browser.conftest import (  # noqa: F401 - the browser fixtures, outside tests/browser
    ENGLISH,
    Steps,
    artifacts_dir,
    base_url,
    browser_context_args,
    browser_type_launch_args,
    sign_in,
    steps,
)
from tests.browser.test_event_report import QuietPolls
from tests.factories import make_event, make_participant, make_room, make_slot
from tests.sample_files import pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TITLE = "Open data in the council"
# What a person reads, in the event's language (Dutch from the catalogue).
WORDS = {
    "nl": {
        "propose": "Voorstellen",
        "vote": "+1 Stem",
        "voted": "✓ Gestemd",
        "choose": "Kies",
        "place": "Hier plaatsen",
        "upload": "Uploaden",
        "uploaded": "Het bestand is geüpload.",
        "build": "Verslag maken",
        "waiting": "Wacht op het achtergrondproces",
        "pdf": "Download de PDF",
        "zip": "Download de ZIP",
    },
    "en": {
        "propose": "Propose",
        "vote": "+1 Vote",
        "voted": "✓ Voted",
        "choose": "Choose",
        "place": "Place here",
        "upload": "Upload",
        "uploaded": "The file is uploaded.",
        "build": "Build the report",
        "waiting": "Waiting for the background worker",
        "pdf": "Download the PDF",
        "zip": "Download the ZIP",
    },
}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_propose_vote_place_upload_and_download_the_report(
    browser,
    live_server,
    sign_in,  # noqa: F811 - the fixture imported above
    steps: Steps,  # noqa: F811
    tmp_path: Path,
    language: str,
) -> None:
    words = WORDS[language]
    event = make_event(slug="smoke-camp", name="Smoke camp", language=language)
    organiser = make_participant(event, "Olga", role=Participant.Role.ORGANISER)
    host = make_participant(event, "Hanne Host")
    voter = make_participant(event, "Vera Voter")
    room = make_room(event, name="Aula", capacity=40)
    slot = make_slot(event, "10:00", "10:45")

    asks_for = ENGLISH if language == "en" else {"locale": "nl-BE"}

    def page_of(person: Participant):
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": 1280, "height": 900},
            accept_downloads=True,
            **asks_for,
        )
        sign_in(context, person.user)
        return context.new_page()

    shoot = steps

    # 1. the host proposes
    hosting = page_of(host)
    hosting.goto(f"/{event.slug}/propose/")
    hosting.locator("#id_title").fill(TITLE)
    hosting.locator("#id_description").fill("What the council decides, as **open data**.")
    hosting.locator(".proposal-form").get_by_role("button", name=words["propose"]).click()
    expect(hosting.get_by_role("heading", level=1)).to_have_text(TITLE)
    shoot(hosting, "proposed")
    session = Session.objects.get(title=TITLE)

    # 2. a participant votes
    Event.objects.filter(pk=event.pk).update(phase=Event.Phase.VOTING)
    voting = page_of(voter)
    voting.goto(f"/{event.slug}/proposals/")
    card = voting.locator(".session-card").filter(has_text=TITLE)
    card.get_by_role("button", name=words["vote"]).click()
    expect(card.locator("button.vote-button")).to_have_class(re.compile(r"\bvoted\b"))
    expect(card.locator("button.vote-button")).to_contain_text(words["voted"])
    shoot(voting, "voted")
    assert Vote.objects.filter(participant=voter, session=session).count() == 1

    # 3. the organiser places it in the grid
    organising = page_of(organiser)
    organising.goto(f"/{event.slug}/organise/grid/")
    organising.locator(f'#grid [data-session="{session.pk}"]').get_by_role(
        "link", name=re.compile(f"^{words['choose']}")
    ).click()
    cell = organising.locator(f"#cell-{slot.pk}-{room.pk}")
    cell.get_by_role("button", name=re.compile(words["place"])).click()
    expect(cell).to_contain_text(TITLE)
    shoot(organising, "placed")
    assert Placement.objects.filter(session=session, room=room, slot=slot).exists()

    # 4. after the session, the host uploads the slides
    Event.objects.filter(pk=event.pk).update(phase=Event.Phase.PUBLISHED)
    hosting.goto(f"/{event.slug}/sessions/{session.pk}/slides/")
    hosting.locator("#id_title").fill("Council data")
    hosting.locator("#id_file").set_input_files(
        {"name": "council.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
    )
    hosting.get_by_role("button", name=words["upload"]).click()
    expect(hosting.locator("#attachments .message-success")).to_have_text(words["uploaded"])
    shoot(hosting, "uploaded")
    assert Attachment.objects.filter(session=session).count() == 1

    # 5. the organiser builds the report and downloads the PDF and the ZIP
    polls = QuietPolls(organising)
    organising.goto(f"/{event.slug}/report/")
    organising.get_by_role("button", name=words["build"]).click()
    panel = organising.locator("#build-panel")
    expect(panel.get_by_role("status")).to_contain_text(words["waiting"])
    polls.run_one_task()
    polls.run_one_task()
    download_pdf = panel.get_by_role("link", name=re.compile(words["pdf"]))
    expect(download_pdf).to_be_visible(timeout=10_000)
    shoot(organising, "built")
    with organising.expect_download() as pdf_download:
        download_pdf.click()
    pdf_download.value.save_as(tmp_path / "report.pdf")
    with organising.expect_download() as zip_download:
        panel.get_by_role("link", name=re.compile(words["zip"])).click()
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
