"""The event file: export → import → export is the identity, and every bad file is refused
with a message naming the path of each problem, leaving the database as it was."""

import copy
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from sessions_app.actions import import_event
from sessions_app.event_file import (
    EventFileError,
    dumps,
    export_event,
    load_event_file,
    open_zip,
    parse_json,
    write_zip,
)
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

DEMO = Path(__file__).resolve().parent.parent / "demo" / "oocamp-2012.zip"
PDF = b"%PDF-1.4\n% a tiny test file\n%%EOF\n"


def document() -> dict:
    """A small but complete event: every kind of object, an attachment file and a link."""
    return {
        "format": "oocamp-event/1",
        "exported_at": "2026-11-29T10:00:00Z",
        "event": {
            "slug": "mini-camp",
            "name": "Mini camp — ouders & kinderen",
            "date": "2012-06-08",
            "timezone": "Europe/Brussels",
            "language": "nl",
            "venue": "Brussel",
            "description": "Een **kleine** barcamp.",
            "votes_per_participant": 3,
            "phase": "voting",
            "introduction": "",
            "conclusion": "",
            "report_template": "## Wat we bespraken\n\n## Wat nu?\n",
            "report_published": False,
            "cover": None,
        },
        "rooms": [
            {"key": "r1", "name": "Zaal Groot", "capacity": 80},
            {"key": "r2", "name": "Café", "capacity": 1},
        ],
        "slots": [
            {
                "key": "s1",
                "start": "2012-06-08T09:30",
                "end": "2012-06-08T10:00",
                "kind": "plenary",
                "label": "Opening",
            },
            {
                "key": "s2",
                "start": "2012-06-08T10:00",
                "end": "2012-06-08T10:45",
                "kind": "sessions",
                "label": "",
            },
            {
                "key": "s3",
                "start": "2012-06-08T10:45",
                "end": "2012-06-08T11:30",
                "kind": "sessions",
                "label": "",
            },
            {
                "key": "s4",
                "start": "2012-06-08T12:00",
                "end": "2012-06-08T13:00",
                "kind": "break",
                "label": "Lunch",
            },
        ],
        "participants": [
            {
                "key": "p1",
                "name": "Nele",
                "email": "nele@example.org",
                "organisation": "Expoo",
                "role": "organiser",
                "language": "",
            },
            {
                "key": "p2",
                "name": "Ann Peeters",
                "email": None,
                "organisation": "",
                "role": "participant",
                "language": "en",
            },
            {
                "key": "p3",
                "name": "Youssef El Amrani",
                "email": "youssef@example.be",
                "organisation": "CAW",
                "role": "participant",
                "language": "",
            },
        ],
        "themes": [
            {"key": "t1", "name": "Diversiteit van het aanbod", "synthesis": "Veel **vormen**."},
            {"key": "t2", "name": "Vaders", "synthesis": ""},
        ],
        "sessions": [
            {
                "key": "x1",
                "title": "Vaders bereiken",
                "kind": "discussion",
                "description": "Hoe bereik je *vaders*?",
                "hosts": ["p1", "p3"],
                "themes": ["t1", "t2"],
                "unavailable_slots": ["s3"],
                "status": "scheduled",
                "held": None,
                "hidden": False,
                "merged_into": None,
                "note_takers": ["p2"],
                "report": "## Kernpunten\n- één",
                "attachments": [
                    {
                        "kind": "slides",
                        "title": "Slides",
                        "file": "attachments/x1-1.pdf",
                        "url": None,
                        "uploaded_by": "p3",
                    },
                    {
                        "kind": "video",
                        "title": "Opname",
                        "file": None,
                        "url": "https://example.org/v",
                        "uploaded_by": None,
                    },
                ],
            },
            {
                "key": "x2",
                "title": "Demo: de opvoedingslijn",
                "kind": "demo",
                "description": "",
                "hosts": ["p2"],
                "themes": [],
                "unavailable_slots": [],
                "status": "proposed",
                "held": None,
                "hidden": True,
                "merged_into": None,
                "note_takers": [],
                "report": "",
                "attachments": [],
            },
            {
                "key": "x3",
                "title": "Ingetrokken",
                "kind": "presentation",
                "description": "",
                "hosts": ["p2"],
                "themes": ["t1"],
                "unavailable_slots": [],
                "status": "withdrawn",
                "held": None,
                "hidden": False,
                "merged_into": "x1",
                "note_takers": [],
                "report": "",
                "attachments": [],
            },
        ],
        "votes": [
            {"participant": "p2", "session": "x1"},
            {"participant": "p2", "session": "x2"},
            {"participant": "p3", "session": "x1"},
        ],
        "placements": [{"session": "x1", "room": "r2", "slot": "s2", "pinned": True}],
        "follows": [],
    }


