"""QuerySet vocabulary and the rules the database holds.

Constraint tests write straight through the ORM (no `full_clean()`), so each fails if its
constraint, trigger or index is dropped. Each violation sits in its own `transaction.atomic()`
so the test can go on using the connection afterwards.
"""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import RestrictedError

from sessions_app.models import (
    Attachment,
    Event,
    Host,
    Participant,
    Placement,
    Room,
    Session,
    Slot,
    Theme,
    Vote,
)
from tests.factories import (
    event_time,
    make_attachment,
    make_event,
    make_participant,
    make_placement,
    make_room,
    make_session,
    make_slot,
    make_theme,
    make_user,
    make_vote,
)

pytestmark = pytest.mark.django_db


# Event


def test_event_votes_per_participant_zero_rejected():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_event(votes_per_participant=0)

    assert Event.objects.count() == 0


def test_event_votes_per_participant_null_allowed():
    event = make_event(votes_per_participant=None)

    event.refresh_from_db()
    assert event.votes_per_participant is None
    assert event.is_dot_voting is False


def test_event_phase_bogus_rejected():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_event(phase="bogus")

    assert Event.objects.count() == 0


def test_event_phase_bogus_rejected_on_update(event):
    event.phase = "bogus"

    with pytest.raises(IntegrityError), transaction.atomic():
        event.save()

    event.refresh_from_db()
    assert event.phase == Event.Phase.PROPOSALS


def test_event_local_returns_wall_clock_time_in_event_zone():
    event = make_event(timezone="America/New_York")
    moment = datetime(2026, 6, 13, 14, 0, tzinfo=UTC)

    local = event.local(moment)

    assert (local.hour, local.minute) == (10, 0)
    assert local.tzinfo == event.tz
    assert local == moment


def test_event_delete_cascades_everything(event, organiser, participant):
    room = make_room(event)
    slot = make_slot(event)
    theme = make_theme(event)
    session = make_session(event, hosts=[organiser])
    session.themes.add(theme)
    session.unavailable_slots.add(make_slot(event, "11:00", "11:45"))
    make_vote(participant, session)
    make_placement(session, room, slot)
    make_attachment(session)
    other_event = make_event()
    other_host = make_participant(other_event)
    other_session = make_session(other_event, hosts=[other_host])

    event.delete()

    assert Event.objects.get() == other_event
    assert list(Room.objects.all()) == []
    assert list(Slot.objects.all()) == []
    assert list(Theme.objects.all()) == []
    assert list(Participant.objects.all()) == [other_host]
    assert list(Session.objects.all()) == [other_session]
    assert list(Host.objects.values_list("session", flat=True)) == [other_session.pk]
    assert list(Vote.objects.all()) == []
    assert list(Placement.objects.all()) == []
    assert list(Attachment.objects.all()) == []


def test_event_str_is_its_name(event):
    assert str(event) == "Open Overheid Camp"


# Room


def test_room_capacity_zero_rejected(event):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_room(event, capacity=0)

    assert Room.objects.count() == 0


def test_room_name_unique_in_event(event):
    make_room(event, name="Aula")

    with pytest.raises(IntegrityError), transaction.atomic():
        make_room(event, name="Aula")

    assert list(Room.objects.values_list("name", flat=True)) == ["Aula"]


def test_room_same_name_in_other_event_allowed(event):
    first = make_room(event, name="Aula")

    second = make_room(make_event(), name="Aula")

    assert first.name == second.name == "Aula"
    assert Room.objects.filter(name="Aula").count() == 2


def test_room_delete_with_placement_refused(event):
    room = make_room(event)
    placement = make_placement(make_session(event), room, make_slot(event))

    with pytest.raises(RestrictedError), transaction.atomic():
        room.delete()

    assert Room.objects.filter(pk=room.pk).exists()
    assert Placement.objects.get() == placement


def test_room_delete_without_placement_allowed(event):
    room = make_room(event)

    room.delete()

    assert Room.objects.count() == 0


