"""Row 21: two-step sign-in for organisers and the admin (sessions_app/second_factor.py).

"required" (production): an organiser without an authenticator is sent to set one up before any
organiser page or the admin. With one, the password alone signs nobody in; the right code does,
once; a wrong or reused code is refused with a clear message and nothing changes; codes count
one 30 s step early or late; 10 wrong codes in a row stop all checks for 15 minutes. The same
holds after a sign-in link. "optional" (development, the demo, these tests by default): nobody
is asked who has not set one up; `force_login` needs no code.

Codes come from tests/authenticator.py (RFC 6238 written out), the clock from time-machine."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from sessions_app import second_factor
from sessions_app.models import Event, Participant
from tests.authenticator import code, make_authenticator
from tests.factories import make_event, make_participant, make_sign_in_link, make_user
from tests.helpers import english, user_id

PASSWORD = "correct horse battery staple"
WRONG_CODE = "This code is not right. Enter the 6-digit code your authenticator app shows now."
REUSED = "This code was used already. Wait for the next one and enter that."


@pytest.fixture
def required(settings):
    settings.OOCAMP_ORGANISER_TOTP = "required"


@pytest.fixture
def event(db):
    return make_event(slug="two-step-camp", name="Two-step camp", language="en")


@pytest.fixture
def olga(event):
    user = make_user(username="olga-2fa", password=PASSWORD, email="olga@example.org")
    make_participant(event, user=user, role=Participant.Role.ORGANISER, email="olga@example.org")
    return user


@pytest.fixture
def secret(olga) -> str:
    return make_authenticator(olga)


@pytest.fixture
def frozen():
    """The clock stands still at the start of a 30 s step (moved on with `.shift`)."""
    start = (int(timezone.now().timestamp()) // 30 + 1) * 30
    with time_machine.travel(start, tick=False) as clock:
        yield clock


def dashboard(event: Event) -> str:
    return reverse("organiser:dashboard", args=[event.slug])


def password_step(client: Client, next_url: str = "", url: str | None = None, **extra):
    data = {"username": "olga-2fa", "password": PASSWORD, "next": next_url}
    return client.post(url or reverse("login"), data, **extra)


def code_step(client: Client, value: str, next_url: str = "", **extra):
    return client.post(reverse("login-code"), {"code": value, "next": next_url}, **extra)


def now() -> float:
    return timezone.now().timestamp()


# ---- optional mode (the default here) -------------------------------------------------------


def test_optional_force_login_needs_no_code(olga, event) -> None:
    client = english()
    client.force_login(olga)

    assert client.get(dashboard(event)).status_code == 200


def test_optional_without_an_authenticator_the_password_is_enough(olga, event) -> None:
    client = english()

    response = password_step(client, dashboard(event))

    assert response["Location"] == dashboard(event)
    assert client.get(dashboard(event)).status_code == 200


def test_optional_with_an_authenticator_the_code_is_asked_all_the_same(
    olga, event, secret, frozen
) -> None:
    client = english()

    response = password_step(client, dashboard(event))

    assert response["Location"] == f"{reverse('login-code')}?next=%2Ftwo-step-camp%2Forganise%2F"
    assert user_id(client) is None
    assert code_step(client, code(secret), dashboard(event))["Location"] == dashboard(event)
    assert client.get(dashboard(event)).status_code == 200


# ---- required mode: setting it up -----------------------------------------------------------


def test_required_an_organiser_without_an_authenticator_is_sent_to_set_one_up(
    required, olga, event
) -> None:
    client = english()
    password_step(client)
    assert user_id(client) == str(olga.pk)  # signed in, but ...

    response = client.get(dashboard(event))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('two-step')}?next=%2Ftwo-step-camp%2Forganise%2F"
    setup = client.get(response["Location"])
    assert "Organisers sign in here with a password and a code" in setup.content.decode()


def test_required_force_login_is_sent_to_set_up_too_and_has_no_organiser_powers(
    required, olga, event
) -> None:
    client = english()
    client.force_login(olga)

    assert client.get(dashboard(event))["Location"].startswith(reverse("two-step"))
    grid = client.get(reverse("public:grid", args=[event.slug]))  # not published yet
    assert grid.context["unpublished"] is True  # what everyone but organisers sees
    assert client.get(reverse("public:event", args=[event.slug])).context["is_organiser"] is False


def test_required_a_participant_is_not_asked(required, event) -> None:
    piet = make_participant(event, "Piet")
    client = english()
    client.force_login(piet.user)

    assert client.get(reverse("participant:my-page", args=[event.slug])).status_code == 200
    assert client.get(dashboard(event)).status_code == 403
    assert client.get(reverse("two-step")).status_code == 403


def test_setting_up_shows_a_qr_code_and_the_secret_and_a_right_code_confirms_it(
    required, olga, event, frozen
) -> None:
    client = english()
    client.force_login(olga)
    page = client.get(f"{reverse('two-step')}?next={dashboard(event)}")
    secret = page.context["secret"]

    assert page.status_code == 200
    assert f'<code class="code" id="two-step-secret">{secret}</code>' in page.content.decode()
    assert page.context["qr"].startswith("data:image/svg+xml")
    assert len(secret.replace(" ", "")) == 32  # 160 bits, as RFC 4226 recommends

    wrong = client.post(reverse("two-step"), {"code": "000000", "next": dashboard(event)})
    assert wrong.status_code == 200
    assert "This code is not right. Check that the app shows OOcamp" in wrong.content.decode()
    assert not TOTPDevice.objects.exists()

    right = client.post(reverse("two-step"), {"code": code(secret), "next": dashboard(event)})
    assert right["Location"] == dashboard(event)
    assert TOTPDevice.objects.get().confirmed
    assert client.get(dashboard(event)).status_code == 200


def test_the_code_that_set_it_up_cannot_sign_in(required, olga, event, frozen) -> None:
    client = english()
    client.force_login(olga)
    secret = client.get(reverse("two-step")).context["secret"]
    client.post(reverse("two-step"), {"code": code(secret)})
    client.post(reverse("logout"))

    password_step(client)
    response = code_step(client, code(secret))

    assert REUSED in response.content.decode()
    assert user_id(client) is None


# ---- required mode: signing in ------------------------------------------------------------


def test_the_password_alone_gives_no_access(required, olga, event, secret) -> None:
    client = english()

    response = password_step(client, dashboard(event))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login-code"))
    assert user_id(client) is None
    assert client.get(dashboard(event))["Location"].startswith(reverse("login"))


def test_password_and_the_right_code_sign_in_with_a_new_session_key(
    required, olga, event, secret, frozen
) -> None:
    client = english()
    password_step(client, dashboard(event))
    key_between = client.session.session_key

    response = code_step(client, code(secret), dashboard(event))

    assert response["Location"] == dashboard(event)
    assert user_id(client) == str(olga.pk)
    assert client.session.session_key != key_between
    assert client.get(dashboard(event)).status_code == 200


def test_a_wrong_code_is_refused_and_changes_nothing(required, olga, event, secret, frozen):
    client = english()
    password_step(client, dashboard(event))
    before = TOTPDevice.objects.values("last_t", "confirmed", "key").get()
    wrong = f"{(int(code(secret)) + 1) % 1_000_000:06d}"

    response = code_step(client, wrong, dashboard(event))

    assert response.status_code == 200
    assert WRONG_CODE in response.content.decode()
    assert response.context["form"].errors == {"code": [WRONG_CODE]}
    assert user_id(client) is None
    assert TOTPDevice.objects.values("last_t", "confirmed", "key").get() == before
    assert client.get(dashboard(event))["Location"].startswith(reverse("login"))
    # the password step still stands: the right code now goes through
    assert code_step(client, code(secret), dashboard(event))["Location"] == dashboard(event)


@pytest.mark.parametrize("typed", ["12345", "1234567", "abcdef", "١٢٣٤٥٦"])
def test_a_code_that_is_not_6_digits_is_refused_with_its_own_message(
    required, olga, secret, typed
) -> None:
    client = english()
    password_step(client)

    response = code_step(client, typed)

    assert response.context["form"].errors == {
        "code": ["Enter the 6 digits your authenticator app shows."]
    }
    assert TOTPDevice.objects.get().throttling_failure_count == 0  # not even checked


def test_a_code_with_spaces_is_read_without_them(required, olga, secret, frozen) -> None:
    client = english()
    password_step(client)
    typed = code(secret)

    code_step(client, f"{typed[:3]} {typed[3:]}")

    assert user_id(client) == str(olga.pk)


def test_a_used_code_is_refused_the_next_code_works(required, olga, event, secret, frozen):
    first = english()
    password_step(first)
    code_step(first, code(secret))
    assert user_id(first) == str(olga.pk)

    second = english()
    password_step(second)
    response = code_step(second, code(secret))
    assert REUSED in response.content.decode()
    assert user_id(second) is None

    frozen.shift(30)
    code_step(second, code(secret))
    assert user_id(second) == str(olga.pk)


def test_codes_count_one_step_early_or_late_not_two(required, olga, secret, frozen) -> None:
    # each accepted code must be of a later step than the last one accepted
    verdicts = []
    for offset in (-60, -30, 30, 60):
        client = english()
        password_step(client)
        code_step(client, code(secret, at=now() + offset))
        verdicts.append(user_id(client) is not None)

    assert verdicts == [False, True, True, False]


def test_twenty_wrong_codes_then_the_right_one_waits_for_the_cool_down(
    required, olga, event, secret, frozen
) -> None:
    client = english()
    password_step(client)
    right = code(secret)
    wrong = f"{(int(right) + 500_000) % 1_000_000:06d}"

    pages = [code_step(client, wrong).content.decode() for _ in range(20)]

    assert user_id(client) is None  # 0 successes
    throttled = [n for n, page in enumerate(pages, 1) if "Too many wrong codes" in page]
    assert throttled == list(range(11, 21))
    refused = code_step(client, right).content.decode()
    assert "Too many wrong codes. Wait 15 minutes and try again" in refused
    assert user_id(client) is None
    elsewhere = english()  # the count is the account's, not the address's
    password_step(elsewhere, REMOTE_ADDR="10.7.7.7")
    assert "Too many wrong codes" in code_step(elsewhere, right).content.decode()

    frozen.shift(timedelta(minutes=14))
    password_step(client)  # the password step lasts 5 minutes
    assert "Wait 1 minute and try again" in code_step(client, code(secret)).content.decode()
    frozen.shift(timedelta(minutes=1, seconds=1))
    code_step(client, code(secret))
    assert user_id(client) == str(olga.pk)
    assert TOTPDevice.objects.get().throttling_failure_count == 0
    print(
        f"\ncodes: 20 wrong -> 0 successes; codes 11-20 and then the right one refused for "
        f"{second_factor.CODE_WINDOW // 60} min after the last wrong one "
        f"({second_factor.CODE_LIMIT} in a row, per account, any address)"
    )


def test_the_password_step_expires_after_5_minutes(required, olga, secret, frozen) -> None:
    client = english()
    password_step(client)
    frozen.shift(timedelta(minutes=5, seconds=1))

    response = code_step(client, code(secret))

    assert response["Location"].startswith(reverse("login"))
    assert user_id(client) is None


def test_the_code_page_without_a_password_step_sends_to_the_password(db) -> None:
    response = english().get(reverse("login-code"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# ---- after a sign-in link, and the admin ----------------------------------------------------


def test_after_a_sign_in_link_the_organiser_pages_ask_for_the_code(olga, event, secret, frozen):
    participant = Participant.objects.get(user=olga)
    make_sign_in_link(participant, "olga-link")
    client = english()
    client.post(reverse("public:sign-in", args=["olga-link"]))
    assert user_id(client) == str(olga.pk)

    response = client.get(dashboard(event))

    assert response["Location"] == f"{reverse('login-code')}?next=%2Ftwo-step-camp%2Forganise%2F"
    page = client.get(reverse("public:event", args=[event.slug]))
    assert page.context["is_organiser"] is False  # no organiser powers until the code
    assert code_step(client, code(secret), dashboard(event))["Location"] == dashboard(event)
    assert client.get(dashboard(event)).status_code == 200


def test_an_htmx_request_is_sent_to_the_code_step_by_htmx(olga, event, secret) -> None:
    make_sign_in_link(Participant.objects.get(user=olga), "olga-link")
    client = english()
    client.post(reverse("public:sign-in", args=["olga-link"]))

    response = client.get(reverse("organiser:grid", args=[event.slug]), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("login-code"))


def test_the_admin_sign_in_asks_for_the_code_too(required, olga, secret, frozen) -> None:
    olga.is_staff = olga.is_superuser = True
    olga.save()
    client = english()

    response = password_step(client, "/admin/", url=reverse("admin:login"))

    assert response["Location"] == f"{reverse('login-code')}?next=%2Fadmin%2F"
    assert user_id(client) is None
    assert client.get("/admin/")["Location"].startswith(reverse("admin:login"))
    code_step(client, code(secret), "/admin/")
    assert client.get("/admin/").status_code == 200


def test_required_staff_without_an_authenticator_are_kept_out_of_the_admin(required, olga):
    olga.is_staff = olga.is_superuser = True
    olga.save()
    client = english()
    client.force_login(olga)

    response = client.get(reverse("admin:index"))

    assert response["Location"] == f"{reverse('two-step')}?next=%2Fadmin%2F"
    assert client.get(reverse("admin:login"))["Location"].startswith(reverse("two-step"))


def test_the_admin_never_shows_an_authenticators_secret(olga, secret, admin_client) -> None:
    device = TOTPDevice.objects.get()
    url = reverse("admin:otp_totp_totpdevice_change", args=[device.pk])

    page = admin_client.get(url).content.decode()

    assert device.key not in page
    assert secret not in page
    config = reverse("admin:otp_totp_totpdevice_config", args=[device.pk])
    assert admin_client.get(config).status_code == 403


def test_a_password_step_signs_out_whoever_was_signed_in_on_that_browser(
    olga, event, secret, frozen
) -> None:
    client = english()
    client.force_login(make_participant(event, "Piet").user)

    password_step(client)

    assert user_id(client) is None  # not Piet any more, not Olga yet
    code_step(client, code(secret))
    assert user_id(client) == str(olga.pk)


def test_moving_to_another_app_replaces_the_old_one(olga, event, secret, frozen) -> None:
    client = english()
    password_step(client)
    code_step(client, code(secret))
    assert client.get(reverse("two-step")).context["setting_up"] is False  # on: no new key

    new_secret = client.get(f"{reverse('two-step')}?new=1").context["secret"]
    frozen.shift(30)
    client.post(f"{reverse('two-step')}?new=1", {"code": code(new_secret)})

    assert TOTPDevice.objects.count() == 1
    other = english()
    password_step(other)
    frozen.shift(30)
    assert WRONG_CODE in code_step(other, code(secret)).content.decode()  # the old app's code
    code_step(other, code(new_secret))
    assert user_id(other) == str(olga.pk)


def test_a_session_that_owes_its_code_cannot_replace_the_app(olga, event, secret) -> None:
    make_sign_in_link(Participant.objects.get(user=olga), "olga-link")
    client = english()
    client.post(reverse("public:sign-in", args=["olga-link"]))

    page = client.get(f"{reverse('two-step')}?new=1")
    posted = client.post(f"{reverse('two-step')}?new=1", {"code": "123456"})

    assert page["Location"].startswith(reverse("login-code"))
    assert posted["Location"].startswith(reverse("login-code"))
    assert TOTPDevice.objects.count() == 1
