"""The event report: its page (public once published), the PDF read back page by page, the ZIP
re-imported into an empty database, and the cache of builds keyed by the event's fingerprint."""

import io
import json
import re
import zipfile
from datetime import timedelta
from pathlib import Path

import pypdfium2
import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from sessions_app import actions
from sessions_app.exports import event_report as report
from sessions_app.jobs import report_builds
from sessions_app.models import (
    Attachment,
    Event,
    Participant,
    ReportBuild,
    Session,
    Slot,
)
from tests.factories import (
    make_attachment,
    make_participant,
    make_placement,
    make_room,
    make_session,
    make_slot,
    make_theme,
    make_vote,
)
from tests.helpers import inflated, page_text, squash

SLIDES = b"%PDF-1.4\n% slides of a test session\n%%EOF\n"


def build_report_event(event: Event, *, extra_sessions: int = 0) -> dict:
    """An event after the day: a grid with held sessions (one placed but marked not held),
    an unplaced session held anyway, a hidden one, a withdrawn one, themes, votes, reports,
    a slide file and a link. Returns the held sessions in the order they ran."""
    event.introduction = "Welcome to **the report** of our camp."
    event.conclusion = "See you next year."
    event.phase = Event.Phase.ARCHIVED
    event.language = Event.Language.ENGLISH
    event.save()
    big = make_room(event, name="Zaal Groot", capacity=80, order=1)
    small = make_room(event, name="Café / Bar", capacity=20, order=2)
    make_slot(event, "09:30", "10:00", kind=Slot.Kind.PLENARY, label="Opening")
    first = make_slot(event, "10:00", "10:45")
    second = make_slot(event, "11:00", "11:45")
    make_slot(event, "12:00", "13:00", kind=Slot.Kind.BREAK, label="Lunch")
    host = make_participant(event, name="Hanne Host", organisation="Expoo")
    voter = make_participant(event, name="Vera Voter")
    fathers = make_theme(event, name="Fathers", synthesis="Fathers need **their own** place.")
    make_theme(event, name="Empty theme")

    def session(title: str, **kw) -> Session:
        return make_session(event, hosts=[host], title=title, **kw)

    early_b = session(
        "Reaching fathers", kind=Session.Kind.DISCUSSION, report="Report-text-reaching-fathers"
    )
    early_a = session(
        "Slides: a/b \\ c?", kind=Session.Kind.PRESENTATION, report="Report-text-slides-abc"
    )
    late_a = session("Same title", kind=Session.Kind.DEMO, report="Report-text-same-one")
    late_b = session("Same title", report="Report-text-same-two")
    dropped = session("Cancelled on the day", report="Report-text-never-shown", held=False)
    corridor = session("Corridor talk", held=True, report="Report-text-corridor")
    session("Never placed")
    session("Spam session", hidden=True, report="Report-text-spam")
    session("Withdrawn one", status=Session.Status.WITHDRAWN)
    for s, room, slot in [
        (early_a, big, first),
        (early_b, small, first),
        (late_a, big, second),
        (late_b, small, second),
    ]:
        make_placement(s, room, slot)
        s.status = Session.Status.SCHEDULED
        s.save()
    third = make_slot(event, "14:00", "14:45")
    make_placement(dropped, big, third)
    Session.objects.filter(pk=dropped.pk).update(status=Session.Status.SCHEDULED)
    extra = []
    for n in range(extra_sessions):
        slot = make_slot(
            event,
            f"{15 + n // 2}:{'00' if n % 2 == 0 else '30'}",
            f"{15 + n // 2}:{'25' if n % 2 == 0 else '55'}",
        )
        s = session(f"Extra session {n}", report=f"Report-text-extra-{n}")
        make_placement(s, big, slot)
        extra.append(s)
    early_a.themes.add(fathers)
    early_b.themes.add(fathers)
    make_vote(voter, early_a)
    make_vote(host, early_a)
    make_vote(voter, late_b)
    slides = Attachment(session=early_a, kind=Attachment.Kind.SLIDES, title="Slides", size=42)
    slides.file.save("slides.pdf", ContentFile(SLIDES), save=False)
    slides.save()
    same = Attachment(session=early_a, kind=Attachment.Kind.DOCUMENT, title="Slides", size=42)
    same.file.save("notes.pdf", ContentFile(SLIDES), save=False)
    same.save()
    make_attachment(early_a, title="The video", url="https://example.org/video")
    other = Attachment(session=late_b, kind=Attachment.Kind.SLIDES, title="../../etc/passwd")
    other.file.save("x.pdf", ContentFile(SLIDES), save=False)
    other.save()
    twin = Attachment(session=late_a, kind=Attachment.Kind.SLIDES, title="Deck")
    twin.file.save("y.pdf", ContentFile(SLIDES), save=False)
    twin.save()
    return {
        "held": [early_a, early_b, late_a, late_b, *extra, corridor],
        "dropped": dropped,
        "host": host,
    }