def test_room_str_names_room_and_capacity(event):
    room = make_room(event, name="Aula", capacity=120)

    assert str(room) == "Aula (120)"


# Slot


def test_slot_start_equal_to_end_rejected(event):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_slot(event, "10:00", "10:00")

    assert Slot.objects.count() == 0


def test_slot_start_after_end_rejected(event):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_slot(event, "11:00", "10:00")

    assert Slot.objects.count() == 0


def test_slot_overlapping_insert_rejected_by_database(event):
    first = make_slot(event, "10:00", "10:45")

    with pytest.raises(IntegrityError), transaction.atomic():
        make_slot(event, "10:30", "11:15")

    assert list(Slot.objects.all()) == [first]


def test_slot_contained_insert_rejected_by_database(event):
    first = make_slot(event, "10:00", "11:00")

    with pytest.raises(IntegrityError), transaction.atomic():
        make_slot(event, "10:15", "10:30")

    assert list(Slot.objects.all()) == [first]


def test_slot_overlapping_update_rejected_by_database(event):
    make_slot(event, "10:00", "10:45")
    second = make_slot(event, "11:00", "11:45")
    second.start = event_time(event, "10:30")

    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()

    second.refresh_from_db()
    assert second.start == event_time(event, "11:00")


def test_slot_update_of_itself_allowed(event):
    slot = make_slot(event, "10:00", "10:45")
    slot.end = event_time(event, "11:00")

    slot.save()

    slot.refresh_from_db()
    assert slot.end == event_time(event, "11:00")


def test_slot_adjacent_slots_allowed(event):
    first = make_slot(event, "10:00", "10:45")

    second = make_slot(event, "10:45", "11:30")

    assert list(Slot.objects.all()) == [first, second]


def test_slot_overlapping_slots_in_other_events_allowed(event):
    first = make_slot(event, "10:00", "10:45")
    other_event = make_event(date=event.date)

    second = make_slot(other_event, "10:00", "10:45")

    assert first.start == second.start
    assert Slot.objects.count() == 2


def test_slot_clean_overlap_names_other_slot(event):
    make_slot(event, "10:00", "10:45", label="Opening")
    slot = Slot(event=event, start=event_time(event, "10:30"), end=event_time(event, "11:15"))

    with pytest.raises(ValidationError) as excinfo:
        slot.clean()

    assert excinfo.value.messages == ["This slot overlaps the slot 10:00–10:45 Opening."]


def test_slot_clean_end_before_start_refused(event):
    slot = Slot(event=event, start=event_time(event, "11:00"), end=event_time(event, "10:00"))

    with pytest.raises(ValidationError) as excinfo:
        slot.clean()

    assert excinfo.value.message_dict == {"end": ["A slot must end after it starts."]}


def test_slot_clean_adjacent_slot_accepted(event):
    make_slot(event, "10:00", "10:45")
    slot = Slot(event=event, start=event_time(event, "10:45"), end=event_time(event, "11:30"))

    slot.clean()


def test_slot_delete_with_placement_refused(event):
    slot = make_slot(event)
    placement = make_placement(make_session(event), make_room(event), slot)

    with pytest.raises(RestrictedError), transaction.atomic():
        slot.delete()

    assert Slot.objects.filter(pk=slot.pk).exists()
    assert Placement.objects.get() == placement


def test_slot_str_is_local_times_and_label(event):
    slot = make_slot(event, "10:00", "10:45", label="Opening")

    assert str(slot) == "10:00–10:45 Opening"


def test_slot_str_without_label_is_local_times():
    event = make_event(timezone="Asia/Tokyo")
    slot = make_slot(event, "09:30", "10:15")

    assert str(Slot.objects.get(pk=slot.pk)) == "09:30–10:15"


# Participant


def test_participant_once_per_event_and_user(event):
    user = make_user()
    make_participant(event, user=user)

    with pytest.raises(IntegrityError), transaction.atomic():
        make_participant(event, user=user)

    assert Participant.objects.filter(user=user).count() == 1


def test_participant_same_user_in_other_event_allowed(event):
    user = make_user()
    make_participant(event, user=user)

    make_participant(make_event(), user=user)

    assert Participant.objects.filter(user=user).count() == 2


