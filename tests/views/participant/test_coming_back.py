"""Issue 14, defects 4, 6 and 7 at the HTTP level: nobody is locked out by "Sign out", a
participant adds an email on My page, the info desk shows a one-time sign-in link; "Join and
propose" goes straight to the proposal form; the event page leads to the grid once it is out."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from sessions_app.models import Event, Participant, SignInLink
from tests.factories import make_event, make_participant

pytestmark = pytest.mark.django_db

User = get_user_model()


def client_for(participant: Participant) -> Client:
    client = Client()
    client.force_login(participant.user)
    return client


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# ---- defect 4a: a warning before signing out ---------------------------------------------


def test_signing_out_without_an_email_warns_in_dutch_and_keeps_the_person_in(participant):
    client = client_for(participant)

    response = client.post(reverse("sign-out"))

    assert response.status_code == 200
    text = response.content.decode()
    assert "Je hebt geen e-mailadres bij ons" in text
    assert "Eens afgemeld kun je niet meer terug binnen." in text
    assert f'href="/{participant.event.slug}/me/#my-email"' in text
    assert "Toch afmelden" in text
    assert signed_in(client)


def test_signing_out_anyway_signs_out(participant):
    client = client_for(participant)

    response = client.post(reverse("sign-out"), {"anyway": "1"})

    assert response.status_code == 302
    assert not signed_in(client)


def test_someone_with_an_email_or_a_password_signs_out_at_once(event, participant):
    participant.email = "piet@example.org"
    participant.save()
    with_email = client_for(participant)
    organiser = make_participant(
        event, role=Participant.Role.ORGANISER, user=User.objects.create_user("olga", "", "pw")
    )
    with_password = client_for(organiser)

    for client in (with_email, with_password):
        response = client.post(reverse("sign-out"))
        assert response.status_code == 302
        assert not signed_in(client)


def test_an_email_in_another_event_is_a_way_back_too(participant):
    other = make_event(slug="elders")
    make_participant(other, user=participant.user, email="piet@example.org")
    client = client_for(participant)

    assert client.post(reverse("sign-out")).status_code == 302


# ---- defect 4b: an email on My page -------------------------------------------------------


def test_a_participant_adds_an_email_on_my_page_and_gets_a_link(participant):
    client = client_for(participant)
    page = client.get(reverse("participant:my-page", args=[participant.event.slug]))
    assert "Voeg mijn e-mailadres toe" in page.content.decode()

    response = client.post(
        reverse("participant:my-email", args=[participant.event.slug]),
        {"email": " piet@example.org "},
        follow=True,
    )

    participant.refresh_from_db()
    assert participant.email == "piet@example.org"
    assert "Je e-mailadres is bewaard." in response.content.decode()
    assert [m.to for m in mail.outbox] == [["piet@example.org"]]
    assert client.post(reverse("sign-out")).status_code == 302  # no warning any more


def test_an_address_someone_else_uses_is_refused_in_dutch_without_a_500(event, participant):
    make_participant(event, email="Piet@Example.org")
    client = client_for(participant)

    response = client.post(
        reverse("participant:my-email", args=[event.slug]), {"email": "piet@example.org"}
    )

    assert response.status_code == 200
    assert "Iemand in dit evenement gebruikt dit e-mailadres al." in response.content.decode()
    participant.refresh_from_db()
    assert participant.email == ""
    assert mail.outbox == []


def test_a_bad_address_is_refused_in_dutch(participant):
    client = client_for(participant)

    response = client.post(
        reverse("participant:my-email", args=[participant.event.slug]), {"email": "piet@"}
    )

    assert response.status_code == 200
    assert "geldig e-mailadres" in response.content.decode()


# ---- defect 4c: the info desk ---------------------------------------------------------------


def test_the_info_desk_finds_people_by_name(event, organiser, participant):
    make_participant(event, name="Ann Andere")
    client = client_for(organiser)

    response = client.get(reverse("organiser:desk", args=[event.slug]), {"q": "piet"})

    text = response.content.decode()
    assert "Piet Participant" in text
    assert "Ann Andere" not in text
    assert "Toon aanmeldlink" in text


def test_the_info_desk_shows_a_one_time_link_that_leads_to_my_page(event, organiser, participant):
    client = client_for(organiser)
    url = reverse("organiser:desk-link", args=[event.slug, participant.pk])

    shown = client.post(url, follow=True)

    text = shown.content.decode()
    link = re.search(r'value="(http://testserver/signin/[^"]+)"', text).group(1)
    assert 'class="poster-qr" src="data:image/svg+xml' in text
    printed = client.get(reverse("organiser:desk-print", args=[event.slug, participant.pk]))
    assert link.replace("&", "&amp;") in printed.content.decode()
    assert SignInLink.objects.get().email == ""  # proves no address

    phone = Client()
    signed = phone.post(link.removeprefix("http://testserver"))
    assert signed.url == reverse("participant:my-page", args=[event.slug])
    assert phone.session["_auth_user_id"] == str(participant.user.pk)
    assert Client().post(link.removeprefix("http://testserver")).status_code == 410  # once
    assert "QR-code" not in client.get(url).content.decode()  # used: not shown again


def test_the_info_desk_is_for_the_events_organisers_only(event, organiser, participant):
    other = make_event(slug="elders")
    stranger = make_participant(other, name="Stranger")
    desk = client_for(organiser)
    other_link = reverse("organiser:desk-link", args=[event.slug, stranger.pk])
    assert desk.post(other_link).status_code == 404
    as_participant = client_for(participant)
    assert as_participant.get(reverse("organiser:desk", args=[event.slug])).status_code == 403
    assert SignInLink.objects.count() == 0


# ---- defect 6: join and propose -------------------------------------------------------------


@pytest.fixture
def open_event() -> Event:
    return make_event(slug="kamp", phase=Event.Phase.VOTING, join_code="KMP234")


def test_join_and_propose_goes_straight_to_the_proposal_form(open_event):
    client = Client()
    form = client.get(reverse("public:join", args=["kamp"]), {"code": "KMP234"})
    assert "Doe mee en stel een sessie voor" in form.content.decode()

    response = client.post(
        reverse("public:join", args=["kamp"]) + "?code=KMP234",
        {"name": "An", "code": "KMP234", "then": "propose", "next": "/kamp/"},
    )

    assert response.url == reverse("participant:propose", args=["kamp"])


def test_a_join_link_with_next_propose_leads_to_the_proposal_form(open_event):
    client = Client()
    response = client.post(
        reverse("public:join", args=["kamp"]) + "?code=KMP234&next=propose",
        {"name": "An", "code": "KMP234"},
    )
    assert response.url == reverse("participant:propose", args=["kamp"])


def test_plain_join_still_leads_to_the_event_page(open_event):
    response = Client().post(
        reverse("public:join", args=["kamp"]) + "?code=KMP234", {"name": "An", "code": "KMP234"}
    )
    assert response.url == reverse("public:event", args=["kamp"])


def test_no_propose_button_once_proposing_is_closed(open_event):
    open_event.phase = Event.Phase.PUBLISHED
    open_event.save()
    form = Client().get(reverse("public:join", args=["kamp"]), {"code": "KMP234"})
    assert "Doe mee en stel een sessie voor" not in form.content.decode()


# ---- defect 7: after publication the event page leads to the grid ---------------------------


@pytest.mark.parametrize("phase", [Event.Phase.PUBLISHED, Event.Phase.ARCHIVED])
def test_a_published_event_leads_to_the_grid_not_to_proposing(phase):
    event = make_event(slug="kamp", phase=phase)
    text = Client().get(reverse("public:event", args=["kamp"])).content.decode()

    assert 'href="/kamp/grid/"' in text
    assert "Bekijk het rooster" in text
    assert 'href="/kamp/join/"' not in text
    assert "stel een sessie voor" not in text.lower()
    assert 'href="/kamp/report/"' not in text
    event.report_published = True
    event.save()
    assert 'href="/kamp/report/"' in Client().get("/kamp/").content.decode()


def test_the_event_page_gives_its_live_region_to_live_js():
    event = make_event(slug="kamp", phase=Event.Phase.VOTING)
    page = Client().get("/kamp/").content.decode()
    assert 'data-live-target="event-now"' in page
    assert f'data-version="{event.grid_version}-voting"' in page

    fragment = Client().get("/kamp/", headers={"HX-Request": "true", "HX-Target": "event-now"})

    assert fragment.content.decode().lstrip().startswith('<div id="event-now"')
