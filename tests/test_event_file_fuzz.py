"""The importer answers every malformed event file with its list of problems, never a
traceback, and changes nothing when it refuses (issue 15).

Hypothesis mutates a valid event file: any value anywhere (and any key) is replaced by NUL
text, lone surrogates, integers beyond every column's range, negative numbers, floats, NaN,
deep nesting, the wrong type, over-long text or a date at the edge of the calendar. Each case
must end in a clean import (whose rows the model itself accepts and which exports again) or
in `EventFileError` with problems that name a place in the file — not the database's own
refusal, which would mean a check is missing. On PostgreSQL too, where NUL and the 32-bit
integer columns matter. Each test prints how many cases it tried (`pytest -s`)."""

import copy
import io
import json
import zipfile
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sessions_app import event_file as event_file_module
from sessions_app.actions import import_event
from sessions_app.event_file import (
    MAX_DEPTH,
    EventFile,
    EventFileError,
    dumps,
    export_event,
    open_zip,
    parse_json,
)
from sessions_app.models import Event
from tests.test_event_file import PDF, database_rows, document

FUZZ = settings(
    max_examples=250,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
DEEP = "\ue000deep-{}\ue000"  # a marker string, replaced by nested brackets in the JSON text

# ---- hostile values ---------------------------------------------------------------------------

nul_text = st.text(max_size=8).flatmap(
    lambda t: st.integers(0, len(t)).map(lambda i: t[:i] + "\x00" + t[i:])
)
surrogate_text = st.tuples(
    st.text(max_size=6), st.integers(0xD800, 0xDFFF), st.text(max_size=6)
).map(lambda p: p[0] + chr(p[1]) + p[2])
edge_integers = st.sampled_from(
    [
        -1,
        0,
        -(2**31) - 1,
        2**15 - 1,
        2**15,
        2**31 - 1,
        2**31,
        2**32,
        2**63 - 1,
        2**63,
        2**64,
        -(2**63) - 1,
        10**30,
        -(10**30),
        10**4000,
    ]
)
floats = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1.0, 80.0, 1e400, -0.0, 2.5]),
)
edge_dates = st.sampled_from(
    [
        "0001-01-01",
        "9999-12-31",
        "0000-01-01",
        "0001-01-01T00:00",
        "0001-01-01T00:30",
        "9999-12-31T23:59",
        "9999-12-31T23:59:59",
        "2012-02-30",
        "2012-06-08T24:00",
        "２０１２-06-08",
        "2012-06-08T10:00+02:00",
        "2012-03-25T02:30",  # a time that does not exist in Brussels (DST)
        "2012-10-28T02:30",  # and one that exists twice
    ]
)
wrong_types = st.sampled_from([None, True, False, [], {}, "", " ", [1, "x"], {"a": 1}, "p1", "x1"])
long_texts = st.sampled_from([101, 151, 201, 255, 256, 501, 100_001, 200_001]).map(
    lambda n: "x" * n
)
deep = st.sampled_from([MAX_DEPTH, MAX_DEPTH + 1, 1000, 100_000]).map(DEEP.format)

hostile = st.one_of(
    nul_text,
    surrogate_text,
    edge_integers,
    st.integers(min_value=-(2**70), max_value=2**70),
    floats,
    edge_dates,
    wrong_types,
    long_texts,
    deep,
    st.text(max_size=20),
)


def places(value: Any, path: tuple = ()) -> list[tuple]:
    """The path of every value in the document, containers included."""
    found = [path] if path else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += places(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += places(item, (*path, index))
    return found


BASE = document()
PLACES = places(BASE)


@st.composite
def mutated_documents(draw: Callable) -> dict:
    doc = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PLACES))
        parent = doc
        try:
            for step in path[:-1]:
                parent = parent[step]
            if draw(st.integers(0, 9)) == 0 and isinstance(parent, dict):
                parent[draw(st.one_of(nul_text, surrogate_text, st.text(max_size=5)))] = draw(
                    hostile
                )  # a key of its own
            else:
                parent[path[-1]] = draw(hostile)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation replaced what this path went through
    return doc


def event_bytes(doc: Any) -> bytes:
    """The document as a ZIP's event.json, deep markers turned into nested brackets."""
    text = json.dumps(doc)  # NaN and Infinity as JavaScript writes them, surrogates as \\udXXX
    for depth in (MAX_DEPTH, MAX_DEPTH + 1, 1000, 100_000):
        marker = json.dumps(DEEP.format(depth))
        text = text.replace(marker, "[" * depth + "]" * depth)
    return text.encode("utf-8")


