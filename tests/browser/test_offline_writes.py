"""Writing while the venue's wifi is gone, on a phone, in Dutch (issue 21): a vote or a proposal
made offline is kept on the phone, shown as "Wacht om te verzenden" with "1 actie wacht om
verzonden te worden" at the top of the page, and sent when the connection is back, once
(counted in the database). A vote made offline after voting closed meanwhile comes back with
"Stemmen is niet open." and no vote; the same send arriving twice (its key made on the phone)
is done once. static/js/outbox.js; the server's side: actions.act_once."""

import re
from collections.abc import Callable

import pytest
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from playwright.sync_api import BrowserContext, Locator, Page, Route, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from sessions_app import actions
from sessions_app.models import Event, Follow, FormSubmission, Participant, Session, Vote
from tests.browser.conftest import PHONE, Steps
from tests.factories import (
    make_event,
    make_participant,
    make_placement,
    make_room,
    make_session,
    make_slot,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.service_worker]

SLUG = "oocamp-2026"
TITLE = "Open data in de gemeenteraad"
PROPOSAL = "Vaders bereiken in de opvoedingswinkel"
WAITING = "Wacht om te verzenden"
ONE_WAITING = "1 actie wacht om verzonden te worden"
VOTED = re.compile(r"\bvoted\b")


@pytest.fixture
def phone(
    new_context: CreateContextCallback,
    sign_in: Callable[[BrowserContext, AbstractBaseUser], None],
) -> tuple[BrowserContext, Page, Participant, Session]:
    """A phone, in Dutch, of a participant of a Dutch event in the voting phase (proposing is
    open too)."""
    event = make_event(
        slug=SLUG, name="Open Overheid Camp 2026", language=Event.Language.DUTCH,
        phase=Event.Phase.VOTING,
    )  # fmt: skip
    host = make_participant(event, name="Griet Gastvrouw")
    session = make_session(event, [host], title=TITLE)
    voter = make_participant(event, name="Chris Dewulf")
    context = new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    sign_in(context, voter.user)
    return context, context.new_page(), voter, session


def card(page: Page) -> Locator:
    return page.locator(".session-card").filter(
        has=page.get_by_role("heading", name=TITLE, exact=True)
    )


def outbox(page: Page) -> Locator:
    return page.locator("#outbox")


def test_a_vote_made_offline_waits_and_is_sent_once_when_back_online(
    phone: tuple[BrowserContext, Page, Participant, Session], steps: Steps
) -> None:
    context, page, voter, session = phone
    page.goto(f"/{SLUG}/proposals/")
    box = card(page)
    button = box.locator("button.vote-button")
    expect(button).not_to_have_class(VOTED)
    expect(outbox(page)).to_be_hidden()

    context.set_offline(True)
    button.tap()

    expect(box.get_by_text(WAITING)).to_be_visible()
    expect(outbox(page).get_by_role("status")).to_have_text(ONE_WAITING)
    steps(page, "offline, the vote waits")
    assert not Vote.objects.filter(participant=voter).exists()
    page.close()  # the phone put away while offline: the vote stays kept on it
    context.set_offline(False)
    page = context.new_page()
    page.goto(f"/{SLUG}/proposals/")  # the page loads and the outbox sends what waits

    box = card(page)
    button = box.locator("button.vote-button")
    expect(button).to_have_class(VOTED)
    expect(box.locator(".vote-count")).to_have_text("1 stem")
    expect(box.get_by_text(WAITING)).to_have_count(0)
    expect(outbox(page)).to_be_hidden()
    steps(page, "back online, the vote is cast")
    assert Vote.objects.filter(participant=voter, session=session).count() == 1
    assert FormSubmission.objects.filter(user=voter.user).count() == 1  # its key, once
    page.reload()
    expect(card(page).locator("button.vote-button")).to_have_class(VOTED)
    assert Vote.objects.filter(participant=voter, session=session).count() == 1


