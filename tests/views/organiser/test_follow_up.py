"""Getting the material in: after the event each host is mailed a personal link to their
session's report and slides pages (no account needed, that session only, revocable), and
organisers remind the hosts who have not delivered (at most once per host and session a day)."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from sessions_app import access, actions
from sessions_app.models import Event, HostLink, Participant, Session
from tests.factories import (
    make_attachment,
    make_event,
    make_participant,
    make_placement,
    make_room,
    make_session,
    make_slot,
)
from tests.helpers import messages_of, report_url, run_together

LINK = re.compile(r"http://\S+/material/(\S+)/")


@pytest.fixture
def event(english_archived_event: Event) -> Event:
    return english_archived_event


@pytest.fixture
def organiser(event: Event) -> Participant:
    return make_participant(event, name="Olga", role=Participant.Role.ORGANISER)


@pytest.fixture
def grid(event: Event):
    return make_room(event), [
        make_slot(event, "10:00", "10:45"),
        make_slot(event, "11:00", "11:45"),
    ]


@pytest.fixture
def hanna(event: Event) -> Participant:
    return make_participant(event, name="Hanna Host", email="hanna@example.org")


@pytest.fixture
def held(event: Event, grid, hanna: Participant) -> Session:
    room, slots = grid
    session = make_session(event, [hanna], title="Open data in small towns")
    make_placement(session, room, slots[0])
    return session


@pytest.fixture
def other_held(event: Event, grid) -> Session:
    room, slots = grid
    host = make_participant(event, name="Otto", email="otto@example.org")
    session = make_session(event, [host], title="Participation budgets")
    make_placement(session, room, slots[1])
    return session


def link_in(message) -> str:
    return LINK.search(message.body).group(0)


# ---- sending ------------------------------------------------------------------------------------


def test_send_host_links_mails_each_host_of_a_held_session_once(event, held, other_held):
    make_session(event, [make_participant(event, email="never@example.org")])  # not held
    Session.objects.filter(pk=other_held.pk).update(held=False)  # marked not held

    sent = actions.send_host_links(event=event)

    assert sent == 1
    assert [m.to for m in mail.outbox] == [["hanna@example.org"]]
    assert mail.outbox[0].subject == "Your session “Open data in small towns”: slides and report"
    assert "Hello Hanna Host," in mail.outbox[0].body
    assert actions.send_host_links(event=event) == 0  # a second click sends nothing
    assert len(mail.outbox) == 1
    assert HostLink.objects.get().token_hash not in mail.outbox[0].body


def test_send_host_links_skips_hosts_without_an_address(event, grid):
    room, slots = grid
    session = make_session(event, [make_participant(event, email="")])
    make_placement(session, room, slots[0])

    assert actions.send_host_links(event=event) == 0
    assert mail.outbox == []


def test_send_host_links_is_refused_before_the_event_is_over(event, held):
    Event.objects.filter(pk=event.pk).update(phase=Event.Phase.PUBLISHED)
    event.refresh_from_db()

    with pytest.raises(actions.ActionRefused, match="Archived"):
        actions.send_host_links(event=event)
    assert mail.outbox == []
    assert HostLink.objects.count() == 0


def test_board_button_sends_links_and_says_how_many(client, event, organiser, held):
    client.force_login(organiser.user)

    response = client.post(reverse("organiser:send-host-links", args=[event.slug]), follow=True)

    assert [str(m) for m in response.context["messages"]] == ["1 host got a personal link."]
    again = client.post(reverse("organiser:send-host-links", args=[event.slug]))
    assert messages_of(again) == [
        "Every host of a held session had a link already; nobody was mailed."
    ]
    assert len(mail.outbox) == 1


# ---- following a link ---------------------------------------------------------------------------


def test_following_the_link_opens_that_session_only(event, held, other_held):
    actions.send_host_links(event=event)
    url = link_in(next(m for m in mail.outbox if m.to == ["hanna@example.org"]))
    browser = Client()  # a fresh browser, signed in nowhere

    followed = browser.get(url)

    assert followed.status_code == 302
    assert followed["Location"] == report_url(held)
    page = browser.get(report_url(held))
    assert page.status_code == 200
    saved = browser.post(report_url(held), {"text": "Written via the link", "based_on": ""})
    assert saved.status_code == 302
    revision = held.report_revisions.get()
    assert (revision.text, revision.author.name) == ("Written via the link", "Hanna Host")
    assert browser.get(report_url(other_held)).status_code == 404
    assert browser.post(report_url(other_held), {"text": "x", "based_on": ""}).status_code == 404
    assert Session.objects.get(pk=other_held.pk).report == ""


def test_the_link_also_opens_that_sessions_slides_page(event, held, other_held):
    actions.send_host_links(event=event)
    browser = Client()
    browser.get(link_in(next(m for m in mail.outbox if m.to == ["hanna@example.org"])))

    page = browser.get(report_url(held))

    slides = reverse("participant:slides", args=[event.slug, held.pk])
    assert f'href="{slides}"' in page.content.decode()
    assert browser.get(slides).status_code == 200
    other = browser.get(reverse("participant:slides", args=[event.slug, other_held.pk]))
    assert other.status_code in {302, 404}  # to sign in, never the page


def test_a_revoked_link_is_refused_and_closes_the_pages(client, event, organiser, held):
    actions.send_host_links(event=event)
    url = link_in(mail.outbox[0])
    browser = Client()
    browser.get(url)
    client.force_login(organiser.user)

    response = client.post(reverse("organiser:revoke-host-links", args=[event.slug, held.pk]))

    assert messages_of(response) == ["1 link of “Open data in small towns” no longer works."]
    assert browser.get(report_url(held)).status_code == 404
    refused = Client().get(url)
    assert refused.status_code == 404
    assert "This link does not work" in refused.content.decode()


def test_a_made_up_token_is_refused(event, held):
    url = reverse("participant:host-link", args=[event.slug, "not-a-token"])

    response = Client().get(url)

    assert response.status_code == 404


def test_a_link_of_another_event_is_refused(event, held):
    actions.send_host_links(event=event)
    token = link_in(mail.outbox[0]).rstrip("/").rsplit("/", 1)[1]
    elsewhere = make_event()

    response = Client().get(reverse("participant:host-link", args=[elsewhere.slug, token]))

    assert response.status_code == 404


def test_resend_mails_a_new_link_and_the_old_one_keeps_working(client, event, organiser, held):
    actions.send_host_links(event=event)
    client.force_login(organiser.user)

    response = client.post(reverse("organiser:resend-host-links", args=[event.slug, held.pk]))

    assert messages_of(response) == ["A new link went to 1 host of “Open data in small towns”."]
    first, second = link_in(mail.outbox[0]), link_in(mail.outbox[1])
    assert first != second
    assert Client().get(first).status_code == 302
    assert Client().get(second).status_code == 302


def test_resend_after_revoking_opens_the_pages_again(event, held):
    actions.send_host_links(event=event)
    actions.revoke_host_links(session=held)

    actions.resend_host_links(session=held)

    assert Client().get(link_in(mail.outbox[0])).status_code == 404
    assert Client().get(link_in(mail.outbox[1])).status_code == 302


def test_link_buttons_are_for_organisers_only(client, event, held, hanna):
    client.force_login(hanna.user)

    for name, args in [
        ("organiser:send-host-links", []),
        ("organiser:remind-hosts", []),
        ("organiser:resend-host-links", [held.pk]),
        ("organiser:revoke-host-links", [held.pk]),
    ]:
        assert client.post(reverse(name, args=[event.slug, *args])).status_code == 403
    assert mail.outbox == []


# ---- reminders ----------------------------------------------------------------------------------


def test_reminders_go_only_to_hosts_missing_material(event, grid, held, other_held):
    room, slots = grid
    make_attachment(other_held)
    Session.objects.filter(pk=other_held.pk).update(report="Done")
    complete_slides_only = make_session(
        event, [make_participant(event, name="Sam", email="sam@example.org")]
    )
    make_placement(complete_slides_only, room, make_slot(event, "12:00", "12:45"))
    make_attachment(complete_slides_only)

    sent = actions.remind_missing_material(event=event)

    assert sent == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["hanna@example.org", "sam@example.org"]
    assert all(m.subject.startswith("Reminder:") for m in mail.outbox)


def test_reminders_go_once_a_day(client, event, organiser, held):
    client.force_login(organiser.user)
    url = reverse("organiser:remind-hosts", args=[event.slug])

    first = client.post(url, follow=True)
    second = client.post(url)

    assert [str(m) for m in first.context["messages"]] == ["1 reminder sent."]
    assert messages_of(second) == [
        "Nobody to remind: the others delivered, were reminded today or have no address."
    ]
    assert len(mail.outbox) == 1
    HostLink.objects.update(created_at=timezone.now() - timedelta(days=1))
    assert actions.remind_missing_material(event=event) == 1


def test_no_reminder_the_day_the_link_was_sent(event, held):
    actions.send_host_links(event=event)

    assert actions.remind_missing_material(event=event) == 0
    assert len(mail.outbox) == 1


def test_no_reminder_to_a_host_whose_link_was_revoked(event, held):
    actions.send_host_links(event=event)
    actions.revoke_host_links(session=held)
    HostLink.objects.update(created_at=timezone.now() - timedelta(days=2))

    assert actions.remind_missing_material(event=event) == 0


def test_reminder_link_opens_the_session(event, held):
    actions.remind_missing_material(event=event)

    browser = Client()
    assert browser.get(link_in(mail.outbox[0])).status_code == 302
    assert browser.get(report_url(held)).status_code == 200


# ---- may_deliver --------------------------------------------------------------------------------


def request_for(user=None, host_links=None):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = user or AnonymousUser()
    request.session = {access.HOST_LINKS_KEY: host_links} if host_links else {}
    return request


def test_may_deliver_for_hosts_organisers_note_takers_and_link_holders(
    event, organiser, held, hanna, other_held
):
    taker = make_participant(event)
    held.note_takers.add(taker)
    stranger = make_participant(event)
    actions.send_host_links(event=event)
    link = HostLink.objects.get(session=held)

    assert access.may_deliver(request_for(hanna.user), held) is True
    assert access.may_deliver(request_for(organiser.user), held) is True
    assert access.may_deliver(request_for(taker.user), held) is False
    assert access.may_deliver(request_for(taker.user), held, report=True) is True
    assert access.may_deliver(request_for(stranger.user), held, report=True) is False
    assert access.may_deliver(request_for(), held) is False
    holder = request_for(host_links={str(held.pk): link.pk})
    assert access.may_deliver(holder, held) is True
    assert access.may_deliver(holder, other_held) is False
    forged = request_for(host_links={str(other_held.pk): link.pk})
    assert access.may_deliver(forged, other_held) is False
    actions.revoke_host_links(session=held)
    assert access.may_deliver(holder, held) is False


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_five_organisers_clicking_send_at_once_mail_each_host_once():

    event = make_event(phase=Event.Phase.ARCHIVED)
    room = make_room(event)
    for n in range(3):
        host = make_participant(event, email=f"host{n}@example.org")
        session = make_session(event, [host])
        make_placement(session, room, make_slot(event, f"1{n}:00", f"1{n}:45"))

    results, errors = run_together([lambda: actions.send_host_links(event=event)] * 5)

    assert errors == []
    assert sorted(results) == [0, 0, 0, 0, 3]
    assert sorted(m.to[0] for m in mail.outbox) == [f"host{n}@example.org" for n in range(3)]