def as_zip(event_json: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("event.json", event_json)
        archive.writestr("attachments/x1-1.pdf", PDF)
    return buffer.getvalue()


# ---- one attempt --------------------------------------------------------------------------------


def assert_readable(problems: list[str]) -> None:
    assert problems
    for problem in problems:
        problem.encode("utf-8")  # no lone surrogate: it can be printed and logged
        assert "\x00" not in problem
        assert len(problem) <= 300
        # the database's own refusal means a check let a value through
        assert not problem.startswith("(database)"), problem


def attempt(data: bytes) -> str:
    """Import `data` (a ZIP) inside a transaction that is rolled back: 'imported' or
    'refused'. Anything but EventFileError propagates and fails the test."""
    before = database_rows()
    with transaction.atomic():
        try:
            with open_zip(io.BytesIO(data)) as event_file:
                event = import_event(event_file)
        except EventFileError as error:
            assert_readable(error.problems)
            assert database_rows() == before
            outcome = "refused"
        else:
            # what was imported is what the model accepts, and exports again
            for row in (
                event,
                *event.rooms.all(),
                *event.slots.all(),
                *event.participants.all(),
                *event.themes.all(),
                *event.sessions.all(),
            ):
                row.full_clean(validate_unique=False, validate_constraints=False)
            document, _files = export_event(event)
            dumps(document).encode("utf-8")
            outcome = "imported"
        transaction.set_rollback(True)
    assert database_rows() == before
    return outcome


def report(name: str, counts: Counter) -> None:
    total = sum(counts.values())
    print(f"\n{name}: {total} cases tried — {dict(counts)}")


# ---- the tests ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_unmutated_file_imports():
    assert attempt(as_zip(event_bytes(BASE))) == "imported"


@pytest.mark.django_db
def test_any_value_anywhere_replaced_by_hostile_input_is_imported_or_refused_with_problems():
    counts: Counter = Counter()

    @FUZZ
    @given(mutated_documents())
    def run(doc: dict) -> None:
        counts[attempt(as_zip(event_bytes(doc)))] += 1

    run()
    report("event file, hostile values anywhere", counts)
    assert counts["refused"] > 0


FIELDS = [
    ("event", "date"),
    ("event", "votes_per_participant"),
    ("event", "timezone"),
    ("event", "name"),
    ("event", "slug"),
    ("rooms", 0, "capacity"),
    ("rooms", 1, "name"),
    ("slots", 1, "start"),
    ("slots", 2, "end"),
    ("slots", 0, "label"),
    ("participants", 0, "email"),
    ("participants", 1, "name"),
    ("themes", 0, "synthesis"),
    ("sessions", 0, "title"),
    ("sessions", 1, "report"),
    ("sessions", 0, "attachments", 1, "url"),
    ("votes", 0, "participant"),
    ("placements", 0, "slot"),
]


@pytest.mark.django_db
def test_each_stored_field_given_each_kind_of_hostile_value():
    """The same, aimed: every field that reaches a column meets every kind of value."""
    counts: Counter = Counter()

    @FUZZ
    @given(st.sampled_from(FIELDS), hostile)
    def run(path: tuple, value: Any) -> None:
        doc = copy.deepcopy(BASE)
        parent = doc
        for step in path[:-1]:
            parent = parent[step]
        parent[path[-1]] = value
        counts[attempt(as_zip(event_bytes(doc)))] += 1

    run()
    report("event file, hostile values per stored field", counts)
    assert counts["refused"] > 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (("rooms", 0, "capacity"), 10**30, "rooms[0].capacity: must be a whole number from"),
        (("rooms", 0, "capacity"), 2**31, "rooms[0].capacity: must be a whole number from"),
        (("rooms", 0, "capacity"), -5, "rooms[0].capacity: must be a whole number of at least 1"),
        (("event", "votes_per_participant"), 2**63, "event.votes_per_participant: must be null"),
        (("sessions", 0, "title"), "Vaders\x00bereiken", "sessions[0].title: contains a NUL"),
        (("themes", 0, "name"), "Vaders \ud83d", "themes[0].name: contains a lone surrogate"),
        (("participants", 0, "email"), "a" * 250 + "@example.org", "participants[0].email:"),
        (("event", "timezone"), "Europe", 'event.timezone: unknown time zone "Europe"'),
        # in UTC a moment before year 1 (Brussels was 17½ minutes ahead of UTC then)
        (("slots", 1, "start"), "0001-01-01T00:00", "slots[1].start:"),
        (("votes", 0, "participant"), ["p1"], 'votes[0].participant: unknown participant ["p1"]'),
        (("placements", 0, "session"), {"x": 1}, "placements[0].session: unknown session"),
    ],
)
def test_the_problem_names_the_place_and_what_is_wrong(path, value, expected):
    doc = copy.deepcopy(BASE)
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = value
    before = database_rows()

    with (
        pytest.raises(EventFileError) as raised,
        open_zip(io.BytesIO(as_zip(event_bytes(doc)))) as event_file,
    ):
        import_event(event_file)

    assert [p for p in raised.value.problems if p.startswith(expected)], raised.value.problems
    assert_readable(raised.value.problems)
    assert database_rows() == before