def test_a_vote_made_offline_is_sent_at_the_online_event_without_a_reload(
    phone: tuple[BrowserContext, Page, Participant, Session], steps: Steps
) -> None:
    context, page, voter, session = phone
    page.goto(f"/{SLUG}/proposals/")
    box = card(page)
    button = box.locator("button.vote-button")

    context.set_offline(True)
    button.tap()
    expect(box.get_by_text(WAITING)).to_be_visible()
    expect(outbox(page).get_by_role("status")).to_have_text(ONE_WAITING)
    steps(page, "offline, the vote waits")
    context.set_offline(False)

    expect(button).to_have_class(VOTED)
    expect(box.locator(".vote-count")).to_have_text("1 stem")
    expect(outbox(page)).to_be_hidden()
    steps(page, "back online, the vote is cast")
    assert Vote.objects.filter(participant=voter, session=session).count() == 1


def test_a_proposal_made_offline_is_sent_once_when_back_online_and_says_so(
    phone: tuple[BrowserContext, Page, Participant, Session], steps: Steps
) -> None:
    context, page, voter, _session = phone
    page.goto(f"/{SLUG}/propose/")
    page.get_by_label("Titel").fill(PROPOSAL)
    page.get_by_label("Beschrijving").fill("Hoe bereiken we **vaders**?")
    before = Session.objects.count()

    context.set_offline(True)
    page.get_by_role("button", name="Voorstellen", exact=True).click()

    expect(page.locator(".proposal-form").get_by_text(WAITING)).to_be_visible()
    expect(outbox(page).get_by_role("status")).to_have_text(ONE_WAITING)
    expect(page.get_by_label("Titel")).to_have_value(PROPOSAL)  # still on the form
    steps(page, "offline, the proposal waits")
    assert Session.objects.count() == before
    context.set_offline(False)

    sent = outbox(page).locator(".outbox-sent")
    expect(sent).to_contain_text(f"Verzonden: Je voorstel “{PROPOSAL}”")
    expect(sent).to_contain_text("Je sessie is voorgesteld. Dank je wel!")
    expect(outbox(page).get_by_role("status")).to_be_hidden()
    expect(page.locator(".proposal-form").get_by_text(WAITING)).to_have_count(0)
    steps(page, "back online, the proposal is sent")
    assert Session.objects.filter(title=PROPOSAL).count() == 1
    assert Session.objects.count() == before + 1
    sent.get_by_role("link", name="Openen").click()
    expect(page.get_by_role("heading", name=PROPOSAL)).to_be_visible()
    steps(page, "the proposal's page")
    outbox(page).get_by_role("button", name="Sluiten").click()
    expect(outbox(page)).to_be_hidden()
    assert Session.objects.filter(title=PROPOSAL).count() == 1


def test_a_vote_made_offline_after_voting_closed_meanwhile_says_so_and_casts_nothing(
    phone: tuple[BrowserContext, Page, Participant, Session], steps: Steps
) -> None:
    context, page, voter, session = phone
    page.goto(f"/{SLUG}/proposals/")
    box = card(page)

    context.set_offline(True)
    box.locator("button.vote-button").tap()
    expect(box.get_by_text(WAITING)).to_be_visible()
    steps(page, "offline, the vote waits")
    Event.objects.filter(slug=SLUG).update(phase=Event.Phase.PUBLISHED)  # voting closes
    context.set_offline(False)

    failed = outbox(page).locator(".outbox-failed")
    expect(failed).to_contain_text(f"Niet verzonden: Je stem voor “{TITLE}”")
    expect(failed.get_by_role("alert")).to_have_text("Stemmen is niet open.")
    expect(box.get_by_text(WAITING)).to_have_count(0)
    expect(box.locator("button.vote-button")).to_have_count(0)  # the button as it is now
    steps(page, "back online, voting was closed")
    assert not Vote.objects.filter(participant=voter).exists()
    page.reload()  # the message stays until it is read and closed
    expect(outbox(page).locator(".outbox-failed")).to_contain_text("Stemmen is niet open.")
    outbox(page).get_by_role("button", name="Sluiten").click()
    expect(outbox(page)).to_be_hidden()


