"""Merging duplicate proposals at the same moment, on PostgreSQL, each thread on its own
connection (issue 15).

Two organisers merge A into B and B into A at once: exactly one merge happens, the other is
refused with what happened meanwhile, nobody's vote is lost (the distinct voters of the pair
before = the voters of the one left), and no two sessions end up withdrawn pointing at each
other. The same for three-way chains (A→B, B→C, C→A at once), for the pages the organisers
use, and for votes cast while a merge runs. A counter-check runs the same race without the
lock and the re-check and shows the checker catches what goes wrong then."""

import pytest
from django.test import Client
from django.urls import reverse

from sessions_app import actions
from sessions_app.models import Event, Participant, Session, Vote
from tests.factories import (
    make_event,
    make_participant,
    make_placement,
    make_room,
    make_session,
    make_slot,
    make_vote,
)
from tests.helpers import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 20


def camp(n_sessions: int, *, placed: bool = False) -> tuple[Event, list[Session]]:
    """An event in voting with `n_sessions` duplicates: each has voters of its own, and some
    people voted for several (who must keep one vote after a merge)."""
    event = make_event(phase=Event.Phase.VOTING)
    hosts = [make_participant(event) for _ in range(n_sessions)]
    sessions = [make_session(event, hosts=[host]) for host in hosts]
    for index, session in enumerate(sessions):
        for _ in range(2):  # voters of this session only
            make_vote(make_participant(event), session)
        both = make_participant(event)  # a voter of this session and the next
        make_vote(both, session)
        if n_sessions > 1:
            make_vote(both, sessions[(index + 1) % n_sessions])
    if placed:
        make_placement(sessions[0], make_room(event), make_slot(event))
    return event, sessions


def voters(sessions: list[Session]) -> set[int]:
    return set(Vote.objects.filter(session__in=sessions).values_list("participant_id", flat=True))


def merge_problems(sessions: list[Session], before: set[int], results, errors) -> list[str]:
    """Everything that is wrong after merges among `sessions` ran at once; [] when all is well."""
    problems = []
    unexpected = [e for e in errors if not isinstance(e, actions.ChangedMeanwhile)]
    if unexpected:
        problems.append(f"errors other than a refusal: {unexpected!r}")
    for error in errors:
        # threads speak the default language, Dutch: "intussen" is "meanwhile"
        if isinstance(error, actions.ChangedMeanwhile) and "intussen" not in str(error):
            problems.append(f"a refusal that does not say what happened: {error}")
    rows = {s.pk: s for s in Session.objects.filter(pk__in=[s.pk for s in sessions]).order_by("pk")}
    active = [s for s in rows.values() if s.status != Session.Status.WITHDRAWN]
    if not active:
        problems.append("no session is left on the board")
    for session in rows.values():
        if session.merged_into_id and session.status != Session.Status.WITHDRAWN:
            problems.append(f"{session.title} points elsewhere but is still on the board")
        # follow where each went: it must end at a session on the board, without a cycle
        seen, current = set(), session
        while current.merged_into_id:
            if current.pk in seen:
                problems.append(f"{session.title} is merged in a circle: {sorted(seen)}")
                break
            seen.add(current.pk)
            current = rows[current.merged_into_id]
        else:
            if current.status == Session.Status.WITHDRAWN:
                problems.append(f"{session.title} was merged into a withdrawn session")
    if len(results) != len(rows) - len(active):
        problems.append(
            f"{len(results)} merges said they worked, but {len(rows) - len(active)} sessions "
            "were merged away"
        )
    if voters(active) != before:
        problems.append(
            f"voters before {sorted(before)}, on the board after {sorted(voters(active))}"
        )
    if Vote.objects.filter(session__in=[s for s in rows.values() if s not in active]).exists():
        problems.append("votes were left on a session merged away")
    return problems


def merge_at_once(pairs: list[tuple[Session, Session]]):
    """Each (keep, merge) in its own thread, from the instances the organisers' pages read."""
    return run_together(
        [lambda k=keep, m=merge: actions.merge_sessions(keep=k, merge=m) for keep, merge in pairs]
    )


def test_merging_two_sessions_into_each_other_at_once_merges_once_and_keeps_every_vote():
    refusals = []
    for round_ in range(ROUNDS):
        _event, (a, b) = camp(2, placed=round_ % 2 == 1)
        before = voters([a, b])

        results, errors = merge_at_once([(b, a), (a, b)])

        assert merge_problems([a, b], before, results, errors) == []
        assert (len(results), len(errors)) == (1, 1)
        refusals.append(str(errors[0]))
    print(f"\nmerge A↔B: {ROUNDS} rounds, one merge and one refusal each; e.g. {refusals[0]}")
    assert all(
        " is intussen samengevoegd met " in r and r.endswith("er is niets samengevoegd.")
        for r in refusals
    )


