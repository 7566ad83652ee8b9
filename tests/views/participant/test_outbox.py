"""Actions written offline and sent from the phone's outbox (static/js/outbox.js) carry an
`Idempotency-Key` the phone made when they were written: sent twice (the first answer lost, two
tabs catching up at once), they are done once, and the second send answers what is so now. A
refusal (voting closed while the phone was offline, the budget used up on another device)
answers 409 with the message in the person's language, and keeps no key, so sending it again
says it again. Requests without the header work as they always did."""

import threading
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from sessions_app import actions
from sessions_app.models import Event, Follow, FormSubmission, Participant, Session, Vote
from tests.factories import make_event, make_participant, make_session

pytestmark = pytest.mark.django_db

CLOSED_NL = "Stemmen is niet open."


@pytest.fixture
def event() -> Event:
    return make_event(slug="buurtcamp", language="nl", phase=Event.Phase.VOTING)


@pytest.fixture
def host(event: Event) -> Participant:
    return make_participant(event, "Hanne")


@pytest.fixture
def session(event: Event, host: Participant) -> Session:
    return make_session(event, title="Open data", hosts=[host])


@pytest.fixture
def me(event: Event) -> Participant:
    return make_participant(event, "Fien")


def phone(participant: Participant) -> Client:
    client = Client(headers={"accept-language": "nl"})
    client.force_login(participant.user)
    return client


def vote(client: Client, session: Session, word: str, key: str | None = None):
    headers = {"HX-Request": "true"} | ({"Idempotency-Key": key} if key else {})
    url = reverse("participant:vote", args=[session.event.slug, session.pk])
    return client.post(url, {"vote": word}, headers=headers)


def test_a_vote_sent_twice_with_one_key_is_cast_once_and_answered_the_same(me, session) -> None:
    client, key = phone(me), str(uuid.uuid4())

    first = vote(client, session, "1", key)
    second = vote(client, session, "1", key)

    assert first.status_code == second.status_code == 200
    assert Vote.objects.filter(participant=me, session=session).count() == 1
    assert "voted" in second.content.decode() and "1 stem" in second.content.decode()
    assert FormSubmission.objects.filter(key=key, user=me.user).count() == 1


def test_a_replayed_key_changes_nothing_after_the_person_changed_their_mind(me, session) -> None:
    """Written offline: vote (key A); back online they take it back by hand; then the answer
    to A, lost the first time, is sent again: A is not done a second time."""
    client, key = phone(me), str(uuid.uuid4())
    vote(client, session, "1", key)
    vote(client, session, "0")  # by hand, no key

    replay = vote(client, session, "1", key)

    assert replay.status_code == 200
    assert not Vote.objects.filter(participant=me, session=session).exists()
    assert "0 stemmen" in replay.content.decode()


def test_a_vote_refused_because_voting_closed_answers_409_with_the_message(
    me, session, event
) -> None:
    client, key = phone(me), str(uuid.uuid4())
    event.phase = Event.Phase.PUBLISHED
    event.save()

    answer = vote(client, session, "1", key)
    again = vote(client, session, "1", key)

    assert answer.status_code == again.status_code == 409
    assert CLOSED_NL in answer.content.decode() and CLOSED_NL in again.content.decode()
    assert not Vote.objects.filter(participant=me).exists()
    assert not FormSubmission.objects.filter(key=key).exists()


def test_a_vote_over_the_budget_answers_409_and_a_later_send_goes_ahead(me, session, event, host):
    """The last vote was used on another device meanwhile: refused with the budget's message;
    taken back there, the same key sends the vote after all (a refusal kept no key)."""
    event.votes_per_participant = 1
    event.save()
    other = make_session(event, title="Buurtwerk", hosts=[host])
    actions.cast_vote(participant=me, session=other)
    client, key = phone(me), str(uuid.uuid4())

    refused = vote(client, session, "1", key)
    assert refused.status_code == 409
    assert "Je hebt je 1 stem gebruikt" in refused.content.decode()
    actions.retract_vote(participant=me, session=other)
    sent = vote(client, session, "1", key)

    assert sent.status_code == 200
    assert Vote.objects.filter(participant=me, session=session).count() == 1


