"""Organiser pages: the join poster and its QR code, the team, hiding and merging sessions.
A participant gets 403 everywhere; an anonymous visitor is sent to the login page."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sessions_app.models import Event, Participant, Session, SignInLink, Vote
from tests.factories import (
    make_event,
    make_participant,
    make_session,
    make_sign_in_link,
    make_theme,
    make_user,
    make_vote,
)
from tests.helpers import messages_of, url

LINK = re.compile(r"http://127\.0\.0\.1:8000(/signin/[A-Za-z0-9_-]+/)")

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    """A visitor whose browser asks for English."""
    return Client(headers={"accept-language": "en"})


@pytest.fixture
def event(english_event_with_join_code: Event) -> Event:
    return english_event_with_join_code


# ---- poster and QR code -------------------------------------------------------------------


def test_poster_shows_the_join_code_and_the_qr_image(organiser_client, event):
    response = organiser_client.get(url("organiser:poster", event))

    assert response.status_code == 200
    assert '<p class="poster-code" aria-label="Join code">K7P2QX</p>' in response.text
    assert f'<img class="poster-qr" src="{url("organiser:join-qr", event)}"' in response.text


def test_join_qr_is_an_svg_image(organiser_client, event):
    response = organiser_client.get(url("organiser:join-qr", event))

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    # a standalone SVG file: an <img> draws nothing without the SVG namespace
    assert svg.startswith('<?xml version="1.0" encoding="utf-8"?>\n<svg ')
    assert 'xmlns="http://www.w3.org/2000/svg"' in svg and 'viewBox="' in svg
    assert svg.rstrip().endswith("</svg>")


@pytest.mark.parametrize("name", ["organiser:poster", "organiser:join-qr", "organiser:team"])
def test_organiser_pages_are_forbidden_to_participants(participant_client, event, name):
    response = participant_client.get(url(name, event))

    assert response.status_code == 403


@pytest.mark.parametrize("name", ["organiser:poster", "organiser:join-qr", "organiser:team"])
def test_organiser_pages_send_anonymous_visitors_to_the_login_page(client, event, name):
    response = client.get(url(name, event))

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url(name, event)}"


# ---- team ---------------------------------------------------------------------------------


def test_inviting_a_co_organiser_mails_a_link_that_opens_the_organiser_pages(
    organiser_client, event, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(
            url("organiser:team", event), {"name": "Cora Co", "email": "cora@example.org"}
        )

    assert (response.status_code, response.url) == (302, url("organiser:team", event))
    assert messages_of(response) == ["Cora Co is an organiser now; we mailed them a sign-in link."]
    cora = Participant.objects.get(email="cora@example.org")
    assert (cora.event, cora.name, cora.role) == (event, "Cora Co", Participant.Role.ORGANISER)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["cora@example.org"]
    cora_client = Client(headers={"accept-language": "en"})
    signed_in = cora_client.post(LINK.search(mailoutbox[0].body).group(1))
    assert (signed_in.status_code, signed_in.url) == (302, event.get_absolute_url())
    assert cora_client.get(url("organiser:poster", event)).status_code == 200


def test_inviting_a_participant_who_proved_the_address_promotes_them(
    organiser_client, event, participant, mailoutbox, django_capture_on_commit_callbacks
):
    participant.email = "piet@example.org"
    participant.save()
    make_sign_in_link(participant, "used-before", used_at=timezone.now())
    count = Participant.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        organiser_client.post(
            url("organiser:team", event), {"name": "Piet P.", "email": "PIET@example.org"}
        )

    participant.refresh_from_db()
    assert (participant.name, participant.role) == ("Piet Participant", Participant.Role.ORGANISER)
    assert Participant.objects.count() == count
    assert [mail.to for mail in mailoutbox] == [["piet@example.org"]]
    assert SignInLink.objects.filter(used_at__isnull=True).get().user == participant.user


def test_inviting_an_address_a_participant_only_typed_is_refused(
    organiser_client, event, participant, mailoutbox
):
    """Anyone can type anyone's address when joining; it makes nobody an organiser."""
    participant.email = "piet@example.org"
    participant.save()
    count = Participant.objects.count()

    response = organiser_client.post(
        url("organiser:team", event), {"name": "Piet P.", "email": "piet@example.org"}
    )

    participant.refresh_from_db()
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "Piet Participant joined with this address but has not confirmed it yet. Ask them to "
        "sign in once with a link sent to it, then invite them again."
    ]
    assert participant.role == Participant.Role.PARTICIPANT
    assert Participant.objects.count() == count
    assert mailoutbox == []


