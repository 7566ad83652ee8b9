"""Text answers compressed by the app (oocamp/compression.py): Brotli or gzip as the client
accepts, decoding to the plain answer byte for byte; files, PDFs and short answers as they are;
a compressed feed still revalidates to a 304; no Accept-Encoding of any shape breaks a page."""

from __future__ import annotations

import gzip

import brotli
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from oocamp.compression import accepted
from sessions_app.models import Attachment, Event, Participant
from tests.factories import make_participant, make_session
from tests.helpers import url
from tests.sample_files import pdf_bytes

pytestmark = pytest.mark.django_db

TEXT_ANSWERS = {
    "grid page": ("public:grid", "text/html"),
    "schedule.xml": ("public:schedule-xml", "application/xml"),
    "schedule.json": ("public:schedule-json", "application/json"),
    "schedule.ics": ("public:schedule-ics", "text/calendar"),
    "sessions.csv": ("public:sessions-csv", "text/csv"),
}
DECODE = {"br": brotli.decompress, "gzip": gzip.decompress}


def fetch(path: str, accept_encoding: str | None = None, **headers: str):
    if accept_encoding is not None:
        headers["accept-encoding"] = accept_encoding
    return Client(headers={"accept-language": "en", **headers}).get(path)


def decoded(response) -> bytes:
    coding = response.get("Content-Encoding")
    return DECODE[coding](response.content) if coding else response.content


@pytest.mark.parametrize("coding", ["br", "gzip"])
@pytest.mark.parametrize("answer", TEXT_ANSWERS)
def test_a_text_answer_comes_compressed_and_decodes_to_the_plain_one(demo, answer, coding):
    name, content_type = TEXT_ANSWERS[answer]
    plain = fetch(url(name, demo))

    response = fetch(url(name, demo), coding)

    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert response["Content-Encoding"] == coding
    assert "Accept-Encoding" in response["Vary"]
    assert int(response["Content-Length"]) == len(response.content)
    assert len(response.content) < len(plain.content) / 3
    assert decoded(response) == plain.content


@pytest.mark.parametrize("answer", TEXT_ANSWERS)
def test_without_a_coding_it_accepts_the_answer_is_plain(demo, answer):
    for accept_encoding in (None, "identity", "br;q=0, gzip;q=0", "*;q=0"):
        response = fetch(url(TEXT_ANSWERS[answer][0], demo), accept_encoding)

        assert response.status_code == 200
        assert not response.has_header("Content-Encoding")
        assert "Accept-Encoding" in response["Vary"]  # caches keep the plain and compressed
        assert len(response.content.decode()) > 1000  # text, as it was rendered


@pytest.mark.parametrize(
    ("accept_encoding", "coding"),
    [
        ("gzip, deflate, br, zstd", "br"),  # a browser
        ("gzip;q=1.0, br;q=0.5", "gzip"),  # the client's first choice
        ("br;q=0, *", "gzip"),
        ("*", "br"),
        ("GZIP", "gzip"),
    ],
)
def test_the_coding_is_the_one_the_client_prefers(english_published_event, accept_encoding, coding):
    path = url("public:schedule-xml", english_published_event)

    response = fetch(path, accept_encoding)

    assert response["Content-Encoding"] == coding
    assert decoded(response) == fetch(path).content


@pytest.mark.parametrize("coding", ["br", "gzip"])
def test_compressed_lengths_vary_from_answer_to_answer(demo, coding):
    """Random padding, as Django pads gzip: the length does not tell what the page holds
    (BREACH); the padding decodes away."""
    lengths = {len(fetch(url("public:schedule-xml", demo), coding).content) for _ in range(20)}

    assert len(lengths) > 1


@pytest.mark.parametrize("coding", ["br", "gzip"])
def test_a_compressed_feed_revalidates_to_a_304(demo, coding):
    path = url("public:schedule-xml", demo)
    plain_etag = fetch(path)["ETag"]
    first = fetch(path, coding)
    # not the plain body, so not the plain body's strong ETag: the same one, weak
    assert first["ETag"] == f"W/{plain_etag}"

    for etag in (first["ETag"], plain_etag):
        again = fetch(path, coding, if_none_match=etag)

        assert again.status_code == 304
        assert again.content == b""
        assert not again.has_header("Content-Encoding")


@pytest.mark.parametrize("coding", ["br", "gzip"])
def test_pdf_downloads_are_sent_as_they_are(demo: Event, coding):
    host = make_participant(demo)
    uploader = Client()
    uploader.force_login(host.user)
    upload = SimpleUploadedFile("deck.pdf", pdf_bytes(), content_type="application/pdf")
    session = make_session(demo, [host])
    uploader.post(
        reverse("participant:slides-upload", args=[demo.slug, session.pk]),
        {"title": "Deck", "file": upload},
    )
    organiser = Client()
    organiser.force_login(make_participant(demo, role=Participant.Role.ORGANISER).user)

    download = fetch(
        Attachment.objects.get(session=session).get_absolute_url(), coding
    )  # a file, streamed
    door_signs = organiser.get(url("organiser:door-signs", demo), accept_encoding=coding)

    assert download.status_code == door_signs.status_code == 200
    assert not download.has_header("Content-Encoding")
    assert b"".join(download.streaming_content) == pdf_bytes()
    assert door_signs["Content-Type"] == "application/pdf"
    assert not door_signs.has_header("Content-Encoding")
    assert door_signs.content.startswith(b"%PDF")


def test_short_answers_are_sent_as_they_are(demo):
    response = fetch(url("public:grid-version", demo), "br")

    assert response.status_code == 200
    assert len(response.content) < 200
    assert not response.has_header("Content-Encoding")


GARBAGE = [
    "",
    ",,,;;;",
    "br;q=",
    "br;q=abc",
    "br;q=1.2.3",
    "br;q=-1",
    "br;q=99999999999999999999999999999999999",
    "gzip;q=1e400",
    "*;;q=1",
    "x" * 100_000,
    "br, " * 10_000,
    "zstd, deflate, compress",
    "br\x00gzip",
    "gzip;q=0.5;level=9, br ; q = 0.4",
    "ünïcödé, 🙂",
]


@pytest.mark.parametrize("accept_encoding", GARBAGE)
def test_no_accept_encoding_breaks_a_page(english_published_event, accept_encoding):
    path = url("public:schedule-json", english_published_event)
    plain = fetch(path)

    response = fetch(path, accept_encoding)

    assert response.status_code == 200
    assert decoded(response) == plain.content


@given(st.text(max_size=200))
def test_any_accept_encoding_reads_as_a_coding_or_none(header):
    assert accepted(header) in {"br", "gzip", None}
