"""The event file carries a finished event whole (issue 18): its introduction and conclusion,
the report's structure and publication, the cover picture, held marks, hidden and merged
sessions, note-takers, follows and who uploaded what. Export → import → export gives the same
document and the same bytes for every file in the ZIP; a file written before these keys
existed is still read; a bad value of any of them is refused with its path, changing
nothing."""

import io
import zipfile

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from sessions_app import uploads
from sessions_app.event_file import EventFileError, write_zip
from sessions_app.models import Event, Follow, Participant
from tests.exports.test_ical import parse, personal_url, vevents
from tests.sample_files import pdf_bytes
from tests.test_event_file import (
    as_zip,
    broken,
    database_rows,
    document,
    dumps,
    import_bytes,
    set_path,
    stored_files,
    without_exported_at,
)

SLIDES = pdf_bytes(b"Vaders bereiken")


def picture(format: str = "PNG", size: tuple[int, int] = (64, 32)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "#0b4f8a").save(buffer, format=format)
    return buffer.getvalue()


COVER = picture()


def finished_document() -> dict:
    """document(), archived with its report published: texts, a cover, held true, false and
    null, syntheses on every theme, follows, note-takers, a merged and a hidden session."""
    doc = document()
    doc["event"].update(
        phase="archived",
        introduction="## Welkom\n\nWat we **samen** leerden.",
        conclusion="- Vaders bereiken\n- Samen werken",
        report_published=True,
        cover="cover.png",
    )
    doc["themes"][1]["synthesis"] = "Vaders komen als ze *gevraagd* worden."
    for session, held in zip(doc["sessions"], [True, False, None], strict=True):
        session["held"] = held
    doc["sessions"][0]["status"] = "held"
    doc["sessions"][1]["attachments"] = [
        {
            "kind": "document",
            "title": "Flap",
            "file": "attachments/x2-1.jpg",
            "url": None,
            "uploaded_by": "p2",
        }
    ]
    doc["follows"] = [
        {"participant": "p2", "session": "x1"},
        {"participant": "p3", "session": "x1"},
        {"participant": "p3", "session": "x2"},
    ]
    return doc


FILES = {
    "cover.png": COVER,
    "attachments/x1-1.pdf": SLIDES,
    "attachments/x2-1.jpg": picture("JPEG"),
}


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name != "event.json"}


def exported_zip(event: Event) -> tuple[dict, bytes]:
    buffer = io.BytesIO()
    document = write_zip(event, buffer)
    return document, buffer.getvalue()


@pytest.mark.django_db
def test_a_finished_event_goes_through_export_import_export_unchanged(tmp_path):
    original = finished_document()
    first_event = import_bytes(as_zip(original, FILES), tmp_path)
    first, first_zip = exported_zip(first_event)
    first_event.delete()
    Participant.objects.all().delete()

    second_event = import_bytes(first_zip, tmp_path)
    second, second_zip = exported_zip(second_event)

    assert without_exported_at(first) == without_exported_at(original)
    assert without_exported_at(second) == without_exported_at(first)
    assert members(first_zip) == members(second_zip) == FILES
    assert second["event"]["cover"] == "cover.png"
    assert [s["held"] for s in second["sessions"]] == [True, False, None]


@pytest.mark.django_db
def test_an_imported_finished_event_is_what_the_file_says(tmp_path, settings):
    event = import_bytes(as_zip(finished_document(), FILES), tmp_path)

    assert event.phase == Event.Phase.ARCHIVED
    assert event.report_published is True
    assert event.introduction.startswith("## Welkom")
    assert event.conclusion == "- Vaders bereiken\n- Samen werken"
    assert event.cover.name.startswith(f"covers/{event.pk}/")
    assert event.cover.name.endswith(".png")
    with event.cover.open("rb") as stored:
        assert stored.read() == COVER  # kept as the file carries it
    x1, x2, x3 = event.sessions.order_by("id")
    assert (x1.held, x2.held, x3.held) == (True, False, None)
    assert (x1.was_held, x2.was_held, x3.was_held) == (True, False, False)
    assert (x1.hidden, x2.hidden) == (False, True)
    assert x3.merged_into == x1
    assert [p.name for p in x1.note_takers.all()] == ["Ann Peeters"]
    assert Follow.objects.filter(session__event=event).count() == 3
    assert event.participants.get(name="Ann Peeters").language == "en"
    slides, video = x1.attachments.order_by("order")
    assert slides.uploaded_by.name == "Youssef El Amrani"
    assert video.uploaded_by is None
    # type and size read from the bytes, as for an upload; the thumbnail drawn again
    assert (slides.content_type, slides.size) == ("application/pdf", len(SLIDES))
    assert slides.thumbnail.name.startswith(f"attachments/{event.pk}/thumbs/")
    flap = x2.attachments.get()
    assert (flap.content_type, flap.thumbnail.name) == ("image/jpeg", "")


