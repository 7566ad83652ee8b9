"""Slides and other attachments (issue 6): hosts and organisers add files and links to their
session; bad input gets a clear message and leaves nothing behind (no row, no file); files are
served only as downloads with the type found in their bytes."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from sessions_app import actions, uploads
from sessions_app.models import Attachment, Event, Participant, Session
from tests.factories import make_attachment, make_event, make_participant, make_session
from tests.helpers import slides_url
from tests.sample_files import (
    CORRUPT_PDF,
    EXE,
    HTML,
    SVG,
    image_bytes,
    key_bytes,
    odp_bytes,
    pdf_bytes,
    pptx_bytes,
    stored_files,
    zip_bytes,
)

HTMX = {"HTTP_HX_REQUEST": "true"}


# ---- fixtures and helpers -------------------------------------------------------------------------


@pytest.fixture
def event(english_event: Event) -> Event:
    return english_event


@pytest.fixture
def host(event: Event) -> Participant:
    return make_participant(event, name="Hanne Host")


@pytest.fixture
def session(event: Event, host: Participant) -> Session:
    return make_session(event, [host], title="Open data in de gemeenteraad")


@pytest.fixture
def host_client(client: Client, host: Participant) -> Client:
    client.force_login(host.user)
    return client


def upload_url(session: Session) -> str:
    return reverse("participant:slides-upload", args=[session.event.slug, session.pk])


def post_file(client: Client, session: Session, name: str, data: bytes, *, title="", **extra):
    upload = SimpleUploadedFile(name, data, content_type="application/pdf")
    return client.post(upload_url(session), {"title": title, "file": upload}, **extra)


# ---- sniffing ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (pdf_bytes(), uploads.PDF),
        (pptx_bytes(), uploads.PPTX),
        (odp_bytes(), uploads.ODP),
        (key_bytes(), uploads.KEY),
        (image_bytes("PNG"), uploads.PNG),
        (image_bytes("JPEG"), uploads.JPEG),
        (EXE, None),
        (HTML, None),
        (SVG, None),
        (b"root:x:0:0:root:/root:/bin/bash\n", None),
        (zip_bytes({"word/document.xml": b"", "[Content_Types].xml": b""}), None),
        (b"PK\x03\x04 not a zip at all", None),
        (b"", None),
    ],
)
def test_sniff_reads_the_type_from_the_bytes(data: bytes, expected) -> None:
    file = io.BytesIO(data)

    assert uploads.sniff(file) == expected
    assert file.tell() == 0


def test_clean_title_drops_directories_and_control_characters() -> None:
    assert uploads.clean_title("../../etc/passwd") == "passwd"
    assert uploads.clean_title("C:\\Users\\me\\Slides v2.pptx") == "Slides v2"
    assert uploads.clean_title("Fine\x00name\n.pdf") == "Fine name"


# ---- uploading --------------------------------------------------------------------------------------


def test_host_uploads_a_pdf_which_gets_a_thumbnail(host_client, session, host, media_root):
    response = post_file(host_client, session, "Mijn slides.pdf", pdf_bytes())

    assert response.status_code == 302
    assert response["Location"] == slides_url(session)
    attachment = Attachment.objects.get()
    assert (attachment.title, attachment.kind) == ("Mijn slides", Attachment.Kind.SLIDES)
    assert (attachment.content_type, attachment.size) == ("application/pdf", len(pdf_bytes()))
    assert attachment.uploaded_by == host
    assert attachment.file.name.startswith(f"attachments/{session.event_id}/")
    assert attachment.file.name.endswith(".pdf")
    assert "Mijn" not in attachment.file.name
    assert attachment.thumbnail.name.startswith(f"attachments/{session.event_id}/thumbs/")
    with Image.open(attachment.thumbnail.path) as thumbnail:
        assert (thumbnail.format, thumbnail.width) == ("PNG", uploads.THUMBNAIL_WIDTH)
    page = host_client.get(slides_url(session)).content.decode()
    assert attachment.thumbnail.url in page
    assert "Mijn slides" in page


def test_thumbnail_url_is_served_as_a_png(host_client, session):
    post_file(host_client, session, "deck.pdf", pdf_bytes())
    attachment = Attachment.objects.get()

    response = Client().get(attachment.thumbnail.url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("name", "data", "kind", "content_type"),
    [
        ("deck.pptx", pptx_bytes(), "slides", uploads.PPTX.content_type),
        ("deck.odp", odp_bytes(), "slides", uploads.ODP.content_type),
        ("deck.key", key_bytes(), "slides", uploads.KEY.content_type),
        ("flip-over.png", image_bytes("PNG"), "document", "image/png"),
        ("flip-over.jpg", image_bytes("JPEG"), "document", "image/jpeg"),
    ],
)
def test_other_types_are_accepted_with_an_icon(
    host_client, session, name, data, kind, content_type
):
    response = post_file(host_client, session, name, data)

    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert (attachment.kind, attachment.content_type) == (kind, content_type)
    assert not attachment.thumbnail
    page = host_client.get(slides_url(session)).content.decode()
    assert 'class="attachment-icon"' in page


def test_the_type_comes_from_the_content_not_the_name(host_client, session):
    response = post_file(host_client, session, "really-a-pdf.txt", pdf_bytes())

    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.file.name.endswith(".pdf")
    assert attachment.content_type == "application/pdf"


BAD_FILES = {
    "exe renamed pdf": ("setup.pdf", EXE, "not a file we accept", 415),
    "html": ("page.html", HTML, "not a file we accept", 415),
    "html renamed pdf": ("page.pdf", HTML, "not a file we accept", 415),
    "svg with script": ("logo.svg", SVG, "not a file we accept", 415),
    "passwd path": ("../../etc/passwd", b"root:x:0:0:root:/root:/bin/bash\n", "not a file", 415),
    "zero bytes": ("empty.pdf", b"", "This file is empty.", 400),
}


def pptx_of(members: int) -> bytes:
    """A PPTX by its members, with this many of them."""
    slides = {f"ppt/slides/slide{n}.xml": b"<p:sld/>" for n in range(members - 1)}
    return zip_bytes({"[Content_Types].xml": b"<Types/>", **slides})


def zip_bomb_of_many_members() -> bytes:
    """One more member than any deck needs."""
    return pptx_of(uploads.MAX_ZIP_MEMBERS + 1)


def zip_bomb_of_a_gigabyte() -> bytes:
    """A PPTX by its members that unpacks to 1 GiB and a byte: 4.5 MB of zeros, deflated."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        with archive.open("ppt/media/image1.png", "w", force_zip64=True) as member:
            chunk = bytes(16 * 1024 * 1024)
            for _ in range(uploads.MAX_ZIP_UNPACKED // len(chunk)):
                member.write(chunk)
            member.write(b"\0")
    return buffer.getvalue()


@pytest.mark.parametrize("bomb", [zip_bomb_of_many_members, zip_bomb_of_a_gigabyte])
def test_a_zip_bomb_as_slides_is_refused_unopened(host_client, session, media_root, bomb):
    response = post_file(host_client, session, "deck.pptx", bomb(), title="Kept title")

    assert response.status_code == 415
    assert "that is not a presentation" in response.content.decode()
    assert Attachment.objects.count() == 0
    assert stored_files(media_root) == []


def test_a_deck_just_within_the_zip_limits_is_kept(host_client, session, media_root):
    response = post_file(host_client, session, "deck.pptx", pptx_of(uploads.MAX_ZIP_MEMBERS))

    assert response.status_code == 302
    assert Attachment.objects.get().content_type == uploads.PPTX.content_type


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_files_are_refused_and_nothing_is_stored(host_client, session, media_root, case):
    name, data, message, status = BAD_FILES[case]

    response = post_file(host_client, session, name, data, title="Kept title")

    assert response.status_code == status
    page = response.content.decode()
    assert message in page
    assert 'value="Kept title"' in page
    assert Attachment.objects.count() == 0
    assert stored_files(media_root) == []


@pytest.mark.parametrize("case", ["exe renamed pdf", "svg with script", "zero bytes"])
def test_bad_files_over_htmx_get_only_the_messages(host_client, session, media_root, case):
    name, data, message, status = BAD_FILES[case]

    response = post_file(host_client, session, name, data, **HTMX)

    assert response.status_code == status
    page = response.content.decode()
    assert page.startswith('<div class="upload-errors"')
    assert message in page
    assert Attachment.objects.count() == 0
    assert stored_files(media_root) == []


def test_a_path_as_file_name_never_reaches_the_disk(host_client, session, media_root):
    response = post_file(host_client, session, "../../etc/passwd", pdf_bytes())

    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.title == "passwd"
    assert "passwd" not in attachment.file.name
    assert all(path.startswith("attachments/") for path in stored_files(media_root))
    assert Path(attachment.file.path).resolve().is_relative_to(Path(media_root).resolve())


@pytest.mark.parametrize("size", [5_000, 300_000], ids=["streamed-past-limit", "declared-length"])
def test_a_file_over_the_limit_is_refused_early(host_client, session, media_root, settings, size):
    """Small limit, two ways past it: the bytes received pass it (the handler counts chunks),
    or the request's Content-Length already does (refused before the file is read)."""
    settings.OOCAMP_MAX_ATTACHMENT_BYTES = 2_000
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1_000  # bigger parts would go to a temporary file

    data = pdf_bytes() + b"%" + b"x" * size
    response = post_file(host_client, session, "big.pdf", data, title="Big deck")

    assert response.status_code == 413
    page = response.content.decode()
    assert "This file is too large: the limit is 2.0\xa0KB per file." in page
    assert 'value="Big deck"' in page
    assert Attachment.objects.count() == 0
    assert stored_files(media_root) == []


def test_the_limit_handler_reads_no_more_than_one_chunk_past_the_limit() -> None:
    handler = uploads.LimitedUploadHandler(None, limit=100_000)
    handler.handle_raw_input(None, {}, 50_000, b"x")
    handler.new_file("file", "a.pdf", "application/pdf", None)

    handler.receive_data_chunk(b"x" * 65_536, 0)
    with pytest.raises(uploads.StopUpload) as stopped:
        handler.receive_data_chunk(b"x" * 65_536, 65_536)

    assert stopped.value.connection_reset is True


def test_a_corrupt_pdf_is_accepted_with_an_icon(host_client, session):
    response = post_file(host_client, session, "broken.pdf", CORRUPT_PDF)

    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.content_type == "application/pdf"
    assert not attachment.thumbnail
    page = host_client.get(slides_url(session)).content.decode()
    assert "/static/img/attachment-pdf" in page


@pytest.mark.django_db(transaction=True)  # the worker closes its connection when done
def test_a_large_pdf_gets_its_thumbnail_in_the_background(
    host_client, session, monkeypatch, run_tasks
):
    monkeypatch.setattr(actions.attachments, "THUMBNAIL_INLINE_BYTES", 100)
    post_file(host_client, session, "large.pdf", pdf_bytes())
    attachment = Attachment.objects.get()
    assert not attachment.thumbnail

    run_tasks()

    attachment.refresh_from_db()
    assert attachment.thumbnail.name.endswith(".png")


def test_htmx_upload_returns_the_refreshed_list(host_client, session):
    response = post_file(host_client, session, "deck.pdf", pdf_bytes(), **HTMX)

    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="attachments"')
    assert "deck" in page
    assert "<html" not in page


def test_several_attachments_keep_their_order(host_client, session):
    for name in ["one.pdf", "two.pptx", "three.png"]:
        data = {"pdf": pdf_bytes(), "pptx": pptx_bytes(), "png": image_bytes("PNG")}
        post_file(host_client, session, name, data[name.rsplit(".", 1)[1]])

    assert list(session.attachments.values_list("title", "order")) == [
        ("one", 0),
        ("two", 1),
        ("three", 2),
    ]


# ---- replacing, deleting, links ---------------------------------------------------------------------


def test_replacing_a_file_removes_the_old_one(
    host_client, session, media_root, django_capture_on_commit_callbacks
):
    post_file(host_client, session, "v1.pdf", pdf_bytes(b"version one"))
    attachment = Attachment.objects.get()
    old = {attachment.file.name, attachment.thumbnail.name}
    url = reverse("participant:slides-replace", args=["oocamp-2026", session.pk, attachment.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = host_client.post(url, {"file": SimpleUploadedFile("v2.pptx", pptx_bytes())})

    assert response.status_code == 302
    attachment.refresh_from_db()
    assert attachment.title == "v1"
    assert attachment.content_type == uploads.PPTX.content_type
    assert not attachment.thumbnail
    assert stored_files(media_root) == [attachment.file.name]
    assert not old & set(stored_files(media_root))


def test_replacing_with_a_bad_file_changes_nothing(host_client, session, media_root):
    post_file(host_client, session, "v1.pdf", pdf_bytes())
    attachment = Attachment.objects.get()
    before = stored_files(media_root)
    url = reverse("participant:slides-replace", args=["oocamp-2026", session.pk, attachment.pk])

    response = host_client.post(url, {"file": SimpleUploadedFile("v2.pdf", HTML)})

    assert response.status_code == 415
    assert "not a file we accept" in response.content.decode()
    assert Attachment.objects.get().file.name == attachment.file.name
    assert stored_files(media_root) == before


def test_deleting_removes_row_and_files(
    host_client, session, media_root, django_capture_on_commit_callbacks
):
    post_file(host_client, session, "deck.pdf", pdf_bytes())
    attachment = Attachment.objects.get()
    url = reverse("participant:slides-delete", args=["oocamp-2026", session.pk, attachment.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = host_client.post(url, **HTMX)

    assert response.status_code == 200
    assert "Nothing yet." in response.content.decode()
    assert Attachment.objects.count() == 0
    assert stored_files(media_root) == []


def test_a_link_is_added(host_client, session, host):
    url = reverse("participant:slides-link", args=["oocamp-2026", session.pk])

    response = host_client.post(
        url,
        {"link-title": "Opname", "link-url": "https://video.example.org/v/1", "link-kind": "video"},
    )

    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert (attachment.kind, attachment.url, attachment.uploaded_by) == (
        "video",
        "https://video.example.org/v/1",
        host,
    )
    assert attachment.get_absolute_url() == "https://video.example.org/v/1"


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "ftp://example.org/x", "not a link"])
def test_a_bad_link_is_refused(host_client, session, bad):
    url = reverse("participant:slides-link", args=["oocamp-2026", session.pk])

    response = host_client.post(url, {"link-title": "X", "link-url": bad, "link-kind": "link"})

    assert response.status_code == 400
    assert Attachment.objects.count() == 0


# ---- downloading ------------------------------------------------------------------------------------


def test_download_is_an_attachment_with_the_sniffed_type(host_client, session):
    post_file(host_client, session, "x.pdf", pdf_bytes(), title="Présentation: données/2026")
    attachment = Attachment.objects.get()

    response = Client().get(attachment.get_absolute_url())

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Pr%C3%A9sentation%20donn%C3%A9es%202026.pdf"
    )
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == pdf_bytes()


def test_download_of_an_ascii_title(host_client, session):
    post_file(host_client, session, "x.pptx", pptx_bytes(), title='Deck "final"')

    response = Client().get(Attachment.objects.get().get_absolute_url())
    response.close()

    assert response["Content-Disposition"] == 'attachment; filename="Deck final.pptx"'
    assert response["Content-Type"] == uploads.PPTX.content_type


def test_a_stored_file_of_unknown_type_is_served_as_octet_stream(session, media_root):
    attachment = make_attachment(
        session, url="", file=SimpleUploadedFile("x.html", HTML), content_type="text/html"
    )

    response = Client().get(attachment.get_absolute_url())
    response.close()

    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


def test_attachments_of_a_hidden_session_are_not_served(event, session, host_client):
    post_file(host_client, session, "x.pdf", pdf_bytes())
    attachment = Attachment.objects.get()
    Session.objects.filter(pk=session.pk).update(hidden=True)

    assert Client().get(attachment.get_absolute_url()).status_code == 404
    assert Client().get(attachment.thumbnail.url).status_code == 404
    response = host_client.get(attachment.get_absolute_url())
    response.close()
    assert response.status_code == 200


def test_a_link_has_no_download(session):
    attachment = make_attachment(session)
    url = reverse("public:attachment", args=["oocamp-2026", attachment.pk])

    assert Client().get(url).status_code == 404


def test_an_attachment_of_another_event_is_not_found(host_client, session):
    post_file(host_client, session, "x.pdf", pdf_bytes())
    other = make_event(slug="elders")
    url = reverse("public:attachment", args=[other.slug, Attachment.objects.get().pk])

    assert Client().get(url).status_code == 404


# ---- who may ------------------------------------------------------------------------------------------


def test_an_organiser_may_add_slides(client, event, session, media_root):
    organiser = make_participant(event, role=Participant.Role.ORGANISER)
    client.force_login(organiser.user)

    response = post_file(client, session, "deck.pdf", pdf_bytes())

    assert response.status_code == 302
    assert Attachment.objects.get().uploaded_by == organiser


def test_a_participant_who_is_not_host_gets_404(client, event, session, media_root):
    client.force_login(make_participant(event).user)
    attachment = make_attachment(session)
    delete = reverse("participant:slides-delete", args=[event.slug, session.pk, attachment.pk])

    assert client.get(slides_url(session)).status_code == 404
    assert post_file(client, session, "deck.pdf", pdf_bytes()).status_code == 404
    assert client.post(delete).status_code == 404
    assert list(Attachment.objects.all()) == [attachment]
    assert stored_files(media_root) == []


def test_a_host_of_another_session_cannot_touch_this_one(client, event, session, host):
    other = make_session(event, [make_participant(event)])
    attachment = make_attachment(other)
    client.force_login(host.user)
    # this session's URL with the other session's attachment
    delete = reverse("participant:slides-delete", args=[event.slug, session.pk, attachment.pk])

    assert client.post(delete).status_code == 404
    assert client.get(slides_url(other)).status_code == 404
    assert list(Attachment.objects.all()) == [attachment]


def test_anonymous_visitors_are_sent_to_sign_in_and_cannot_post(client, event, session):
    attachment = make_attachment(session)
    delete = reverse("participant:slides-delete", args=[event.slug, session.pk, attachment.pk])

    page = client.get(slides_url(session))

    assert page.status_code == 302
    assert page["Location"].startswith(reverse("login"))
    assert post_file(client, session, "deck.pdf", pdf_bytes()).status_code == 403
    assert client.post(delete).status_code == 403
    assert list(Attachment.objects.all()) == [attachment]


def test_the_upload_view_still_checks_csrf(host, session, media_root):
    client = Client(enforce_csrf_checks=True)
    client.force_login(host.user)

    response = post_file(client, session, "deck.pdf", pdf_bytes())

    assert response.status_code == 403
    assert Attachment.objects.count() == 0
    assert stored_files(media_root) == []


# ---- the pages -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 3])
def test_slides_page_queries_do_not_grow(
    host_client, session, host, count, django_assert_max_num_queries
):
    for n in range(count):
        make_attachment(session, uploaded_by=host, title=f"Link {n}")

    with django_assert_max_num_queries(9):
        response = host_client.get(slides_url(session))

    assert response.status_code == 200
    assert response.content.decode().count('class="attachment"') == count


@pytest.mark.parametrize("count", [1, 3])
def test_session_page_lists_attachments_in_constant_queries(
    client, session, count, django_assert_max_num_queries
):
    for n in range(count):
        make_attachment(session, title=f"Link {n}")
    url = reverse("public:session", args=["oocamp-2026", session.pk])

    with django_assert_max_num_queries(8):
        response = client.get(url)

    page = response.content.decode()
    assert page.count('class="attachment"') == count
    assert "Add slides" not in page


def test_session_page_offers_add_slides_to_its_host(host_client, session):
    page = host_client.get(reverse("public:session", args=["oocamp-2026", session.pk]))

    assert slides_url(session) in page.content.decode()


def test_session_page_shows_the_pdf_thumbnail_and_download(host_client, session):
    post_file(host_client, session, "deck.pdf", pdf_bytes())
    attachment = Attachment.objects.get()

    page = Client().get(reverse("public:session", args=["oocamp-2026", session.pk]))

    html = page.content.decode()
    assert attachment.thumbnail.url in html
    assert attachment.get_absolute_url() in html


def test_my_page_links_a_host_to_the_slides_page(host_client, session):
    page = host_client.get(reverse("participant:my-page", args=["oocamp-2026"]))

    assert page.status_code == 200
    assert slides_url(session) in page.content.decode()


def test_a_session_takes_a_bounded_number_of_attachments(
    host_client, session, media_root, monkeypatch
):
    monkeypatch.setattr(actions.attachments, "MAX_ATTACHMENTS_PER_SESSION", 2)
    make_attachment(session)
    post_file(host_client, session, "second.pdf", pdf_bytes())
    files_before = stored_files(media_root)

    response = post_file(host_client, session, "third.pdf", pdf_bytes())

    assert response.status_code == 400
    assert "has 2 attachments already" in response.content.decode()
    assert session.attachments.count() == 2
    assert stored_files(media_root) == files_before
