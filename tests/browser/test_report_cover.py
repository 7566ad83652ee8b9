"""An organiser puts a picture on the event report's cover in a real browser, in Dutch: chosen
and sent from the report page, the cover's part of the page shows it at once (htmx), a file
that is no picture gets its message there, and "Afbeelding verwijderen" takes it off again.
Without JavaScript the same form posts and comes back to the page with the message on top."""

import io
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from sessions_app.models import Event, Participant
from tests.browser.conftest import Steps
from tests.factories import make_event, make_participant

pytestmark = pytest.mark.django_db(transaction=True)


def logo(tmp_path: Path, name: str = "logo.png") -> Path:
    path = tmp_path / name
    Image.new("RGB", (2400, 800), "#f4b400").save(path, format="PNG")
    return path


def camp() -> tuple[Event, Participant]:
    event = make_event(slug="cover-camp", name="Cover camp", phase=Event.Phase.ARCHIVED)
    organiser = make_participant(event, name="Olga", role=Participant.Role.ORGANISER)
    return event, organiser


def test_an_organiser_uploads_and_removes_the_cover_picture(
    new_context: CreateContextCallback, sign_in, steps: Steps, tmp_path: Path
) -> None:
    event, organiser = camp()
    context = new_context()
    sign_in(context, organiser.user)
    page = context.new_page()
    page.goto(f"/{event.slug}/report/")
    cover = page.locator("#report-cover")
    expect(cover.get_by_text("Nog geen afbeelding")).to_be_visible()

    cover.get_by_label("Een afbeelding of logo in PNG of JPEG").set_input_files(logo(tmp_path))
    cover.get_by_role("button", name="Afbeelding uploaden").click()

    expect(page.locator("#report-cover [role=status]")).to_have_text(
        "De omslagafbeelding is opgeslagen."
    )
    picture = page.locator("#report-cover img")
    expect(picture).to_be_visible()
    # decode() waits until the picture has loaded (and fails if it is none)
    size = picture.evaluate("img => img.decode().then(() => [img.naturalWidth, img.naturalHeight])")
    assert size == [1600, 533]
    steps(page, "picture uploaded")

    not_a_picture = tmp_path / "slides.png"
    not_a_picture.write_bytes(b"%PDF-1.4 not a picture")
    page.locator("#report-cover input[type=file]").set_input_files(not_a_picture)
    page.locator("#report-cover").get_by_role("button", name="Afbeelding vervangen").click()

    expect(page.locator("#report-cover [role=alert]")).to_contain_text(
        "Dit is geen afbeelding die we kunnen gebruiken"
    )
    expect(page.locator("#report-cover img")).to_be_visible()  # the old one stays
    steps(page, "not a picture refused")

    page.locator("#report-cover").get_by_role("button", name="Afbeelding verwijderen").click()

    expect(page.locator("#report-cover [role=status]")).to_have_text(
        "De omslagafbeelding is verwijderd."
    )
    expect(page.locator("#report-cover img")).to_have_count(0)
    assert not Event.objects.get(pk=event.pk).cover


def test_without_javascript_the_form_posts_and_comes_back(
    new_context: CreateContextCallback, sign_in, steps: Steps, tmp_path: Path
) -> None:
    event, organiser = camp()
    context = new_context(java_script_enabled=False)
    sign_in(context, organiser.user)
    page = context.new_page()
    page.goto(f"/{event.slug}/report/")

    page.get_by_label("Een afbeelding of logo in PNG of JPEG").set_input_files(logo(tmp_path))
    page.get_by_role("button", name="Afbeelding uploaden").click()

    expect(page.get_by_text("De omslagafbeelding is opgeslagen.")).to_be_visible()
    assert page.url.endswith(f"/{event.slug}/report/#report-cover")
    expect(page.locator("#report-cover img")).to_be_visible()
    steps(page, "uploaded without javascript")
    with Event.objects.get(pk=event.pk).cover.open("rb") as stored:
        assert Image.open(io.BytesIO(stored.read())).size == (1600, 533)
