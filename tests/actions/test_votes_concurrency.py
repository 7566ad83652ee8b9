"""Many people voting at the same moment, on PostgreSQL, each thread on its own connection.

The threads start together at a barrier and call the actions as the views do; afterwards the
database must hold exactly the votes that the returned values and refusals account for."""

import pytest
from django.db.models import Count

from sessions_app import actions
from sessions_app.models import Event, Participant, Session, Vote
from tests.factories import make_event, make_participant, make_session
from tests.helpers import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 50


def duplicate_votes() -> list[dict]:
    return list(
        Vote.objects.values("participant", "session")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values("participant", "session", "n")
    )


def assert_budget_filled(event: Event, voters: list[Participant], errors: list) -> None:
    """No thread failed, each voter holds exactly their budget of votes, and none twice."""
    assert errors == []
    per_voter = dict(
        Participant.objects.filter(event=event).annotate(n=Count("votes")).values_list("pk", "n")
    )
    assert per_voter == {voter.pk: event.votes_per_participant for voter in voters}
    assert duplicate_votes() == []


def test_fifty_people_voting_and_unvoting_at_once_leave_exact_counts():
    event = make_event(phase=Event.Phase.VOTING)
    sessions = [make_session(event) for _ in range(5)]
    voters = [make_participant(event) for _ in range(THREADS)]

    def vote_then_unvote(participant_id: int) -> list[bool]:
        participant = Participant.objects.select_related("event").get(pk=participant_id)
        cast = [actions.cast_vote(participant=participant, session=s) for s in sessions]
        retracted = [actions.retract_vote(participant=participant, session=s) for s in sessions[3:]]
        return cast + retracted

    results, errors = run_together([lambda pk=v.pk: vote_then_unvote(pk) for v in voters])

    assert errors == []
    assert results == [[True] * 7] * THREADS
    counts = dict(Session.objects.with_vote_count().values_list("pk", "vote_count"))
    rows = {s.pk: Vote.objects.filter(session=s).count() for s in sessions}
    assert counts == rows == {s.pk: n for s, n in zip(sessions, [50, 50, 50, 0, 0], strict=True)}
    assert duplicate_votes() == []


def test_double_clicks_never_exceed_the_dot_budget():
    event = make_event(phase=Event.Phase.VOTING, votes_per_participant=3)
    sessions = [make_session(event) for _ in range(5)]
    voters = [make_participant(event) for _ in range(THREADS // 2)]

    def vote_for_all(participant_id: int, order: list[Session]) -> list[bool]:
        participant = Participant.objects.select_related("event").get(pk=participant_id)
        added = []
        for session in order:
            try:
                added.append(actions.cast_vote(participant=participant, session=session))
            except actions.ActionRefused:
                added.append(None)
        return added

    jobs = [
        lambda pk=voter.pk, order=order: vote_for_all(pk, order)
        for voter in voters
        for order in (sessions, sessions[::-1])  # two tabs, two clicks, two orders
    ]
    results, errors = run_together(jobs)

    assert_budget_filled(event, voters, errors)
    outcomes = [outcome for result in results for outcome in result]
    # each person: 3 votes added once, the 2 other sessions refused to both threads
    assert (outcomes.count(True), outcomes.count(None)) == (3 * len(voters), 4 * len(voters))
    assert outcomes.count(False) == len(outcomes) - 7 * len(voters)


def test_toggling_one_vote_from_many_tabs_keeps_at_most_one_row():
    event = make_event(phase=Event.Phase.VOTING)
    session = make_session(event)
    voter = make_participant(event)

    def toggle(start_with_vote: bool) -> tuple[int, int]:
        participant = Participant.objects.select_related("event").get(pk=voter.pk)
        added = removed = 0
        for step in range(6):
            if (step % 2 == 0) == start_with_vote:
                added += actions.cast_vote(participant=participant, session=session)
            else:
                removed += actions.retract_vote(participant=participant, session=session)
        return added, removed

    results, errors = run_together([lambda i=i: toggle(i % 2 == 0) for i in range(20)])

    assert errors == []
    rows = Vote.objects.filter(participant=voter, session=session).count()
    assert rows in {0, 1}
    added = sum(a for a, _r in results)
    removed = sum(r for _a, r in results)
    assert added - removed == rows


def test_twenty_organisers_restarting_a_failed_report_build_start_it_once():
    from django_tasks_db.models import DBTaskResult

    from sessions_app.exports import event_report as report
    from sessions_app.models import ReportBuild

    event = make_event(phase=Event.Phase.PUBLISHED)
    fingerprint = report.fingerprint(event)
    for kind in (ReportBuild.Kind.PDF, ReportBuild.Kind.ZIP):
        ReportBuild.objects.create(
            event=event, kind=kind, fingerprint=fingerprint, status="failed", attempt=1
        )
    tasks_before = DBTaskResult.objects.count()

    _results, errors = run_together(
        [lambda: actions.request_report_builds(event=event, fingerprint=fingerprint)] * 20
    )

    assert errors == []
    builds = ReportBuild.objects.filter(event=event)
    assert sorted(builds.values_list("status", "attempt")) == [("queued", 2), ("queued", 2)]
    assert DBTaskResult.objects.count() - tasks_before == 2  # one new attempt each, not twenty


def test_twin_taps_at_the_same_instant_both_show_the_vote_and_keep_the_budget():
    """The view's path (tap_vote): each person taps all 5 sessions from two threads at once,
    under a budget of 3: 3 votes each, and every answer shows what the database holds (the
    twin's vote, added after this tap's statement began, shown as voted too)."""
    event = make_event(phase=Event.Phase.VOTING, votes_per_participant=3)
    sessions = [make_session(event) for _ in range(5)]
    voters = [make_participant(event) for _ in range(THREADS // 2)]

    def tap_all(participant_id: int) -> list[tuple[int, int, bool, str | None]]:
        participant = Participant.objects.select_related("event").get(pk=participant_id)
        answers = []
        for session in sessions:
            tally = actions.tap_vote(participant=participant, session_id=session.pk, vote=True)
            assert tally is not None
            answers.append((participant_id, session.pk, tally.mine, tally.error))
        return answers

    jobs = [lambda pk=voter.pk: tap_all(pk) for voter in voters for _twin in range(2)]
    results, errors = run_together(jobs)

    assert_budget_filled(event, voters, errors)
    held = set(Vote.objects.values_list("participant", "session"))
    answers = [answer for result in results for answer in result]
    assert len(answers) == len(jobs) * 5
    # voted exactly where a vote is held; refused (with the reason) exactly where none is
    assert [(voted, error is None) for p, s, voted, error in answers] == [
        ((p, s) in held, (p, s) in held) for p, s, _voted, _error in answers
    ]