@pytest.mark.django_db
@pytest.mark.parametrize("day", ["0001-01-01", "1969-12-31", "2200-01-01", "9999-12-31"])
def test_an_event_at_the_edge_of_the_calendar_is_refused_as_the_model_refuses_it(day):
    """Year 1 or 9999 broke every feed (issue 15); the model allows 1970-2199 (Event.clean),
    and so does the importer, for the event's date and each slot's."""
    doc = copy.deepcopy(BASE)
    doc["event"]["date"] = day
    for slot in doc["slots"]:
        slot["start"] = day + slot["start"][10:]
        slot["end"] = day + slot["end"][10:]
    before = database_rows()

    with (
        pytest.raises(EventFileError) as raised,
        open_zip(io.BytesIO(as_zip(event_bytes(doc)))) as event_file,
    ):
        import_event(event_file)

    places = [p.split(":")[0] for p in raised.value.problems]
    assert places == ["event.date"] + [
        f"slots[{i}].{k}" for i in range(4) for k in ("start", "end")
    ]
    assert "1970" in raised.value.problems[0] and "2199" in raised.value.problems[0]
    assert database_rows() == before


@pytest.mark.django_db
def test_counter_check_without_the_models_checks_a_huge_capacity_fails_the_harness(monkeypatch):
    """Counter-check: without the model's checks the fuzzing above fails — a capacity beyond
    the column reaches the database (SQLite: OverflowError; PostgreSQL: out of range, which
    the importer would report as a database problem, and `attempt` refuses as a missed check)."""
    monkeypatch.setattr(event_file_module, "_model_problems", lambda *args: None)
    doc = copy.deepcopy(BASE)
    doc["rooms"][0]["capacity"] = 10**30
    with pytest.raises((AssertionError, OverflowError)):
        attempt(as_zip(event_bytes(doc)))


@pytest.mark.django_db
def test_counter_check_a_crash_of_the_importer_fails_the_harness(monkeypatch):
    """Counter-check: without the check of every text, a lone surrogate in a title reaches
    the database driver, which cannot encode it; `attempt` lets that crash through (or
    refuses the database's own problem) — so a missing check fails the fuzz tests."""
    monkeypatch.setattr(event_file_module, "_check_strings_and_depth", lambda *args: None)
    doc = copy.deepcopy(BASE)
    doc["sessions"][0]["title"] = "Vaders \udc00 bereiken"
    with pytest.raises((UnicodeEncodeError, AssertionError)):
        attempt(as_zip(event_bytes(doc)))


# ---- raw bytes ----------------------------------------------------------------------------------