@pytest.fixture
def report_event(event: Event, organiser: Participant) -> dict:
    return build_report_event(event)


def pdf_pages(data: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(data)
    try:
        return [" ".join(page.get_textpage().get_text_range().split()) for page in document]
    finally:
        document.close()


def build_now(event: Event, run_tasks) -> dict[str, ReportBuild]:
    actions.request_report_builds(event=event)
    run_tasks()
    builds = {b.kind: b for b in ReportBuild.objects.filter(event=event)}
    assert {kind: b.status for kind, b in builds.items()} == {"pdf": "done", "zip": "done"}
    return builds


def read_build(build: ReportBuild) -> bytes:
    return report_builds.output_path(build).read_bytes()


# ---- the page --------------------------------------------------------------------------------


def test_report_page_hidden_from_the_public_until_published(client, report_event, event):
    url = reverse("public:event-report", args=[event.slug])

    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("public:event-report-file", args=[event.slug, "pdf"])).status_code == 404
    )

    actions.set_report_published(event=event, published=True)
    response = client.get(url)

    assert response.status_code == 200
    assert "Build the report" not in response.text


def test_report_page_shows_every_held_session_in_order(client, report_event, event):
    actions.set_report_published(event=event, published=True)

    text = client.get(reverse("public:event-report", args=[event.slug])).text

    found = re.findall(r'<h3 id="session-\d+-title">(.*?)</h3>', text)
    assert found == [
        "Slides: a/b \\ c?",
        "Reaching fathers",
        "Same title",
        "Same title",
        "Corridor talk",
    ]
    assert "Cancelled on the day" not in text
    assert "Spam session" not in text
    assert "Report-text-slides-abc" in text
    assert "<strong>the report</strong>" in text
    assert "Fathers need <strong>their own</strong> place." in text
    assert 'href="https://example.org/video"' in text
    assert "Hanne Host (Expoo)" in text


def test_report_page_figures(client, report_event, event):
    actions.set_report_published(event=event, published=True)

    data = report.report_data(event)

    assert data.figures == {"participants": 3, "sessions": 7, "votes": 3, "held": 5}
    assert data.kinds == [("Discussion", 5, 3), ("Presentation", 1, 1), ("Demo", 1, 1)]


def test_report_page_queries_do_not_grow_with_the_event(
    client, event, organiser, django_assert_max_num_queries
):
    build_report_event(event)
    actions.set_report_published(event=event, published=True)
    url = reverse("public:event-report", args=[event.slug])
    with django_assert_max_num_queries(40) as small:
        client.get(url)
    for n in range(6):
        s = make_session(event, title=f"More {n}", held=True, report="more")
        make_attachment(s)

    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)

    assert response.text.count('class="report-session"') == 11


