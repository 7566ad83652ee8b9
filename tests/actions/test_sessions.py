"""The writes in actions/sessions.py: proposing, editing, withdrawing, restoring and merging."""

import pytest
from django.utils import translation

from sessions_app import actions
from sessions_app.actions import ActionRefused, Proposal
from sessions_app.models import Event, Host, Participant, Placement, Session
from tests.factories import (
    make_event,
    make_participant,
    make_placement,
    make_room,
    make_session,
    make_slot,
    make_theme,
    make_vote,
)


def proposal(**kw) -> Proposal:
    fields = {
        "title": "Open data in small towns",
        "kind": Session.Kind.DISCUSSION,
        "description": "",
        "themes": [],
        "unavailable_slots": [],
        "cohosts": [],
        "invited_names": [],
    }
    return Proposal(**(fields | kw))


def host_names(session: Session) -> list[str]:
    return [h.participant.name for h in session.hostings.select_related("participant")]


# ---- propose_session --------------------------------------------------------------------------


@pytest.mark.django_db
def test_propose_session_makes_the_proposer_cohosts_and_invited_names_hosts(event, participant):
    cohost = make_participant(event, name="Carla Cohost")

    session = actions.propose_session(
        event=event,
        by=participant,
        proposal=proposal(cohosts=[cohost], invited_names=["Ines Invited", "Ivo Invited"]),
    )

    assert host_names(session) == [
        "Piet Participant",
        "Carla Cohost",
        "Ines Invited",
        "Ivo Invited",
    ]
    invited = Participant.objects.get(event=event, name="Ines Invited")
    assert (invited.role, invited.email, invited.user.has_usable_password()) == (
        Participant.Role.PARTICIPANT,
        "",
        False,
    )


@pytest.mark.django_db
def test_propose_session_stores_the_fields_themes_and_unavailable_slots(event, participant):
    theme = make_theme(event, name="Participation")
    make_theme(event, name="Not chosen")
    slot = make_slot(event, "10:00", "10:45")
    make_slot(event, "11:00", "11:45")

    session = actions.propose_session(
        event=event,
        by=participant,
        proposal=proposal(
            title="Fix my street",
            kind=Session.Kind.DEMO,
            description="**Live** demo",
            themes=[theme],
            unavailable_slots=[slot],
        ),
    )

    session.refresh_from_db()
    assert (session.title, session.kind, session.description, session.status) == (
        "Fix my street",
        Session.Kind.DEMO,
        "**Live** demo",
        Session.Status.PROPOSED,
    )
    assert list(session.themes.all()) == [theme]
    assert list(session.unavailable_slots.all()) == [slot]


@pytest.mark.django_db
@pytest.mark.parametrize("phase", [Event.Phase.PUBLISHED, Event.Phase.ARCHIVED])
def test_propose_session_is_refused_when_proposing_is_closed(phase):
    event = make_event(phase=phase)
    participant = make_participant(event)

    with translation.override("en"), pytest.raises(ActionRefused) as refusal:
        actions.propose_session(event=event, by=participant, proposal=proposal())

    assert str(refusal.value) == "Proposing is closed for this event."
    assert (Session.objects.count(), Host.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_propose_session_is_allowed_while_voting(voting_event):
    participant = make_participant(voting_event)

    session = actions.propose_session(event=voting_event, by=participant, proposal=proposal())

    assert list(voting_event.sessions.all()) == [session]


# ---- update_session ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_update_session_by_a_host_keeps_them_host_even_without_naming_themselves(
    event, participant
):
    cohost = make_participant(event, name="Carla Cohost")
    session = make_session(event, hosts=[participant, cohost], title="Old title")

    actions.update_session(
        session=session, by=participant, proposal=proposal(title="New title", cohosts=[])
    )

    session.refresh_from_db()
    assert session.title == "New title"
    assert host_names(session) == ["Piet Participant"]