VALID = event_bytes(BASE)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\xff\xfe{}", "event.json: not UTF-8 text"),
        (VALID[:50] + b"\xc3\x28" + VALID[50:], "event.json: not UTF-8 text"),
        (VALID[:50] + b"\xed\xa0\x80" + VALID[50:], "event.json: not UTF-8 text"),  # a surrogate
        (b"\xef\xbb\xbf\xef\xbb\xbf" + VALID, "event.json: not JSON"),  # a BOM twice
        (b"[" * 100_000 + b"]" * 100_000, "event.json: nested 100000 levels deep"),
        (b"[" * 100_000, "event.json: nested 100000 levels deep"),
        (b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "event.json: nested 100000 levels deep"),
        (b"[NaN]", "event.json: NaN is not a number JSON allows"),
        (b"[-Infinity]", "event.json: -Infinity is not a number JSON allows"),
        (b"[" + b"9" * 5000 + b"]", "event.json: Exceeds the limit"),
        (b"", "event.json: not JSON"),
        (b"\x00", "event.json: not JSON"),
        ('"\ud800"'.encode("utf-8", "surrogatepass"), "event.json: not UTF-8 text"),
        ("{}".encode("utf-16"), "event.json: not UTF-8 text"),
    ],
)
def test_raw_bytes_that_are_no_event_file_are_refused_with_a_problem(data, expected):
    with pytest.raises(EventFileError) as raised:
        parse_json(data)
    assert raised.value.problems[0].startswith(expected), raised.value.problems
    assert_readable(raised.value.problems)


@pytest.mark.django_db
def test_a_byte_order_mark_is_read_past():
    assert attempt(as_zip(b"\xef\xbb\xbf" + VALID)) == "imported"


@pytest.mark.django_db
def test_escaped_nul_and_surrogates_in_the_json_text_are_refused_by_path():
    text = VALID.decode().replace('"Vaders bereiken"', '"Vaders\\u0000\\udc00bereiken"', 1)
    with pytest.raises(EventFileError) as raised:
        check = EventFile(document=parse_json(text.encode()))
        import_event(check)
    assert raised.value.problems[0].startswith("sessions[0].title: contains a NUL"), raised


@pytest.mark.django_db
def test_bytes_flipped_anywhere_in_the_file_are_imported_or_refused():
    counts: Counter = Counter()

    @FUZZ
    @given(st.data())
    def run(data: st.DataObject) -> None:
        raw = bytearray(VALID)
        for _ in range(data.draw(st.integers(1, 4))):
            at = data.draw(st.integers(0, len(raw) - 1))
            what = data.draw(st.sampled_from(["set", "insert", "delete"]))
            if what == "delete":
                del raw[at]
            else:
                byte = data.draw(
                    st.one_of(
                        st.integers(0, 255),
                        st.sampled_from([0, 0x5B, 0x7B, 0x22, 0x5C, 0xED, 0xC0, 0xFF]),
                    )
                )
                raw[at : at + (what == "set")] = bytes([byte])
        counts[attempt(as_zip(bytes(raw)))] += 1

    run()
    report("event file, bytes flipped", counts)
    assert counts["refused"] > 0


@pytest.mark.django_db
def test_a_damaged_zip_is_refused_with_a_problem():
    counts: Counter = Counter()
    valid = as_zip(VALID)

    @FUZZ
    @given(st.data())
    def run(data: st.DataObject) -> None:
        raw = bytearray(valid)
        for _ in range(data.draw(st.integers(1, 6))):
            at = data.draw(st.integers(0, len(raw) - 1))
            raw[at] = data.draw(st.integers(0, 255))
        if data.draw(st.booleans()):
            raw = raw[: data.draw(st.integers(0, len(raw)))]
        try:
            outcome = attempt(bytes(raw))
        except EventFileError as error:  # open_zip's own refusal, before any import
            assert_readable(error.problems)
            outcome = "not a ZIP"
        counts[outcome] += 1

    run()
    report("event file, damaged ZIP", counts)


# ---- the command --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        b"[" * 100_000,
        json.dumps({**BASE, "event": {**BASE["event"], "name": "Camp\x00"}}).encode(),
        json.dumps({**BASE, "event": {**BASE["event"], "name": "Camp\udfff"}}).encode(),
        json.dumps({**BASE, "rooms": [{"key": "r1", "name": "Zaal", "capacity": 10**30}]}).encode(),
        json.dumps({**BASE, "event": {**BASE["event"], "timezone": "Europe"}}).encode(),
    ],
    ids=["deep", "nul", "surrogate", "huge", "time zone directory"],
)
def test_the_command_says_nothing_was_imported_and_lists_the_problems(tmp_path, data):
    path = tmp_path / "event.json"
    path.write_bytes(data)
    before = database_rows()

    with pytest.raises(CommandError) as raised:
        call_command("import_event", str(path), stdout=io.StringIO())

    message = str(raised.value)
    assert message.startswith("Nothing was imported: ")
    message.encode("utf-8")  # printable on any terminal
    assert database_rows() == before
    assert Event.objects.count() == before["Event"]