def test_the_same_send_arriving_twice_is_counted_once(
    phone: tuple[BrowserContext, Page, Participant, Session],
    steps: Steps,
) -> None:
    """The network delivers the outbox's send twice (the first answer lost on its way back):
    both carry the key the phone made, and the vote is cast once."""
    context, page, voter, session = phone
    keys: list[str | None] = []

    def twice(route: Route) -> None:
        keys.append(route.request.headers.get("idempotency-key"))
        route.fetch()  # the first: the app casts the vote, its answer is lost
        keys.append(route.request.headers.get("idempotency-key"))
        route.fulfill(response=route.fetch())  # the same request again

    page.goto(f"/{SLUG}/proposals/")
    box = card(page)
    context.set_offline(True)
    box.locator("button.vote-button").tap()
    expect(box.get_by_text(WAITING)).to_be_visible()
    page.route(f"**/{SLUG}/sessions/*/vote/", twice)
    context.set_offline(False)

    expect(box.locator("button.vote-button")).to_have_class(VOTED)
    expect(box.locator(".vote-count")).to_have_text("1 stem")
    expect(outbox(page)).to_be_hidden()
    steps(page, "sent twice, counted once")
    assert len(keys) == 2 and keys[0] and keys[0] == keys[1]
    assert Vote.objects.filter(participant=voter, session=session).count() == 1


def test_one_persons_waiting_vote_is_never_sent_as_anothers(
    phone: tuple[BrowserContext, Page, Participant, Session],
    sign_in: Callable[[BrowserContext, AbstractBaseUser], None],
    steps: Steps,
) -> None:
    """The outbox belongs to whoever was signed in when it was written: another person signed
    in on the same phone neither sees nor sends it; back as the first person, it is sent."""
    context, page, voter, session = phone
    page.goto(f"/{SLUG}/proposals/")
    context.set_offline(True)
    card(page).locator("button.vote-button").tap()
    expect(card(page).get_by_text(WAITING)).to_be_visible()
    page.close()
    context.clear_cookies()
    other = make_participant(voter.event, name="Jan Janssens")
    sign_in(context, other.user)
    context.set_offline(False)

    page = context.new_page()
    page.goto(f"/{SLUG}/proposals/")
    expect(card(page).locator("button.vote-button")).not_to_have_class(VOTED)
    expect(outbox(page)).to_be_hidden()
    expect(card(page).get_by_text(WAITING)).to_have_count(0)
    steps(page, "another person on the same phone")
    assert not Vote.objects.exists()
    page.close()
    context.clear_cookies()
    sign_in(context, voter.user)

    page = context.new_page()
    page.goto(f"/{SLUG}/proposals/")
    expect(card(page).locator("button.vote-button")).to_have_class(VOTED)
    assert list(Vote.objects.values_list("participant", flat=True)) == [voter.pk]


def test_signing_out_with_something_waiting_asks_first_then_clears_it(
    phone: tuple[BrowserContext, Page, Participant, Session], steps: Steps
) -> None:
    context, page, voter, session = phone
    page.goto(f"/{SLUG}/proposals/")
    context.set_offline(True)
    card(page).locator("button.vote-button").tap()
    expect(outbox(page).get_by_role("status")).to_have_text(ONE_WAITING)
    page.route(f"**/{SLUG}/sessions/*/vote/", lambda route: route.abort())  # not sent yet
    context.set_offline(False)
    asked: list[str] = []

    def answer(dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss() if len(asked) == 1 else dialog.accept()

    page.on("dialog", answer)
    page.get_by_role("button", name="Afmelden").click()  # "no": still signed in, still waiting
    expect(outbox(page).get_by_role("status")).to_have_text(ONE_WAITING)
    assert asked == ["Nog niet verzonden: 1. Afmelden wist het van deze telefoon. Toch afmelden?"]
    page.get_by_role("button", name="Afmelden").click()  # "yes"
    # without an e-mail address, the app asks once more whether they can come back in
    page.get_by_role("button", name="Toch afmelden").click()

    expect(page.get_by_role("link", name="Aanmelden")).to_be_visible()
    assert len(asked) == 2
    steps(page, "signed out")
    assert (
        page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('oocamp-outbox'))") == []
    )
    assert not Vote.objects.exists()


