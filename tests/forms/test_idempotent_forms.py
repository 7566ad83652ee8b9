"""Forms that create something make it once: a double submit, or Back and submit again, sends
the form's `submission_key` a second time, and the second answer leads to what the first one
made, with a message in the person's language (Dutch here, the default). A page without a key
(an old cache) or with a broken one still works as a plain form; a key someone else used never
shows what they made."""

import re
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sessions_app import actions
from sessions_app.models import (
    Attachment,
    Event,
    FormSubmission,
    GridProposal,
    Participant,
    Room,
    Session,
    Theme,
)
from tests.factories import (
    make_event,
    make_participant,
    make_room,
    make_session,
    make_slot,
    make_user,
)
from tests.helpers import join_url, messages_of, run_together, slides_url
from tests.sample_files import pdf_bytes

pytestmark = pytest.mark.django_db
User = get_user_model()

ALREADY_PROPOSED = "Je had dit voorstel al ingediend — hier kan je het bewerken."
ALREADY_SENT = "Je had dit formulier al verstuurd, dus er is niets dubbel gemaakt. Hier staat het."
ALREADY_ADDED = "Je had dit al verstuurd; het staat er één keer, hieronder."


def dutch_client(user=None) -> Client:
    client = Client(headers={"accept-language": "nl-BE"})
    if user is not None:
        client.force_login(user)
    return client


def key_in(response, name: str = "submission_key") -> str:
    """The key the page's form carries, as a browser would send it back."""
    html = response.content.decode()
    found = re.findall(rf'<input type="text" name="{name}" value="([0-9a-f-]{{36}})" hidden>', html)
    assert len(found) == 1, found
    return found[0]


def twice(client: Client, url: str, data: dict, **kw):
    """Submit, see the page it leads to, go Back and submit the same form again."""
    first = client.post(url, data, **kw)
    client.get(first.url)
    return first, client.post(url, data, **kw)


@pytest.fixture
def event(event_with_join_code: Event) -> Event:
    return event_with_join_code


@pytest.fixture
def organiser_client(organiser: Participant) -> Client:
    return dutch_client(organiser.user)


# ---- proposing a session -------------------------------------------------------------------


def propose_url(event: Event) -> str:
    return reverse("participant:propose", args=[event.slug])


def proposal(key: str | None, **kw) -> dict:
    data = {"title": "Vaders in de opvoedingswinkel", "kind": "discussion", "description": ""}
    return data | ({"submission_key": key} if key is not None else {}) | kw


def test_proposing_twice_with_one_key_makes_one_session_and_leads_to_it(event, participant):
    client = dutch_client(participant.user)
    key = key_in(client.get(propose_url(event)))

    first, second = twice(client, propose_url(event), proposal(key))

    session = Session.objects.get()
    assert (first.status_code, first.url) == (302, session.get_absolute_url())
    assert (second.status_code, second.url) == (302, session.get_absolute_url())
    assert messages_of(second) == [ALREADY_PROPOSED]
    assert ALREADY_PROPOSED in client.get(second.url).content.decode()


def test_in_english_the_second_submit_says_so_in_english(participant):
    event = make_event(language="en")
    participant = make_participant(event)
    client = Client(headers={"accept-language": "en"})
    client.force_login(participant.user)
    key = key_in(client.get(propose_url(event)))

    _first, second = twice(client, propose_url(event), proposal(key))

    assert messages_of(second) == ["You already proposed this — you can edit it here."]
    assert Session.objects.filter(event=event).count() == 1


def test_every_showing_of_the_form_has_a_new_key(event, participant):
    client = dutch_client(participant.user)
    keys = [key_in(client.get(propose_url(event))) for _ in range(2)]

    for key in keys:
        client.post(propose_url(event), proposal(key))

    assert keys[0] != keys[1]
    assert Session.objects.count() == 2


def test_a_form_with_errors_keeps_its_key_and_the_corrected_one_makes_the_session(
    event, participant
):
    client = dutch_client(participant.user)
    key = key_in(client.get(propose_url(event)))

    refused = client.post(propose_url(event), proposal(key, title=" "))
    made = client.post(propose_url(event), proposal(key))
    client.get(made.url)
    again = client.post(propose_url(event), proposal(key))

    assert (refused.status_code, key_in(refused)) == (200, key)
    assert made.url == again.url == Session.objects.get().get_absolute_url()
    assert messages_of(again) == [ALREADY_PROPOSED]


