"""`manage.py setup_demo`, as `python3 dev.py run` calls it on a fresh database: the finished
OOcamp 2012 with its event report public and its PDF and ZIP built without a worker, and
"OOcamp vandaag", a camp on the day the command runs, where the demo organiser signs in, votes,
and has a grid proposed and accepted. A second run changes nothing and prints the same."""

from __future__ import annotations

import importlib.util
import io
import json
import sys
import zipfile
from datetime import datetime, timedelta
from io import StringIO
from pathlib import Path

import pypdf
import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sessions_app.models import (
    Event,
    GridProposal,
    Participant,
    Placement,
    ReportBuild,
    Session,
    Vote,
)
from tests.helpers import url

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def setup_demo() -> str:
    out = StringIO()
    call_command("setup_demo", stdout=out, stderr=StringIO())
    return out.getvalue()


def camp() -> Event:
    return Event.objects.get(slug="oocamp-2012")


def today_event() -> Event:
    return Event.objects.get(slug="oocamp-vandaag")


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_finished_camp_s_report_is_public_with_its_pdf_and_zip(client):
    setup_demo()
    event = camp()

    page = client.get(reverse("public:event-report", args=[event.slug]))
    pdf = client.get(url("public:event-report-file", event, "pdf"))
    archive = client.get(url("public:event-report-file", event, "zip"))

    assert page.status_code == 200
    text = page.text
    assert "honderdvijftig opvoedingsondersteuners" in text  # the introduction
    assert "Vertrouwen komt vóór advies" in text  # the synthesis of "Kwetsbare gezinnen"
    assert "Tot op het volgende kamp!" in text  # the conclusion
    assert (pdf.status_code, archive.status_code) == (200, 200)
    assert pdf["Content-Disposition"].startswith("attachment")
    reader = pypdf.PdfReader(io.BytesIO(body(pdf)))
    assert len(reader.pages) >= 20
    words = " ".join(page.extract_text() for page in reader.pages)
    assert "ankerpunten" in words and "Kwetsbare gezinnen" in words
    with zipfile.ZipFile(io.BytesIO(body(archive))) as opened:
        names = opened.namelist()
        assert json.loads(opened.read("event.json"))["event"]["name"] == "OOcamp 2012"
    assert any(name.endswith(".pdf") for name in names)
    # built by the command itself: nothing was left for a worker
    assert [b.status for b in ReportBuild.objects.all()] == [ReportBuild.Status.DONE] * 2
    assert DBTaskResult.objects.count() == 0


def test_the_camp_is_finished_with_reports_slides_syntheses_and_a_cover():
    setup_demo()
    event = camp()
    placed = Session.objects.filter(event=event, placement__isnull=False)
    with event.cover.open("rb") as cover:
        picture = cover.read(8)

    assert (event.phase, event.report_published) == (Event.Phase.ARCHIVED, True)
    assert picture == b"\x89PNG\r\n\x1a\n"
    assert "ankerpunten" in event.introduction and event.conclusion
    assert all(theme.synthesis.strip() for theme in event.themes.all())
    assert 2 <= placed.filter(held=False).count() <= 4  # a few did not take place
    assert placed.filter(held=True).count() == placed.count() - placed.filter(held=False).count()
    reported = placed.exclude(report="").count()
    assert placed.count() / 3 <= reported <= placed.count() / 2
    assert not placed.filter(held=False).exclude(report="").exists()
    with_slides = placed.filter(attachments__kind="slides", attachments__file__gt="")
    assert with_slides.distinct().count() >= 6
    assert placed.filter(report__contains="|---|").count() >= 3  # some reports hold a table


def test_the_event_of_today_is_today_and_its_organiser_signs_in_votes_and_plans(
    client, settings, run_tasks
):
    settings.OOCAMP_ORGANISER_TOTP = "optional"  # as under `dev.py run` (DEBUG)
    output = setup_demo()
    event = today_event()
    day = timezone.localdate(timezone=event.tz)
    organiser = event.participants.get(role=Participant.Role.ORGANISER, user__is_staff=True)
    proposal = event.sessions.exclude(votes__participant=organiser).order_by("id").first()
    assert proposal is not None

    signed_in = client.post(
        reverse("login"), {"username": "nele@example.org", "password": "oocamp2012", "next": ""}
    )
    voted = client.post(url("participant:vote", event, proposal.pk), {"vote": "1"})
    planned = client.post(url("organiser:start-proposal", event), follow=True)
    if GridProposal.objects.get(event=event).status != GridProposal.Status.DONE:
        run_tasks()  # a longer search goes to the worker
        planned = client.get(url("organiser:propose-grid", event))
    form = planned.context["form"]
    accepted = client.post(
        url("organiser:accept-grid", event),
        {"rows": form["rows"].value(), "version": form["version"].value()},
    )

    assert f"/{event.slug}/" in output
    assert (event.date, event.phase) == (day, Event.Phase.VOTING)
    assert {event.local(slot.start).date() for slot in event.slots.all()} == {day}
    assert organiser.user == camp().participants.get(user__is_staff=True).user  # one account
    assert signed_in.status_code == 302
    assert voted.status_code == 302
    assert Vote.objects.filter(participant=organiser, session=proposal).exists()
    assert client.get(url("organiser:pitch", event)).status_code == 200
    assert accepted.status_code == 302
    assert Placement.objects.filter(session__event=event).count() >= 20


def test_a_second_run_changes_nothing_and_prints_the_same():
    first = setup_demo()
    builds = list(ReportBuild.objects.values_list("id", "status", "attempt", "file"))

    with CaptureQueriesContext(connection) as queries:
        second = setup_demo()

    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    assert second == first
    assert "Its report:" in first and "(PDF and ZIP ready)" in first
    assert list(ReportBuild.objects.values_list("id", "status", "attempt", "file")) == builds
    assert Event.objects.count() == 2


def test_a_run_on_a_later_day_moves_the_event_of_today_and_keeps_its_hours():
    setup_demo()
    event = today_event()
    hours = [(event.local(s.start).time(), event.local(s.end).time()) for s in event.slots.all()]
    later = datetime.combine(event.date + timedelta(days=3), datetime.min.time(), event.tz)

    with time_machine.travel(later + timedelta(hours=11), tick=False):
        setup_demo()

    event = today_event()
    assert event.date == later.date()
    assert [
        (event.local(s.start).time(), event.local(s.end).time()) for s in event.slots.all()
    ] == hours
    assert {event.local(s.start).date() for s in event.slots.all()} == {later.date()}
    assert camp().date.isoformat() == "2012-06-08"


def test_the_file_of_today_is_made_from_the_committed_camp():
    """demo/make_demo.py derives the live demo from the 2012 camp: the committed files agree
    (regenerate both with `.venv/bin/python demo/make_demo.py`)."""
    spec = importlib.util.spec_from_file_location("make_demo", ROOT / "demo" / "make_demo.py")
    assert spec is not None and spec.loader is not None
    make_demo = importlib.util.module_from_spec(spec)
    sys.modules["make_demo"] = make_demo  # its dataclasses look their module up
    try:
        spec.loader.exec_module(make_demo)
    finally:
        del sys.modules["make_demo"]
    with zipfile.ZipFile(ROOT / "demo" / "oocamp-2012.zip") as committed:
        camp_document = json.loads(committed.read("event.json"))
    with zipfile.ZipFile(ROOT / "demo" / "oocamp-vandaag.zip") as committed:
        today_document = json.loads(committed.read("event.json"))

    assert today_document == make_demo.build_today(camp_document)
    assert today_document["event"]["phase"] == "voting" and not today_document["placements"]
