"""The feeds in a real browser: from the grid page to the feeds page with its QR codes, the feeds
it links to answer, it fits a phone, and a participant renews their personal calendar link."""

from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from sessions_app.models import Participant
from tests.browser.test_accessibility import assert_accessible
from tests.factories import make_participant
from tests.test_feeds_frab import assert_valid_json, assert_valid_xml
from tests.views.test_public_grid import build_grid, published

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    cache.clear()


def test_grid_page_leads_to_the_feeds_with_qr_codes(page: Page, artifacts_dir: Path) -> None:
    event = published(slug="feeds-camp")
    build_grid(event, rooms=3, slots=4)
    page.goto(reverse("public:grid", args=[event.slug]))

    teaser = page.get_by_role("region", name="Take the programme with you")
    expect(teaser).to_be_visible()
    teaser.get_by_role("link", name="Add to your calendar").click()

    expect(page).to_have_url(f"{page.url.split('#')[0]}#calendar")
    expect(page.get_by_role("heading", name="Add to your calendar")).to_be_visible()
    expect(page.get_by_role("heading", name="Open in your schedule app")).to_be_visible()
    subscribe = page.get_by_role("link", name="Subscribe in my calendar app")
    assert subscribe.get_attribute("href").startswith("webcal://")
    assert subscribe.get_attribute("href").endswith("/feeds-camp/schedule.ics")
    xml_url = page.get_by_label("Schedule for apps (schedule.xml)").input_value()
    assert xml_url.endswith("/feeds-camp/schedule.xml")
    qr_codes = page.locator(".feed-qr svg")
    expect(qr_codes).to_have_count(2)
    box = qr_codes.first.bounding_box()
    assert box and box["width"] >= 100 and box["height"] >= 100
    page.screenshot(path=artifacts_dir / "feeds-desktop.png", full_page=True)

    xml = page.request.get(xml_url)
    data = page.request.get(page.get_by_role("link", name="schedule.json").get_attribute("href"))
    ics = page.request.get(
        page.get_by_role("link", name="Download the calendar file (.ics)").get_attribute("href")
    )
    csv = page.request.get(
        page.locator("#spreadsheets")
        .get_by_role("link", name="Sessions", exact=True)
        .get_attribute("href")
    )
    assert [r.status for r in (xml, data, ics, csv)] == [200, 200, 200, 200]
    assert_valid_xml(xml.body())
    assert_valid_json(data.body())
    assert ics.body().startswith(b"BEGIN:VCALENDAR")
    assert xml.headers["access-control-allow-origin"] == "*"


def test_feeds_page_fits_a_phone(browser: Browser, live_server, artifacts_dir: Path) -> None:
    event = published(slug="feeds-phone")
    build_grid(event, rooms=2, slots=4)
    context = browser.new_context(base_url=live_server.url, **PHONE)
    page = context.new_page()

    page.goto(reverse("public:feeds", args=[event.slug]))

    expect(page.locator(".feed-qr svg").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=artifacts_dir / "feeds-phone.png", full_page=True)
    context.close()


def test_participant_renews_the_personal_calendar_link(
    browser: Browser, live_server, sign_in, artifacts_dir: Path, axe_source: str
) -> None:
    event = published(slug="feeds-mine")
    build_grid(event, rooms=2, slots=4)
    ann = make_participant(event, name="Ann")
    context = browser.new_context(base_url=live_server.url)
    sign_in(context, ann.user)
    page = context.new_page()
    page.goto(reverse("participant:my-page", args=[event.slug]))

    address = page.get_by_label("Or copy this address into your calendar's “add by URL”:")
    old = address.input_value()
    assert page.request.get(old).status == 200
    page.locator("#my-calendar").screenshot(path=artifacts_dir / "feeds-my-calendar.png")
    page.get_by_role("button", name="Make a new link").click()

    expect(page.get_by_text("Your calendar link is new")).to_be_visible()
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
    event = published(slug="feeds-axe")
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
