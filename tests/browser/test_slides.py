"""Slides in a real browser (issue 6), in Dutch (the default language): a host on a phone uploads
a PDF and a PPTX and sees the PDF's thumbnail; drag and drop; a refused file gets its message
in place; a cancelled upload leaves nothing behind; and the plain form works with JavaScript
off. Uploading is repeated in English. The steps leave screenshots in test-artifacts/."""

import base64
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from sessions_app.models import Attachment, Event, Participant, Session
from tests.browser.conftest import ENGLISH, Steps, overflow
from tests.factories import make_event, make_participant, make_session
from tests.sample_files import EXE, pdf_bytes, pptx_bytes, stored_files

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "oocamp-2026"
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
}


def make_camp(language: str = "nl") -> tuple[Event, Participant, Session]:
    event = make_event(slug=SLUG, name="Open Overheid Camp 2026", language=language)
    host = make_participant(event, name="Hanne Host")
    session = make_session(event, [host], title="Open data in de gemeenteraad")
    return event, host, session


@pytest.fixture
def camp() -> tuple[Event, Participant, Session]:
    return make_camp()


@pytest.fixture
def host_page(
    camp, new_context: CreateContextCallback, sign_in: Callable[[BrowserContext, Any], None]
) -> Callable[..., Page]:
    """`host_page(**context_args)`: a phone-sized page signed in as the session's host."""

    def host_page(**context_args: Any) -> Page:
        context = new_context(**(PHONE | context_args))
        sign_in(context, camp[1].user)
        return context.new_page()

    return host_page


def slides_path(session: Session) -> str:
    return f"/{SLUG}/sessions/{session.pk}/slides/"


def shoot(page: Page, steps: Steps, step: str) -> None:
    """A full-page screenshot, after checking the page does not scroll sideways on a phone."""
    assert overflow(page) == 0, step
    steps(page, step)


def choose(page: Page, name: str, data: bytes, mime: str = "application/octet-stream") -> None:
    page.locator("#id_file").set_input_files({"name": name, "mimeType": mime, "buffer": data})


def expect_thumbnail_loaded(page: Page, title: str) -> None:
    item = page.locator(".attachment").filter(has_text=title)
    image = item.locator("img.attachment-thumbnail")
    expect(image).to_be_visible()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )


def test_host_on_a_phone_uploads_a_pdf_and_a_pptx_and_sees_the_thumbnail(
    camp, host_page, steps: Steps, media_root: Path
) -> None:
    event, host, session = camp
    page = host_page()
    page.goto(session.get_absolute_url())
    page.get_by_role("link", name="Slides toevoegen").click()
    expect(page).to_have_url(re.compile(rf"{slides_path(session)}$"))
    shoot(page, steps, "leeg")

    page.locator("#id_title").fill("Raadsdata in één oogopslag")
    choose(page, "raad.pdf", pdf_bytes(), "application/pdf")
    page.get_by_role("button", name="Uploaden").click()

    expect(page.locator("#attachments .message-success")).to_have_text("Het bestand is geüpload.")
    expect_thumbnail_loaded(page, "Raadsdata in één oogopslag")
    expect(page.locator("#id_title")).to_have_value("")  # the form is ready for the next one

    choose(page, "Besluiten.pptx", pptx_bytes())
    page.get_by_role("button", name="Uploaden").click()

    expect(page.locator(".attachment")).to_have_count(2)
    deck = page.locator(".attachment").filter(has_text="Besluiten")
    expect(deck.locator("img.attachment-icon")).to_be_visible()
    expect(deck.locator(".attachment-meta")).to_contain_text("PowerPoint")
    shoot(page, steps, "geupload")
    assert list(session.attachments.values_list("title", "content_type")) == [
        ("Raadsdata in één oogopslag", "application/pdf"),
        ("Besluiten", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ]

    page.goto(session.get_absolute_url())
    expect_thumbnail_loaded(page, "Raadsdata in één oogopslag")
    with page.expect_download() as download_info:
        page.locator(".session-material .attachment-title", has_text="Besluiten").click()
    assert download_info.value.suggested_filename == "Besluiten.pptx"
    shoot(page, steps, "sessiepagina")


def test_in_english_a_host_uploads_slides(
    browser, live_server, sign_in, steps: Steps, media_root: Path
) -> None:
    event, host, session = make_camp("en")
    context = browser.new_context(base_url=live_server.url, **ENGLISH, **PHONE)
    sign_in(context, host.user)
    page = context.new_page()
    page.goto(session.get_absolute_url())

    page.get_by_role("link", name="Add slides").click()
    page.locator("#id_title").fill("Council data")
    choose(page, "council.pdf", pdf_bytes(), "application/pdf")
    page.get_by_role("button", name="Upload").click()

    expect(page.locator("#attachments .message-success")).to_have_text("The file is uploaded.")
    expect_thumbnail_loaded(page, "Council data")
    shoot(page, steps, "uploaded in English")
    context.close()


def test_drag_and_drop_shows_progress_and_uploads(camp, host_page, steps: Steps) -> None:
    event, host, session = camp
    page = host_page()
    page.goto(slides_path(session))
    expect(page.locator("[data-drop-hint]")).to_be_visible()
    transfer = page.evaluate_handle(
        """(b64) => {
            const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], "dropped.pdf", {type: "application/pdf"}));
            return transfer;
        }""",
        base64.b64encode(pdf_bytes()).decode(),
    )

    page.locator("[data-drop-zone]").dispatch_event("drop", {"dataTransfer": transfer})

    expect(page.locator("[data-drop-hint]")).to_have_text("Gekozen: dropped.pdf")
    steps(page, "gekozen")
    page.evaluate(
        """() => { window.progressSeen = false;
        new MutationObserver(() => { window.progressSeen = true; })
          .observe(document.querySelector("#upload-form [data-progress]"),
                   {attributes: true, attributeFilter: ["hidden"]}); }"""
    )
    page.get_by_role("button", name="Uploaden").click()
    expect_thumbnail_loaded(page, "dropped")
    steps(page, "geupload")
    assert page.evaluate("window.progressSeen") is True
    assert Attachment.objects.get().title == "dropped"


def test_a_refused_file_gets_its_message_and_nothing_is_stored(
    camp, host_page, steps: Steps, media_root: Path
) -> None:
    event, host, session = camp
    page = host_page()
    page.goto(slides_path(session))

    choose(page, "setup.pdf", EXE, "application/pdf")
    page.get_by_role("button", name="Uploaden").click()

    expect(page.locator("#upload-form [data-upload-errors]")).to_contain_text(
        "Dit bestand aanvaarden we niet"
    )
    steps(page, "geweigerd")
    expect(page.locator(".attachment")).to_have_count(0)
    assert Attachment.objects.count() == 0
    assert stored_files(media_root) == []


def test_a_file_over_the_limit_is_refused_before_it_is_sent(
    camp, host_page, settings, media_root: Path
) -> None:
    settings.OOCAMP_MAX_ATTACHMENT_BYTES = 10_000
    event, host, session = camp
    page = host_page()
    page.goto(slides_path(session))
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.method))

    choose(page, "big.pdf", pdf_bytes() + b"x" * 20_000, "application/pdf")
    page.get_by_role("button", name="Uploaden").click()

    expect(page.locator("#upload-form [data-upload-errors]")).to_contain_text("te groot")
    assert "POST" not in sent
    assert Attachment.objects.count() == 0


def test_a_cancelled_upload_leaves_nothing_behind(
    camp, host_page, steps: Steps, media_root: Path
) -> None:
    event, host, session = camp
    page = host_page()
    page.goto(slides_path(session))
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 20, "downloadThroughput": -1, "uploadThroughput": 64_000},
    )

    choose(page, "slow.pdf", pdf_bytes() + b"%" + b"x" * 2_000_000, "application/pdf")
    page.get_by_role("button", name="Uploaden").click()
    progress = page.locator("#upload-form [data-progress]")
    expect(progress).to_be_visible()
    steps(page, "bezig")
    page.get_by_role("button", name="Annuleren").click()

    expect(page.locator("#upload-form [data-upload-errors]")).to_contain_text("geannuleerd")
    expect(progress).to_be_hidden()
    steps(page, "geannuleerd")
    # The host tries again at full speed: only that file is there, on the screen and stored.
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    choose(page, "again.pdf", pdf_bytes(), "application/pdf")
    page.get_by_role("button", name="Uploaden").click()
    expect_thumbnail_loaded(page, "again")
    expect(page.locator(".attachment")).to_have_count(1)
    assert list(Attachment.objects.values_list("title", flat=True)) == ["again"]
    again = Attachment.objects.get()
    assert stored_files(media_root) == sorted(
        name for name in [again.file.name, again.thumbnail.name] if name
    )