def test_report_page_sets_each_synthesis_apart_and_shows_descriptions_slides_and_cover(
    client, finished_report, event
):
    """The page is the accessible version of the PDF, with the same structure (issue 18)."""
    actions.set_report_published(event=event, published=True)

    response = client.get(reverse("public:event-report", args=[event.slug]))
    html = squash(response.text)
    text = page_text(response)

    cover = reverse("public:event-report-cover", args=[event.slug])
    assert re.search(rf'<header class="report-header"> <img class="report-header-picture" '
                     rf'src="{cover}\?v=\d+" alt="">', html)  # fmt: skip
    gezin = text[text.index("Gezinnen bereiken Synthese") :]
    assert gezin.index("Synthese Wie gezinnen wil bereiken") < gezin.index("Sessies in dit thema")
    assert gezin.index("Sessies in dit thema Vaders bereiken: wat werkt? 10:00 –10:45, Zaal Groot")
    beleid = text[text.index("Beleid en decreet Sessies in dit thema") :]
    assert beleid.startswith("Beleid en decreet Sessies in dit thema Het nieuwe decreet")
    assert html.count('<section class="report-synthesis"') == 2
    assert text.count("Sessies in dit thema") == 3
    school = text[text.rindex("Samenwerken met de school") :]  # its own section, the last
    assert school.index("Uit de beschrijving van de sessie Hoe bouw je een brug") < 400
    forum = text[text.rindex("Moderatie van een ouderforum") :]
    assert "Geen verslag of beschrijving voor deze sessie." in forum[:300]
    stored = Attachment.objects.get(title="Slides: Vaders bereiken")
    assert re.search(
        rf'<li> <a class="report-attachment-thumbnail" href="{stored.get_absolute_url()}" '
        rf'tabindex="-1" aria-hidden="true"><img src="{stored.thumbnail.url}" alt="" '
        rf'width="128" loading="lazy"></a> <span><a href="{stored.get_absolute_url()}">'
        rf"Slides: Vaders bereiken</a>",
        html,
    )
    assert html.count('class="report-attachment-thumbnail"') == 2  # the third is rendered later
    picture = client.get(cover)
    picture.close()
    assert picture.status_code == 200


def test_downloads_are_named_in_the_event_language(
    client, finished_report, event, organiser, run_tasks
):
    actions.set_report_published(event=event, published=True)
    build_now(event, run_tasks)

    pdf = client.get(reverse("public:event-report-file", args=[event.slug, "pdf"]))
    archive = client.get(reverse("public:event-report-file", args=[event.slug, "zip"]))
    Event.objects.filter(pk=event.pk).update(language=Event.Language.ENGLISH)
    english = client.get(reverse("public:event-report-file", args=[event.slug, "pdf"]))
    for response in (pdf, english):
        response.close()

    disposition = 'attachment; filename="evenementverslag-oocamp-2012.{}"'
    assert pdf["Content-Disposition"] == disposition.format("pdf")
    assert archive["Content-Disposition"] == disposition.format("zip")
    with zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content))) as files:
        assert "evenementverslag-oocamp-2012.pdf" in files.namelist()
    # the URL people have is the same; only the name the file gets follows the language
    assert english["Content-Disposition"] == 'attachment; filename="event-report-oocamp-2012.pdf"'
    assert reverse("public:event-report-file", args=[event.slug, "pdf"]) == (
        "/oocamp-2012/report/download/pdf/"
    )


def test_organiser_sees_unpublished_report_and_publishes_it(client, report_event, event, organiser):
    client.force_login(organiser.user)
    url = reverse("public:event-report", args=[event.slug])

    page = client.get(url)
    response = client.post(
        reverse("organiser:report-publish", args=[event.slug]), {"published": "1"}
    )

    assert "Not published: only organisers see this page." in page.text
    assert "Publish the report" in page.text
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.report_published is True
    client.post(reverse("organiser:report-publish", args=[event.slug]), {"published": ""})
    event.refresh_from_db()
    assert event.report_published is False


def test_participant_cannot_publish_or_build(client, report_event, event, participant):
    client.force_login(participant.user)

    publish = client.post(
        reverse("organiser:report-publish", args=[event.slug]), {"published": "1"}
    )
    build = client.post(reverse("organiser:report-build", args=[event.slug]))

    assert (publish.status_code, build.status_code) == (403, 403)
    event.refresh_from_db()
    assert event.report_published is False
    assert not ReportBuild.objects.exists()


