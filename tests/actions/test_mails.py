"""Mails as the people who get them read them: plain text, not HTML (a name with an apostrophe
or an ampersand reads as typed, never as `&#x27;` or `&amp;`), a subject on one line, and in the
recipient's language: the one they picked with the language switch or joined in, otherwise the
event's."""

import html
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from sessions_app import actions
from sessions_app.models import Event, Participant
from tests.factories import (
    make_event,
    make_participant,
    make_placement,
    make_room,
    make_session,
    make_slot,
)

pytestmark = pytest.mark.django_db

NAME = "Jan D'Hondt & Zoon"
TITLE = "parents' questions <and> more"
EVENT_NAME = 'Camp "Open" & <Overheid>'
ENTITY = re.compile(r"&(#x?[0-9a-fA-F]+|[a-zA-Z]+);")
MAIL_TEMPLATES = Path(settings.BASE_DIR, "templates", "emails")

DUTCH_SIGN_IN = "Je link naar"
ENGLISH_SIGN_IN = "Your link to"


def assert_plain_text(message) -> None:
    """What a person reads: no HTML entity anywhere, the subject on one line."""
    assert not ENTITY.search(message.body), message.body
    assert not ENTITY.search(message.subject), message.subject
    assert "\n" not in message.subject and "\r" not in message.subject


@pytest.fixture
def event(db) -> Event:
    """A Dutch event (the default language) that is over, so host links can go out."""
    return make_event(name=EVENT_NAME, language="nl", phase=Event.Phase.ARCHIVED)


@pytest.fixture
def jan(event: Event) -> Participant:
    return make_participant(event, name=NAME, email="jan@example.be")


@pytest.fixture
def held(event: Event, jan: Participant):
    session = make_session(event, [jan], title=TITLE)
    make_placement(session, make_room(event), make_slot(event))
    return session


# ---- plain text -----------------------------------------------------------------------------


def test_the_sign_in_mail_reads_names_as_typed(jan, mailoutbox):
    actions.send_sign_in_link(participant=jan)

    (message,) = mailoutbox
    assert_plain_text(message)
    assert message.subject == f"Je link naar {EVENT_NAME}"
    assert message.body.splitlines()[0] == f"Dag {NAME},"
    assert EVENT_NAME in message.body


def test_host_link_mails_and_reminders_read_titles_as_typed(event, held, mailoutbox):
    assert actions.send_host_links(event=event) == 1
    assert actions.resend_host_links(session=held) == 1

    for message in mailoutbox:
        assert_plain_text(message)
        assert message.subject == f"Je sessie “{TITLE}”: slides en verslag"
        assert message.body.splitlines()[0] == f"Dag {NAME},"
        assert f"“{TITLE}”" in message.body and EVENT_NAME in message.body


def test_a_reminder_reads_the_title_as_typed(event, held, mailoutbox):
    assert actions.remind_missing_material(event=event) == 1

    (message,) = mailoutbox
    assert_plain_text(message)
    assert message.subject == f"Herinnering: de slides en het verslag van “{TITLE}”"
    assert f"“{TITLE}”" in message.body


