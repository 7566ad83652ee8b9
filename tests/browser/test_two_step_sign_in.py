"""Two-step sign-in in Chromium on a phone, as production runs it ("required"): an organiser
signs in with the password, is sent to set up an authenticator app, reads the key off the page
(the test computes the app's code from it, RFC 6238), confirms it, signs out, and signs in again
with the password and a code. No JavaScript is needed for any of it: the same steps run with
JavaScript off. In Dutch (the browser asks for it), once more in English."""

import re
import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from sessions_app.models import Participant
from tests.authenticator import code
from tests.browser.conftest import ENGLISH
from tests.factories import make_event

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
PASSWORD = "correct horse battery staple"
# what a person reads, per language
TEXT = {
    "nl": {
        "intro": "Organisatoren melden zich hier aan met een wachtwoord en",
        "qr": "QR-code voor je authenticator-app",
        "field": "Code uit je authenticator-app",
        "turn on": "Aanmelden in twee stappen aanzetten",
        "wrong": "Deze code klopt niet",
        "on": "Aanmelden in twee stappen staat aan",
        "sign out": "Afmelden",
        "sign in": "Aanmelden",
    },
    "en": {
        "intro": "Organisers sign in here with a password and",
        "qr": "QR code for your authenticator app",
        "field": "Code from your authenticator app",
        "turn on": "Turn on two-step sign-in",
        "wrong": "This code is not right",
        "on": "Two-step sign-in is on",
        "sign out": "Sign out",
        "sign in": "Sign in",
    },
}


@pytest.fixture(autouse=True)
def required(settings):
    settings.OOCAMP_ORGANISER_TOTP = "required"


def fits(page: Page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths == [390, 390]  # the phone never scrolls sideways


def sign_in_with_password(page: Page, next_url: str) -> None:
    page.goto(f"/accounts/login/?next={next_url}")
    page.locator("#id_username").fill("olga")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()


@pytest.mark.parametrize(
    ("javascript", "language"),
    [(True, "nl"), (False, "nl"), (True, "en")],
    ids=["js-nl", "no-js-nl", "js-en"],
)
def test_an_organiser_sets_up_an_authenticator_and_signs_in_with_it(
    browser: Browser,
    live_server: LiveServer,
    artifacts_dir: Path,
    javascript: bool,
    language: str,
) -> None:
    text = TEXT[language]
    event = make_event(slug="phone-camp", name="Phone camp", language=language)
    user = get_user_model().objects.create_user(username="olga", password=PASSWORD)
    Participant.objects.create(
        event=event, user=user, name="Olga Organiser", role=Participant.Role.ORGANISER
    )
    dashboard = "/phone-camp/organise/"
    browser_language = ENGLISH if language == "en" else {"locale": "nl-BE"}
    context = browser.new_context(
        base_url=live_server.url, **PHONE, **browser_language, java_script_enabled=javascript
    )
    page = context.new_page()

    sign_in_with_password(page, dashboard)
    expect(page).to_have_url(re.compile(r"/accounts/two-step/\?next="))
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("main")).to_contain_text(text["intro"])
    expect(page.get_by_role("img", name=text["qr"])).to_be_visible()
    secret = page.locator("#two-step-secret").inner_text()
    fits(page)
    shot = f"{javascript}-{language}"
    page.screenshot(path=artifacts_dir / f"two-step-setup-{shot}.png", full_page=True)

    page.get_by_label(text["field"]).fill("000000")
    page.get_by_role("button", name=text["turn on"]).click()
    expect(page.locator(".field-errors")).to_contain_text(text["wrong"])
    page.get_by_label(text["field"]).fill(code(secret))
    page.get_by_role("button", name=text["turn on"]).click()
    expect(page).to_have_url(re.compile(r"/phone-camp/organise/$"))
    expect(page.locator(".messages")).to_contain_text(text["on"])

    # an account with a password can always come back: signed out at once, no warning
    page.get_by_role("button", name=text["sign out"], exact=True).click()
    expect(page).to_have_url(re.compile(r"/$"))
    page.goto(dashboard)
    expect(page).to_have_url(re.compile(r"/accounts/login/"))

    sign_in_with_password(page, dashboard)
    expect(page).to_have_url(re.compile(r"/accounts/login/code/\?next="))
    field = page.get_by_label(text["field"])
    expect(field).to_have_attribute("inputmode", "numeric")
    expect(field).to_have_attribute("autocomplete", "one-time-code")
    fits(page)
    page.screenshot(path=artifacts_dir / f"two-step-code-{shot}.png", full_page=True)
    # the code of the next 30 s step (one step early is accepted): the code that set the app up
    # cannot be used again, and a person would wait for the next one
    field.fill(code(secret, at=time.time() + 30))
    page.locator("main").get_by_role("button", name=text["sign in"], exact=True).click()
    expect(page).to_have_url(re.compile(r"/phone-camp/organise/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Phone camp")
    context.close()
