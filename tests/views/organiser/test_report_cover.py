"""The picture on the event report's cover (issue 18): organisers upload, replace and remove
it from the report page, with or without htmx; it is re-encoded (turned upright, at most 1600
pixels, no metadata) and the old file goes; anything else is refused with a message and
changes nothing; whoever may read the report gets the picture."""

import io
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from sessions_app import uploads
from sessions_app.models import Event
from tests.helpers import messages_of, page_text
from tests.sample_files import EXE, pdf_bytes, stored_files


@pytest.fixture
def event(english_archived_event: Event) -> Event:
    return english_archived_event


def picture(format: str = "PNG", size=(64, 32), colour="#0b4f8a", **save) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format=format, **save)
    return buffer.getvalue()


def upload(data: bytes, name: str = "logo.png") -> io.BytesIO:
    file = io.BytesIO(data)
    file.name = name
    return file


def cover_url(event: Event) -> str:
    return reverse("organiser:report-cover", args=[event.slug])


def picture_url(event: Event) -> str:
    return reverse("public:event-report-cover", args=[event.slug])


def event_report_url(event: Event) -> str:
    return reverse("public:event-report", args=[event.slug])


def stored(event: Event) -> Image.Image:
    event.refresh_from_db()
    with event.cover.open("rb") as file:
        image = Image.open(io.BytesIO(file.read()))
        image.load()
    return image


def media(settings) -> list[str]:
    return stored_files(Path(settings.MEDIA_ROOT))


def send(client: Client, event: Event, data: bytes, name: str = "logo.png", **extra):
    return client.post(cover_url(event), {"cover": upload(data, name)}, **extra)


@pytest.mark.django_db
def test_an_organiser_uploads_a_picture_and_comes_back_to_the_report(organiser_client, event):
    response = send(organiser_client, event, picture(size=(3200, 1000)))

    assert response.status_code == 302
    assert response["Location"] == event_report_url(event) + "#report-cover"
    assert messages_of(response) == ["The cover picture is saved."]
    event.refresh_from_db()
    assert event.cover.name.startswith(f"covers/{event.pk}/")
    assert event.cover.name.endswith(".png")
    image = stored(event)
    assert (image.format, image.size) == ("PNG", (1600, 500))  # the long side brought down
    page = organiser_client.get(event_report_url(event))
    assert "Replace the picture" in page_text(page)
    assert f'src="{picture_url(event)}?v=' in page.content.decode()


@pytest.mark.django_db
def test_a_photo_is_turned_upright_and_loses_its_metadata(organiser_client, event):
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: turn 90° clockwise to show
    exif[0x010F] = "PhoneMaker"  # the camera's make
    exif[0x8825] = {2: (51.0, 3.0, 0.0)}  # a GPS position
    photo = picture("JPEG", size=(400, 300), exif=exif.tobytes(), comment=b"secret")

    send(organiser_client, event, photo, "photo.jpg")

    image = stored(event)
    assert image.format == "JPEG"
    assert image.size == (300, 400)  # upright
    assert not image.getexif()
    assert "comment" not in image.info and "exif" not in image.info


@pytest.mark.django_db
def test_a_logo_keeps_its_transparency(organiser_client, event):
    buffer = io.BytesIO()
    logo = Image.new("RGBA", (200, 100), (0, 0, 0, 0))
    logo.paste((11, 79, 138, 255), (50, 25, 150, 75))
    logo.save(buffer, format="PNG", pnginfo=None)

    send(organiser_client, event, buffer.getvalue())

    image = stored(event)
    assert image.mode == "RGBA"
    assert image.getpixel((0, 0))[3] == 0 and image.getpixel((100, 50)) == (11, 79, 138, 255)