def test_an_organiser_invite_reads_the_name_as_typed(event, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        actions.invite_organiser(event=event, name=NAME, email="jan@example.be")

    (message,) = mail.outbox
    assert_plain_text(message)
    assert message.body.splitlines()[0] == f"Dag {NAME},"


def test_the_join_mail_reads_the_name_as_typed(db, mailoutbox):
    event = make_event(name=EVENT_NAME, language="nl", join_code="K7P2QX")

    Client().post(
        reverse("public:join", args=[event.slug]),
        {"name": NAME, "organisation": "", "email": "jan@example.be", "code": "K7P2QX"},
    )

    (message,) = mailoutbox
    assert_plain_text(message)
    assert message.subject == f"Je link naar {EVENT_NAME}"
    assert message.body.splitlines()[0] == f"Dag {NAME},"


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize(
    "stem", sorted(p.stem for p in MAIL_TEMPLATES.glob("*.txt") if not p.stem.endswith("_subject"))
)
def test_every_mail_template_renders_as_plain_text(event, held, stem, language):
    """Any mail template, also one added later, goes out unescaped with a one-line subject."""
    for reminder in (False, True):
        context = {
            "name": NAME,
            "event": event,
            "session": held,
            "reminder": reminder,
            "url": "https://example.org/a?b=1&c=2",
            "again_url": "https://example.org/again?event=x&y=z",
            "minutes": 30,
        }
        subject, body = actions.render_mail(stem, context, language=language)

        assert not ENTITY.search(subject + body), subject + body
        assert "\n" not in subject and subject == subject.strip()
        assert html.unescape(body) == body
        assert NAME in body and "https://example.org/a?b=1&c=2" in body


# ---- the recipient's language ---------------------------------------------------------------


def test_a_participant_who_chose_english_gets_english_mails(event, jan, held, mailoutbox):
    jan.language = "en"
    jan.save(update_fields=["language"])
    other = make_participant(event, name="Nele", email="nele@example.be")

    actions.send_sign_in_link(participant=jan)
    actions.send_sign_in_link(participant=other)
    actions.send_host_links(event=event)

    to_jan = [m for m in mailoutbox if m.to == ["jan@example.be"]]
    assert [m.subject for m in to_jan] == [
        f"Your link to {EVENT_NAME}",
        f"Your session “{TITLE}”: slides and report",
    ]
    assert all(m.body.startswith(f"Hello {NAME},") for m in to_jan)
    (to_nele,) = [m for m in mailoutbox if m.to == ["nele@example.be"]]
    assert to_nele.subject == f"Je link naar {EVENT_NAME}"
    assert to_nele.body.startswith("Dag Nele,")


def test_the_language_switch_remembers_the_choice_in_every_event(event, jan, mailoutbox):
    elsewhere = make_participant(make_event(language="nl"), user=jan.user, email=jan.email)
    stranger = make_participant(event, name="Nele", email="nele@example.be")
    client = Client()
    client.force_login(jan.user)

    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})

    assert response.status_code == 302
    for participation in (jan, elsewhere, stranger):
        participation.refresh_from_db()
    assert (jan.language, elsewhere.language, stranger.language) == ("en", "en", "")
    actions.send_sign_in_link(participant=elsewhere)
    assert mailoutbox[-1].subject.startswith(ENGLISH_SIGN_IN)

    client.post(reverse("set_language"), {"language": "nl", "next": "/"})
    jan.refresh_from_db()
    assert jan.language == "nl"


def test_the_language_switch_ignores_unknown_languages(jan):
    client = Client()
    client.force_login(jan.user)

    client.post(reverse("set_language"), {"language": "xx", "next": "/"})

    jan.refresh_from_db()
    assert jan.language == ""


def test_the_language_switch_of_a_visitor_changes_no_participant(jan):
    Client().post(reverse("set_language"), {"language": "en", "next": "/"})

    jan.refresh_from_db()
    assert jan.language == ""


def join(client: Client, event: Event, email: str):
    return client.post(
        reverse("public:join", args=[event.slug]),
        {"name": NAME, "organisation": "", "email": email, "code": event.join_code},
    )


def test_joining_in_another_language_than_the_events_keeps_it(db, mailoutbox):
    event = make_event(language="nl", join_code="K7P2QX")
    english = Client()
    english.post(reverse("set_language"), {"language": "en", "next": "/"})

    join(english, event, "jan@example.be")
    join(Client(headers={"accept-language": "en"}), event, "nele@example.be")

    chosen = dict(Participant.objects.values_list("email", "language"))
    assert chosen == {"jan@example.be": "en", "nele@example.be": ""}
    subjects = {m.to[0]: m.subject for m in mailoutbox}
    assert subjects["jan@example.be"].startswith(ENGLISH_SIGN_IN)
    assert subjects["nele@example.be"].startswith(DUTCH_SIGN_IN)


def test_a_sign_in_link_asked_for_after_picking_english_comes_in_english(jan, mailoutbox):
    url = reverse("public:sign-in-request")
    english = Client()
    english.post(reverse("set_language"), {"language": "en", "next": "/"})

    english.post(url, {"email": "jan@example.be"})
    Client().post(url, {"email": "jan@example.be"})

    assert [m.subject.split(" ")[0] for m in mailoutbox] == ["Your", "Je"]
    assert mailoutbox[0].body.startswith(f"Hello {NAME},")
    assert mailoutbox[1].body.startswith(f"Dag {NAME},")