def test_three_way_merges_at_once_leave_no_circle_and_every_vote():
    outcomes = []
    for round_ in range(ROUNDS):
        _event, (a, b, c) = camp(3, placed=round_ % 2 == 0)
        before = voters([a, b, c])

        results, errors = merge_at_once([(b, a), (c, b), (a, c)])

        assert merge_problems([a, b, c], before, results, errors) == []
        assert 1 <= len(results) <= 2
        outcomes.append(len(results))
    print(f"\nmerge A→B, B→C, C→A: {ROUNDS} rounds, merges that happened per round: {outcomes}")


def test_counter_check_without_the_lock_and_re_check_the_checker_finds_the_lost_votes(
    monkeypatch,
):
    """The same race with the merge as it was before issue 15 (no lock, no second look):
    both merges say they worked and the two sessions point at each other."""
    monkeypatch.setattr(actions.sessions, "_locked_for_merge", lambda keep, merge: (keep, merge))
    _event, (a, b) = camp(2)
    before = voters([a, b])

    results, errors = merge_at_once([(b, a), (a, b)])

    problems = merge_problems([a, b], before, results, errors)
    assert problems != []
    print(f"\ncounter-check, merge without the lock: {problems}")


def test_votes_cast_while_a_merge_runs_end_on_the_session_kept_or_are_refused():
    for _round in range(ROUNDS // 2):
        event, (keep, merge) = camp(2)
        newcomers = [make_participant(event) for _ in range(6)]
        before = voters([keep, merge])

        def vote(participant_id: int, merge: Session = merge) -> bool | str:
            participant = Participant.objects.select_related("event").get(pk=participant_id)
            try:
                return actions.cast_vote(participant=participant, session=merge)
            except actions.ActionRefused as refusal:
                return str(refusal)

        results, errors = run_together(
            [lambda k=keep, m=merge: actions.merge_sessions(keep=k, merge=m)]
            + [lambda pk=p.pk: vote(pk) for p in newcomers]
        )

        assert errors == []
        assert not Vote.objects.filter(session=merge).exists()  # none left where it is lost
        added = sum(r is True for r in results)
        refused = [r for r in results if r == "Deze sessie werd ingetrokken."]
        assert added + len(refused) == len(newcomers)  # each vote counted, or refused in words
        after = voters([keep])
        assert before <= after  # nobody who voted before lost their vote
        assert after - before == voters([keep]) & {p.pk for p in newcomers}
        assert len(after - before) == added


def organiser_client(event: Event) -> Client:
    client = Client(headers={"accept-language": "nl"})
    organiser = make_participant(event, role=Participant.Role.ORGANISER)
    client.force_login(organiser.user)
    return client


def test_two_organisers_on_the_merge_page_at_once_one_merges_the_other_reads_why_not():
    for _round in range(ROUNDS // 4):
        event, (a, b) = camp(2)
        before = voters([a, b])
        first, second = organiser_client(event), organiser_client(event)

        def post(client: Client, keep: Session, merge: Session):
            url = reverse("organiser:merge", args=[keep.event.slug, keep.pk])
            return client.post(url, {"merge": merge.pk})

        responses, errors = run_together(
            [lambda c=first, k=b, m=a: post(c, k, m), lambda c=second, k=a, m=b: post(c, k, m)]
        )

        assert errors == []
        assert sorted(r.status_code for r in responses) == [302, 409]
        refused = next(r for r in responses if r.status_code == 409)
        text = refused.content.decode()
        assert "is intussen samengevoegd met" in text
        assert "er is niets samengevoegd" in text
        active = Session.objects.filter(pk__in=[a.pk, b.pk]).exclude(
            status=Session.Status.WITHDRAWN
        )
        assert len(active) == 1
        assert voters(list(active)) == before


def test_the_merge_page_sent_after_the_other_merge_says_what_happened():
    """Not at the same moment but one after the other, from pages opened before either: the
    second organiser's page says the sessions were merged meanwhile, in Dutch, with a 409."""
    event, (a, b) = camp(2)
    first, second = organiser_client(event), organiser_client(event)
    assert (
        first.post(reverse("organiser:merge", args=[event.slug, b.pk]), {"merge": a.pk}).status_code
        == 302
    )

    response = second.post(reverse("organiser:merge", args=[event.slug, a.pk]), {"merge": b.pk})

    assert response.status_code == 409
    text = response.content.decode()
    assert (
        f"“{a.title}” is intussen samengevoegd met “{b.title}”; er is niets samengevoegd." in text
    )
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.merged_into_id, b.merged_into_id, b.status) == (b.pk, None, Session.Status.PROPOSED)


def test_a_merged_session_cannot_be_put_back_on_its_own():
    event, (a, b) = camp(2)
    actions.merge_sessions(keep=b, merge=a)
    stale = Session.objects.get(pk=a.pk)
    stale.status = Session.Status.WITHDRAWN

    with pytest.raises(actions.ChangedMeanwhile) as refused:
        actions.restore_session(session=stale)

    assert str(refused.value) == (
        f"“{a.title}” was merged into “{b.title}”; it cannot come back on its own."
    )
    a.refresh_from_db()
    assert (a.status, a.merged_into_id) == (Session.Status.WITHDRAWN, b.pk)


# ---- other writes that change several rows: lock, then look again --------------------------


def test_an_edit_and_a_merge_of_the_same_session_at_once_wait_for_each_other():
    """The edit locked the session and then touched the event; the merge locks the event and
    then the sessions: at once they deadlocked (PostgreSQL kills one: a 500). Now both take
    the event first: the edit lands before the merge or is refused in words after it."""
    outcomes = []
    for _round in range(ROUNDS // 2):
        event, (keep, merge) = camp(2)
        proposal = actions.Proposal(
            title="Renamed while merging",
            kind=merge.kind,
            description="",
            themes=[],
            unavailable_slots=[],
            cohosts=[],
            invited_names=[],
        )
        host = merge.hostings.get().participant

        def edit(session=merge, host=host, proposal=proposal) -> str:
            actions.update_session(session=session, proposal=proposal, by=host)
            return "edited"

        results, errors = run_together(
            [lambda k=keep, m=merge: actions.merge_sessions(keep=k, merge=m) and "merged", edit]
        )

        assert [e for e in errors if not isinstance(e, actions.ChangedMeanwhile)] == []
        assert "merged" in results
        if errors:  # the merge came first: the edit is refused, with where to make it
            assert "is intussen samengevoegd met" in str(errors[0])
            assert str(errors[0]).endswith("breng de wijziging daar aan.")
        outcomes.append(results.count("edited"))
    print(f"\nedit and merge at once: {ROUNDS // 2} rounds, edits that landed first: {outcomes}")


def test_links_added_at_once_keep_to_the_limit_and_take_their_own_places(monkeypatch):
    monkeypatch.setattr(actions.attachments, "MAX_ATTACHMENTS_PER_SESSION", 3)
    event, (session,) = camp(1)
    host = session.hostings.get().participant

    def add(n: int):
        return actions.add_attachment_link(
            session=session, title=f"Link {n}", url=f"https://example.org/{n}", kind="link", by=host
        )

    results, errors = run_together([lambda n=n: add(n) for n in range(8)])

    assert len(results) == 3
    assert {type(e) for e in errors} == {actions.ActionRefused}
    orders = list(session.attachments.order_by("order").values_list("order", flat=True))
    assert orders == [0, 1, 2]


def test_starting_the_pitch_round_from_an_old_page_does_not_unpublish_the_grid():
    event = make_event(phase=Event.Phase.PROPOSALS)
    pitch_round = actions.pitch_round_for(event)
    Event.objects.filter(pk=event.pk).update(phase=Event.Phase.PUBLISHED)  # meanwhile

    with pytest.raises(actions.ActionRefused):
        actions.start_pitch_round(
            event=event, version=pitch_round.version
        )  # `event` says proposals

    assert Event.objects.get(pk=event.pk).phase == Event.Phase.PUBLISHED


def test_two_organisers_inviting_the_same_address_at_once_make_one_organiser():
    """One after the other, the second invitation finds the first (not confirmed yet) and is
    refused in words; at once, both used to create one and the database refused the second
    (a 500). Now they go one at a time, with the same outcome as one after the other."""
    event = make_event()

    def invite(name: str):
        return actions.invite_organiser(event=event, name=name, email="nele@example.org").pk

    results, errors = run_together([lambda n=n: invite(f"Nele {n}") for n in range(4)])

    assert len(results) == 1
    assert [type(e) for e in errors] == [actions.ActionRefused] * 3
    assert all("nog niet bevestigd" in str(e) for e in errors)
    assert event.participants.filter(email__iexact="nele@example.org").count() == 1
