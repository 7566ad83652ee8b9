"""Joining an event and signing in: the code page, the join form, sign-in links and their
limits, CSRF, and the organisers' password login."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sessions_app.models import Event, Participant, SignInLink, SignInRequest
from tests.factories import (
    make_event,
    make_participant,
    make_session,
    make_sign_in_link,
    make_user,
)
from tests.helpers import join_url, messages_of

User = get_user_model()
LINK = re.compile(r"http://127\.0\.0\.1:8000/signin/([A-Za-z0-9_-]+)/")
SIGN_IN_SENT = (
    "If this address belongs to a participant, a sign-in link is on its way. "
    "Check your mail (and the spam folder)."
)
LINK_GONE = "This sign-in link has expired or was used already. Ask for a new one below."
TOO_MANY = "Too many sign-in links were asked for. Try again in 15 minutes."

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    """A visitor whose browser asks for English, so pages without an event speak English."""
    return Client(headers={"accept-language": "en"})


@pytest.fixture
def event(english_event_with_join_code: Event) -> Event:
    return english_event_with_join_code


def join_data(**kw) -> dict[str, str]:
    return {"name": "Ann Example", "organisation": "", "email": "", "code": "K7P2QX"} | kw


def counts() -> tuple[int, int]:
    return Participant.objects.count(), User.objects.count()


def signed_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


# ---- the code page ------------------------------------------------------------------------


def test_code_page_redirects_to_the_events_join_page_ignoring_case_and_spaces(client, event):
    response = client.post(reverse("public:join-with-code"), {"code": " k7p 2qx "})

    assert response.status_code == 302
    assert response.url == f"{join_url(event)}?code=K7P2QX"


def test_code_page_with_a_wrong_code_says_so_and_creates_nothing(client, event):
    before = counts()

    response = client.post(reverse("public:join-with-code"), {"code": "ZZZZZZ"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "code": ["There is no event with this code. Check it on the screen."]
    }
    assert counts() == before


# ---- the join form ------------------------------------------------------------------------


def test_join_creates_a_participant_with_a_passwordless_account_and_signs_in(client, event):
    response = client.post(join_url(event), join_data(organisation="Gemeente Gent"))

    participant = Participant.objects.get()
    assert (participant.event, participant.name, participant.organisation, participant.role) == (
        event,
        "Ann Example",
        "Gemeente Gent",
        Participant.Role.PARTICIPANT,
    )
    assert participant.user.has_usable_password() is False
    assert response.status_code == 302
    assert response.url == event.get_absolute_url()
    assert messages_of(response) == ["Welcome, Ann Example!"]
    assert client.get(event.get_absolute_url()).context["participant"] == participant


def test_join_code_in_the_form_ignores_case_and_spaces(client, event):
    client.post(join_url(event), join_data(code="k7p 2qx"))

    assert Participant.objects.get().name == "Ann Example"


def test_join_redirects_to_a_safe_local_next(client, event):
    proposals = reverse("participant:proposals", args=[event.slug])

    response = client.post(join_url(event), join_data(next=proposals))

    assert response.status_code == 302
    assert response.url == proposals


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "http://testserver.evil.example/"]
)
def test_join_never_redirects_to_an_external_next(client, event, next_url):
    response = client.post(join_url(event), join_data(next=next_url))

    assert response.status_code == 302
    assert response.url == event.get_absolute_url()


def test_join_with_email_mails_one_sign_in_link(client, event, mailoutbox):
    response = client.post(join_url(event), join_data(email="ann@example.org"))

    assert messages_of(response) == [
        "Welcome, Ann Example! We mailed you a link to come back on another device."
    ]
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["ann@example.org"]
    assert mail.subject == "Your link to Open Overheid Camp"
    assert mail.body.splitlines()[0] == "Hello Ann Example,"
    token = LINK.search(mail.body).group(1)
    link = SignInLink.objects.get()
    assert (link.user, link.event, link.token_hash) == (
        Participant.objects.get().user,
        event,
        SignInLink.hash(token),
    )
    assert link.token_hash != token


def test_join_mail_of_a_dutch_event_is_in_dutch(client, mailoutbox):
    dutch = make_event(name="Open Overheid Kamp", language="nl", join_code="D8TCHX")

    client.post(join_url(dutch), join_data(email="an@example.be", code="D8TCHX"))

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["an@example.be"]
    assert mail.subject == "Je link naar Open Overheid Kamp"
    assert mail.body.splitlines()[0] == "Dag Ann Example,"
    token = LINK.search(mail.body).group(1)
    assert SignInLink.objects.get().token_hash == SignInLink.hash(token)


# ---- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"name": ""}, {"name": ["This field is required."]}),
        ({"name": "   "}, {"name": ["This field is required."]}),
        (
            {"name": "x" * 10_000},
            {"name": ["Ensure this value has at most 150 characters (it has 10000)."]},
        ),
        (
            {"code": "ABCDEF"},
            {"code": ["This is not the code of this event. Check it on the screen."]},
        ),
        ({"code": ""}, {"code": ["This field is required."]}),
        ({"email": "not-an-address"}, {"email": ["Enter a valid email address."]}),
        (
            {"email": "BEN@example.org"},
            {"email": ["Someone in this event already uses this address. Ask for a sign-in link."]},
        ),
    ],
)
def test_join_with_bad_input_says_why_and_creates_nothing(client, event, mailoutbox, data, errors):
    make_participant(event, name="Ben", email="ben@example.org")
    before = counts()

    response = client.post(join_url(event), join_data(**data))

    assert response.status_code == 200
    assert response.context["form"].errors == errors
    assert counts() == before
    assert signed_in_user_id(client) is None
    assert mailoutbox == []


def test_a_name_with_html_is_stored_as_text_and_shown_escaped(client, event):
    name = "<script>alert(1)</script>"
    client.post(join_url(event), join_data(name=name))
    participant = Participant.objects.get()
    make_session(event, hosts=[participant], title="Safe title")

    event_page = client.get(event.get_absolute_url())
    proposals_page = client.get(reverse("participant:proposals", args=[event.slug]))

    assert participant.name == name
    assert "<script>alert(1)" not in event_page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in event_page.text
    assert "<script>alert(1)" not in proposals_page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in proposals_page.text


# ---- one person, several events -----------------------------------------------------------


def test_a_participant_of_one_event_joins_another_with_the_same_account(client, organiser):
    other = make_event(name="Other Camp", language="en", join_code="B2B2B2")
    client.force_login(organiser.user)
    users_before = User.objects.count()

    response = client.post(join_url(other), join_data(name="Olga", code="B2B2B2"))

    assert response.status_code == 302
    joined = Participant.objects.get(event=other)
    assert (joined.user, joined.role) == (organiser.user, Participant.Role.PARTICIPANT)
    assert User.objects.count() == users_before
    assert client.get(reverse("organiser:poster", args=[other.slug])).status_code == 403
    assert client.get(reverse("organiser:poster", args=[organiser.event.slug])).status_code == 200


def test_join_page_sends_an_existing_participant_on_without_creating_anything(client, participant):
    client.force_login(participant.user)
    before = counts()

    get = client.get(join_url(participant.event))
    post = client.post(join_url(participant.event), join_data(name="Someone Else"))

    assert (get.status_code, get.url) == (302, participant.event.get_absolute_url())
    assert messages_of(get) == ["You are already taking part in Open Overheid Camp."]
    assert (post.status_code, post.url) == (302, participant.event.get_absolute_url())
    assert counts() == before


# ---- sign-in links ------------------------------------------------------------------------


def sign_in_url(token: str) -> str:
    return reverse("public:sign-in", args=[token])


def test_opening_a_sign_in_link_shows_a_button_and_does_not_use_it(client, participant):
    link = make_sign_in_link(participant, "opened-token")

    response = client.get(sign_in_url("opened-token"))

    assert response.status_code == 200
    assert (
        '<button type="submit" class="button primary big">Sign in to Open Overheid Camp</button>'
        in (response.text)
    )
    link.refresh_from_db()
    assert link.used_at is None
    assert signed_in_user_id(client) is None


def test_posting_a_sign_in_link_signs_in_and_goes_to_its_event(client, participant):
    link = make_sign_in_link(participant, "good-token")

    response = client.post(sign_in_url("good-token"))

    assert response.status_code == 302
    assert response.url == participant.event.get_absolute_url()
    assert signed_in_user_id(client) == str(participant.user.pk)
    link.refresh_from_db()
    assert link.used_at is not None
    assert link.token_hash != "good-token"


def test_a_sign_in_link_works_once(client, participant):
    make_sign_in_link(participant, "once-token")
    client.post(sign_in_url("once-token"))
    replay = Client(headers={"accept-language": "en"})

    response = replay.post(sign_in_url("once-token"))

    assert response.status_code == 410
    assert response.context["refusal"] == LINK_GONE
    assert signed_in_user_id(replay) is None


def test_an_expired_sign_in_link_is_refused(client, participant):
    make_sign_in_link(participant, "old-token")
    now = timezone.now()
    SignInLink.objects.update(
        created_at=now - timedelta(hours=25), expires_at=now - timedelta(hours=1)
    )

    opened = client.get(sign_in_url("old-token"))
    posted = client.post(sign_in_url("old-token"))

    assert (opened.status_code, opened.context["refusal"]) == (410, LINK_GONE)
    assert (posted.status_code, posted.context["refusal"]) == (410, LINK_GONE)
    assert signed_in_user_id(client) is None
    assert SignInLink.objects.get().used_at is None


def test_an_unknown_sign_in_token_is_refused(client, participant):
    make_sign_in_link(participant, "real-token")

    opened = client.get(sign_in_url("made-up-token"))
    posted = client.post(sign_in_url("made-up-token"))

    assert (opened.status_code, opened.context["refusal"]) == (410, LINK_GONE)
    assert (posted.status_code, posted.context["refusal"]) == (410, LINK_GONE)
    assert signed_in_user_id(client) is None


# ---- asking for a sign-in link ------------------------------------------------------------


def ask_for_link(client: Client, email: str, ip: str = "127.0.0.1"):
    return client.post(reverse("public:sign-in-request"), {"email": email}, REMOTE_ADDR=ip)


def test_a_known_address_gets_one_link_per_account(client, event, mailoutbox):
    other = make_event(language="en")
    ann = make_participant(event, name="Ann", email="ann@example.org")
    make_participant(other, name="Ann", email="ann@example.org", user=ann.user)
    namesake = make_participant(make_event(language="en"), name="Ann B", email="ANN@example.org")

    response = ask_for_link(client, "ann@example.org")

    assert response.status_code == 302
    assert messages_of(response) == [SIGN_IN_SENT]
    assert [mail.to for mail in mailoutbox] == [["ann@example.org"], ["ann@example.org"]]
    assert sorted(link.user_id for link in SignInLink.objects.all()) == sorted(
        [ann.user_id, namesake.user_id]
    )
    tokens = [LINK.search(mail.body).group(1) for mail in mailoutbox]
    assert sorted(SignInLink.hash(token) for token in tokens) == sorted(
        SignInLink.objects.values_list("token_hash", flat=True)
    )


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, event, mailoutbox):
    response = ask_for_link(client, "nobody@example.org")

    assert response.status_code == 302
    assert messages_of(response) == [SIGN_IN_SENT]
    assert mailoutbox == []
    assert SignInLink.objects.count() == 0


def test_the_fourth_request_for_one_address_is_refused(client, participant, mailoutbox):
    participant.email = "piet@example.org"
    participant.save()
    for _ in range(3):
        assert ask_for_link(client, "piet@example.org").status_code == 302

    response = ask_for_link(client, "Piet@example.org", ip="10.0.0.2")

    assert response.status_code == 429
    assert response.context["form"].non_field_errors() == [TOO_MANY]
    assert len(mailoutbox) == 3
    assert (SignInLink.objects.count(), SignInRequest.objects.count()) == (3, 3)


def test_the_limit_per_address_counts_unknown_addresses_too(client, event, mailoutbox):
    for _ in range(3):
        assert ask_for_link(client, "nobody@example.org").status_code == 302

    response = ask_for_link(client, "nobody@example.org", ip="10.0.0.2")

    assert response.status_code == 429
    assert response.context["form"].non_field_errors() == [TOO_MANY]
    assert SignInRequest.objects.count() == 3


def test_the_eleventh_request_from_one_ip_is_refused(client, participant, mailoutbox):
    participant.email = "piet@example.org"
    participant.save()
    for n in range(10):
        assert ask_for_link(client, f"stranger{n}@example.org").status_code == 302

    response = ask_for_link(client, "piet@example.org")

    assert response.status_code == 429
    assert response.context["form"].non_field_errors() == [TOO_MANY]
    assert mailoutbox == []
    assert SignInRequest.objects.count() == 10


def test_asking_for_a_link_with_an_invalid_address_says_so(client, event):
    response = client.post(reverse("public:sign-in-request"), {"email": "nope"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"email": ["Enter a valid email address."]}
    assert SignInRequest.objects.count() == 0


# ---- CSRF ---------------------------------------------------------------------------------


def test_join_without_a_csrf_token_is_refused(event):
    client = Client(enforce_csrf_checks=True)
    before = counts()

    response = client.post(join_url(event), join_data())

    assert response.status_code == 403
    assert counts() == before


def test_join_with_a_forged_csrf_token_is_refused(event):
    client = Client(enforce_csrf_checks=True)
    client.get(join_url(event))  # sets the real CSRF cookie
    before = counts()

    response = client.post(join_url(event), join_data(csrfmiddlewaretoken="F" * 32))

    assert response.status_code == 403
    assert counts() == before


def test_join_with_the_pages_csrf_token_works(event):
    client = Client(enforce_csrf_checks=True)
    page = client.get(join_url(event))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)

    response = client.post(join_url(event), join_data(csrfmiddlewaretoken=token))

    assert response.status_code == 302
    assert Participant.objects.get().name == "Ann Example"


# ---- organisers' password login -----------------------------------------------------------


def test_an_organiser_with_a_password_signs_in_on_the_login_page(client, event):
    user = make_user(username="olga", password="correct horse battery staple")
    make_participant(event, user=user, role=Participant.Role.ORGANISER)

    response = client.post(
        reverse("login"), {"username": "olga", "password": "correct horse battery staple"}
    )

    assert response.status_code == 302
    assert response.url == reverse("public:home")
    assert signed_in_user_id(client) == str(user.pk)
    assert client.get(reverse("organiser:poster", args=[event.slug])).status_code == 200


def test_a_participant_without_a_password_cannot_sign_in_with_an_empty_one(client, event):
    client.post(join_url(event), join_data())
    username = Participant.objects.get().user.username
    fresh = Client(headers={"accept-language": "en"})

    response = fresh.post(reverse("login"), {"username": username, "password": ""})

    assert response.status_code == 200
    assert response.context["form"].errors == {"password": ["This field is required."]}
    assert signed_in_user_id(fresh) is None