def as_zip(doc: dict, files: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("event.json", json.dumps(doc))
        for name, data in (files or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def import_bytes(data: bytes, tmp_path: Path, suffix: str = ".zip") -> Event:
    path = tmp_path / f"event{suffix}"
    path.write_bytes(data)
    with load_event_file(path) as event_file:
        return import_event(event_file)


def database_rows() -> dict[str, int]:
    models = [Event, Room, Slot, Participant, Theme, Session, Host, Vote, Placement, Attachment]
    return {model.__name__: model.objects.count() for model in models}


def stored_files(settings) -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def without_exported_at(doc: dict) -> dict:
    doc = copy.deepcopy(doc)
    doc.pop("exported_at")
    return doc


@pytest.mark.django_db
def test_import_writes_every_part_of_the_file(tmp_path):
    event = import_bytes(as_zip(document(), {"attachments/x1-1.pdf": PDF}), tmp_path)

    assert database_rows() == {
        "Event": 1, "Room": 2, "Slot": 4, "Participant": 3, "Theme": 2, "Session": 3,
        "Host": 4, "Vote": 3, "Placement": 1, "Attachment": 2,
    }  # fmt: skip
    session = event.sessions.get(title="Vaders bereiken")
    assert [h.participant.name for h in session.hostings.order_by("order")] == [
        "Nele",
        "Youssef El Amrani",
    ]
    assert session.placement.room.name == "Café"
    assert session.placement.pinned is True
    assert event.local(session.placement.slot.start).strftime("%H:%M") == "10:00"
    slides = session.attachments.get(kind="slides")
    with slides.file.open("rb") as stored:
        assert stored.read() == PDF
    assert "x1-1" not in slides.file.name  # stored under a generated name
    assert event.votes_per_participant == 3


@pytest.mark.django_db
def test_export_import_export_gives_the_same_document(tmp_path):
    first_event = import_bytes(as_zip(document(), {"attachments/x1-1.pdf": PDF}), tmp_path)
    buffer = io.BytesIO()
    first = write_zip(first_event, buffer)
    first_event.delete()
    Participant.objects.all().delete()

    second_event = import_bytes(buffer.getvalue(), tmp_path)
    second, files = export_event(second_event)

    assert without_exported_at(second) == without_exported_at(first)
    assert list(files) == ["attachments/x1-1.pdf"]
    with files["attachments/x1-1.pdf"].file.open("rb") as stored:
        assert stored.read() == PDF


@pytest.mark.django_db
def test_demo_event_round_trips_through_an_empty_database(tmp_path):
    with load_event_file(DEMO) as event_file:
        event = import_event(event_file)
    exported = tmp_path / "demo.zip"
    with exported.open("wb") as stream:
        first = write_zip(event, stream)
    Event.objects.all().delete()
    Participant.objects.all().delete()

    with load_event_file(exported) as event_file:
        again = import_event(event_file)
    second, _files = export_event(again)

    assert without_exported_at(second) == without_exported_at(first)
    assert len(second["sessions"]) >= 45
    assert len(second["votes"]) >= 1000


@pytest.mark.django_db
def test_export_keeps_the_keys_of_a_file_written_by_oocamp(tmp_path):
    original = document()

    event = import_bytes(as_zip(original, {"attachments/x1-1.pdf": PDF}), tmp_path)
    exported, _files = export_event(event)

    assert without_exported_at(exported) == without_exported_at(original)


@pytest.mark.django_db
def test_export_command_writes_json_and_zip(tmp_path, capsys):
    import_bytes(as_zip(document(), {"attachments/x1-1.pdf": PDF}), tmp_path)

    call_command("export_event", "mini-camp")
    printed = json.loads(capsys.readouterr().out)
    call_command("export_event", "mini-camp", "--zip", "-o", str(tmp_path / "out.zip"))

    assert printed["event"]["name"] == "Mini camp — ouders & kinderen"
    with zipfile.ZipFile(tmp_path / "out.zip") as archive:
        assert sorted(archive.namelist()) == ["attachments/x1-1.pdf", "event.json"]
        assert archive.read("attachments/x1-1.pdf") == PDF


@pytest.mark.django_db
def test_export_command_refuses_an_unknown_event():
    with pytest.raises(CommandError, match='There is no event "nope"'):
        call_command("export_event", "nope")


@pytest.mark.django_db
def test_import_command_reports_what_it_imported(tmp_path, capsys):
    path = tmp_path / "e.zip"
    path.write_bytes(as_zip(document(), {"attachments/x1-1.pdf": PDF}))

    call_command("import_event", str(path))

    assert "Imported" in capsys.readouterr().out
    assert Event.objects.get().slug == "mini-camp"


# ---- bad files: each gets a clear message and changes nothing --------------------------------


def broken(change) -> dict:
    doc = document()
    change(doc)
    return doc


def set_path(doc, path, value):
    target = doc
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value


BAD_DOCUMENTS = {
    "wrong format tag": (
        lambda d: d.update(format="oocamp-event/9"),
        ['format: expected "oocamp-event/1", got "oocamp-event/9"'],
    ),
    "missing format": (lambda d: d.pop("format"), ['format: required (expected "oocamp-event/1")']),
    "missing event": (lambda d: d.pop("event"), ["(document).event: required"]),
    "missing title": (
        lambda d: d["sessions"][1].pop("title"),
        ["sessions[1].title: required"],
    ),
    "missing room capacity": (
        lambda d: d["rooms"][0].pop("capacity"),
        ["rooms[0].capacity: required"],
    ),
    "wrong type of name": (
        lambda d: set_path(d, ["event", "name"], 42),
        ["event.name: must be text, not a number"],
    ),
    "rooms not a list": (
        lambda d: d.update(rooms={"r1": 1}),
        ["rooms: must be a list, not an object", 'placements[0].room: unknown room "r2"'],
    ),
    "capacity zero": (
        lambda d: set_path(d, ["rooms", 1, "capacity"], 0),
        ["rooms[1].capacity: must be a whole number of at least 1, not 0"],
    ),
    "capacity true": (
        lambda d: set_path(d, ["rooms", 1, "capacity"], True),
        ["rooms[1].capacity: must be a whole number of at least 1, not True"],
    ),
    "unknown kind": (
        lambda d: set_path(d, ["sessions", 0, "kind"], "workshop"),
        ['sessions[0].kind: must be one of "discussion", "presentation", "demo", not "workshop"'],
    ),
    "bad date": (
        lambda d: set_path(d, ["event", "date"], "8 juni 2012"),
        ['event.date: must be a date like 2012-06-08, not "8 juni 2012"'],
    ),
    "time with offset": (
        lambda d: set_path(d, ["slots", 1, "start"], "2012-06-08T10:00+02:00"),
        [
            'slots[1].start: must be a local time like 2012-06-08T10:00, not "2012-06-08T10:00+02:00"'
        ],
    ),
    "unknown timezone": (
        lambda d: set_path(d, ["event", "timezone"], "Europe/Antwerpen"),
        ['event.timezone: unknown time zone "Europe/Antwerpen"'],
    ),
    "dangling host": (
        lambda d: set_path(d, ["sessions", 1, "hosts"], ["p99"]),
        ['sessions[1].hosts[0]: unknown participant "p99"'],
    ),
    "dangling theme and slot": (
        lambda d: (
            set_path(d, ["sessions", 1, "themes"], ["t9"]),
            set_path(d, ["sessions", 1, "unavailable_slots"], ["s9"]),
        ),
        [
            'sessions[1].themes[0]: unknown theme "t9"',
            'sessions[1].unavailable_slots[0]: unknown slot "s9"',
        ],
    ),
    "no hosts": (
        lambda d: set_path(d, ["sessions", 1, "hosts"], []),
        ["sessions[1].hosts: a session needs at least one host"],
    ),
    "dangling vote": (
        lambda d: d["votes"].append({"participant": "p7", "session": "x8"}),
        [
            'votes[3].participant: unknown participant "p7"',
            'votes[3].session: unknown session "x8"',
        ],
    ),
    "duplicate keys": (
        lambda d: d["rooms"].append({"key": "r1", "name": "Zaal Klein", "capacity": 10}),
        ['rooms[2].key: duplicate key "r1" (also rooms[0])'],
    ),
    "duplicate vote": (
        lambda d: d["votes"].append({"participant": "p2", "session": "x1"}),
        ['votes[3]: duplicate vote of "p2" for "x1" (also votes[0])'],
    ),
    "too many dot votes": (
        lambda d: set_path(d, ["event", "votes_per_participant"], 1),
        ["participants[1]: 2 votes, but each participant has 1 (votes_per_participant)"],
    ),
    "overlapping slots": (
        lambda d: set_path(d, ["slots", 2, "start"], "2012-06-08T10:30"),
        ["slots[2]: overlaps slots[1] (s2)"],
    ),
    "slot ends before it starts": (
        lambda d: set_path(d, ["slots", 3, "end"], "2012-06-08T11:00"),
        ["slots[3].end: must be after start"],
    ),
    "two placements in one cell": (
        lambda d: (
            set_path(d, ["sessions", 1, "status"], "scheduled"),
            d["placements"].append({"session": "x2", "room": "r2", "slot": "s2", "pinned": False}),
        ),
        ['placements[1]: room "r2" in slot "s2" already holds placements[0]'],
    ),
    "a session placed twice": (
        lambda d: d["placements"].append(
            {"session": "x1", "room": "r1", "slot": "s3", "pinned": False}
        ),
        ['placements[1].session: "x1" is placed twice (also placements[0])'],
    ),
    "a placement in a break": (
        lambda d: set_path(d, ["placements", 0, "slot"], "s4"),
        ['placements[0].slot: "s4" is a break slot; sessions go in session slots'],
    ),
    "a withdrawn session placed": (
        lambda d: d["placements"].append(
            {"session": "x3", "room": "r1", "slot": "s3", "pinned": False}
        ),
        ['placements[1].session: "x3" is withdrawn and cannot be placed'],
    ),
    "scheduled without a place": (
        lambda d: d.update(placements=[]),
        ['sessions[0].status: "scheduled" but the session has no placement'],
    ),
    "attachment with both file and url": (
        lambda d: set_path(d, ["sessions", 0, "attachments", 1, "file"], "attachments/x1-1.pdf"),
        ["sessions[0].attachments[1]: give exactly one of file and url"],
    ),
    "attachment link to javascript": (
        lambda d: set_path(d, ["sessions", 0, "attachments", 1, "url"], "javascript:alert(1)"),
        ['sessions[0].attachments[1].url: "javascript:alert(1)" is not an http(s) link'],
    ),
    "two participants with one email": (
        lambda d: set_path(d, ["participants", 2, "email"], "NELE@example.org"),
        ['participants[2].email: "NELE@example.org" is used twice (also participants[0])'],
    ),
    "a file path that escapes": (
        lambda d: set_path(d, ["sessions", 0, "attachments", 0, "file"], "../../etc/passwd"),
        [
            'sessions[0].attachments[0].file: "../../etc/passwd" points outside the ZIP (absolute or with ..)'
        ],
    ),
    "a file the ZIP does not have": (
        lambda d: set_path(d, ["sessions", 0, "attachments", 0, "file"], "attachments/missing.pdf"),
        ['sessions[0].attachments[0].file: "attachments/missing.pdf" is not in the ZIP'],
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", sorted(BAD_DOCUMENTS))
def test_bad_document_is_refused_with_its_path_and_changes_nothing(case, tmp_path, settings):
    change, expected = BAD_DOCUMENTS[case]
    before = database_rows()

    with pytest.raises(EventFileError) as raised:
        import_bytes(as_zip(broken(change), {"attachments/x1-1.pdf": PDF}), tmp_path)

    assert raised.value.problems == expected
    assert database_rows() == before
    assert stored_files(settings) == []


@pytest.mark.django_db
def test_every_problem_is_listed_not_only_the_first(tmp_path):
    doc = document()
    doc["rooms"][0]["capacity"] = -1
    doc["sessions"][1]["hosts"] = ["p99"]
    doc["votes"].append({"participant": "p2", "session": "x1"})

    with pytest.raises(EventFileError) as raised:
        import_bytes(as_zip(doc, {"attachments/x1-1.pdf": PDF}), tmp_path)

    assert raised.value.problems == [
        "rooms[0].capacity: must be a whole number of at least 1, not -1",
        'sessions[1].hosts[0]: unknown participant "p99"',
        'votes[3]: duplicate vote of "p2" for "x1" (also votes[0])',
    ]


@pytest.mark.django_db
def test_a_flood_of_problems_stops_at_fifty(tmp_path):
    doc = document()
    doc["votes"] = [{"participant": f"p{n}", "session": "x1"} for n in range(100, 200)]

    with pytest.raises(EventFileError) as raised:
        import_bytes(as_zip(doc, {"attachments/x1-1.pdf": PDF}), tmp_path)

    assert len(raised.value.problems) == 51
    assert raised.value.problems[-1] == "(stopped after 50 problems)"


def test_not_json_is_refused_with_the_place_of_the_error():
    with pytest.raises(EventFileError) as raised:
        parse_json(b'{"format": "oocamp-event/1",\n "event": }')

    assert raised.value.problems == ["event.json: not JSON (Expecting value at line 2, column 11)"]


def test_duplicate_json_keys_are_refused():
    with pytest.raises(EventFileError) as raised:
        parse_json(b'{"format": "oocamp-event/1", "format": "oocamp-event/1"}')

    assert raised.value.problems == ['event.json: duplicate key "format" in one object']


@pytest.mark.django_db
def test_a_document_that_is_not_an_object_is_refused(tmp_path):
    with pytest.raises(EventFileError) as raised:
        import_bytes(b"[1, 2, 3]", tmp_path, suffix=".json")

    assert raised.value.problems == ["(document): must be a JSON object, not a list"]


@pytest.mark.django_db
def test_a_json_file_cannot_carry_attachment_files(tmp_path):
    with pytest.raises(EventFileError) as raised:
        import_bytes(json.dumps(document()).encode(), tmp_path, suffix=".json")

    assert raised.value.problems == [
        'sessions[0].attachments[0].file: "attachments/x1-1.pdf" needs the ZIP that carries it; '
        "import the .zip, not the .json"
    ]


@pytest.mark.django_db
def test_a_json_file_without_files_imports(tmp_path):
    doc = document()
    doc["sessions"][0]["attachments"].pop(0)

    event = import_bytes(dumps(doc).encode(), tmp_path, suffix=".json")

    assert event.sessions.count() == 3


@pytest.mark.django_db
def test_a_zip_with_escaping_paths_is_refused(tmp_path):
    data = as_zip(document(), {"attachments/x1-1.pdf": PDF, "../../evil.sh": b"rm -rf /"})

    with pytest.raises(EventFileError) as raised:
        import_bytes(data, tmp_path)

    assert raised.value.problems == ["../../evil.sh: unsafe path in the ZIP (absolute or with ..)"]
    assert database_rows()["Event"] == 0


@pytest.mark.django_db
def test_a_zip_without_event_json_is_refused(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("other.json", "{}")

    with pytest.raises(EventFileError) as raised:
        import_bytes(buffer.getvalue(), tmp_path)

    assert raised.value.problems == ["event.zip: no event.json at the root of the ZIP"]


def test_a_broken_zip_is_refused():
    with pytest.raises(EventFileError) as raised:
        open_zip(io.BytesIO(b"PK\x03\x04 this is no zip"), "event.zip")

    assert raised.value.problems == ["event.zip: not a ZIP file"]


@pytest.mark.django_db
def test_an_oversized_attachment_is_refused(tmp_path, settings):
    settings.OOCAMP_MAX_ATTACHMENT_BYTES = 1000

    with pytest.raises(EventFileError) as raised:
        import_bytes(as_zip(document(), {"attachments/x1-1.pdf": PDF + b"0" * 2000}), tmp_path)

    assert raised.value.problems == [
        'sessions[0].attachments[0].file: "attachments/x1-1.pdf" is 2034 bytes; the limit is 1000 bytes'
    ]
    assert database_rows()["Attachment"] == 0


@pytest.mark.django_db
def test_an_attachment_larger_than_its_zip_entry_claims_is_refused_while_reading(
    tmp_path, settings
):
    """A ZIP can lie about a member's size; reading stops at the limit whatever it claims."""
    settings.OOCAMP_MAX_ATTACHMENT_BYTES = 1000
    data = as_zip(document(), {"attachments/x1-1.pdf": PDF + b"0" * 5000})
    path = tmp_path / "event.zip"
    path.write_bytes(data)
    with load_event_file(path) as event_file, pytest.raises(EventFileError) as raised:
        event_file.files["attachments/x1-1.pdf"].file_size = 10  # the lie
        import_event(event_file)

    assert raised.value.problems == [
        "attachments/x1-1.pdf: damaged in the ZIP (Bad CRC-32 for file 'attachments/x1-1.pdf')"
    ]
    assert database_rows()["Event"] == 0
    assert stored_files(settings) == []


@pytest.mark.django_db
def test_an_event_that_already_exists_is_refused(tmp_path):
    import_bytes(as_zip(document(), {"attachments/x1-1.pdf": PDF}), tmp_path)
    before = database_rows()

    with pytest.raises(EventFileError) as raised:
        import_bytes(as_zip(document(), {"attachments/x1-1.pdf": PDF}), tmp_path)

    assert raised.value.problems == ['event.slug: an event "mini-camp" already exists here']
    assert database_rows() == before


@pytest.mark.django_db
def test_import_command_lists_every_problem_and_imports_nothing(tmp_path):
    path = tmp_path / "bad.json"
    doc = document()
    doc["sessions"][1]["hosts"] = ["p99"]
    doc["slots"][2]["start"] = "2012-06-08T10:30"
    path.write_text(json.dumps(doc))

    with pytest.raises(CommandError) as raised:
        call_command("import_event", str(path))

    message = str(raised.value)
    assert message.startswith(f"Nothing was imported: 3 problems in {path}:")
    assert 'sessions[1].hosts[0]: unknown participant "p99"' in message
    assert "slots[2]: overlaps slots[1] (s2)" in message
    assert Event.objects.count() == 0


@pytest.mark.django_db
def test_a_participant_with_a_known_email_keeps_their_account(tmp_path):
    first = import_bytes(as_zip(document(), {"attachments/x1-1.pdf": PDF}), tmp_path)
    doc = document()
    doc["event"]["slug"] = "mini-camp-2"

    second = import_bytes(as_zip(doc, {"attachments/x1-1.pdf": PDF}), tmp_path)

    nele_first = first.participants.get(email="nele@example.org")
    nele_second = second.participants.get(email="nele@example.org")
    assert nele_first.user_id == nele_second.user_id
    assert (
        first.participants.get(name="Ann Peeters").user_id
        != second.participants.get(name="Ann Peeters").user_id
    )


@pytest.mark.django_db
def test_a_failure_while_writing_rolls_back_and_removes_stored_files(
    tmp_path, settings, monkeypatch
):
    """Another import of the same slug commits between our check and our write: the database
    refuses ours, and the files already stored for it are removed again."""
    from sessions_app.actions import event_file as module

    original = module._write

    def write_then_fail(plan, event_file, stored):
        original(plan, event_file, stored)
        Event.objects.create(slug="mini-camp", name="race", date="2012-06-08")  # unique slug

    monkeypatch.setattr(module, "_write", write_then_fail)

    with pytest.raises(EventFileError) as raised:
        import_bytes(as_zip(document(), {"attachments/x1-1.pdf": PDF}), tmp_path)

    assert raised.value.problems[0].startswith(
        "(database): the file conflicts with data already here"
    )
    assert database_rows()["Event"] == 0
    assert stored_files(settings) == []