@pytest.mark.parametrize("key", [None, "", "not-a-key", "<script>", "1" * 300])
def test_without_a_usable_key_the_form_still_proposes_once(event, participant, key):
    client = dutch_client(participant.user)

    response = client.post(propose_url(event), proposal(key))

    session = Session.objects.get()
    assert (response.status_code, response.url) == (302, session.get_absolute_url())
    assert FormSubmission.objects.count() == 0


def test_a_form_shown_again_with_a_broken_key_gets_a_good_one(event, participant):
    client = dutch_client(participant.user)

    response = client.post(propose_url(event), proposal("not-a-key", title=""))

    assert response.status_code == 200
    assert uuid.UUID(key_in(response))


def test_a_key_someone_else_used_does_not_lead_to_what_they_made(event, participant):
    other = make_participant(event, name="Olaf Other")
    key = key_in(dutch_client(participant.user).get(propose_url(event)))
    dutch_client(participant.user).post(propose_url(event), proposal(key))

    response = dutch_client(other.user).post(propose_url(event), proposal(key, title="Mijn idee"))

    mine = Session.objects.get(title="Mijn idee")
    assert (response.status_code, response.url) == (302, mine.get_absolute_url())
    assert ALREADY_PROPOSED not in messages_of(response)
    assert list(mine.hostings.values_list("participant", flat=True)) == [other.pk]


def test_a_refused_proposal_frees_its_key(event, participant):
    key = uuid.uuid4()

    def refuse():
        raise actions.ActionRefused("nee")

    with pytest.raises(actions.ActionRefused):
        actions.submit_once(key=key, user=participant.user, create=refuse, url=str)
    made = actions.submit_once(key=key, user=participant.user, create=lambda: "/x/", url=str)

    assert made == "/x/"
    assert list(FormSubmission.objects.values_list("url", "user")) == [("/x/", participant.user.pk)]


# ---- joining ----------------------------------------------------------------------------------


def join_data(key: str, **kw) -> dict:
    data = {"name": "Ann Example", "organisation": "", "email": "", "code": "K7P2QX"}
    return data | {"submission_key": key} | kw


@pytest.mark.parametrize("email", ["", "ann@example.org"])
def test_a_double_tap_on_join_makes_one_participant_and_signs_in_as_them(event, email):
    """The phone drops the first answer (with its cookie): the second request comes without it
    and must still end signed in as the one participant."""
    page = dutch_client().get(f"{join_url(event)}?code=K7P2QX")
    key = key_in(page)
    first_phone, second_try = dutch_client(), dutch_client()

    first = first_phone.post(join_url(event), join_data(key, email=email))
    second = second_try.post(join_url(event), join_data(key, email=email))

    ann = Participant.objects.get()
    assert (Participant.objects.count(), User.objects.count()) == (1, 1)
    assert first.url == second.url == event.get_absolute_url()
    assert second_try.session["_auth_user_id"] == str(ann.user_id)
    assert messages_of(second) == ["Je doet al mee aan Open Overheid Camp."]
    assert len(mail.outbox) == (1 if email else 0)


def test_a_join_key_is_no_lasting_way_into_the_account(event):
    """Only soon after the first submit does the same key sign a visitor in as its person: ten
    minutes later (a form kept somewhere, a key that leaked) it joins as a new person."""
    key = key_in(dutch_client().get(f"{join_url(event)}?code=K7P2QX"))
    dutch_client().post(join_url(event), join_data(key))
    later = dutch_client()

    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        later.post(join_url(event), join_data(key))

    ann = Participant.objects.order_by("pk").first()
    assert Participant.objects.count() == 2
    assert later.session["_auth_user_id"] != str(ann.user_id)


def test_a_browser_that_signed_out_cannot_sign_in_again_by_sending_the_join_form_again(event):
    """Joining signs in, which renews the CSRF token: the old page's form is refused (403)."""
    browser = Client(enforce_csrf_checks=True, headers={"accept-language": "nl-BE"})
    page = browser.get(f"{join_url(event)}?code=K7P2QX")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    data = join_data(key_in(page)) | {"csrfmiddlewaretoken": token}
    browser.post(join_url(event), data)
    browser.post(reverse("logout"), {"csrfmiddlewaretoken": browser.cookies["csrftoken"].value})

    again = browser.post(join_url(event), data)

    assert again.status_code == 403
    assert "_auth_user_id" not in browser.session
    assert Participant.objects.count() == 1