@pytest.mark.django_db
def test_a_file_written_before_the_additions_still_imports_with_their_defaults(tmp_path):
    doc = document()
    for key in ("introduction", "conclusion", "report_template", "report_published", "cover"):
        del doc["event"][key]
    for participant in doc["participants"]:
        del participant["language"]
    for session in doc["sessions"]:
        for key in ("held", "hidden", "merged_into", "note_takers"):
            del session[key]
        for attachment in session["attachments"]:
            del attachment["uploaded_by"]
    del doc["follows"]

    event = import_bytes(as_zip(doc, {"attachments/x1-1.pdf": SLIDES}), tmp_path)

    assert (event.introduction, event.conclusion, event.report_template) == ("", "", "")
    assert event.report_published is False
    assert not event.cover
    sessions = list(event.sessions.order_by("id"))
    assert [s.held for s in sessions] == [None, None, None]
    assert [s.was_held for s in sessions] == [True, False, False]  # placed: held
    assert [s.hidden for s in sessions] == [False, False, False]
    assert [s.merged_into for s in sessions] == [None, None, None]
    assert not sessions[0].note_takers.exists()
    assert set(event.participants.values_list("language", flat=True)) == {""}
    assert not Follow.objects.exists()


# ---- follows in an event imported as published ------------------------------------------------


def day_and_calendar(event: Event, name: str) -> tuple[list[str], list[str]]:
    """The titles on a participant's My day, and the events of their calendar feed."""
    participant = event.participants.get(name=name)
    client = Client(headers={"accept-language": "en"})
    client.force_login(participant.user)
    day = client.get(reverse("participant:my-page", args=[event.slug])).context["day"]
    calendar = client.get(personal_url(participant))
    return [s.title for s in day], sorted(vevents(parse(calendar.content)))


@pytest.mark.django_db
def test_an_older_file_imported_as_published_gives_my_day_and_the_calendar_its_votes(tmp_path):
    """A file from before follows: its votes still stood for follows, so they become follows as
    at publication, and My day and the calendar show the same sessions."""
    doc = document()
    doc["event"]["phase"] = "published"
    del doc["follows"]

    event = import_bytes(as_zip(doc, {"attachments/x1-1.pdf": SLIDES}), tmp_path)

    # Ann voted for x1 (placed) and x2 (hidden); Youssef for x1, which he hosts
    assert day_and_calendar(event, "Ann Peeters") == (
        ["Vaders bereiken"],
        ["Opening", "Vaders bereiken"],
    )
    assert sorted(Follow.objects.values_list("participant__name", "session__title")) == [
        ("Ann Peeters", "Demo: de opvoedingslijn"),
        ("Ann Peeters", "Vaders bereiken"),
        ("Youssef El Amrani", "Vaders bereiken"),
    ]


@pytest.mark.django_db
def test_a_file_whose_follows_are_empty_keeps_everybody_following_nothing(tmp_path):
    doc = document()
    doc["event"]["phase"] = "published"
    doc["follows"] = []

    event = import_bytes(as_zip(doc, {"attachments/x1-1.pdf": SLIDES}), tmp_path)

    assert not Follow.objects.exists()
    assert day_and_calendar(event, "Ann Peeters") == ([], ["Opening"])


# ---- bad values of the new keys: refused with their path, nothing changed --------------------

PNG_HEAD = COVER[:40]  # a PNG's signature and header, its pixels cut off