@pytest.mark.django_db
def test_update_session_keeps_the_order_of_hosts_who_stay(event):
    anna, bert, carl = (make_participant(event, name=n) for n in ["Anna", "Bert", "Carl"])
    dora = make_participant(event, name="Dora")
    session = make_session(event, hosts=[anna, bert, carl])

    actions.update_session(session=session, by=None, proposal=proposal(cohosts=[dora, carl, anna]))

    assert host_names(session) == ["Anna", "Carl", "Dora"]


@pytest.mark.django_db
def test_update_session_by_a_cohost_keeps_the_first_host_first(event):
    anna, bert = make_participant(event, name="Anna"), make_participant(event, name="Bert")
    session = make_session(event, hosts=[anna, bert])

    actions.update_session(session=session, by=bert, proposal=proposal(cohosts=[anna]))

    assert host_names(session) == ["Anna", "Bert"]


@pytest.mark.django_db
def test_update_session_by_an_organiser_cannot_remove_every_host(event, participant):
    session = make_session(event, hosts=[participant], title="Old title")

    with translation.override("en"), pytest.raises(ActionRefused) as refusal:
        actions.update_session(
            session=session, by=None, proposal=proposal(title="New title", cohosts=[])
        )

    assert str(refusal.value) == "A session needs at least one host."
    session.refresh_from_db()
    assert (session.title, host_names(session)) == ("Old title", ["Piet Participant"])


@pytest.mark.django_db
def test_update_session_replaces_themes_and_unavailable_slots(event, participant):
    old_theme, new_theme = make_theme(event), make_theme(event)
    old_slot, new_slot = make_slot(event, "10:00", "10:45"), make_slot(event, "11:00", "11:45")
    session = make_session(event, hosts=[participant])
    session.themes.set([old_theme])
    session.unavailable_slots.set([old_slot])

    actions.update_session(
        session=session,
        by=participant,
        proposal=proposal(themes=[new_theme], unavailable_slots=[new_slot]),
    )

    assert (list(session.themes.all()), list(session.unavailable_slots.all())) == (
        [new_theme],
        [new_slot],
    )


# ---- withdraw_session / restore_session -------------------------------------------------------


@pytest.mark.django_db
def test_withdraw_session_frees_its_cell_and_keeps_its_votes(event, participant):
    session = make_session(event, hosts=[participant])
    make_placement(session, make_room(event), make_slot(event))
    make_vote(participant, session)

    actions.withdraw_session(session=session)

    session.refresh_from_db()
    assert session.status == Session.Status.WITHDRAWN
    assert Placement.objects.filter(session=session).exists() is False
    assert session.votes.count() == 1


@pytest.mark.django_db
def test_restore_session_brings_it_back_with_its_votes(event, participant):
    session = make_session(event, hosts=[participant])
    make_vote(participant, session)
    actions.withdraw_session(session=session)

    actions.restore_session(session=session)

    session.refresh_from_db()
    assert (session.status, session.votes.count()) == (Session.Status.PROPOSED, 1)
    assert list(Session.objects.visible()) == [session]


# ---- merge_sessions ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_merge_sessions_combines_hosts_without_duplicates_in_order(event):
    anna, bert, carl = (make_participant(event, name=n) for n in ["Anna", "Bert", "Carl"])
    keep = make_session(event, hosts=[anna, bert])
    merge = make_session(event, hosts=[carl, bert])

    actions.merge_sessions(keep=keep, merge=merge)

    assert host_names(keep) == ["Anna", "Bert", "Carl"]


@pytest.mark.django_db
def test_merge_sessions_moves_votes_once_per_voter(voting_event):
    both, only_merge, only_keep = (make_participant(voting_event) for _ in range(3))
    keep, merge = make_session(voting_event), make_session(voting_event)
    make_vote(both, keep)
    make_vote(both, merge)
    make_vote(only_merge, merge)
    make_vote(only_keep, keep)

    actions.merge_sessions(keep=keep, merge=merge)

    voters = sorted(keep.votes.values_list("participant_id", flat=True))
    assert voters == sorted([both.pk, only_merge.pk, only_keep.pk])
    assert merge.votes.count() == 0


