"""Issue 15 in a real browser, in Dutch: two organisers open the synthesis of one theme, each in
their own browser; both save. The second is told that someone else saved meanwhile (409), sees
the saved text beside their own, which stays in the editor, merges both and saves; the history
lists both saves and brings back the first. On a phone (390 px) and a laptop (1366 px), with a
screenshot of each step and nothing sticking out sideways."""

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from sessions_app.models import Event, Participant, Theme
from tests.browser.conftest import LAPTOP, PHONE, Steps, overflow
from tests.factories import make_event, make_participant, make_session, make_theme

pytestmark = pytest.mark.django_db(transaction=True)

SCREENS = {"telefoon": {"viewport": PHONE, "is_mobile": True, "has_touch": True}}
SCREENS["laptop"] = {"viewport": LAPTOP}

OLGA = "Olga: **kaarten** helpen gemeenten kiezen."
OMAR = "Omar: budgetten werken als burgers beslissen."


@pytest.fixture
def camp() -> Event:
    event = make_event(slug="oocamp-2026", name="Open Overheid Camp", phase="archived")
    theme = make_theme(event, name="Open data")
    host = make_participant(event, name="Hanna Host")
    make_session(event, [host], title="Open data in kleine gemeenten").themes.add(theme)
    for name in ("Olga Organisator", "Omar Organisator"):
        make_participant(event, name=name, role=Participant.Role.ORGANISER)
    return event


@pytest.fixture
def page_for(new_context: CreateContextCallback, sign_in: Callable) -> Callable[..., Page]:
    def page_for(participant: Participant, screen: dict[str, Any]) -> Page:
        context = new_context(**screen)
        sign_in(context, participant.user)
        return context.new_page()

    return page_for


@pytest.mark.parametrize("screen", SCREENS)
def test_second_organiser_merges_the_synthesis_instead_of_overwriting_it(
    camp: Event, page_for, steps: Steps, screen: str
) -> None:
    theme = Theme.objects.get(name="Open data")
    path = f"/{camp.slug}/organise/themes/{theme.pk}/"
    olga = page_for(camp.participants.get(name="Olga Organisator"), SCREENS["laptop"])
    omar = page_for(camp.participants.get(name="Omar Organisator"), SCREENS[screen])
    olga.goto(path)
    omar.goto(path)  # both opened the same version

    olga.locator("#id_synthesis").fill(OLGA)
    olga.get_by_role("button", name="Synthese bewaren").click()
    expect(olga.locator(".messages")).to_contain_text("De synthese van “Open data” is bewaard.")
    omar.locator("#id_synthesis").fill(OMAR)
    expect(omar.locator("#preview-synthesis .prose")).to_contain_text("burgers beslissen")
    with omar.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith(path)
    ) as sent:
        omar.get_by_role("button", name="Synthese bewaren").click()

    assert sent.value.status == 409
    merge = omar.locator(".merge")
    expect(merge.get_by_role("heading", level=2)).to_have_text(
        "Iemand anders heeft deze synthese bewaard terwijl je schreef"
    )
    expect(merge.get_by_role("alert")).to_contain_text("er gaat niets verloren")
    expect(merge.get_by_role("heading", name="Hun tekst (bewaard)")).to_be_visible()
    expect(merge.locator("textarea.merge-theirs")).to_have_value(OLGA)
    expect(merge.locator(".merge-yours")).to_have_text(OMAR)
    expect(omar.get_by_label("Samengevoegde tekst")).to_have_value(OMAR)  # not lost
    assert Theme.objects.get(pk=theme.pk).synthesis == OLGA  # and not overwritten
    assert overflow(omar) == 0
    steps(omar, f"samenvoegen op {screen}")

    omar.get_by_label("Samengevoegde tekst").fill(f"{OLGA}\n\n{OMAR}")
    omar.get_by_role("button", name="Samengevoegde tekst bewaren").click()

    expect(omar.locator(".messages")).to_contain_text("De synthese van “Open data” is bewaard.")
    expect(omar.locator(".merge")).to_have_count(0)
    assert Theme.objects.get(pk=theme.pk).synthesis == f"{OLGA}\n\n{OMAR}"
    history = omar.locator("#synthesis-history + .revision-list > li")
    expect(history).to_have_count(2)
    expect(history.nth(0)).to_contain_text("Omar Organisator")
    expect(history.nth(1)).to_contain_text("Olga Organisator")
    assert overflow(omar) == 0
    steps(omar, f"samengevoegd op {screen}")

    history.nth(1).get_by_role("button", name="Deze versie terugzetten").click()

    expect(omar.locator(".messages")).to_contain_text("staat er weer")
    expect(omar.locator("#id_synthesis")).to_have_value(OLGA)
    expect(omar.locator("#synthesis-history + .revision-list > li")).to_have_count(3)
    steps(omar, f"teruggezet op {screen}")
    assert [r.author.name for r in Theme.objects.get(pk=theme.pk).revisions.all()] == [
        "Omar Organisator",
        "Omar Organisator",
        "Olga Organisator",
    ]

    olga.locator("#id_synthesis").fill("Olga, later: nog een gedachte.")
    olga.get_by_role("button", name="Synthese bewaren").click()  # her page is three saves old

    expect(olga.locator(".merge textarea.merge-theirs")).to_have_value(OLGA)
    expect(olga.get_by_label("Samengevoegde tekst")).to_have_value("Olga, later: nog een gedachte.")
    assert Theme.objects.get(pk=theme.pk).synthesis == OLGA