def test_team_lists_the_organisers(organiser_client, event, organiser, participant):
    response = organiser_client.get(url("organiser:team", event))

    assert list(response.context["organisers"]) == [organiser]


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"name": "", "email": "x@example.org"}, {"name": ["This field is required."]}),
        ({"name": "X", "email": "nope"}, {"email": ["Enter a valid email address."]}),
    ],
)
def test_inviting_with_bad_input_says_why_and_changes_nothing(
    organiser_client, event, mailoutbox, django_capture_on_commit_callbacks, data, errors
):
    count = Participant.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(url("organiser:team", event), data)

    assert response.status_code == 200
    assert response.context["form"].errors == errors
    assert Participant.objects.count() == count
    assert mailoutbox == []


def test_a_participant_cannot_invite(
    participant_client, event, mailoutbox, django_capture_on_commit_callbacks
):
    count = Participant.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        response = participant_client.post(
            url("organiser:team", event), {"name": "Eve", "email": "eve@example.org"}
        )

    assert response.status_code == 403
    assert Participant.objects.count() == count
    assert mailoutbox == []


# ---- hiding -------------------------------------------------------------------------------


def board_titles(client: Client, event: Event) -> list[str]:
    response = client.get(url("participant:proposals", event))
    return [session.title for session in response.context["page"]]


def test_a_hidden_session_disappears_for_participants(
    organiser_client, participant_client, event, participant
):
    spam = make_session(event, hosts=[participant], title="Buy now")
    make_session(event, hosts=[participant], title="Open data")

    response = organiser_client.post(url("organiser:hide", event, spam.pk), {"hidden": "1"})

    assert (response.status_code, response.url) == (302, url("participant:proposals", event))
    assert messages_of(response) == ["“Buy now” is hidden from participants."]
    assert board_titles(participant_client, event) == ["Open data"]
    assert participant_client.get(spam.get_absolute_url()).status_code == 404
    organiser_board = organiser_client.get(url("participant:proposals", event))
    assert organiser_board.context["hidden_sessions"] == [spam]


def test_an_organiser_shows_a_hidden_session_again(
    organiser_client, participant_client, event, participant
):
    spam = make_session(event, hosts=[participant], title="Not spam after all", hidden=True)

    response = organiser_client.post(url("organiser:hide", event, spam.pk), {"hidden": "0"})

    assert response.status_code == 302
    assert messages_of(response) == ["“Not spam after all” is visible again."]
    assert board_titles(participant_client, event) == ["Not spam after all"]
    assert participant_client.get(spam.get_absolute_url()).status_code == 200
    assert (
        organiser_client.get(url("participant:proposals", event)).context["hidden_sessions"] == []
    )


def test_a_participant_cannot_hide_a_session(participant_client, event, participant):
    session = make_session(event, hosts=[participant])

    response = participant_client.post(url("organiser:hide", event, session.pk), {"hidden": "1"})

    assert response.status_code == 403
    session.refresh_from_db()
    assert session.hidden is False


def test_hiding_with_a_bad_value_changes_nothing(organiser_client, event, participant):
    session = make_session(event, hosts=[participant])

    response = organiser_client.post(url("organiser:hide", event, session.pk), {"hidden": "yes"})

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.hidden is False


# ---- merging ------------------------------------------------------------------------------


def test_merging_combines_hosts_votes_and_themes_without_duplicates(organiser_client, event):
    ann, ben, cas = (make_participant(event, name=name) for name in ["Ann", "Ben", "Cas"])
    only_a, only_b, both = (make_participant(event, name=name) for name in ["V1", "V2", "V3"])
    open_data, privacy, ai = (make_theme(event, name=n) for n in ["Open data", "Privacy", "AI"])
    keep = make_session(event, hosts=[ann, ben], title="Open data in cities")
    keep.themes.set([open_data, privacy])
    merge = make_session(event, hosts=[ben, cas], title="Open data for towns")
    merge.themes.set([privacy, ai])
    for voter, session in [(only_a, keep), (both, keep), (only_b, merge), (both, merge)]:
        make_vote(voter, session)

    response = organiser_client.post(url("organiser:merge", event, keep.pk), {"merge": merge.pk})

    assert (response.status_code, response.url) == (302, keep.get_absolute_url())
    assert messages_of(response) == ["“Open data for towns” is merged into this session."]
    assert [h.participant for h in keep.hostings.all()] == [ann, ben, cas]
    assert sorted(keep.votes.values_list("participant__name", flat=True)) == ["V1", "V2", "V3"]
    assert Vote.objects.filter(participant=both).count() == 1
    assert sorted(keep.themes.values_list("name", flat=True)) == ["AI", "Open data", "Privacy"]
    merge.refresh_from_db()
    assert (merge.status, merge.merged_into) == (Session.Status.WITHDRAWN, keep)


