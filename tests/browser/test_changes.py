"""The grid's change log on a phone, in Dutch: from the grid page to the log, which reads as
sentences by time, fits 390 px, labels what is new since the phone's last visit and leads to
the session that moved."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import Steps, overflow
from tests.views.public.test_changes import build_camp, move

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def test_a_phone_reads_what_changed_and_opens_the_moved_session(
    browser: Browser, live_server: LiveServer, steps: Steps
) -> None:
    cache.clear()  # the shared grid page is cached per grid version
    camp = build_camp()
    context = browser.new_context(
        base_url=live_server.url, locale="nl-BE", timezone_id="Europe/Brussels", **PHONE
    )
    page = context.new_page()
    page.goto(reverse("public:grid", args=[camp.event.slug]))

    page.get_by_role("link", name="Wat er veranderde in het rooster").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Wat er veranderde in het rooster")
    lines = page.locator(".change-list li")
    expect(lines).to_have_count(3)
    expect(lines.nth(0)).to_contain_text("“Samen koken” geannuleerd (was Zaal Zenne, 11:00)")
    expect(lines.nth(2)).to_contain_text(
        "“Vaders bereiken” verplaatst van Zaal A (11:00) naar Zaal Zenne (14:05)"
    )
    expect(page.get_by_text("Goedkope horloges")).to_have_count(0)
    assert overflow(page) == 0
    steps(page, "wijzigingen-telefoon")

    # the organisers move a session; this phone, back on the log, sees what is new since
    move(camp.event, camp.data, camp.zaal_b, camp.later)
    page.reload()

    expect(lines).to_have_count(4)
    expect(page.locator(".change-new")).to_have_count(1)
    newest = camp.data.changes.order_by("-pk").first()
    assert newest is not None
    made_at = newest.created_at.astimezone(camp.event.tz)  # the event's wall clock, any hour
    expect(lines.nth(0)).to_contain_text(f"Nieuw sinds je vorige bezoek: {made_at:%H:%M} — ")
    expect(lines.nth(0)).to_contain_text("“Open data & jij” verplaatst van Zaal A (11:00)")
    assert overflow(page) == 0
    steps(page, "nieuw-sinds-vorig-bezoek")

    lines.nth(3).get_by_role("link", name="Vaders bereiken").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Vaders bereiken")
    context.close()