def test_participant_email_unique_in_event_case_insensitive(event):
    make_participant(event, email="A@x.org")

    with pytest.raises(IntegrityError), transaction.atomic():
        make_participant(event, email="a@x.org")

    assert list(Participant.objects.values_list("email", flat=True)) == ["A@x.org"]


def test_participant_blank_emails_may_repeat(event):
    make_participant(event, email="")

    make_participant(event, email="")

    assert Participant.objects.filter(event=event, email="").count() == 2


def test_participant_same_email_in_other_event_allowed(event):
    make_participant(event, email="a@x.org")

    make_participant(make_event(), email="a@x.org")

    assert Participant.objects.filter(email="a@x.org").count() == 2


def test_participant_role_bogus_rejected(event):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_participant(event, role="boss")

    assert Participant.objects.count() == 0


def test_participant_str_with_and_without_organisation(event):
    plain = make_participant(event, name="Ann")
    with_org = make_participant(event, name="Bob", organisation="City of Ghent")

    assert (str(plain), str(with_org)) == ("Ann", "Bob (City of Ghent)")


# Theme


def test_theme_name_unique_in_event(event):
    make_theme(event, name="Open data")

    with pytest.raises(IntegrityError), transaction.atomic():
        make_theme(event, name="Open data")

    assert Theme.objects.count() == 1


def test_theme_str_is_its_name(event):
    assert str(make_theme(event, name="Open data")) == "Open data"


# Session


def test_session_empty_title_rejected(event):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_session(event, title="")

    assert Session.objects.count() == 0


def test_session_status_bogus_rejected(event):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_session(event, status="maybe")

    assert Session.objects.count() == 0


def test_session_hosts_keep_given_order(event):
    first = make_participant(event, name="Zoe")
    second = make_participant(event, name="Adam")

    session = make_session(event, hosts=[first, second])

    assert [h.participant for h in session.hostings.all()] == [first, second]
    assert [h.order for h in session.hostings.all()] == [0, 1]


def test_session_active_excludes_withdrawn(event):
    proposed = make_session(event)
    scheduled = make_session(event, status=Session.Status.SCHEDULED)
    held = make_session(event, status=Session.Status.HELD)
    make_session(event, status=Session.Status.WITHDRAWN)

    assert list(Session.objects.active()) == [proposed, scheduled, held]


def test_session_by_votes_orders_by_count_then_id(event):
    voters = [make_participant(event) for _ in range(3)]
    one_vote_early = make_session(event)
    three_votes = make_session(event)
    no_votes = make_session(event)
    one_vote_late = make_session(event)
    for voter in voters:
        make_vote(voter, three_votes)
    make_vote(voters[0], one_vote_late)
    make_vote(voters[1], one_vote_early)

    ranked = list(Session.objects.by_votes())

    assert ranked == [three_votes, one_vote_early, one_vote_late, no_votes]
    assert [s.vote_count for s in ranked] == [3, 1, 1, 0]


def test_session_str_is_its_title(event):
    assert str(make_session(event, title="Open by default")) == "Open by default"


def test_host_once_per_session(event, participant):
    session = make_session(event, hosts=[participant])

    with pytest.raises(IntegrityError), transaction.atomic():
        Host.objects.create(session=session, participant=participant, order=1)

    assert Host.objects.count() == 1


def test_host_str_names_participant_and_session(event):
    make_session(event, title="Open by default", hosts=[make_participant(event, name="Ann")])

    assert str(Host.objects.get()) == "Ann → Open by default"


# Vote


def test_vote_once_per_participant_and_session(event, participant):
    session = make_session(event)
    make_vote(participant, session)

    with pytest.raises(IntegrityError), transaction.atomic():
        make_vote(participant, session)

    assert Vote.objects.count() == 1


def test_vote_str_names_participant_and_session(event):
    vote = make_vote(make_participant(event, name="Ann"), make_session(event, title="Open data"))

    assert str(vote) == "Ann ♥ Open data"


