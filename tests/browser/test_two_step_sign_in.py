"""Two-step sign-in in Chromium on a phone, as production runs it ("required"): an organiser
signs in with the password, is sent to set up an authenticator app, reads the key off the page
(the test computes the app's code from it, RFC 6238), confirms it, signs out, and signs in again
with the password and a code. No JavaScript is needed for any of it: the same steps run with
JavaScript off."""

import re
import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from sessions_app.models import Participant
from tests.authenticator import code
from tests.factories import make_event

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
PASSWORD = "correct horse battery staple"


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


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_an_organiser_sets_up_an_authenticator_and_signs_in_with_it(
    new_context: CreateContextCallback, artifacts_dir: Path, javascript: bool
) -> None:
    event = make_event(slug="phone-camp", name="Phone camp", language="en")
    user = get_user_model().objects.create_user(username="olga", password=PASSWORD)
    Participant.objects.create(
        event=event, user=user, name="Olga Organiser", role=Participant.Role.ORGANISER
    )
    dashboard = "/phone-camp/organise/"
    page = new_context(**PHONE, java_script_enabled=javascript).new_page()

    sign_in_with_password(page, dashboard)
    expect(page).to_have_url(re.compile(r"/accounts/two-step/\?next="))
    expect(page.locator("main")).to_contain_text("Organisers sign in here with a password and")
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    secret = page.locator("#two-step-secret").inner_text()
    fits(page)
    page.screenshot(path=artifacts_dir / f"two-step-setup-{javascript}.png", full_page=True)

    page.get_by_label("Code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page.locator(".field-errors")).to_contain_text("This code is not right")
    page.get_by_label("Code from your authenticator app").fill(code(secret))
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page).to_have_url(re.compile(r"/phone-camp/organise/$"))
    expect(page.locator(".messages")).to_contain_text("Two-step sign-in is on")

    page.get_by_role("button", name="Sign out").click()
    page.goto(dashboard)
    expect(page).to_have_url(re.compile(r"/accounts/login/"))

    sign_in_with_password(page, dashboard)
    expect(page).to_have_url(re.compile(r"/accounts/login/code/\?next="))
    field = page.get_by_label("Code from your authenticator app")
    expect(field).to_have_attribute("inputmode", "numeric")
    expect(field).to_have_attribute("autocomplete", "one-time-code")
    fits(page)
    page.screenshot(path=artifacts_dir / f"two-step-code-{javascript}.png", full_page=True)
    # the code of the next 30 s step (one step early is accepted): the code that set the app up
    # cannot be used again, and a person would wait for the next one
    field.fill(code(secret, at=time.time() + 30))
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/phone-camp/organise/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Phone camp")