# ---- building: one click, progress, downloads ----------------------------------------------


def test_build_button_queues_pdf_and_zip_and_progress_polls(
    client, report_event, event, organiser, run_tasks
):
    client.force_login(organiser.user)
    build_url = reverse("organiser:report-build", args=[event.slug])

    response = client.post(build_url, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="build-panel"')
    assert 'hx-trigger="every 1s"' in response.text
    assert [(b.kind, b.status) for b in ReportBuild.objects.order_by("id")] == [
        ("pdf", "queued"),
        ("zip", "queued"),
    ]
    page = client.get(reverse("public:event-report", args=[event.slug]))
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page.text

    run_tasks()
    progress = client.get(
        reverse("organiser:report-progress", args=[event.slug]), HTTP_HX_REQUEST="true"
    )

    assert "every 1s" not in progress.text
    assert "Download the PDF" in progress.text
    assert "Download the ZIP" in progress.text
    plain = client.get(reverse("organiser:report-progress", args=[event.slug]))
    assert plain.status_code == 302


def test_plain_post_build_redirects_to_the_page(client, report_event, event, organiser):
    client.force_login(organiser.user)

    response = client.post(reverse("organiser:report-build", args=[event.slug]))

    assert response.status_code == 302
    assert response.url == reverse("public:event-report", args=[event.slug]) + "#build-panel"


def test_download_streams_the_built_files(client, report_event, event, organiser, run_tasks):
    build_now(event, run_tasks)
    client.force_login(organiser.user)

    pdf = client.get(reverse("public:event-report-file", args=[event.slug, "pdf"]))
    archive = client.get(reverse("public:event-report-file", args=[event.slug, "zip"]))

    assert pdf.streaming is True
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == f'attachment; filename="event-report-{event.slug}.pdf"'
    assert pdf["X-Content-Type-Options"] == "nosniff"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")
    assert archive["Content-Type"] == "application/zip"
    assert b"".join(archive.streaming_content).startswith(b"PK")


def test_unknown_kind_is_404(client, report_event, event, organiser):
    client.force_login(organiser.user)

    response = client.get(reverse("public:event-report-file", args=[event.slug, "exe"]))

    assert response.status_code == 404


# ---- the PDF ------------------------------------------------------------------------------------


def test_pdf_has_every_held_session_title_and_report_in_order(report_event, event, run_tasks):
    builds = build_now(event, run_tasks)

    pages = pdf_pages(read_build(builds["pdf"]))

    assert pages[0].startswith("EVENT REPORT")  # the cover's kicker, in capitals
    assert event.name in pages[0]
    toc = next(i for i, page in enumerate(pages) if page.startswith("Contents"))
    body = " ".join(pages[toc + 1 :])
    position = 0
    for session in report_event["held"]:
        title_at = body.index(session.title, position)
        report_at = body.index(session.report, title_at)
        position = report_at
    assert "Report-text-never-shown" not in body
    assert "Report-text-spam" not in body
    assert "Cancelled on the day" not in body


def test_pdf_table_of_contents_page_numbers_match(report_event, event, run_tasks):
    builds = build_now(event, run_tasks)

    pages = pdf_pages(read_build(builds["pdf"]))
    document = pypdfium2.PdfDocument(read_build(builds["pdf"]))
    lines = [
        line
        for page in document
        if page.get_textpage().get_text_range().startswith("Contents")
        for line in page.get_textpage().get_text_range().splitlines()
    ]
    document.close()

    entries = [re.match(r"^(?:\d\d:\d\d )?(.*?) ?\.{3,} ?(\d+)$", line) for line in lines]
    numbers = {m.group(1): int(m.group(2)) for m in entries if m}
    assert set(numbers) >= {
        "In figures",
        "The grid as it ran",
        "Themes",
        "The sessions",
        "Introduction",
    }
    for title in (
        "Introduction",
        "In figures",
        "Themes",
        "The sessions",
        "Reaching fathers",
        "Corridor talk",
    ):
        page = pages[numbers[title] - 1]
        assert title in page, (title, numbers[title])
    grid_page = pages[numbers["The grid as it ran"] - 1]
    assert grid_page.startswith("The grid as it ran")
    assert "Zaal Groot" in grid_page
    assert "Lunch" in grid_page


def test_pdf_grid_page_is_landscape_and_the_rest_portrait(report_event, event, run_tasks):
    builds = build_now(event, run_tasks)

    document = pypdfium2.PdfDocument(read_build(builds["pdf"]))
    sizes = [tuple(round(x) for x in page.get_size()) for page in document]
    texts = [page.get_textpage().get_text_range() for page in document]
    document.close()

    grid = next(i for i, text in enumerate(texts) if text.startswith("The grid as it ran"))
    assert sizes[grid] == (842, 595)
    assert {size for i, size in enumerate(sizes) if i != grid} == {(595, 842)}


def test_pdf_is_in_the_event_language_with_bookmarks_and_working_links(
    report_event, event, run_tasks
):
    """No tagged structure any more (/StructTreeRoot): ReportLab, which lays the report out
    fast enough (reliability row 13), cannot write one; see sessions_app/exports/report_pdf.py."""
    event.language = Event.Language.DUTCH
    event.save()

    builds = build_now(event, run_tasks)
    data = inflated(read_build(builds["pdf"]))

    assert b"/Lang (nl)" in data or b"/Lang(nl)" in data
    assert b"/Outlines" in data and b"(Reaching fathers)" in data  # a bookmark per session
    assert b"https://example.org/video" in data
    assert b"/attachments/" in data  # the slide file's download link, absolute
    assert b"/EmbeddedFile" not in data


def test_pdf_renders_nothing_from_outside(event, organiser, run_tasks):
    session = make_session(event, title="Evil", held=True)
    session.report = (
        '<img src="file:///etc/passwd"> <link rel="attachment" href="file:///etc/passwd">'
    )
    session.save()

    builds = build_now(event, run_tasks)

    data = inflated(read_build(builds["pdf"]))
    assert b"/EmbeddedFile" not in data
    assert b"root:" not in data


def test_pdf_shows_reportlab_markup_in_user_text_as_text(event, organiser, run_tasks, tmp_path):
    """ReportLab's paragraph markup would load `<img src>` from disk and follow any link: the
    report's user texts reach it escaped, and links only with http(s) or mailto."""
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not an image: root:x:0:0")
    session = make_session(event, title=f'<img src="{secret}"/> Tricky & <b>co</b>', held=True)
    session.report = (
        f'Plain <font color="red">font</font> &amp; <img src="{secret}" width="9" height="9"/>\n\n'
        "[a file](file:///etc/passwd) and [a site](https://example.org/ok)"
    )
    session.save()

    builds = build_now(event, run_tasks)

    data = inflated(read_build(builds["pdf"]))
    text = " ".join(pdf_pages(read_build(builds["pdf"])))
    bare = "".join(text.split())  # a long title wraps where the temporary path makes it long
    assert "".join(f'<img src="{secret}"/> Tricky & <b>co</b>'.split()) in bare
    assert "afileandasite" in bare
    assert b"/Subtype /Image" not in data and b"root:x" not in data
    assert b"file:///etc/passwd" not in data
    assert b"https://example.org/ok" in data


# ---- the ZIP ---------------------------------------------------------------------------------


def test_zip_holds_pdf_event_json_and_attachments_in_safe_unique_folders(
    report_event, event, run_tasks
):
    builds = build_now(event, run_tasks)

    with zipfile.ZipFile(io.BytesIO(read_build(builds["zip"]))) as archive:
        names = archive.namelist()
        document = json.loads(archive.read("event.json"))
        slide_bytes = {n: archive.read(n) for n in names if n.startswith("sessions/")}

    assert names[:2] == ["event.json", f"event-report-{event.slug}.pdf"]
    assert sorted(slide_bytes) == [
        "sessions/10.00 Zaal Groot - Slides a b c/Slides (2).pdf",
        "sessions/10.00 Zaal Groot - Slides a b c/Slides.pdf",
        "sessions/11.00 Café Bar - Same title/etc passwd.pdf",
        "sessions/11.00 Zaal Groot - Same title/Deck.pdf",
    ]
    assert set(slide_bytes.values()) == {SLIDES}
    assert len({n.lower() for n in names}) == len(names)
    for name in names:
        assert ".." not in name.split("/") and not name.startswith("/") and "\\" not in name
    files = [a["file"] for s in document["sessions"] for a in s["attachments"] if a["file"]]
    assert sorted(files) == sorted(slide_bytes)
    assert {p["email"] for p in document["participants"]} == {None}
    assert "Spam session" not in [s["title"] for s in document["sessions"]]


def test_zip_reimports_into_an_empty_database(report_event, event, run_tasks, tmp_path):
    builds = build_now(event, run_tasks)
    target = tmp_path / "report.zip"
    target.write_bytes(read_build(builds["zip"]))
    titles = sorted(event.sessions.filter(hidden=False).values_list("title", flat=True))
    placed = sorted(event.sessions.filter(placement__isnull=False).values_list("title", flat=True))
    Event.objects.all().delete()

    call_command("import_event", str(target))

    imported = Event.objects.get()
    assert imported.slug == event.slug
    assert sorted(imported.sessions.values_list("title", flat=True)) == titles
    assert (
        sorted(imported.sessions.filter(placement__isnull=False).values_list("title", flat=True))
        == placed
    )
    stored = Attachment.objects.filter(session__event=imported).exclude(file="")
    assert [Path(a.file.path).read_bytes() for a in stored] == [SLIDES] * 4
    assert imported.themes.get(name="Fathers").sessions.count() == 2


def test_safe_name_refuses_what_file_systems_refuse():
    assert report.safe_name("../../etc/passwd") == "etc passwd"
    assert report.safe_name('a<b>c:d"e|f?g*h') == "a b c d e f g h"
    assert report.safe_name("CON") == "_CON"
    assert report.safe_name(" .hidden. ") == "hidden"
    assert report.safe_name("\x00\x1f") == "file"
    assert report.safe_name("é" * 200, limit=10) == "é" * 10


# ---- the cache: builds reused until the event changes -------------------------------------


def test_fingerprint_stays_while_nothing_changes_and_moves_with_each_change(report_event, event):
    before = report.fingerprint(event)
    actions.set_report_published(event=event, published=True)
    assert report.fingerprint(event) == before  # publishing changes nothing the report shows

    changes = [
        lambda: Session.objects.filter(pk=report_event["held"][0].pk).update(report="New text"),
        lambda: Session.objects.filter(pk=report_event["dropped"].pk).update(held=True),
        lambda: event.themes.filter(name="Fathers").update(synthesis="Changed"),
        lambda: Participant.objects.filter(pk=report_event["host"].pk).update(name="Renamed"),
        lambda: Attachment.objects.filter(title="Deck").update(title="Deck 2"),
        lambda: Event.objects.filter(pk=event.pk).update(introduction="Other"),
    ]
    seen = {before}
    for change in changes:
        change()
        event.refresh_from_db()
        now = report.fingerprint(event)
        assert now not in seen
        seen.add(now)


def test_build_is_reused_until_something_changes(client, report_event, event, organiser, run_tasks):
    first = build_now(event, run_tasks)
    client.force_login(organiser.user)

    again = client.post(reverse("organiser:report-build", args=[event.slug]))
    run_tasks()

    assert again.status_code == 302
    assert {b.pk: b.attempt for b in ReportBuild.objects.all()} == {b.pk: 1 for b in first.values()}

    session = report_event["held"][0]
    session.report = "Report-text-rewritten"
    session.save()
    download = client.get(reverse("public:event-report-file", args=[event.slug, "pdf"]))

    assert download.status_code == 302  # the organiser waits for the fresh build
    assert ReportBuild.objects.filter(status="queued").count() == 2
    run_tasks()
    fresh = ReportBuild.objects.get(kind="pdf", status="done")
    assert fresh.pk != first["pdf"].pk
    assert "Report-text-rewritten" in " ".join(pdf_pages(read_build(fresh)))
    assert not report_builds.output_path(first["pdf"]).exists()  # the old file is gone


def test_public_gets_latest_finished_build_while_a_new_one_is_prepared(
    client, report_event, event, run_tasks
):
    actions.set_report_published(event=event, published=True)
    url = reverse("public:event-report-file", args=[event.slug, "pdf"])

    pending = client.get(url)

    assert pending.status_code == 503
    assert "being prepared" in pending.text
    run_tasks()
    first = client.get(url)
    assert first.status_code == 200
    old = b"".join(first.streaming_content)

    Session.objects.filter(pk=report_event["held"][0].pk).update(report="Changed later")
    meanwhile = client.get(url)

    assert meanwhile.status_code == 200
    assert b"".join(meanwhile.streaming_content) == old
    assert ReportBuild.objects.filter(status="queued").count() == 2


# ---- restart safety, within one process ----------------------------------------------------


def test_stale_running_build_is_requeued_when_the_organiser_polls(
    client, report_event, event, organiser, run_tasks, settings
):
    settings.OOCAMP_REPORT_BUILD_SILENT_SECONDS = 30
    actions.request_report_builds(event=event)
    pdf = ReportBuild.objects.get(kind="pdf")
    # as a worker killed mid-build leaves it: running, a half-written temporary file
    ReportBuild.objects.filter(pk=pdf.pk).update(
        status="running", heartbeat_at=timezone.now() - timedelta(seconds=31), progress=40
    )
    leftover = report_builds.build_dir(event.pk) / f".build-{pdf.pk}-1-dead-pdf.part"
    leftover.write_bytes(b"%PDF-half")

    client.force_login(organiser.user)
    client.get(reverse("organiser:report-progress", args=[event.slug]), HTTP_HX_REQUEST="true")

    pdf.refresh_from_db()
    assert (pdf.status, pdf.attempt, pdf.progress) == ("queued", 2, 0)
    report_builds.run_build(pdf.pk, 1)  # the old attempt, should its worker wake: does nothing
    pdf.refresh_from_db()
    assert pdf.status == "queued"
    run_tasks()
    pdf.refresh_from_db()
    assert pdf.status == "done"
    assert not leftover.exists()
    assert sorted(p.name for p in report_builds.build_dir(event.pk).iterdir()) == sorted(
        Path(b.file.name).name for b in ReportBuild.objects.all()
    )


def test_fresh_running_build_is_left_alone(client, report_event, event, organiser):
    actions.request_report_builds(event=event)
    ReportBuild.objects.update(status="running", heartbeat_at=timezone.now())
    client.force_login(organiser.user)

    client.get(reverse("public:event-report", args=[event.slug]))

    assert set(ReportBuild.objects.values_list("status", "attempt")) == {("running", 1)}


def test_failed_build_shows_its_message_and_can_be_started_again(
    client, report_event, event, organiser, run_tasks
):
    actions.request_report_builds(event=event)
    ReportBuild.objects.update(status="failed", message="disk full")
    client.force_login(organiser.user)

    page = client.get(reverse("public:event-report", args=[event.slug]))
    client.post(reverse("organiser:report-build", args=[event.slug]))
    run_tasks()

    assert "disk full" in page.text
    assert set(ReportBuild.objects.values_list("status", "attempt")) == {("done", 2)}


def test_build_waiting_long_for_a_worker_says_how_to_start_one(
    client, report_event, event, organiser
):
    actions.request_report_builds(event=event)
    client.force_login(organiser.user)
    url = reverse("organiser:report-progress", args=[event.slug])

    fresh = client.get(url, HTTP_HX_REQUEST="true")
    ReportBuild.objects.update(heartbeat_at=timezone.now() - timedelta(seconds=31))
    waiting = client.get(url, HTTP_HX_REQUEST="true")

    assert "is the background worker running?" not in fresh.text
    assert (
        "Still waiting: is the background worker running? It is started with <code>python manage.py db_worker</code>."
        in waiting.text
    )