@pytest.mark.django_db
def test_replacing_and_removing_delete_the_old_file(
    organiser_client, event, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send(organiser_client, event, picture(), HTTP_HX_REQUEST="true")
    first = Event.objects.get(pk=event.pk).cover.name

    with django_capture_on_commit_callbacks(execute=True):
        send(organiser_client, event, picture("JPEG"), "other.jpg", HTTP_HX_REQUEST="true")
    second = Event.objects.get(pk=event.pk).cover.name

    assert second != first and second.endswith(".jpg")
    assert media(settings) == [second]

    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(cover_url(event), {"remove": "1"})

    assert messages_of(response) == ["The cover picture is removed."]
    assert not Event.objects.get(pk=event.pk).cover
    assert media(settings) == []
    assert "No picture yet" in page_text(organiser_client.get(event_report_url(event)))


TRUNCATED_PNG = picture(size=(300, 300), colour="#123456")[:120]

BAD_FILES = {
    "a program": (EXE, "logo.png", "This is not a picture we can use: upload a PNG or JPEG file."),
    "a PDF": (pdf_bytes(), "logo.pdf", "This is not a picture we can use"),
    "a cut-off PNG": (TRUNCATED_PNG, "logo.png", "This picture cannot be read"),
    "an empty file": (b"", "logo.png", "This file is empty."),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_file_is_refused_with_a_message_and_changes_nothing(
    organiser_client, event, settings, case, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send(organiser_client, event, picture(), HTTP_HX_REQUEST="true")
    before = Event.objects.get(pk=event.pk).cover.name
    data, name, message = BAD_FILES[case]

    with django_capture_on_commit_callbacks(execute=True):
        response = send(organiser_client, event, data, name)

    assert response.status_code == 302
    assert len(messages_of(response)) == 1
    assert messages_of(response)[0].startswith(message)
    assert Event.objects.get(pk=event.pk).cover.name == before
    assert media(settings) == [before]


@pytest.mark.django_db
def test_a_cut_off_picture_is_refused_even_after_weasyprint_allowed_them(organiser_client, event):
    """WeasyPrint (door signs) sets Pillow's process-wide LOAD_TRUNCATED_IMAGES on import."""
    import weasyprint  # noqa: F401
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    for data in (TRUNCATED_PNG, picture("JPEG", size=(300, 300), colour="#123456")[:400]):
        response = send(organiser_client, event, data, HTTP_HX_REQUEST="true")
        assert "This picture cannot be read" in page_text(response)
    assert not Event.objects.get(pk=event.pk).cover
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # left as it was


@pytest.mark.django_db
def test_a_picture_over_the_limit_is_stopped_while_it_streams_in(
    organiser_client, event, settings, monkeypatch
):
    monkeypatch.setattr(uploads, "MAX_PICTURE_BYTES", 1000)
    big = picture(size=(600, 600), colour="#345678") + b"\0" * 70_000

    response = send(organiser_client, event, big)
    swapped = send(organiser_client, event, big, HTTP_HX_REQUEST="true")

    assert response.status_code == 302
    assert messages_of(response) == ["This picture is too large: the limit is 1000\xa0bytes."]
    assert "This picture is too large: the limit is 1000" in page_text(swapped)
    assert not Event.objects.get(pk=event.pk).cover
    assert media(settings) == []


@pytest.mark.django_db
def test_sending_the_form_without_a_file_asks_for_one(organiser_client, event):
    response = organiser_client.post(cover_url(event), {}, HTTP_HX_REQUEST="true")

    assert "Choose a picture to upload." in page_text(response)
    assert 'role="alert"' in response.content.decode()


@pytest.mark.django_db
def test_with_htmx_the_cover_part_alone_comes_back(organiser_client, event):
    response = send(organiser_client, event, picture(), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="report-cover"')
    assert "The cover picture is saved." in page_text(response)
    assert "Remove the picture" in page_text(response)

    refused = send(organiser_client, event, EXE, HTTP_HX_REQUEST="true")

    assert refused.status_code == 200  # htmx swaps it in: the alert, and the picture as it was
    assert 'role="alert"' in refused.content.decode()
    assert "This is not a picture we can use" in page_text(refused)
    assert "Remove the picture" in page_text(refused)


@pytest.mark.django_db
def test_only_the_events_organisers_may_change_the_cover(client, participant_client, event):
    anonymous = send(client, event, picture())
    participant = send(participant_client, event, picture())
    removed = participant_client.post(cover_url(event), {"remove": "1"})

    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    assert participant.status_code == 403
    assert removed.status_code == 403
    assert not Event.objects.get(pk=event.pk).cover


@pytest.mark.django_db
def test_participants_see_no_cover_form_on_the_published_report(
    organiser_client, participant_client, event
):
    event.report_published = True
    event.save()

    assert "Cover picture" in page_text(organiser_client.get(event_report_url(event)))
    assert "Cover picture" not in page_text(participant_client.get(event_report_url(event)))


@pytest.mark.django_db
def test_the_picture_is_served_to_whoever_may_read_the_report(organiser_client, event):
    anonymous = Client()
    assert organiser_client.get(picture_url(event)).status_code == 404  # none yet
    send(organiser_client, event, picture(), HTTP_HX_REQUEST="true")

    assert anonymous.get(picture_url(event)).status_code == 404  # the report is not public yet
    mine = organiser_client.get(picture_url(event))
    # read to the end, as a server does: the test client then closes the file itself (calling
    # close() here would end the "request" and, on PostgreSQL, close the test's connection)
    assert Image.open(io.BytesIO(b"".join(mine.streaming_content))).format == "PNG"
    assert mine.status_code == 200
    assert mine["Content-Type"] == "image/png"
    assert mine["X-Content-Type-Options"] == "nosniff"
    assert mine["Cache-Control"].startswith("private")

    Event.objects.filter(pk=event.pk).update(report_published=True)
    public = anonymous.get(picture_url(event))

    assert public.status_code == 200
    assert Image.open(io.BytesIO(b"".join(public.streaming_content))).format == "PNG"
    assert public["Cache-Control"].startswith("public")


@pytest.mark.django_db
def test_the_dutch_report_page_speaks_dutch_about_the_cover(client, archived_event):
    from tests.factories import make_participant

    organiser = make_participant(archived_event, "Olga", role="organiser")
    client.force_login(organiser.user)

    response = send(client, archived_event, EXE)
    page = page_text(client.get(event_report_url(archived_event)))

    assert messages_of(response) == [
        "Dit is geen afbeelding die we kunnen gebruiken: upload een PNG- of JPEG-bestand."
    ]
    assert "Omslagafbeelding" in page
    assert "Afbeelding uploaden" in page


@pytest.mark.django_db
def test_any_bytes_as_the_cover_never_give_a_server_error(organiser_client, event, settings):
    heads = [b"", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"%PDF-", b"PK\x03\x04", b"GIF89a"]

    @settings_for_fuzz
    @given(head=st.sampled_from(heads), tail=st.binary(max_size=400))
    def check(head: bytes, tail: bytes) -> None:
        response = send(organiser_client, event, head + tail)
        assert response.status_code == 302
        assert messages_of(response)  # why it was refused
        assert not Event.objects.get(pk=event.pk).cover

    check()
    assert media(settings) == []


settings_for_fuzz = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