REPORT_TEXT = "## Samenvatting\n\nWe brachten **twaalf** gemeenten in kaart."


@pytest.fixture
def host_phone(
    new_context: CreateContextCallback,
    sign_in: Callable[[BrowserContext, AbstractBaseUser], None],
) -> tuple[BrowserContext, Page, Participant, Session]:
    """A host's phone, in Dutch, after the event: the session's report to write."""
    event = make_event(slug=SLUG, name="Open Overheid Camp", language="nl", phase="archived")
    hanna = make_participant(event, name="Hanna Host")
    otto = make_participant(event, name="Otto Other")
    session = make_session(event, [hanna, otto], title=TITLE)
    context = new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    sign_in(context, hanna.user)
    return context, context.new_page(), otto, session


@pytest.mark.parametrize("meanwhile", [False, True], ids=["alone", "someone-saved-meanwhile"])
def test_a_report_written_offline_is_saved_or_merged_without_loss(
    host_phone: tuple[BrowserContext, Page, Participant, Session], steps: Steps, meanwhile: bool
) -> None:
    context, page, otto, session = host_phone
    page.goto(f"/{SLUG}/sessions/{session.pk}/report/")
    context.set_offline(True)
    page.locator("#id_text").fill(REPORT_TEXT)
    page.get_by_role("button", name="Verslag bewaren").click()
    expect(page.locator(".report-form").get_by_text(WAITING)).to_be_visible()
    steps(page, "offline, the report waits")
    if meanwhile:
        actions.save_report(session=session, text="Otto's notes.", based_on=None, by=otto)
    context.set_offline(False)

    if not meanwhile:
        sent = outbox(page).locator(".outbox-sent")
        expect(sent).to_contain_text(f"Verzonden: Je verslag van “{TITLE}”")
        expect(sent).to_contain_text("Het verslag is bewaard.")
        steps(page, "back online, saved")
        assert Session.objects.get(pk=session.pk).report == REPORT_TEXT
        return
    failed = outbox(page).locator(".outbox-failed")
    expect(failed).to_contain_text(f"Niet verzonden: Je verslag van “{TITLE}”")
    expect(failed.get_by_role("alert")).to_contain_text("Otto Other bewaarde het")
    expect(failed.locator("textarea")).to_have_value(REPORT_TEXT)  # to copy
    merge = page.locator(".merge")  # the merge screen, as online
    expect(merge.locator(".merge-theirs")).to_have_value("Otto's notes.")
    expect(page.locator("#id_text")).to_have_value(REPORT_TEXT)
    steps(page, "back online, someone saved meanwhile")
    assert Session.objects.get(pk=session.pk).report == "Otto's notes."


def test_an_ill_go_tapped_offline_on_the_grid_is_sent_when_back_online(
    new_context: CreateContextCallback,
    sign_in: Callable[[BrowserContext, AbstractBaseUser], None],
    steps: Steps,
) -> None:
    """The grid's buttons are one form outside the cached grid, sent by follow.js (no htmx)."""
    event = make_event(slug=SLUG, language="nl", phase=Event.Phase.PUBLISHED)
    room, slot = make_room(event, name="Zaal Zenne"), make_slot(event, "10:00", "10:45")
    session = make_session(event, [make_participant(event, "Hanne")], title=TITLE)
    make_placement(session, room, slot)
    fien = make_participant(event, "Fien")
    context = new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    sign_in(context, fien.user)
    page = context.new_page()
    page.goto(f"/{SLUG}/grid/")
    cell = page.locator("#grid td").filter(has_text=TITLE)

    context.set_offline(True)
    cell.get_by_role("button", name="Ik ga").tap()
    expect(cell.get_by_text(WAITING)).to_be_visible()
    expect(outbox(page).get_by_role("status")).to_have_text(ONE_WAITING)
    steps(page, "offline, I'll go waits")
    assert not Follow.objects.exists()
    context.set_offline(False)

    expect(cell.get_by_role("button", name="Ik ga")).to_have_attribute("aria-pressed", "true")
    expect(cell.get_by_text("1 gaat")).to_be_visible()
    expect(outbox(page)).to_be_hidden()
    steps(page, "back online, I'll go is sent")
    assert list(Follow.objects.values_list("participant", "session")) == [(fien.pk, session.pk)]


