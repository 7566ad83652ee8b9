"""Row 6 of the reliability plan: two sessions swap cells in one transaction, because the cell
constraint is DEFERRABLE INITIALLY DEFERRED; and the counter-proof, that the same swap fails
once the constraint is checked immediately. PostgreSQL only (SQLite has no deferrable
constraints; there the grid actions delete and re-insert instead, see `actions._write_grid`).

The swap here is the plain one, two UPDATEs in a row: after the first, both sessions sit in one
cell until the second moves the other away. Each test commits (transaction=True), since a
deferred constraint is only checked at COMMIT."""

import pytest
from django.db import IntegrityError, connection, transaction

from sessions_app.models import Placement
from tests.factories import make_event, make_placement, make_room, make_session, make_slot

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CONSTRAINT = "placement_one_session_per_cell"


@pytest.fixture
def two_placed() -> tuple[Placement, Placement]:
    event = make_event()
    room = make_room(event)
    early, late = make_slot(event, "10:00", "10:45"), make_slot(event, "11:00", "11:45")
    return (
        make_placement(make_session(event), room, early),
        make_placement(make_session(event), room, late),
    )


def cells(*placements: Placement) -> list[tuple[int, int]]:
    return [Placement.objects.values_list("room_id", "slot_id").get(pk=p.pk) for p in placements]


def swap(first: Placement, second: Placement) -> None:
    first.slot, second.slot = second.slot, first.slot
    first.save(update_fields=["slot"])
    second.save(update_fields=["slot"])


def constraint_as_stored() -> tuple[list, list]:
    """The cell constraint as PostgreSQL's catalogue and the SQL standard's view describe it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.contype, c.condeferrable, c.condeferred, t.relname, "
            "pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "JOIN pg_class t ON t.oid = c.conrelid WHERE c.conname = %s",
            [CONSTRAINT],
        )
        catalogue = cursor.fetchall()
        cursor.execute(
            "SELECT constraint_type, is_deferrable, initially_deferred "
            "FROM information_schema.table_constraints WHERE constraint_name = %s",
            [CONSTRAINT],
        )
        standard = cursor.fetchall()
    return catalogue, standard


def test_the_cell_constraint_is_deferrable_initially_deferred():
    catalogue, standard = constraint_as_stored()

    print(f"row 6: pg_constraint {catalogue}; information_schema {standard}")
    assert catalogue == [
        (
            "u",
            True,
            True,
            "sessions_app_placement",
            "UNIQUE (room_id, slot_id) DEFERRABLE INITIALLY DEFERRED",
        )
    ]
    assert standard == [("UNIQUE", "YES", "YES")]


def test_a_swap_in_one_transaction_commits(two_placed):
    first, second = two_placed
    before = cells(first, second)

    with transaction.atomic():
        swap(first, second)

    print(f"row 6: swap with the deferred constraint committed: {before} -> {cells(first, second)}")
    assert cells(first, second) == before[::-1]


def test_the_same_swap_fails_when_the_constraint_is_checked_immediately(two_placed):
    first, second = two_placed
    before = cells(first, second)

    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"SET CONSTRAINTS {CONSTRAINT} IMMEDIATE")
        swap(first, second)

    print(f"row 6: swap with SET CONSTRAINTS IMMEDIATE: {refused.value.__cause__.sqlstate} "
          f"{str(refused.value).splitlines()[0]}; cells still {cells(first, second)}")  # fmt: skip
    assert refused.value.__cause__.sqlstate == "23505"  # unique_violation
    assert CONSTRAINT in str(refused.value)
    assert cells(first, second) == before


def test_a_real_double_booking_still_fails_at_commit(two_placed):
    first, second = two_placed
    before = cells(first, second)

    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        first.slot = second.slot
        first.save(update_fields=["slot"])  # deferred: accepted for now ...
        assert len(set(cells(first, second))) == 1  # ... two sessions in one cell, inside
    # ... and refused at COMMIT, with nothing changed

    print(f"row 6: double booking refused at COMMIT ({refused.value.__cause__.sqlstate})")
    assert CONSTRAINT in str(refused.value)
    assert cells(first, second) == before


def test_without_deferrable_even_a_one_statement_swap_fails(two_placed):
    """What the plan found: a NOT DEFERRABLE unique constraint is checked row by row, so even a
    single UPDATE that swaps two cells is refused. (The constraint is replaced inside the
    transaction, which is rolled back: the schema is left as it was.)"""
    first, second = two_placed
    before = cells(first, second)
    one_statement_swap = (
        "UPDATE sessions_app_placement SET slot_id = CASE id WHEN %s THEN %s ELSE %s END "
        "WHERE id IN (%s, %s)"
    )
    params = [first.pk, before[1][1], before[0][1], first.pk, second.pk]

    with (
        pytest.raises(IntegrityError) as refused,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            f"ALTER TABLE sessions_app_placement DROP CONSTRAINT {CONSTRAINT}, "
            f"ADD CONSTRAINT {CONSTRAINT} UNIQUE (room_id, slot_id) NOT DEFERRABLE"
        )
        cursor.execute(one_statement_swap, params)

    print(f"row 6: one-statement swap with NOT DEFERRABLE: {refused.value.__cause__.sqlstate}")
    assert refused.value.__cause__.sqlstate == "23505"
    assert cells(first, second) == before
    # the same statement passes with the constraint as migrated
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(one_statement_swap, params)
    assert cells(first, second) == before[::-1]
    assert constraint_as_stored()[1] == [("UNIQUE", "YES", "YES")]  # the schema is as it was
