"""Rows 20 and 21: sign-in links and passwords.

Links: single use, valid for 15 minutes, only a hash stored, the same answer for known and
unknown addresses, limits per address (3) and per IP (10) per 15 minutes, a new session key at
sign-in, and a sign-out that kills the old cookie on the server. Passwords (organisers, admin):
10 failures per username and address within 15 minutes, then refused with a clear message even
with the right password, until the window has passed (sessions_app/login_throttle.py). The
clock is moved with time-machine. The authenticator-app step is in test_two_step.py."""

import hashlib
import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session as DjangoSession
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sessions_app import actions, login_throttle
from sessions_app.models import Participant, SignInLink, SignInRequest
from tests.factories import make_event, make_participant, make_sign_in_link, make_user
from tests.helpers import english, user_id

TOKEN_IN_MAIL = re.compile(r"/signin/([^/\s]+)/")


@pytest.fixture
def event(db):
    return make_event(slug="link-camp", name="Link camp", language="en")


@pytest.fixture
def person(event):
    return make_participant(event, name="Lien", email="lien@example.org")


def ask(client: Client, email: str, ip: str = "10.0.0.1"):
    return client.post(reverse("public:sign-in-request"), {"email": email}, REMOTE_ADDR=ip)


# ---- sign-in links (row 20) ----------------------------------------------------------------


def test_the_token_is_mailed_but_only_its_hash_is_stored(person, mailoutbox) -> None:
    ask(english(), "lien@example.org")
    (mail,) = mailoutbox
    token = TOKEN_IN_MAIL.search(mail.body).group(1)
    link = SignInLink.objects.get()
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = " ".join(str(v) for v in SignInLink.objects.values().get().values())
    assert token not in stored
    assert len(token) >= 32  # enough entropy to be unguessable


def test_a_link_works_once(person) -> None:
    make_sign_in_link(person, "once-only-token")
    url = reverse("public:sign-in", args=["once-only-token"])
    first, second = english(), english()
    assert first.post(url).status_code == 302 and user_id(first) == str(person.user_id)
    assert second.post(url).status_code == 410 and user_id(second) is None


def test_a_link_lasts_15_minutes_and_the_mail_says_so(person, mailoutbox) -> None:
    assert timedelta(minutes=15) == SignInLink.LIFETIME

    with time_machine.travel(timezone.now(), tick=False):
        ask(english(), "lien@example.org")

    link = SignInLink.objects.get()
    assert link.expires_at - link.created_at == timedelta(minutes=15)
    (mail,) = mailoutbox
    assert "The link works once and for 15 minutes." in mail.body
    assert "http://127.0.0.1:8000/signin/?event=link-camp" in mail.body  # where to ask again


def mailed_link(mailoutbox) -> str:
    return reverse("public:sign-in", args=[TOKEN_IN_MAIL.search(mailoutbox[-1].body).group(1)])


def test_a_link_used_after_14_minutes_signs_in(person, mailoutbox) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        ask(english(), "lien@example.org")
        clock.shift(timedelta(minutes=14))
        client = english()

        response = client.post(mailed_link(mailoutbox))

        assert response.status_code == 302
        assert user_id(client) == str(person.user_id)


def test_a_link_used_after_16_minutes_is_refused_and_changes_nothing(person, mailoutbox) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        ask(english(), "lien@example.org")
        clock.shift(timedelta(minutes=16))
        client = english()

        opened = client.get(mailed_link(mailoutbox))
        posted = client.post(mailed_link(mailoutbox))

    gone = "This sign-in link has expired or was used already. Ask for a new one below."
    assert (opened.status_code, opened.context["refusal"]) == (410, gone)
    assert (posted.status_code, posted.context["refusal"]) == (410, gone)
    assert gone in posted.content.decode()
    assert user_id(client) is None
    assert SignInLink.objects.get().used_at is None
    signed_in = [s.get_decoded().get("_auth_user_id") for s in DjangoSession.objects.all()]
    assert str(person.user_id) not in signed_in  # no session anywhere signs Lien in


def test_known_and_unknown_addresses_get_the_same_answer(person, mailoutbox) -> None:
    known = ask(english(), "lien@example.org", ip="10.0.0.1")
    unknown = ask(english(), "nobody@example.org", ip="10.0.0.2")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    follow_known = english().get(known["Location"])
    follow_unknown = english().get(unknown["Location"])
    assert follow_known.status_code == follow_unknown.status_code == 200
    assert len(mailoutbox) == 1  # only the known address gets mail, which nobody else sees