def test_a_vote_on_a_wifi_without_internet_waits_instead_of_failing(
    phone: tuple[BrowserContext, Page, Participant, Session], steps: Steps
) -> None:
    """The phone says it is online, but no request gets an answer: app.js sends the vote once
    more, then hands it to the outbox instead of "Er ging iets mis"; it is sent once the
    connection is back."""
    context, page, voter, session = phone
    page.goto(f"/{SLUG}/proposals/")
    box = card(page)
    lost: list[str] = []

    def no_internet(route: Route) -> None:
        lost.append(route.request.method)
        route.abort("internetdisconnected")

    page.route(f"**/{SLUG}/sessions/*/vote/", no_internet)
    box.locator("button.vote-button").tap()

    expect(box.get_by_text(WAITING)).to_be_visible()
    expect(box.get_by_role("alert")).to_have_count(0)
    expect(outbox(page).get_by_role("status")).to_have_text(ONE_WAITING)
    steps(page, "no answer twice, the vote waits")
    assert lost == ["POST", "POST"]
    page.unroute(f"**/{SLUG}/sessions/*/vote/")
    context.set_offline(True)  # the phone notices, then the connection comes back
    context.set_offline(False)

    expect(box.locator("button.vote-button")).to_have_class(VOTED)
    expect(outbox(page)).to_be_hidden()
    assert Vote.objects.filter(participant=voter, session=session).count() == 1


def propose_offline(context: BrowserContext, page: Page) -> None:
    page.goto(f"/{SLUG}/propose/")
    page.get_by_label("Titel").fill(PROPOSAL)
    page.get_by_label("Beschrijving").fill("Hoe bereiken we **vaders**?")
    context.set_offline(True)
    page.get_by_role("button", name="Voorstellen", exact=True).click()
    expect(outbox(page).get_by_role("status")).to_have_text(ONE_WAITING)


def test_a_proposal_refused_meanwhile_says_why_and_keeps_its_text_to_copy(
    phone: tuple[BrowserContext, Page, Participant, Session], steps: Steps
) -> None:
    context, page, voter, _session = phone
    propose_offline(context, page)
    Event.objects.filter(slug=SLUG).update(phase=Event.Phase.PUBLISHED)  # proposing closes
    context.set_offline(False)

    failed = outbox(page).locator(".outbox-failed")
    expect(failed).to_contain_text(f"Niet verzonden: Je voorstel “{PROPOSAL}”")
    expect(failed.get_by_role("alert")).to_have_text(
        "Voorstellen indienen is gesloten voor dit evenement."
    )
    expect(failed.get_by_role("textbox")).to_have_value(
        f"{PROPOSAL}\n\nHoe bereiken we **vaders**?"
    )
    steps(page, "back online, proposing was closed")
    assert not Session.objects.filter(title=PROPOSAL).exists()


def test_a_proposal_sent_after_the_sign_in_ran_out_waits_for_the_person(
    phone: tuple[BrowserContext, Page, Participant, Session],
    sign_in: Callable[[BrowserContext, AbstractBaseUser], None],
    steps: Steps,
) -> None:
    """Back online but no longer signed in (the sign-in ran out): the server leads the form to
    the join page, with a message; the proposal is not taken for sent, it waits, and goes once
    the person is signed in again."""
    context, page, voter, _session = phone
    propose_offline(context, page)
    context.clear_cookies(name=settings.SESSION_COOKIE_NAME)  # the CSRF cookie stays
    with page.expect_response(lambda r: "/join/" in r.url):
        context.set_offline(False)  # the send is led to the join page, with a message

    expect(outbox(page).get_by_role("status")).to_have_text(ONE_WAITING)
    expect(outbox(page).locator(".outbox-sent")).to_have_count(0)
    steps(page, "signed out meanwhile, still waiting")
    assert not Session.objects.filter(title=PROPOSAL).exists()
    sign_in(context, voter.user)
    page.goto(f"/{SLUG}/proposals/")

    expect(outbox(page).locator(".outbox-sent")).to_contain_text("Je sessie is voorgesteld.")
    assert Session.objects.filter(title=PROPOSAL).count() == 1


