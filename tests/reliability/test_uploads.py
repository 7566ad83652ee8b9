"""Row 10 of the reliability plan: an interrupted upload leaves nothing referenced.

- A fault between storing the file and committing its row (here: the row's save raises) leaves
  neither a row nor a file.
- The temporary file of an upload whose worker was killed is removed by
  `manage.py sweep_uploads`, and only once it is older than the age given.
- `manage.py check_media` finds rows without files and files without rows, and removes the
  latter when asked.
(The size limit, type sniffing and safe download headers are rows 8 and 9: tests/views/participant/test_attachments.py.)
"""

import os
import tempfile
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from sessions_app.models import Attachment
from tests.factories import make_participant, make_session
from tests.sample_files import pdf_bytes


def stored(media_root: Path) -> list[str]:
    if not media_root.exists():
        return []
    return sorted(str(p.relative_to(media_root)) for p in media_root.rglob("*") if p.is_file())


def test_a_fault_before_commit_leaves_neither_row_nor_file(client, event, media_root, monkeypatch):
    host = make_participant(event, "Hanne Host")
    session = make_session(event, [host])
    client.force_login(host.user)
    client.raise_request_exception = True

    def broken_save(self, *args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(Attachment, "save", broken_save)
    upload = SimpleUploadedFile("slides.pdf", pdf_bytes(), content_type="application/pdf")
    url = reverse("participant:slides-upload", args=[event.slug, session.pk])
    with pytest.raises(RuntimeError, match="went away"):
        client.post(url, {"title": "", "file": upload})

    assert not Attachment.objects.exists()
    assert stored(media_root) == []


def test_sweep_removes_only_old_temporary_uploads(settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    # what a killed worker leaves: a file named as Django's TemporaryUploadedFile names it
    # (tempfile.NamedTemporaryFile(suffix=".upload" + ext, dir=FILE_UPLOAD_TEMP_DIR)), never
    # closed and so never deleted
    handle, name = tempfile.mkstemp(suffix=".upload.pdf", dir=tmp_path)
    os.write(handle, b"%PDF-" + b"x" * 1024 * 1024)
    os.close(handle)
    orphan = Path(name)
    two_hours_ago = time.time() - 7200
    os.utime(orphan, (two_hours_ago, two_hours_ago))
    # an upload still streaming in
    in_progress = TemporaryUploadedFile("now.pdf", "application/pdf", 0, None)
    unrelated = tmp_path / "notes.txt"
    unrelated.write_text("not an upload")
    os.utime(unrelated, (two_hours_ago, two_hours_ago))

    out = StringIO()
    call_command("sweep_uploads", "--older-than", "3600", stdout=out)

    assert orphan.name.startswith("tmp") and ".upload" in orphan.name
    assert not orphan.exists()
    assert Path(in_progress.temporary_file_path()).exists()
    assert unrelated.exists()
    assert "1 temporary upload file(s) removed" in out.getvalue()
    print("sweep_uploads: removed the 1 MiB orphan, kept 2 other files")
    in_progress.close()


def test_check_media_finds_both_kinds_of_disagreement(event, media_root):
    session = make_session(event)
    kept = Attachment(session=session, title="kept", content_type="application/pdf", size=5)
    kept.file.save("upload.pdf", ContentFile(b"%PDF-"), save=True)
    lost = Attachment(session=session, title="lost", content_type="application/pdf", size=5)
    lost.file.save("upload.pdf", ContentFile(b"%PDF-"), save=True)

    out = StringIO()
    call_command("check_media", stdout=out)
    assert "0 row(s) without a file, 0 file(s) without a row" in out.getvalue()

    Path(lost.file.path).unlink()
    orphan = media_root / "attachments" / str(event.pk) / "0123456789abcdef.pdf"
    orphan.write_bytes(b"%PDF-")
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check_media", stdout=out)
    assert f"row without file: attachment {lost.pk}: {lost.file.name}" in out.getvalue()
    assert f"file without row: attachments/{event.pk}/0123456789abcdef.pdf" in out.getvalue()

    with pytest.raises(CommandError):  # the row without a file is for a person to decide
        call_command("check_media", "--delete-orphans", stdout=StringIO())
    assert not orphan.exists()
    assert Path(kept.file.path).exists()