def test_without_a_key_a_refused_vote_answers_200_as_before(me, session, event) -> None:
    event.phase = Event.Phase.PUBLISHED
    event.save()
    answer = vote(phone(me), session, "1")
    assert answer.status_code == 200 and CLOSED_NL in answer.content.decode()


@pytest.mark.parametrize("key", ["", "not-a-key", "\x00", "a" * 5000, "{}"])
def test_a_key_that_is_no_uuid_is_no_key(me, session, key) -> None:
    answer = vote(phone(me), session, "1", key)
    assert answer.status_code == 200
    assert Vote.objects.filter(participant=me, session=session).count() == 1
    assert not FormSubmission.objects.exists()


def test_someone_elses_key_is_no_replay_of_theirs(me, session, event) -> None:
    """A key belongs to who sent it first: another person's send with it is an ordinary tap,
    never an answer about the first person's vote."""
    key = str(uuid.uuid4())
    vote(phone(me), session, "1", key)
    other = make_participant(event, "Jan")

    answer = vote(phone(other), session, "1", key)

    assert answer.status_code == 200
    assert Vote.objects.filter(participant=other, session=session).count() == 1


def test_a_follow_sent_twice_with_one_key_is_written_once(me, session, event) -> None:
    event.phase = Event.Phase.PUBLISHED
    event.save()
    client, key = phone(me), str(uuid.uuid4())
    url = reverse("participant:follow", args=[event.slug, session.pk])
    headers = {"HX-Request": "true", "Idempotency-Key": key}

    client.post(url, {"follow": "1"}, headers=headers)
    client.post(url, {"follow": "0"}, headers={"HX-Request": "true"})  # by hand, later
    replay = client.post(url, {"follow": "1"}, headers=headers)

    assert replay.status_code == 200
    assert not Follow.objects.filter(participant=me, session=session).exists()
    assert 'aria-pressed="false"' in replay.content.decode()


def test_a_follow_refused_with_a_key_answers_409(me, session, event) -> None:
    """Before the grid is out, following is refused: with a key, 409 and the message."""
    url = reverse("participant:follow", args=[event.slug, session.pk])
    headers = {"HX-Request": "true", "Idempotency-Key": str(uuid.uuid4())}
    answer = phone(me).post(url, {"follow": "1"}, headers=headers)
    assert answer.status_code == 409
    assert 'role="alert"' in answer.content.decode()
    assert not Follow.objects.exists()


def test_act_once_runs_the_action_once_per_key(me) -> None:
    key, runs = uuid.uuid4(), []

    def act() -> int:
        runs.append(1)
        return len(runs)

    results = [
        actions.act_once(
            key=key, user=me.user, act=act, done=lambda _n: True, replay=lambda: 0, url="/"
        )
        for _ in range(3)
    ]

    assert results == [1, 0, 0] and len(runs) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_key_sent_by_twenty_threads_at_once_votes_once(me, session) -> None:
    """Two tabs, or a send and its retry, catching up at the same instant: each thread on its
    own connection; the key's row waits on its unique index, so one send votes and every other
    one answers what is so then, 200 and the vote shown as cast."""
    threads_n, key = 20, str(uuid.uuid4())
    clients = [phone(me) for _ in range(threads_n)]
    barrier = threading.Barrier(threads_n)
    answers: list[tuple[int, bool]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def send(client: Client) -> None:
        try:
            barrier.wait(timeout=30)
            response = vote(client, session, "1", key)
            with lock:
                answers.append((response.status_code, "1 stem" in response.content.decode()))
        except BaseException as error:
            with lock:
                errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert answers == [(200, True)] * threads_n
    assert Vote.objects.filter(participant=me, session=session).count() == 1
    assert FormSubmission.objects.filter(key=key).count() == 1