def test_a_signed_in_person_with_someone_elses_join_key_is_not_signed_in_as_them(event):
    key = key_in(dutch_client().get(join_url(event)))
    dutch_client().post(join_url(event), join_data(key))
    someone = make_user()
    client = dutch_client(someone)

    response = client.post(join_url(event), join_data(key, name="Bob"))

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(someone.pk)
    assert sorted(Participant.objects.values_list("name", flat=True)) == ["Ann Example", "Bob"]


# ---- what organisers create -------------------------------------------------------------------


NEW_EVENT = {
    "name": "Open Overheid Camp 2027",
    "slug": "",
    "date": "2027-06-12",
    "venue": "Gent",
    "language": "nl",
    "timezone": "Europe/Brussels",
    "voting": "plus",
    "votes": "",
    "description": "",
}


@pytest.mark.parametrize("slug", ["", "ooc-2027"])  # made from the name, or taken by the first
def test_creating_an_event_twice_with_one_key_makes_one_event(organiser_client, event, slug):
    key = key_in(organiser_client.get(reverse("organiser:create-event")))
    data = NEW_EVENT | {"slug": slug, "submission_key": key}

    first, second = twice(organiser_client, reverse("organiser:create-event"), data)

    made = Event.objects.exclude(pk=event.pk).get()
    dashboard = reverse("organiser:dashboard", args=[made.slug])
    assert (first.url, second.url) == (dashboard, dashboard)
    assert messages_of(second) == [ALREADY_SENT]


def test_adding_a_theme_twice_with_one_key_adds_it_once(organiser_client, event):
    url = reverse("organiser:themes", args=[event.slug])
    key = key_in(organiser_client.get(url))

    first, second = twice(organiser_client, url, {"name": "Armoede", "submission_key": key})

    assert list(Theme.objects.values_list("name", flat=True)) == ["Armoede"]
    assert (first.url, second.url) == (url, url)
    assert messages_of(second) == [ALREADY_SENT]


def test_inviting_an_organiser_twice_with_one_key_invites_once(
    organiser_client, event, django_capture_on_commit_callbacks
):
    url = reverse("organiser:team", args=[event.slug])
    key = key_in(organiser_client.get(url))
    data = {"name": "Mia Mede", "email": "mia@example.org", "submission_key": key}

    with django_capture_on_commit_callbacks(execute=True):
        first, second = twice(organiser_client, url, data)

    assert event.participants.filter(email="mia@example.org").count() == 1
    assert len(mail.outbox) == 1
    assert (first.url, second.url) == (url, url)
    assert messages_of(second) == [ALREADY_SENT]


def frame_data(response) -> dict[str, str]:
    """The rooms-and-slots form as the browser sends it, with two new rooms filled in."""
    data = {"submission_key": key_in(response)}
    data["version"] = str(response.context["sent"]["version"].value())
    for formset in (response.context["rooms"], response.context["slots"]):
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = str(management[name].value())
        for form in formset:
            for name in form.fields:
                value = form[name].value()
                if name != "DELETE":
                    data[form.add_prefix(name)] = "" if value is None else str(value)
    rooms = {"rooms-0-name": "Zaal A", "rooms-0-capacity": "30"}
    return data | rooms | {"rooms-1-name": "Zaal B", "rooms-1-capacity": "12"}


def test_saving_new_rooms_twice_with_one_key_adds_them_once(organiser_client, event):
    url = reverse("organiser:frame", args=[event.slug])
    data = frame_data(organiser_client.get(url))

    first, second = twice(organiser_client, url, data)

    assert sorted(Room.objects.values_list("name", flat=True)) == ["Zaal A", "Zaal B"]
    assert (first.url, second.url) == (url, url)
    assert messages_of(second) == [ALREADY_SENT]


def test_copying_the_frame_twice_with_one_key_copies_once(organiser_client, organiser, event):
    earlier = make_event(name="Camp 2025")
    make_participant(earlier, user=organiser.user, role=Participant.Role.ORGANISER)
    make_room(earlier, name="Aula")
    make_slot(earlier)
    url = reverse("organiser:frame", args=[event.slug])
    page = organiser_client.get(url)
    key = page.context["copy_form"]["submission_key"].value()
    assert f'value="{key}"' in page.content.decode()
    copy_url = reverse("organiser:copy-frame", args=[event.slug])

    first, second = twice(organiser_client, copy_url, {"source": earlier.pk, "submission_key": key})

    assert list(event.rooms.values_list("name", flat=True)) == ["Aula"]
    assert (first.url, second.url) == (url, url)
    assert messages_of(second) == [ALREADY_SENT]