# Placement


def test_placement_one_per_session(event):
    session = make_session(event)
    room = make_room(event)
    make_placement(session, room, make_slot(event, "10:00", "10:45"))

    with pytest.raises(IntegrityError), transaction.atomic():
        make_placement(session, room, make_slot(event, "11:00", "11:45"))

    assert Placement.objects.count() == 1


# The cell constraint is DEFERRED on PostgreSQL: it is only checked when the transaction
# commits. A savepoint inside the per-test transaction never commits, so these two tests run in
# real transactions (`transaction=True`) and the IntegrityError comes out of the atomic block.


@pytest.mark.django_db(transaction=True)
def test_placement_one_per_cell():
    event = make_event()
    room = make_room(event)
    slot = make_slot(event)
    make_placement(make_session(event), room, slot)
    second_session = make_session(event)

    with pytest.raises(IntegrityError), transaction.atomic():
        make_placement(second_session, room, slot)

    assert Placement.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_placement_swap_cells_in_one_transaction():
    event = make_event()
    room = make_room(event)
    early, late = make_slot(event, "10:00", "10:45"), make_slot(event, "11:00", "11:45")
    first = make_placement(make_session(event), room, early)
    second = make_placement(make_session(event), room, late)

    with transaction.atomic():
        first.slot, second.slot = late, early
        first.save(update_fields=["slot"])
        second.save(update_fields=["slot"])

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.slot, second.slot) == (late, early)


def test_placement_clean_refuses_break_slot(event):
    placement = Placement(
        session=make_session(event),
        room=make_room(event),
        slot=make_slot(event, kind=Slot.Kind.BREAK),
    )

    with pytest.raises(ValidationError) as excinfo:
        placement.clean()

    assert excinfo.value.messages == ["Sessions can only be placed in a slot of kind “sessions”."]


def test_placement_clean_refuses_withdrawn_session(event):
    placement = Placement(
        session=make_session(event, status=Session.Status.WITHDRAWN),
        room=make_room(event),
        slot=make_slot(event),
    )

    with pytest.raises(ValidationError) as excinfo:
        placement.clean()

    assert excinfo.value.messages == ["A withdrawn session cannot be placed."]


def test_placement_clean_refuses_room_and_slot_of_other_event(event):
    other_event = make_event()
    placement = Placement(
        session=make_session(event), room=make_room(other_event), slot=make_slot(other_event)
    )

    with pytest.raises(ValidationError) as excinfo:
        placement.clean()

    assert excinfo.value.messages == [
        "The room belongs to another event.",
        "The slot belongs to another event.",
    ]


def test_placement_clean_accepts_session_slot_of_same_event(event):
    placement = Placement(session=make_session(event), room=make_room(event), slot=make_slot(event))

    placement.clean()


def test_placement_str_names_session_room_and_slot(event):
    placement = make_placement(
        make_session(event, title="Open data"),
        make_room(event, name="Aula"),
        make_slot(event, "10:00", "10:45"),
    )

    assert str(Placement.objects.get(pk=placement.pk)) == "Open data @ Aula, 10:00–10:45"


# Attachment


def test_attachment_without_file_or_url_rejected(event):
    session = make_session(event)

    with pytest.raises(IntegrityError), transaction.atomic():
        make_attachment(session, file="", url="")

    assert Attachment.objects.count() == 0


def test_attachment_with_file_and_url_rejected(event):
    session = make_session(event)

    with pytest.raises(IntegrityError), transaction.atomic():
        make_attachment(session, file="attachments/1/slides.pdf", url="https://example.org/s")

    assert Attachment.objects.count() == 0


def test_attachment_with_only_file_or_only_url_allowed(event):
    session = make_session(event)

    by_file = make_attachment(session, file="attachments/1/slides.pdf", url="")
    by_url = make_attachment(session, url="https://example.org/s")

    assert list(Attachment.objects.all()) == [by_file, by_url]


def test_attachment_str_is_its_title(event):
    assert str(make_attachment(make_session(event), title="Slides")) == "Slides"
