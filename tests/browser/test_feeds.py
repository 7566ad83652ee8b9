"""The feeds in a real browser, in Dutch (the default language): from the grid page to the feeds
page with its QR codes, which a phone's camera reads (decoded from the screen) to the feeds'
own addresses; the feeds it links to answer; it fits a phone; and a participant renews their
personal calendar link. The way from the grid to the feeds is repeated in English."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from sessions_app.models import Event, Participant
from tests.browser.conftest import ENGLISH, Steps, overflow, read_qr
from tests.browser.test_accessibility import assert_accessible
from tests.exports.test_frab import assert_valid_json, assert_valid_xml
from tests.factories import make_event, make_participant
from tests.views.public.test_grid import build_grid, published

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def dutch(slug: str) -> Event:
    """A published event in the default language (Dutch)."""
    return make_event(slug=slug, phase=Event.Phase.PUBLISHED)


def test_grid_page_leads_to_the_feeds_with_qr_codes(page: Page, steps: Steps) -> None:
    event = dutch("feeds-camp")
    build_grid(event, rooms=3, slots=4)
    page.goto(reverse("public:grid", args=[event.slug]))
    steps(page, "rooster")

    teaser = page.get_by_role("region", name="Neem het programma mee")
    expect(teaser).to_be_visible()
    teaser.get_by_role("link", name="Zet het in je agenda").click()

    expect(page).to_have_url(f"{page.url.split('#')[0]}#calendar")
    expect(page.get_by_role("heading", name="Zet het in je agenda")).to_be_visible()
    expect(page.get_by_role("heading", name="Open in je programma-app")).to_be_visible()
    subscribe = page.get_by_role("link", name="Abonneren in mijn agenda-app")
    assert subscribe.get_attribute("href").startswith("webcal://")
    assert subscribe.get_attribute("href").endswith("/feeds-camp/schedule.ics")
    xml_url = page.get_by_label("Programma voor apps (schedule.xml)").input_value()
    assert xml_url.endswith("/feeds-camp/schedule.xml")
    qr_codes = page.locator(".feed-qr svg")
    expect(qr_codes).to_have_count(2)
    box = qr_codes.first.bounding_box()
    assert box and box["width"] >= 100 and box["height"] >= 100
    calendar_qr = page.locator("figure.feed-qr", has_text="Scan om je met je smartphone")
    apps_qr = page.locator("figure.feed-qr", has_text="Scan met je programma-app")
    assert read_qr(calendar_qr.locator("svg")) == subscribe.get_attribute("href")
    assert read_qr(apps_qr.locator("svg")) == xml_url
    steps(page, "feeds met qr-codes")

    xml = page.request.get(xml_url)
    data = page.request.get(page.get_by_role("link", name="schedule.json").get_attribute("href"))
    ics = page.request.get(
        page.get_by_role("link", name="Download het agendabestand (.ics)").get_attribute("href")
    )
    csv = page.request.get(
        page.locator("#spreadsheets")
        .get_by_role("link", name="Sessies", exact=True)
        .get_attribute("href")
    )
    assert [r.status for r in (xml, data, ics, csv)] == [200, 200, 200, 200]
    assert_valid_xml(xml.body())
    assert_valid_json(data.body())
    assert ics.body().startswith(b"BEGIN:VCALENDAR")
    assert xml.headers["access-control-allow-origin"] == "*"


def test_in_english_the_grid_page_leads_to_the_feeds(
    browser: Browser, live_server, steps: Steps
) -> None:
    event = published(slug="feeds-english")
    build_grid(event, rooms=3, slots=4)
    context = browser.new_context(base_url=live_server.url, **ENGLISH)
    page = context.new_page()
    page.goto(reverse("public:grid", args=[event.slug]))

    page.get_by_role("region", name="Take the programme with you").get_by_role(
        "link", name="Add to your calendar"
    ).click()

    expect(page.get_by_role("heading", name="Open in your schedule app")).to_be_visible()
    subscribe = page.get_by_role("link", name="Subscribe in my calendar app")
    assert read_qr(page.locator(".feed-qr svg").first) == subscribe.get_attribute("href")
    expect(page.get_by_label("Schedule for apps (schedule.xml)")).to_have_value(
        re.compile(r"/feeds-english/schedule\.xml$")
    )
    steps(page, "feeds in English")
    context.close()


def test_feeds_page_fits_a_phone(browser: Browser, live_server, steps: Steps) -> None:
    event = dutch("feeds-phone")
    build_grid(event, rooms=2, slots=4)
    context = browser.new_context(base_url=live_server.url, locale="nl-BE", **PHONE)
    page = context.new_page()

    page.goto(reverse("public:feeds", args=[event.slug]))

    expect(page.get_by_role("heading", level=1)).to_have_text("Neem het programma mee")
    expect(page.locator(".feed-qr svg").first).to_be_visible()
    assert read_qr(page.locator(".feed-qr svg").first).endswith("/feeds-phone/schedule.ics")
    assert overflow(page) == 0
    steps(page, "feeds op een smartphone")
    context.close()


def test_participant_renews_the_personal_calendar_link(
    browser: Browser, live_server, sign_in, steps: Steps, axe_source: str
) -> None:
    event = dutch("feeds-mine")
    build_grid(event, rooms=2, slots=4)
    ann = make_participant(event, name="Ann")
    context = browser.new_context(base_url=live_server.url, locale="nl-BE")
    sign_in(context, ann.user)
    page = context.new_page()
    page.goto(reverse("participant:my-page", args=[event.slug]))

    address = page.get_by_label("Of kopieer dit adres in je agenda bij “toevoegen via URL”:")
    old = address.input_value()
    assert page.request.get(old).status == 200
    steps(page, "mijn pagina met agendalink")
    page.get_by_role("button", name="Maak een nieuwe link").click()

    expect(page.get_by_text("Je agendalink is nieuw")).to_be_visible()
    steps(page, "nieuwe agendalink")
    new = address.input_value()
    assert new != old
    assert new == "http://" + live_server.url.split("://")[1] + reverse(
        "public:personal-ics",
        args=[event.slug, Participant.objects.get(pk=ann.pk).calendar_token],
    )
    assert page.request.get(old).status == 404
    assert page.request.get(new).status == 200
    context.close()
    checked = browser.new_context(base_url=live_server.url, bypass_csp=True)  # axe is inline
    sign_in(checked, ann.user)
    page = checked.new_page()
    page.goto(reverse("participant:my-page", args=[event.slug]))
    assert_accessible(page, axe_source)
    checked.close()


def test_feeds_page_has_no_serious_accessibility_violations(
    browser: Browser, live_server, axe_source: str
) -> None:
    event = dutch("feeds-axe")
    build_grid(event, rooms=2, slots=4)
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)  # axe is inline
    page = context.new_page()

    for path in (
        reverse("public:feeds", args=[event.slug]),
        reverse("public:grid", args=[event.slug]),
    ):
        page.goto(path)
        assert_accessible(page, axe_source)
    context.close()