def test_without_javascript_the_plain_form_uploads_replaces_and_deletes(
    camp, host_page, media_root: Path
) -> None:
    event, host, session = camp
    page = host_page(java_script_enabled=False)
    page.goto(slides_path(session))

    choose(page, "deck.pdf", pdf_bytes(), "application/pdf")
    page.get_by_role("button", name="Uploaden").click()

    expect(page.locator(".message-success")).to_have_text("Het bestand is geüpload.")
    expect(page.locator("img.attachment-thumbnail")).to_be_visible()
    attachment = Attachment.objects.get()

    page.locator("details.replace summary").click()
    page.locator(f"#replace-{attachment.pk}").set_input_files(
        {"name": "v2.pptx", "mimeType": "application/octet-stream", "buffer": pptx_bytes()}
    )
    page.locator(".replace-form button[type=submit]").click()

    expect(page.locator(".message-success")).to_have_text("Het bestand is vervangen.")
    expect(page.locator("img.attachment-icon")).to_be_visible()

    page.get_by_role("button", name="Verwijderen").click()

    expect(page.locator(".message-success")).to_contain_text("is verwijderd")
    expect(page.locator(".attachment")).to_have_count(0)
    assert Attachment.objects.count() == 0
    assert stored_files(media_root) == []


def test_with_javascript_replace_and_delete_refresh_the_list_in_place(
    camp, host_page, media_root: Path
) -> None:
    event, host, session = camp
    page = host_page()
    page.goto(slides_path(session))
    choose(page, "v1.pdf", pdf_bytes(), "application/pdf")
    page.get_by_role("button", name="Uploaden").click()
    expect_thumbnail_loaded(page, "v1")
    page.evaluate("window.notReloaded = true")

    page.locator("details.replace summary").click()
    page.locator(".replace-form input[type=file]").set_input_files(
        {"name": "v2.pptx", "mimeType": "application/octet-stream", "buffer": pptx_bytes()}
    )
    page.locator(".replace-form button[type=submit]").click()

    expect(page.locator("#attachments .message-success")).to_have_text("Het bestand is vervangen.")
    expect(page.locator("img.attachment-icon")).to_be_visible()
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator("#attachments button.danger").click()

    expect(page.locator("#attachments .message-success")).to_contain_text("is verwijderd")
    expect(page.locator(".attachment")).to_have_count(0)
    assert page.evaluate("window.notReloaded") is True
    assert Attachment.objects.count() == 0
    assert stored_files(media_root) == []


def test_slides_and_session_pages_have_no_serious_accessibility_violations(
    camp, host_page, axe_source: str
) -> None:
    event, host, session = camp
    page = host_page(bypass_csp=True)  # axe is injected as an inline script
    page.goto(slides_path(session))
    choose(page, "deck.pdf", pdf_bytes(), "application/pdf")
    page.get_by_role("button", name="Uploaden").click()
    expect_thumbnail_loaded(page, "deck")
    choose(page, "deck.pptx", pptx_bytes())
    page.get_by_role("button", name="Uploaden").click()
    expect(page.locator(".attachment")).to_have_count(2)
    choose(page, "empty.pdf", b"")  # refused by the script before sending: a message shows
    page.get_by_role("button", name="Uploaden").click()
    expect(page.locator("#upload-form [data-upload-errors] li")).to_have_count(1)

    for path in [slides_path(session), session.get_absolute_url()]:
        if not page.url.endswith(path):
            page.goto(path)
        page.add_script_tag(content=axe_source)
        results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        serious = [
            (v["id"], [n["target"] for n in v["nodes"]])
            for v in results["violations"]
            if v["impact"] in {"serious", "critical"}
        ]
        assert serious == [], path
        ids = page.evaluate(
            "() => [...document.querySelectorAll('[id]')].map(e => e.id)"
            ".filter((id, i, all) => all.indexOf(id) !== i)"
        )
        assert ids == [], path