def test_asking_for_a_grid_proposal_twice_with_one_key_asks_once(organiser_client, event):
    make_room(event)
    make_slot(event)
    make_session(event)
    key = key_in(organiser_client.get(reverse("organiser:grid", args=[event.slug])))
    url = reverse("organiser:start-proposal", args=[event.slug])

    first, second = twice(organiser_client, url, {"submission_key": key})

    assert GridProposal.objects.count() == 1
    page = reverse("organiser:propose-grid", args=[event.slug])
    assert (first.url, second.url) == (page, page)
    assert messages_of(second) == [ALREADY_SENT]


# ---- slides and links ---------------------------------------------------------------------------


@pytest.fixture
def hosted(event: Event, participant: Participant) -> Session:
    return make_session(event, hosts=[participant])


def test_adding_a_link_twice_with_one_key_adds_it_once(participant, hosted):
    client = dutch_client(participant.user)
    key = key_in(client.get(slides_url(hosted)), name="link-submission_key")
    data = {"link-title": "Video", "link-url": "https://example.org/v", "link-kind": "video"}

    first, second = twice(
        client, slides_url(hosted, "participant:slides-link"), data | {"link-submission_key": key}
    )

    assert Attachment.objects.count() == 1
    assert (first.url, second.url) == (slides_url(hosted), slides_url(hosted))
    assert messages_of(second) == [ALREADY_ADDED]


def test_uploading_twice_with_one_key_stores_one_file(participant, hosted):
    client = dutch_client(participant.user)
    key = key_in(client.get(slides_url(hosted)))
    url = slides_url(hosted, "participant:slides-upload")

    def send():
        return client.post(url, {"title": "Deck", "file": _pdf(), "submission_key": key})

    first = send()
    client.get(first.url)
    second = send()

    assert Attachment.objects.count() == 1
    assert (first.url, second.url) == (slides_url(hosted), slides_url(hosted))
    assert messages_of(second) == [ALREADY_ADDED]


def test_an_upload_by_script_gets_the_list_with_a_new_key_for_the_next_file(participant, hosted):
    """static/js/uploads.js keeps the form on the page: the list it swaps in brings the key the
    next file goes with, and the same key again adds nothing."""
    client = dutch_client(participant.user)
    key = key_in(client.get(slides_url(hosted)))
    url = slides_url(hosted, "participant:slides-upload")
    htmx = {"HX-Request": "true"}

    first = client.post(url, {"file": _pdf(), "submission_key": key}, headers=htmx)
    again = client.post(url, {"file": _pdf(), "submission_key": key}, headers=htmx)
    fresh = re.search(r'data-submission-key="([0-9a-f-]{36})"', first.content.decode())[1]
    next_file = client.post(url, {"file": _pdf(), "submission_key": fresh}, headers=htmx)

    assert (first.status_code, again.status_code, next_file.status_code) == (200, 200, 200)
    assert fresh != key
    assert ALREADY_ADDED in again.content.decode()
    assert Attachment.objects.count() == 2


def _pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("deck.pdf", pdf_bytes(), content_type="application/pdf")


# ---- at the same moment (PostgreSQL) ----------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_submits_of_one_proposal_at_the_same_moment_make_one_session():
    """The second insert of the key waits on the unique index until the first transaction
    commits, then finds its row: one session, and both answers lead to it."""

    event = make_event(join_code="K7P2QX")
    participant = make_participant(event)
    clients = [dutch_client(participant.user) for _ in range(2)]
    key = key_in(clients[0].get(propose_url(event)))

    results, errors = run_together(
        [lambda c=c: c.post(propose_url(event), proposal(key)) for c in clients]
    )

    assert errors == []
    session = Session.objects.get()
    assert [(r.status_code, r.url) for r in results] == [(302, session.get_absolute_url())] * 2
    assert FormSubmission.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_submits_of_one_join_form_at_the_same_moment_make_one_participant():

    event = make_event(name="Open Overheid Camp", join_code="K7P2QX")
    key = key_in(dutch_client().get(join_url(event)))
    phones = [dutch_client() for _ in range(2)]

    results, errors = run_together(
        [
            lambda p=p: p.post(join_url(event), join_data(key, email="ann@example.org"))
            for p in phones
        ]
    )

    assert errors == []
    ann = Participant.objects.get()
    assert (Participant.objects.count(), User.objects.count()) == (1, 1)
    assert [r.status_code for r in results] == [302, 302]
    assert [p.session["_auth_user_id"] for p in phones] == [str(ann.user_id)] * 2
