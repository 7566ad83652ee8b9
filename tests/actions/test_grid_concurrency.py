"""Several organisers moving sessions at the same moment, on PostgreSQL, each thread on its own
connection. Every change carries the grid version it was made on: of the changes made on one
version exactly one wins and the others are refused (StaleGrid, which the views answer with
409). Whatever the timing, no cell ever holds two sessions, no session sits in two cells, and
none is lost."""

import random
import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from sessions_app import actions
from sessions_app.models import Event, GridChange, Participant, Placement, Room, Session, Slot
from tests.factories import make_event, make_participant, make_room, make_session, make_slot

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8
ROUNDS = 12


def in_threads(job: Callable[[int], object], n: int = THREADS) -> tuple[list, list]:
    """Run `job(thread number)` in `n` threads started together; results and exceptions."""
    start = threading.Barrier(n)
    results: list = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(number: int) -> None:
        try:
            start.wait(timeout=30)
            result = job(number)
            with lock:
                results.append(result)
        except BaseException as error:  # collected, and asserted on by the test
            with lock:
                errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(number,)) for number in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert [t for t in threads if t.is_alive()] == []
    return results, errors


@pytest.fixture
def setup() -> tuple[Event, Participant, list[Room], list[Slot], list[Session]]:
    event = make_event(slug="race-camp", language="en")
    organiser = make_participant(event, name="Olga", role=Participant.Role.ORGANISER)
    rooms = [make_room(event, name=f"Room {n}") for n in range(3)]
    slots = [make_slot(event, f"{10 + n}:00", f"{10 + n}:45") for n in range(3)]
    sessions = [make_session(event, [make_participant(event)]) for _ in range(12)]
    return event, organiser, rooms, slots, sessions


def current_version(event: Event) -> int:
    return Event.objects.values_list("grid_version", flat=True).get(pk=event.pk)


def assert_grid_sound(event: Event, sessions: list[Session]) -> None:
    placements = Placement.objects.filter(session__event=event)
    doubled = placements.values("room", "slot").annotate(n=Count("id")).filter(n__gt=1)
    assert list(doubled) == []
    assert placements.count() == placements.values("session").distinct().count()
    assert sorted(Session.objects.filter(event=event).values_list("pk", flat=True)) == sorted(
        s.pk for s in sessions
    )
    assert GridChange.objects.filter(event=event).count() == current_version(event)


def test_of_the_moves_made_on_one_version_exactly_one_wins(setup):
    """Each round every thread reads the version, waits for the others, then moves a session
    into one of two hot cells (or to the tray): one success per round, the rest stale."""
    event, organiser, rooms, slots, sessions = setup
    read = threading.Barrier(THREADS)
    hot = [(rooms[0], slots[0]), (rooms[1], slots[0]), None]

    def organise(number: int) -> Counter:
        rng = random.Random(number)
        outcome: Counter = Counter()
        for round_ in range(ROUNDS):
            version = current_version(event)
            read.wait(timeout=30)
            try:
                actions.move_session(
                    event=event,
                    session=rng.choice(sessions),
                    cell=rng.choice(hot),
                    version=version,
                    by=organiser,
                )
                outcome[round_, "done"] += 1
            except actions.StaleGrid:
                outcome[round_, "stale"] += 1
            except actions.NothingToDo:  # the session was there already: no change, no version
                outcome[round_, "nothing"] += 1
            read.wait(timeout=30)  # the round is over for everyone before the next read
        return outcome

    results, errors = in_threads(organise)

    assert errors == []
    total = sum(results, Counter())
    done = [total[round_, "done"] for round_ in range(ROUNDS)]
    assert max(done) == 1  # never two changes made on one version
    assert sum(total.values()) == ROUNDS * THREADS
    assert current_version(event) == sum(done)
    assert_grid_sound(event, sessions)


def test_free_running_moves_into_the_same_cells_keep_the_grid_sound(setup):
    """No rounds: threads race as they come, swapping and unplacing among four cells."""
    event, organiser, rooms, slots, sessions = setup
    cells = [(rooms[0], slots[0]), (rooms[1], slots[0]), (rooms[0], slots[1]), None]

    def organise(number: int) -> Counter:
        rng = random.Random(100 + number)
        outcome: Counter = Counter()
        for _ in range(30):
            try:
                actions.move_session(
                    event=event,
                    session=rng.choice(sessions[:6]),
                    cell=rng.choice(cells),
                    version=current_version(event),
                    by=organiser,
                )
                outcome["done"] += 1
            except actions.StaleGrid:
                outcome["stale"] += 1
            except actions.NothingToDo:
                outcome["nothing"] += 1
        return outcome

    results, errors = in_threads(organise)

    assert errors == []
    total = sum(results, Counter())
    assert total["done"] + total["stale"] + total["nothing"] == THREADS * 30
    assert (total["done"] > 0, total["done"] == current_version(event)) == (True, True)
    assert_grid_sound(event, sessions)


def test_the_database_itself_refuses_a_second_session_in_a_cell(setup):
    """Below the version check: rows written straight into one cell at once, one survives."""
    event, _organiser, rooms, slots, sessions = setup

    def place(number: int) -> bool:
        try:
            with transaction.atomic():
                Placement.objects.create(session=sessions[number], room=rooms[2], slot=slots[2])
        except IntegrityError:
            return False
        return True

    results, errors = in_threads(place)

    assert errors == []
    assert sorted(results) == [False] * (THREADS - 1) + [True]
    assert Placement.objects.filter(room=rooms[2], slot=slots[2]).count() == 1


def test_the_database_itself_refuses_a_session_in_two_cells(setup):
    event, _organiser, rooms, slots, sessions = setup
    cells = [(room, slot) for slot in slots for room in rooms][:THREADS]

    def place(number: int) -> bool:
        room, slot = cells[number]
        try:
            with transaction.atomic():
                Placement.objects.create(session=sessions[0], room=room, slot=slot)
        except IntegrityError:
            return False
        return True

    results, errors = in_threads(place)

    assert errors == []
    assert sorted(results) == [False] * (THREADS - 1) + [True]
    assert Placement.objects.filter(session=sessions[0]).count() == 1


def test_through_http_one_200_per_version_and_409_for_the_others(setup):
    """The same race through the views: each thread a logged-in organiser posting htmx moves."""
    event, organiser, rooms, slots, sessions = setup
    clients = []
    for n in range(THREADS):
        person = make_participant(event, name=f"Organiser {n}", role=Participant.Role.ORGANISER)
        client = Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl" if n % 2 else "en"  # their choice
        client.force_login(person.user)
        clients.append(client)
    move_url = reverse("organiser:move", args=[event.slug])
    read = threading.Barrier(THREADS)

    cells = [(room, slot) for slot in slots for room in rooms]  # a fresh cell every round

    def organise(number: int) -> Counter:
        statuses: Counter = Counter()
        for room, slot in cells[:6]:
            version = current_version(event)
            read.wait(timeout=30)
            data = {"session": sessions[number].pk, "version": version}
            data |= {"room": room.pk, "slot": slot.pk}
            response = clients[number].post(move_url, data, headers={"hx-request": "true"})
            statuses[response.status_code] += 1
            if response.status_code == 409:  # in the organiser's language
                assert (
                    "Iemand anders wijzigde net het rooster." if number % 2
                    else "Someone else changed the grid just now."
                ) in response.text  # fmt: skip
            read.wait(timeout=30)
        return statuses

    results, errors = in_threads(organise)

    assert errors == []
    assert sum(results, Counter()) == Counter({200: 6, 409: 6 * (THREADS - 1)})
    assert_grid_sound(event, sessions)
