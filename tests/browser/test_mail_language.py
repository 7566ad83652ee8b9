"""A mail goes out in the language its reader picked: a participant switches the language in the
header of one phone, then asks for a sign-in link on another phone, and the mail they get is in
that language, as plain text (their name reads as typed, no HTML entities). Someone who picked
nothing gets the event's language, Dutch."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import BrowserContext, Page, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from tests.browser.conftest import PHONE
from tests.factories import make_event, make_participant

pytestmark = pytest.mark.django_db(transaction=True)

NAME = "Jan D'Hondt & Zoon"
SENT_NL = "Als dit adres bij een deelnemer hoort, is er een aanmeldlink onderweg."
LINK = re.compile(r"http://\S+/signin/\S+/")


def ask_for_a_link(page: Page, event_url: str, email: str) -> None:
    """From the event page, as a visitor who joined on another device."""
    page.goto(event_url)
    page.get_by_role(
        "link", name="Al meegedaan op een ander toestel? Vraag een aanmeldlink."
    ).click()
    page.get_by_label("Je e-mailadres").fill(email)
    page.get_by_role("button", name="Mail me een link").click()
    expect(page.get_by_role("status")).to_contain_text(SENT_NL)


def mail_to(email: str):
    (message,) = [m for m in mail.outbox if m.to == [email]]
    return message


def test_a_participant_who_switched_to_english_gets_the_sign_in_mail_in_english(
    new_context: CreateContextCallback, context: BrowserContext, page: Page, sign_in, steps
) -> None:
    event = make_event(slug="kamp", name="Open Overheid Kamp", language="nl")
    jan = make_participant(event, name=NAME, email="jan@example.be")
    make_participant(make_event(language="nl"), name=NAME, email=jan.email, user=jan.user)
    make_participant(event, name="Nele", email="nele@example.be")
    page.set_viewport_size(PHONE)
    sign_in(context, jan.user)

    # on his phone, signed in, Jan reads the event in Dutch and switches to English
    page.goto("/kamp/")
    expect(page.locator("header")).to_contain_text("Afmelden")
    steps(page, "signed in, in Dutch")
    page.locator("header").get_by_role("button", name="English").click()
    expect(page.locator("header")).to_contain_text("Sign out")
    steps(page, "switched to English")

    # on a laptop that asks for Dutch and was never switched, he asks for a sign-in link
    laptop = new_context()
    other = laptop.new_page()
    ask_for_a_link(other, "/kamp/", "jan@example.be")
    steps(other, "asked for a link, in Dutch")

    message = mail_to("jan@example.be")
    assert message.subject == "Your link to Open Overheid Kamp"
    assert message.body.splitlines()[0] == f"Hello {NAME},"
    assert "&#x27;" not in message.body and "&amp;" not in message.body
    assert "The link works once" in message.body

    # the link in the mail signs him in there
    other.goto(urlsplit(LINK.search(message.body).group(0)).path)
    other.get_by_role("button", name="Aanmelden bij Open Overheid Kamp").click()
    expect(other.locator("header")).to_contain_text("Afmelden")
    steps(other, "signed in with the mailed link")

    # Nele picked nothing: her mail is in the event's language
    ask_for_a_link(new_context().new_page(), "/kamp/", "nele@example.be")
    message = mail_to("nele@example.be")
    assert message.subject == "Je link naar Open Overheid Kamp"
    assert message.body.splitlines()[0] == "Dag Nele,"


def test_a_visitor_who_switches_to_english_and_asks_for_a_link_gets_it_in_english(
    page: Page, steps
) -> None:
    event = make_event(slug="kamp", name="Open Overheid Kamp", language="nl")
    make_participant(event, name=NAME, email="jan@example.be")
    page.set_viewport_size(PHONE)

    page.goto("/kamp/")
    page.locator("header").get_by_role("button", name="English").click()
    expect(page.locator("header")).to_contain_text("Sign in")
    page.locator("header").get_by_role("link", name="Sign in").click()
    page.get_by_role("link", name="No password? Get a sign-in link by mail.").click()
    page.get_by_label("Your email address").fill("jan@example.be")
    page.get_by_role("button", name="Mail me a link").click()
    expect(page.get_by_role("status")).to_contain_text("a sign-in link is on its way")
    steps(page, "asked for a link, in English")

    message = mail_to("jan@example.be")
    assert message.subject == "Your link to Open Overheid Kamp"
    assert message.body.splitlines()[0] == f"Hello {NAME},"