def test_limits_per_address_and_per_ip(person, mailoutbox) -> None:
    per_email = [ask(english(), "lien@example.org", ip=f"10.0.1.{i}").status_code for i in range(5)]
    assert per_email == [302, 302, 302, 429, 429]
    per_ip = [ask(english(), f"x{i}@example.org", ip="10.0.2.1").status_code for i in range(12)]
    assert per_ip == [302] * 10 + [429, 429]
    refused = ask(english(), "new@example.org", ip="10.0.2.1")
    assert "Too many sign-in links were asked for" in refused.content.decode()
    assert len(mailoutbox) == 3
    print(
        f"\nsign-in links: per address {actions.SIGN_IN_LIMIT_PER_EMAIL}, per IP "
        f"{actions.SIGN_IN_LIMIT_PER_ADDRESS} per {actions.SIGN_IN_WINDOW_MINUTES} min; "
        f"{per_email.count(429) + per_ip.count(429)} of {len(per_email) + len(per_ip)} requests "
        f"over the limit refused with 429; {SignInRequest.objects.count()} requests counted"
    )


def test_signing_in_gives_a_new_session_key_and_the_old_one_is_gone(person) -> None:
    client = english()
    session = client.session
    session["before"] = "anonymous"
    session.save()
    old_key = session.session_key
    make_sign_in_link(person, "rotate-token")
    client.post(reverse("public:sign-in", args=["rotate-token"]))
    new_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert new_key != old_key
    assert not DjangoSession.objects.filter(session_key=old_key).exists()
    assert user_id(client) == str(person.user_id)


def test_signing_out_kills_the_old_cookie_on_the_server(person, event) -> None:
    make_sign_in_link(person, "logout-token")
    client = english()
    client.post(reverse("public:sign-in", args=["logout-token"]))
    stolen = client.cookies[settings.SESSION_COOKIE_NAME].value
    my_page = reverse("participant:my-page", args=[event.slug])
    assert client.get(my_page).status_code == 200
    client.post(reverse("logout"))
    thief = english()
    thief.cookies[settings.SESSION_COOKIE_NAME] = stolen
    response = thief.get(my_page)
    assert response.status_code == 302  # to the join page: an anonymous visitor
    assert user_id(thief) is None
    assert not DjangoSession.objects.filter(session_key=stolen).exists()


# ---- passwords (row 21) --------------------------------------------------------------------

PASSWORD = "correct horse battery staple"


@pytest.fixture
def olga(event):
    user = make_user(username="olga-sec", password=PASSWORD)
    make_participant(event, user=user, role=Participant.Role.ORGANISER)
    return user


def attempt(password: str, ip: str = "10.9.9.9", url: str | None = None):
    client = english()
    response = client.post(
        url or reverse("login"), {"username": "olga-sec", "password": password}, REMOTE_ADDR=ip
    )
    return response, user_id(client)


def test_twenty_wrong_passwords_then_the_right_one_waits_for_the_cool_down(olga) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        results = [attempt(f"wrong-{i}") for i in range(20)]
        assert [uid for _r, uid in results] == [None] * 20  # 0 successes
        assert {r.status_code for r, _uid in results} == {200}
        throttled = [
            n for n, (r, _uid) in enumerate(results, 1)
            if "Too many failed sign-in attempts" in r.content.decode()
        ]  # fmt: skip
        assert throttled == list(range(11, 21))

        response, uid = attempt(PASSWORD)
        assert uid is None
        assert (
            "Too many failed sign-in attempts. Wait 15 minutes and try again"
            in response.content.decode()
        )
        clock.shift(timedelta(minutes=14, seconds=59))  # the window runs from the 1st failure
        assert attempt(PASSWORD)[1] is None
        # another address is not locked out by this one
        assert attempt(PASSWORD, ip="10.8.8.8")[1] == str(olga.pk)

        clock.shift(timedelta(seconds=2))
        assert attempt(PASSWORD)[1] == str(olga.pk)
    print(
        f"\npasswords: 20 wrong attempts -> 0 successes; attempts 11-20 and the right password "
        f"refused until {login_throttle.WINDOW // 60} min after the first failure "
        f"({login_throttle.LIMIT} failures per username+IP); another IP unaffected"
    )


def test_a_success_before_the_limit_clears_the_count(olga) -> None:
    for i in range(9):
        attempt(f"wrong-{i}")
    assert attempt(PASSWORD)[1] == str(olga.pk)
    assert login_throttle.failures("olga-sec", "10.9.9.9") == 0


def test_the_admin_login_is_throttled_too(olga) -> None:
    olga.is_staff = True
    olga.save()
    url = reverse("admin:login")
    for i in range(10):
        attempt(f"wrong-{i}", url=url)
    response, uid = attempt(PASSWORD, url=url)
    assert uid is None
    assert "Too many failed sign-in attempts" in response.content.decode()
