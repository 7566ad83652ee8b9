"""The pitch round over HTTP: the moderator's page and steps (409 on a round that moved on),
the beamer, the state that the pages poll (ETag, 304, a new token after a step or a new
proposal), the phones' "now pitching" with its vote button (and its twin in the list), the
redirect to the grid once published, "Accept and publish", and who may do what."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from sessions_app import actions, live, pitching
from sessions_app.models import Event, GridProposal, PitchRound, Vote
from tests.factories import (
    make_event,
    make_participant,
    make_room,
    make_session,
    make_slot,
)
from tests.helpers import url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


@pytest.fixture
def event() -> Event:
    event = make_event(slug="pitch-camp", phase=Event.Phase.PROPOSALS, language="en")
    host = make_participant(event, name="Hanne Host")
    make_room(event, name="Aula", capacity=40)
    make_slot(event, "10:00", "10:45")
    make_slot(event, "11:00", "11:45")
    for title in ["Opvoeden in armoede", "Buurtgerichte zorg", "Vaders in beeld"]:
        make_session(event, [host], title=title)
    return event


def client_of(participant) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(participant.user)
    return client


@pytest.fixture
def moderator(event) -> Client:
    return client_of(make_participant(event, name="Mo", role="organiser"))


@pytest.fixture
def phone(event) -> Client:
    return client_of(make_participant(event, name="Pia Phone"))


def step(client: Client, event: Event, name: str, htmx: bool = False, **data):
    version = actions.pitch_round_for(event).version
    headers = {"hx-request": "true"} if htmx else {}
    return client.post(
        url("organiser:pitch-step", event),
        {"step": name, "version": version, **data},
        headers=headers,
    )


def test_the_moderator_starts_the_round_and_moves_on(moderator, event):
    page = moderator.get(url("organiser:pitch", event))
    assert "3 proposals are waiting to be pitched." in page.text
    assert "Starting the round opens voting." in page.text

    step(moderator, event, "start")
    response = step(moderator, event, "next", htmx=True)

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="pitch-moderator"')
    assert "Buurtgerichte zorg" in response.text.split("Next up")[0]  # now pitching
    event.refresh_from_db()
    assert event.phase == Event.Phase.VOTING


def test_a_double_press_is_refused_with_the_round_as_it_is(moderator, event):
    step(moderator, event, "start")
    version = actions.pitch_round_for(event).version
    moderator.post(url("organiser:pitch-step", event), {"step": "next", "version": version})

    again = moderator.post(
        url("organiser:pitch-step", event),
        {"step": "next", "version": version},
        headers={"hx-request": "true"},
    )

    assert again.status_code == 409
    assert "The round moved on meanwhile" in again.text
    assert pitching.queue(event).current.title == "Buurtgerichte zorg"  # only one step


@pytest.mark.parametrize("data", [{"step": "jump", "version": 0}, {"step": "next"}, {}])
def test_a_broken_step_is_400_and_changes_nothing(moderator, event, data):
    response = moderator.post(url("organiser:pitch-step", event), data)

    assert response.status_code == 400
    assert actions.pitch_round_for(event).version == 0


def test_seconds_per_pitch_are_set_and_bad_values_say_why(moderator, event):
    ok = moderator.post(
        url("organiser:pitch-seconds", event), {"version": 0, "seconds": 45}, follow=True
    )
    bad = moderator.post(
        url("organiser:pitch-seconds", event), {"version": 1, "seconds": 3}, follow=True
    )

    assert "Each pitch now has 45 seconds." in ok.text
    assert "A pitch lasts between 5 and 600 seconds." in bad.text
    assert actions.pitch_round_for(event).seconds == 45


def test_participants_and_visitors_cannot_moderate(phone, client, event):
    for who in (phone, client):
        assert who.get(url("organiser:pitch", event)).status_code in {302, 403, 404}
        assert who.get(url("organiser:pitch-beamer", event)).status_code in {302, 403, 404}
        step(who, event, "start")
    assert actions.pitch_round_for(event).state == PitchRound.State.READY


def test_the_beamer_shows_the_pitch_the_next_two_and_the_join_code(moderator, event):
    step(moderator, event, "start")

    page = moderator.get(url("organiser:pitch-beamer", event))

    text = page.text
    assert "Opvoeden in armoede" in text and "Hanne Host" in text
    assert "Buurtgerichte zorg" in text and "Vaders in beeld" in text
    assert event.join_code in text and url("organiser:join-qr", event) in text
    assert 'data-remaining="' in text


def test_the_state_token_changes_with_a_step_and_a_new_proposal_and_answers_304(
    client, moderator, event
):
    first = client.get(url("public:pitch-version", event))
    etag = first["ETag"]
    assert (
        client.get(url("public:pitch-version", event), headers={"if-none-match": etag}).status_code
        == 304
    )

    step(moderator, event, "start")
    after_step = client.get(url("public:pitch-version", event))
    assert after_step.status_code == 200 and after_step["ETag"] != etag

    cache.clear()
    make_session(event, title="Laat voorstel")
    after_proposal = client.get(url("public:pitch-version", event))
    assert after_proposal["ETag"] != after_step["ETag"]
    assert client.get(reverse("public:pitch-version", args=["nope"])).status_code == 404


def test_the_phone_shows_the_pitch_with_its_vote_button(moderator, phone, event):
    step(moderator, event, "start")

    page = phone.get(url("participant:proposals", event))
    fragment = phone.get(
        url("participant:proposals", event),
        headers={"hx-request": "true", "hx-target": "pitch-now"},
    )

    assert 'id="pitch-now"' in page.text and 'data-live-poll="1"' in page.text
    assert 'id="pitch-vote-' in page.text  # its own ids, beside the list's copy
    assert fragment.text.lstrip().startswith('<section id="pitch-now"')
    assert "Opvoeden in armoede" in fragment.text and "<html" not in fragment.text


@pytest.mark.parametrize(
    ("who", "name", "headers"),
    [
        ("phone", "participant:proposals", {"hx-request": "true", "hx-target": "pitch-now"}),
        ("moderator", "organiser:pitch", {}),
        ("moderator", "organiser:pitch-beamer", {"hx-request": "true"}),
    ],
)
def test_a_step_while_a_page_is_read_makes_it_ask_again_instead_of_sticking(
    request, moderator, monkeypatch, event, who, name, headers
):
    """The moderator's next step lands while a page is being put together, just before it
    reads the round's state: the page may show the old pitch, but then not under the new
    state, or the polling page would keep the old pitch until the step after."""
    client = request.getfixturevalue(who)
    step(moderator, event, "start")
    read_state = live.pitch_state

    def state_after_a_step(slug: str) -> str | None:
        monkeypatch.setattr(live, "pitch_state", read_state)  # once
        round_now = actions.pitch_round_for(event)
        actions.next_pitch(event=event, version=round_now.version)
        return read_state(slug)

    monkeypatch.setattr(live, "pitch_state", state_after_a_step)
    page = client.get(url(name, event), headers=headers)

    now_on = pitching.queue(event).current.title
    shown_on = re.search(r'class="pitch-title">(?:<a [^>]*>)?([^<]*)<', page.text).group(1)
    shown_version = re.search(r'data-version="([^"]*)"', page.text).group(1)
    assert shown_on == now_on or shown_version != live.pitch_state(event.slug)


def test_before_the_round_the_phone_page_waits_for_it_quietly(phone, event):
    page = phone.get(url("participant:proposals", event))

    assert '<div id="pitch-now"' in page.text and "hidden" in page.text
    assert 'data-live-poll="2"' in page.text


def test_a_vote_on_the_pitch_updates_its_twin_in_the_list(moderator, phone, event):
    step(moderator, event, "start")
    current = pitching.queue(event).current

    response = phone.post(
        reverse("participant:vote", args=[event.slug, current.pk]),
        {"vote": "1", "prefix": "pitch-", "twin": "1"},
        headers={"hx-request": "true"},
    )

    assert Vote.objects.filter(session=current).count() == 1
    assert f'id="pitch-vote-{current.pk}"' in response.text
    assert f'id="vote-{current.pk}"' in response.text and 'hx-swap-oob="true"' in response.text
    assert response.text.count("Voted") == 2


def test_once_the_grid_is_published_the_phone_goes_to_the_grid(moderator, phone, event):
    step(moderator, event, "start")
    event.phase = Event.Phase.PUBLISHED
    event.save()

    response = phone.get(
        url("participant:proposals", event),
        headers={"hx-request": "true", "hx-target": "pitch-now"},
    )

    assert response["HX-Redirect"] == url("public:grid", event)


def test_after_the_round_the_votes_lead_to_a_grid_accepted_and_published_in_one_step(
    moderator, phone, event
):
    step(moderator, event, "start")
    current = pitching.queue(event).current
    phone.post(reverse("participant:vote", args=[event.slug, current.pk]), {"vote": "1"})
    step(moderator, event, "end", anyway="on")  # the other two were not pitched: confirmed
    ended = moderator.get(url("organiser:pitch", event))
    assert "The round is over: the votes" in ended.text

    proposal_page = moderator.post(url("organiser:start-proposal", event), follow=True)
    assert "Accept and publish" in proposal_page.text
    form = proposal_page.context["form"]
    moderator.post(
        url("organiser:accept-grid", event),
        {"rows": form["rows"].value(), "version": form["version"].value(), "publish": "1"},
    )

    event.refresh_from_db()
    assert event.phase == Event.Phase.PUBLISHED
    assert GridProposal.objects.get().status == GridProposal.Status.DONE
    assert event.sessions.filter(placement__isnull=False).count() == 2  # two slots, one room


def test_the_phone_fragment_costs_the_same_whatever_the_number_of_proposals(
    moderator, phone, event, django_assert_max_num_queries
):
    step(moderator, event, "start")
    for n in range(40):
        make_session(event, [make_participant(event)], title=f"Extra {n}")

    with django_assert_max_num_queries(12):
        phone.get(
            url("participant:proposals", event),
            headers={"hx-request": "true", "hx-target": "pitch-now"},
        )


def test_with_dot_voting_the_budget_holds_during_the_round(moderator, phone, event):
    Event.objects.filter(pk=event.pk).update(votes_per_participant=1)
    event.refresh_from_db()
    step(moderator, event, "start")
    first = pitching.queue(event).current
    vote = reverse("participant:vote", args=[event.slug, first.pk])
    phone.post(vote, {"vote": "1", "prefix": "pitch-"}, headers={"hx-request": "true"})
    step(moderator, event, "next")
    second = pitching.queue(event).current

    refused = phone.post(
        reverse("participant:vote", args=[event.slug, second.pk]),
        {"vote": "1", "prefix": "pitch-"},
        headers={"hx-request": "true"},
    )

    assert 'role="alert"' in refused.text and f'id="pitch-vote-{second.pk}"' in refused.text
    assert list(Vote.objects.values_list("session_id", flat=True)) == [first.pk]


# ---- ending with pitches waiting, and a skipped pitch back in the queue (issue 14) -----------


@pytest.mark.parametrize("htmx", [False, True], ids=["without-js", "htmx"])
def test_ending_the_round_with_pitches_waiting_asks_first_and_says_how_many(moderator, event, htmx):
    step(moderator, event, "start")

    asked = step(moderator, event, "end", htmx=htmx)

    assert asked.status_code == 200
    assert "2 pitches are still waiting. End the round anyway?" in asked.text
    assert actions.pitch_round_for(event).state == PitchRound.State.RUNNING
    # the page asks with a form of its own, which works without JavaScript
    assert 'name="anyway" value="on"' in asked.text
    assert "End the round anyway" in asked.text

    step(moderator, event, "end", htmx=htmx, anyway="on")

    pitch_round = actions.pitch_round_for(event)
    assert pitch_round.state == PitchRound.State.ENDED
    assert len(pitch_round.pitched) == 1


def test_ending_the_round_in_dutch_asks_in_dutch(event):
    dutch = Client(headers={"accept-language": "nl"})
    dutch.force_login(make_participant(event, name="Mo", role="organiser").user)
    event.language = "nl"
    event.save(update_fields=["language"])
    step(dutch, event, "start")

    asked = step(dutch, event, "end")

    assert "2 pitches wachten nog. Toch de ronde beëindigen?" in asked.text
    assert "Ronde toch beëindigen" in asked.text


def test_the_end_button_tells_the_script_how_many_pitches_wait(moderator, event):
    step(moderator, event, "start")

    page = moderator.get(url("organiser:pitch", event))

    assert 'data-confirm="2 pitches are still waiting. End the round anyway?"' in page.text


def test_at_the_end_of_the_queue_the_round_ends_without_asking(moderator, event):
    for name in ["start", "next", "next", "next"]:
        step(moderator, event, name)
    page = moderator.get(url("organiser:pitch", event))
    assert "data-confirm" not in page.text

    step(moderator, event, "end")

    assert actions.pitch_round_for(event).state == PitchRound.State.ENDED


@pytest.mark.parametrize("htmx", [False, True], ids=["without-js", "htmx"])
def test_a_skipped_pitch_goes_back_in_the_queue(moderator, event, htmx):
    step(moderator, event, "start")
    step(moderator, event, "skip")  # the host of "Opvoeden in armoede" is not there yet
    skipped = pitching.queue(event).skipped[0]
    page = moderator.get(url("organiser:pitch", event))
    assert "Back in the queue" in page.text

    answer = moderator.post(
        url("organiser:pitch-requeue", event),
        {"version": actions.pitch_round_for(event).version, "session": skipped.pk},
        headers={"hx-request": "true"} if htmx else {},
    )

    assert answer.status_code == (200 if htmx else 302)
    queue = pitching.queue(event)
    assert queue.skipped == [] and queue.upcoming[0] == skipped
    assert queue.current.title == "Buurtgerichte zorg"  # the pitch on now goes on


def test_putting_back_what_was_not_skipped_is_refused_with_a_message(moderator, event):
    step(moderator, event, "start")
    current = pitching.queue(event).current

    answer = moderator.post(
        url("organiser:pitch-requeue", event),
        {"version": actions.pitch_round_for(event).version, "session": current.pk},
        headers={"hx-request": "true"},
    )

    assert answer.status_code == 422
    assert "That proposal is not among the skipped ones." in answer.text
    assert pitching.queue(event).current == current


def test_in_dutch_the_clock_gets_its_seconds_with_a_decimal_point(event):
    """The script reads data-remaining as a number: "27,4" (Dutch) would be "Tijd!" at once."""
    event.language = "nl"
    event.save(update_fields=["language"])
    dutch = Client(headers={"accept-language": "nl"})
    dutch.force_login(make_participant(event, name="Mo", role="organiser").user)
    step(dutch, event, "start")
    PitchRound.objects.update(seconds=30)

    for page in ["organiser:pitch", "organiser:pitch-beamer"]:
        text = dutch.get(url(page, event)).text
        remaining = re.search(r'data-remaining="([^"]*)"', text).group(1)
        assert re.fullmatch(r"\d+(\.\d+)?", remaining), remaining
        assert 25 < float(remaining) <= 30