def test_a_merged_sessions_page_points_to_where_it_went(organiser_client, event, participant):
    keep = make_session(event, hosts=[participant], title="Open data in cities")
    merge = make_session(event, hosts=[participant], title="Open data for towns")
    organiser_client.post(url("organiser:merge", event, keep.pk), {"merge": merge.pk})

    response = organiser_client.get(merge.get_absolute_url())

    assert response.status_code == 200
    assert "Merged into “Open data in cities”." in response.text
    assert f'<a href="{keep.get_absolute_url()}">Go there</a>' in response.text


def test_merging_respects_the_dot_voting_budget(client):
    event = make_event(language="en", votes_per_participant=2)
    client.force_login(make_participant(event, role=Participant.Role.ORGANISER).user)
    voter = make_participant(event)
    keep, merge = make_session(event, hosts=[voter]), make_session(event, hosts=[voter])
    make_vote(voter, keep)
    make_vote(voter, merge)

    client.post(url("organiser:merge", event, keep.pk), {"merge": merge.pk})

    assert list(Vote.objects.filter(participant=voter).values_list("session", flat=True)) == [
        keep.pk
    ]


def merge_state() -> list[tuple]:
    return list(
        Session.objects.order_by("pk").values_list("pk", "status", "merged_into", "hidden")
    ) + [tuple(Vote.objects.order_by("pk").values_list("participant", "session"))]


@pytest.mark.parametrize("into", ["itself", "other event", "unknown", "beyond 64 bits"])
def test_merging_with_a_bad_choice_says_why_and_changes_nothing(
    organiser_client, event, participant, into
):
    keep = make_session(event, hosts=[participant])
    foreign_event = make_event(language="en")
    foreign = make_session(foreign_event, hosts=[make_participant(foreign_event)])
    make_vote(participant, keep)
    choice = {
        "itself": keep.pk,
        "other event": foreign.pk,
        "unknown": 999_999,
        "beyond 64 bits": 2**63,
    }[into]
    before = merge_state()

    response = organiser_client.post(url("organiser:merge", event, keep.pk), {"merge": choice})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "merge": ["Select a valid choice. That choice is not one of the available choices."]
    }
    assert merge_state() == before


def test_merge_page_offers_only_other_active_sessions_of_the_event(
    organiser_client, event, participant
):
    keep = make_session(event, hosts=[participant], title="Keep")
    other = make_session(event, hosts=[participant], title="Other")
    make_session(event, hosts=[participant], title="Gone", status=Session.Status.WITHDRAWN)
    foreign_event = make_event()
    make_session(foreign_event, hosts=[make_participant(foreign_event)], title="Foreign")

    response = organiser_client.get(url("organiser:merge", event, keep.pk))

    assert list(response.context["form"].fields["merge"].queryset) == [other]


def test_a_participant_cannot_merge(participant_client, event, participant):
    keep = make_session(event, hosts=[participant])
    merge = make_session(event, hosts=[participant])
    before = merge_state()

    response = participant_client.post(url("organiser:merge", event, keep.pk), {"merge": merge.pk})

    assert response.status_code == 403
    assert merge_state() == before


def test_organiser_of_another_event_cannot_moderate_this_one(client, event, participant):
    elsewhere = make_event(language="en")
    user = make_user()
    make_participant(elsewhere, user=user, role=Participant.Role.ORGANISER)
    make_participant(event, user=user)
    session = make_session(event, hosts=[participant])
    client.force_login(user)

    response = client.post(url("organiser:hide", event, session.pk), {"hidden": "1"})

    assert response.status_code == 403
    session.refresh_from_db()
    assert session.hidden is False


# ---- who an invitation reaches ------------------------------------------------------------


def test_an_invitation_does_not_hand_the_event_to_whoever_typed_that_address_elsewhere(
    organiser_client, event, django_capture_on_commit_callbacks
):
    elsewhere = make_event(language="en", join_code="M4LL0R")
    mallory = Client(headers={"accept-language": "en"})
    mallory.post(
        reverse("public:join", args=[elsewhere.slug]),
        {"name": "Mallory", "email": "cora@example.org", "code": "M4LL0R"},
    )

    with django_capture_on_commit_callbacks(execute=True):
        organiser_client.post(
            url("organiser:team", event), {"name": "Cora Co", "email": "cora@example.org"}
        )

    assert mallory.get(url("organiser:poster", event)).status_code == 403
