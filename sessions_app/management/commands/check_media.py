"""manage.py check_media [--delete-orphans]: do the attachment rows and the files agree?

Why: a file is stored before its row is saved (and deleted again if the save fails), and files
of replaced or deleted rows go once the transaction commits. A crash between those steps, a
restore of the database without the matching media (or the other way round) leaves rows whose
file is gone (a broken download) or files no row names (disk used for nothing). This command
lists both and exits 1 if there are any; `--delete-orphans` removes the files without a row.
Rows without a file are only reported: what to do about them is for a person to decide."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sessions_app.models import Attachment

ROOT = "attachments"


@dataclass
class MediaReport:
    rows_without_file: list[str] = field(default_factory=list)
    files_without_row: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.rows_without_file and not self.files_without_row


def stored_files(storage=default_storage, top: str = ROOT) -> set[str]:
    """Every file name under `top` in the storage (works for S3 as well as the file system)."""
    if not storage.exists(top):
        return set()
    found: set[str] = set()
    pending = [top]
    while pending:
        directory = pending.pop()
        dirs, files = storage.listdir(directory)
        found.update(f"{directory}/{name}" for name in files)
        pending.extend(f"{directory}/{name}" for name in dirs)
    return found


def check_media(storage=default_storage) -> MediaReport:
    report = MediaReport()
    named: set[str] = set()
    for pk, file, thumbnail in Attachment.objects.values_list("pk", "file", "thumbnail"):
        for name in (file, thumbnail):
            if name:
                named.add(name)
                if not storage.exists(name):
                    report.rows_without_file.append(f"attachment {pk}: {name}")
    report.files_without_row = sorted(stored_files(storage) - named)
    return report


class Command(BaseCommand):
    help = "Compare the attachment rows with the files under MEDIA_ROOT/attachments."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--delete-orphans", action="store_true")

    def handle(self, *args, delete_orphans: bool, **options) -> None:
        report = check_media()
        for line in report.rows_without_file:
            self.stdout.write(f"row without file: {line}")
        for name in report.files_without_row:
            self.stdout.write(f"file without row: {name}")
            if delete_orphans:
                default_storage.delete(name)
        self.stdout.write(
            f"{len(report.rows_without_file)} row(s) without a file, "
            f"{len(report.files_without_row)} file(s) without a row"
            + (" (deleted)" if delete_orphans and report.files_without_row else "")
        )
        if report.rows_without_file or (report.files_without_row and not delete_orphans):
            raise CommandError("media and database disagree")
