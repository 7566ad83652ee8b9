"""The grid read model's room swap suggestions, on cells made in memory (no database): a
session whose followers outgrow its room and a session at the same time with a bigger room than
its followers need swap rooms only when that helps both."""

from sessions_app import grid
from sessions_app.models import Room, Session, Slot


def slot(pk: int) -> Slot:
    return Slot(pk=pk, kind=Slot.Kind.SESSIONS)


def cell(slot_: Slot, seats: int, follows: int | None, *, pinned: bool = False) -> grid.Cell:
    room = Room(pk=seats * 1000 + (follows or 0), name=f"Room for {seats}", capacity=seats)
    session = Session(pk=room.pk, title=f"{follows} following, room for {seats}")
    return grid.Cell(room=room, slot=slot_, session=session, pinned=pinned, follows=follows)


def view(*rows: list[grid.Cell]) -> grid.GridView:
    return grid.GridView(
        event=None,  # type: ignore[arg-type]  # the suggestions read the cells only
        rooms=[],
        rows=[grid.GridRow(slot=cells[0].slot, cells=cells) for cells in rows],
        tray=[],
        version=1,
        sessions={},
    )


def pairs(grid_view: grid.GridView) -> list[tuple[str, str]]:
    return [
        (swap.crowded.session.title, swap.roomy.session.title)  # type: ignore[union-attr]
        for swap in grid.room_swaps(grid_view)
    ]


def test_a_crowded_session_swaps_with_one_whose_followers_fit_the_smaller_room() -> None:
    ten = slot(1)
    crowded, roomy = cell(ten, 20, 35), cell(ten, 60, 8)

    assert pairs(view([crowded, roomy])) == [(crowded.session.title, roomy.session.title)]
    assert crowded.crowded and not roomy.crowded


def test_no_swap_when_the_other_sessions_followers_would_not_fit() -> None:
    ten = slot(1)

    assert pairs(view([cell(ten, 20, 35), cell(ten, 60, 21)])) == []


def test_no_swap_into_a_room_that_is_not_bigger() -> None:
    ten = slot(1)

    assert pairs(view([cell(ten, 20, 35), cell(ten, 20, 3), cell(ten, 12, 1)])) == []


def test_no_swap_when_nobody_is_crowded_or_with_a_session_at_another_time() -> None:
    assert pairs(view([cell(slot(1), 20, 20), cell(slot(1), 60, 8)])) == []
    assert pairs(view([cell(slot(1), 20, 35)], [cell(slot(2), 60, 8)])) == []


def test_the_crowded_session_gets_the_smallest_room_that_seats_all_its_followers() -> None:
    ten = slot(1)
    crowded = cell(ten, 20, 35)
    just_enough, far_too_big = cell(ten, 40, 5), cell(ten, 100, 2)

    assert pairs(view([crowded, far_too_big, just_enough])) == [
        (crowded.session.title, just_enough.session.title)
    ]


def test_when_no_room_seats_everyone_the_biggest_one_is_suggested() -> None:
    ten = slot(1)
    crowded, bigger, biggest = cell(ten, 20, 90), cell(ten, 30, 5), cell(ten, 60, 5)

    assert pairs(view([crowded, bigger, biggest])) == [
        (crowded.session.title, biggest.session.title)
    ]


def test_each_session_is_in_one_suggestion_the_most_crowded_first() -> None:
    ten = slot(1)
    slightly, badly, roomy = cell(ten, 20, 22), cell(ten, 10, 30), cell(ten, 60, 4)

    assert pairs(view([slightly, badly, roomy])) == [(badly.session.title, roomy.session.title)]


def test_two_crowded_sessions_in_one_slot_each_get_a_room() -> None:
    ten = slot(1)
    a, b = cell(ten, 20, 35), cell(ten, 10, 15)
    big, bigger = cell(ten, 40, 9), cell(ten, 60, 2)

    assert sorted(pairs(view([a, b, big, bigger]))) == sorted(
        [(a.session.title, big.session.title), (b.session.title, bigger.session.title)]
    )


def test_pinned_sessions_stay_where_an_organiser_fixed_them() -> None:
    ten = slot(1)

    assert pairs(view([cell(ten, 20, 35, pinned=True), cell(ten, 60, 8)])) == []
    assert pairs(view([cell(ten, 20, 35), cell(ten, 60, 8, pinned=True)])) == []


def test_without_follower_counts_nothing_is_suggested() -> None:
    ten = slot(1)

    assert pairs(view([cell(ten, 20, None), cell(ten, 60, None)])) == []