def test_a_proposal_on_a_wifi_without_internet_is_kept_and_sent_once_later(
    phone: tuple[BrowserContext, Page, Participant, Session], steps: Steps
) -> None:
    """The phone says it is online, but the proposal's POST gets no answer: the browser shows
    its own error page, where no script of ours runs. The outbox kept a copy as the form went;
    the next page of ours that opens sends it, once."""
    context, page, voter, _session = phone
    page.goto(f"/{SLUG}/propose/")
    page.get_by_label("Titel").fill(PROPOSAL)
    page.get_by_label("Beschrijving").fill("Hoe bereiken we **vaders**?")
    before = Session.objects.count()
    posts: list[str] = []

    def no_internet(route: Route) -> None:
        posts.append(route.request.method)
        route.abort("internetdisconnected")

    page.route(f"**/{SLUG}/propose/", no_internet)
    with page.expect_event("requestfailed", lambda request: request.method == "POST"):
        page.get_by_role("button", name="Voorstellen", exact=True).click()
    assert posts == ["POST"] and Session.objects.count() == before
    page.unroute(f"**/{SLUG}/propose/")

    page.goto(f"/{SLUG}/proposals/")  # the person opens the app again, the connection is back
    sent = outbox(page).locator(".outbox-sent")
    expect(sent).to_contain_text(f"Verzonden: Je voorstel “{PROPOSAL}”")
    steps(page, "the proposal that got no answer is sent from the next page")
    assert Session.objects.filter(title=PROPOSAL).count() == 1
    page.reload()
    expect(sent).to_be_visible()  # the note stays until closed; nothing is sent again
    assert Session.objects.filter(title=PROPOSAL).count() == 1


def test_a_proposal_answered_online_leaves_nothing_in_the_outbox(
    phone: tuple[BrowserContext, Page, Participant, Session],
) -> None:
    """The copy kept while the form goes is dropped by the answer: the proposal's page, or the
    form shown again with its errors. Nothing is sent twice, no note appears."""
    context, page, voter, _session = phone
    posts: list[str] = []
    page.on(
        "request", lambda request: posts.append(request.url) if request.method == "POST" else None
    )
    page.goto(f"/{SLUG}/propose/")
    page.get_by_label("Titel").fill("")  # a title is needed: the form comes back with its error
    page.get_by_label("Beschrijving").fill("Zonder titel")
    page.get_by_role("button", name="Voorstellen", exact=True).click()
    expect(page.locator(".form-errors, .field-errors").first).to_be_visible()
    page.get_by_label("Titel").fill(PROPOSAL)
    page.get_by_role("button", name="Voorstellen", exact=True).click()
    expect(page.get_by_role("heading", name=PROPOSAL)).to_be_visible()
    # the proposal's page has settled the copy kept as the form went (outbox.js, on load)
    page.wait_for_function(
        "() => !Object.keys(localStorage).some((k) => localStorage.getItem(k).includes('sending'))"
    )

    page.goto(f"/{SLUG}/proposals/")
    expect(page.get_by_role("heading", name="Sessies")).to_be_visible()
    expect(outbox(page)).to_be_hidden()
    assert (
        page.evaluate(
            "Object.keys(localStorage).filter((k) => localStorage.getItem(k).includes('sending'))"
        )
        == []
    )
    # the form went twice (with its error, then right); the description's live preview may
    # have posted as it was typed, a request of its own (hx-trigger with a delay), not a send
    sent = [url for url in posts if url.endswith(f"/{SLUG}/propose/")]
    assert len(sent) == 2 and Session.objects.filter(title=PROPOSAL).count() == 1