@pytest.mark.django_db
def test_merge_sessions_gives_a_dot_voter_who_voted_both_a_vote_back():
    event = make_event(phase=Event.Phase.VOTING, votes_per_participant=2)
    voter = make_participant(event)
    keep, merge = make_session(event), make_session(event)
    make_vote(voter, keep)
    make_vote(voter, merge)

    actions.merge_sessions(keep=keep, merge=merge)

    assert (voter.votes.count(), actions.votes_left(voter)) == (1, 1)


@pytest.mark.django_db
def test_merge_sessions_combines_themes_and_unavailable_slots(event):
    shared, keep_theme, merge_theme = make_theme(event), make_theme(event), make_theme(event)
    slot_a, slot_b = make_slot(event, "10:00", "10:45"), make_slot(event, "11:00", "11:45")
    keep, merge = make_session(event), make_session(event)
    keep.themes.set([shared, keep_theme])
    merge.themes.set([shared, merge_theme])
    keep.unavailable_slots.set([slot_a])
    merge.unavailable_slots.set([slot_a, slot_b])

    actions.merge_sessions(keep=keep, merge=merge)

    assert list(keep.themes.order_by("id")) == [shared, keep_theme, merge_theme]
    assert list(keep.unavailable_slots.order_by("start")) == [slot_a, slot_b]


@pytest.mark.django_db
def test_merge_sessions_withdraws_the_merged_one_and_says_where_it_went(event):
    keep, merge = make_session(event), make_session(event)

    actions.merge_sessions(keep=keep, merge=merge)

    merge.refresh_from_db()
    assert (merge.status, merge.merged_into) == (Session.Status.WITHDRAWN, keep)
    assert list(Session.objects.visible()) == [keep]


@pytest.mark.django_db
def test_merge_sessions_gives_the_merged_cell_to_an_unplaced_session(event):
    room, slot = make_room(event), make_slot(event)
    keep, merge = make_session(event), make_session(event)
    make_placement(merge, room, slot)

    actions.merge_sessions(keep=keep, merge=merge)

    placement = Placement.objects.get()
    assert (placement.session, placement.room, placement.slot) == (keep, room, slot)


@pytest.mark.django_db
def test_merge_sessions_frees_the_merged_cell_when_the_kept_one_is_placed(event):
    room = make_room(event)
    keep_slot, merge_slot = make_slot(event, "10:00", "10:45"), make_slot(event, "11:00", "11:45")
    keep, merge = make_session(event), make_session(event)
    make_placement(keep, room, keep_slot)
    make_placement(merge, room, merge_slot)

    actions.merge_sessions(keep=keep, merge=merge)

    assert [(p.session, p.slot) for p in Placement.objects.all()] == [(keep, keep_slot)]


@pytest.mark.django_db
def test_merge_sessions_refuses_a_session_into_itself(event):
    session = make_session(event)

    with translation.override("en"), pytest.raises(ActionRefused) as refusal:
        actions.merge_sessions(keep=session, merge=session)

    assert str(refusal.value) == "Choose two different sessions of this event."
    session.refresh_from_db()
    assert (session.status, session.merged_into) == (Session.Status.PROPOSED, None)


@pytest.mark.django_db
def test_merge_sessions_refuses_sessions_of_two_events(event, participant):
    keep = make_session(event, hosts=[participant])
    other_event = make_event()
    merge = make_session(other_event, hosts=[make_participant(other_event)])

    with translation.override("en"), pytest.raises(ActionRefused) as refusal:
        actions.merge_sessions(keep=keep, merge=merge)

    assert str(refusal.value) == "Choose two different sessions of this event."
    merge.refresh_from_db()
    assert (merge.status, keep.hostings.count()) == (Session.Status.PROPOSED, 1)