BAD_VALUES = {
    "introduction not text": (
        lambda d: set_path(d, ["event", "introduction"], 42),
        {},
        ["event.introduction: must be text, not a number"],
    ),
    "conclusion null": (
        lambda d: set_path(d, ["event", "conclusion"], None),
        {},
        ["event.conclusion: must be text, not null"],
    ),
    "report template too long": (
        lambda d: set_path(d, ["event", "report_template"], "x" * 100_001),
        {},
        ["event.report_template: longer than 100000 characters"],
    ),
    "report published as text": (
        lambda d: set_path(d, ["event", "report_published"], "yes"),
        {},
        ['event.report_published: must be true or false, not "yes"'],
    ),
    "cover not a path": (
        lambda d: set_path(d, ["event", "cover"], 7),
        {},
        ["event.cover: must be a path in the ZIP (text) or null, not 7"],
    ),
    "cover outside the ZIP": (
        lambda d: set_path(d, ["event", "cover"], "../cover.png"),
        {},
        ['event.cover: "../cover.png" points outside the ZIP (absolute or with ..)'],
    ),
    "cover missing": (
        lambda d: set_path(d, ["event", "cover"], "cover.png"),
        {},
        ['event.cover: "cover.png" is not in the ZIP'],
    ),
    "cover a PDF": (
        lambda d: set_path(d, ["event", "cover"], "cover.png"),
        {"cover.png": SLIDES},
        [
            'event.cover: "cover.png" is no PNG or JPEG picture that can be read: '
            "not a PNG or JPEG picture"
        ],
    ),
    "cover cut off": (
        lambda d: set_path(d, ["event", "cover"], "cover.png"),
        {"cover.png": PNG_HEAD},
        ['event.cover: "cover.png" is no PNG or JPEG picture that can be read: cannot be decoded'],
    ),
    "held as text": (
        lambda d: set_path(d, ["sessions", 0, "held"], "yes"),
        {},
        ['sessions[0].held: must be true, false or null, not "yes"'],
    ),
    "hidden null": (
        lambda d: set_path(d, ["sessions", 1, "hidden"], None),
        {},
        ["sessions[1].hidden: must be true or false, not null"],
    ),
    "unknown note-taker": (
        lambda d: set_path(d, ["sessions", 0, "note_takers"], ["p2", "p9"]),
        {},
        ['sessions[0].note_takers[1]: unknown participant "p9"'],
    ),
    "merged into nothing": (
        lambda d: set_path(d, ["sessions", 2, "merged_into"], "x9"),
        {},
        ['sessions[2].merged_into: unknown session "x9"'],
    ),
    "merged into itself": (
        lambda d: set_path(d, ["sessions", 2, "merged_into"], "x3"),
        {},
        ["sessions[2].merged_into: a session cannot be merged into itself"],
    ),
    "unknown language": (
        lambda d: set_path(d, ["participants", 0, "language"], "fr"),
        {},
        ['participants[0].language: must be one of "", "nl", "en", not "fr"'],
    ),
    "uploaded by nobody known": (
        lambda d: set_path(d, ["sessions", 0, "attachments", 1, "uploaded_by"], "p9"),
        {},
        ['sessions[0].attachments[1].uploaded_by: unknown participant "p9"'],
    ),
    "follows not a list": (
        lambda d: d.update(follows={"p2": "x1"}),
        {},
        ["follows: must be a list, not an object"],
    ),
    "dangling follow": (
        lambda d: d.update(follows=[{"participant": "p9", "session": "x1"}]),
        {},
        ['follows[0].participant: unknown participant "p9"'],
    ),
    "followed twice": (
        lambda d: d.update(
            follows=[{"participant": "p2", "session": "x1"}, {"participant": "p2", "session": "x1"}]
        ),
        {},
        ['follows[1]: "p2" follows "x1" twice (also follows[0])'],
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", sorted(BAD_VALUES))
def test_a_bad_value_of_a_new_key_is_refused_with_its_path(case, tmp_path, settings):
    change, files, expected = BAD_VALUES[case]
    before = database_rows()

    with pytest.raises(EventFileError) as raised:
        import_bytes(as_zip(broken(change), {"attachments/x1-1.pdf": SLIDES, **files}), tmp_path)

    problems = raised.value.problems
    assert [p.split(" (")[0] if "cannot be decoded" in p else p for p in problems] == expected
    assert database_rows() == before
    assert stored_files(settings) == []


@pytest.mark.django_db
def test_a_cover_over_the_size_limit_is_refused(tmp_path, settings, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_PICTURE_BYTES", 100)
    doc = broken(lambda d: set_path(d, ["event", "cover"], "cover.png"))

    with pytest.raises(EventFileError) as raised:
        import_bytes(as_zip(doc, {"attachments/x1-1.pdf": SLIDES, "cover.png": COVER}), tmp_path)

    assert raised.value.problems == [
        f'event.cover: "cover.png" is {len(COVER)} bytes; the limit is 100 bytes'
    ]
    assert database_rows()["Event"] == 0


@pytest.mark.django_db
def test_a_json_file_cannot_carry_the_cover(tmp_path):
    doc = broken(lambda d: set_path(d, ["event", "cover"], "cover.png"))
    doc["sessions"][0]["attachments"].pop(0)

    with pytest.raises(EventFileError) as raised:
        import_bytes(dumps(doc).encode(), tmp_path, suffix=".json")

    assert raised.value.problems == [
        'event.cover: "cover.png" needs the ZIP that carries it; import the .zip, not the .json'
    ]


@pytest.mark.django_db
def test_a_failed_import_removes_the_stored_cover_again(tmp_path, settings, monkeypatch):
    from sessions_app.actions import event_file as module

    original = module._write

    def write_then_fail(plan, event_file, stored):
        original(plan, event_file, stored)
        Event.objects.create(slug="mini-camp", name="race", date="2012-06-08")  # unique slug

    monkeypatch.setattr(module, "_write", write_then_fail)

    with pytest.raises(EventFileError):
        import_bytes(as_zip(finished_document(), FILES), tmp_path)

    assert database_rows()["Event"] == 0
    assert stored_files(settings) == []


@pytest.mark.django_db
def test_the_reports_zip_carries_the_cover_and_imports_again(tmp_path):
    """The report's public ZIP leaves the hidden session out, with its follows and the merge
    into it; what remains, the cover too, is an event file that imports."""
    from sessions_app.exports import event_report

    doc = finished_document()
    doc["sessions"][0]["merged_into"] = "x2"  # into the hidden one
    event = import_bytes(as_zip(doc, FILES), tmp_path)
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(SLIDES)
    target = tmp_path / "report.zip"
    event_report.write_zip(event, target, pdf)
    event.delete()
    Participant.objects.all().delete()

    again = import_bytes(target.read_bytes(), tmp_path)

    assert [s.title for s in again.sessions.order_by("id")] == ["Vaders bereiken", "Ingetrokken"]
    assert Follow.objects.filter(session__event=again).count() == 2
    with again.cover.open("rb") as stored:
        assert stored.read() == COVER