@pytest.mark.parametrize("screen", SCREENS)
def test_second_host_compares_a_proposal_changed_meanwhile(
    page_for, steps: Steps, screen: str
) -> None:
    camp = make_event(slug="open", name="Open Overheid Camp", phase="proposals")
    anna = make_participant(camp, name="Anna Aerts")
    bert = make_participant(camp, name="Bert Bosmans")
    session = make_session(camp, [anna, bert], title="Open data", description="Kaarten.")
    path = f"/{camp.slug}/sessions/{session.pk}/edit/"
    first = page_for(anna, SCREENS["laptop"])
    second = page_for(bert, SCREENS[screen])
    first.goto(path)
    second.goto(path)

    first.locator("#id_title").fill("Open data in kleine gemeenten")
    first.get_by_role("button", name="Wijzigingen bewaren").click()
    expect(first.locator(".messages")).to_contain_text("Je wijzigingen zijn bewaard.")
    second.get_by_label("Beschrijving", exact=True).fill("Kaarten en begrotingen.")
    with second.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith(path)
    ) as sent:
        second.get_by_role("button", name="Wijzigingen bewaren").click()

    assert sent.value.status == 409
    merge = second.locator(".merge")
    expect(merge.get_by_role("heading", level=2)).to_have_text(
        "Iemand anders heeft deze sessie bewaard terwijl je ze aanpaste"
    )
    expect(merge.get_by_role("heading", level=3)).to_have_text(["Titel", "Beschrijving"])
    expect(merge.locator(".merge-theirs").first).to_have_text("Open data in kleine gemeenten")
    expect(merge.locator(".merge-yours").first).to_have_text("Open data")
    expect(second.get_by_label("Beschrijving", exact=True)).to_have_value("Kaarten en begrotingen.")
    assert overflow(second) == 0
    steps(second, f"vergelijken op {screen}")

    second.locator("#id_title").fill("Open data in kleine gemeenten")  # takes Anna's title
    second.get_by_role("button", name="Wijzigingen bewaren").click()

    expect(second.locator(".messages")).to_contain_text("Je wijzigingen zijn bewaard.")
    session.refresh_from_db()
    assert (session.title, session.description) == (
        "Open data in kleine gemeenten",
        "Kaarten en begrotingen.",
    )
    second.goto(path)
    history = second.locator("#description-history + .revision-list > li")
    expect(history).to_have_count(2)
    expect(history.nth(0)).to_contain_text("Bert Bosmans")
    steps(second, f"geschiedenis op {screen}")
