"""manage.py sweep_uploads [--older-than SECONDS]: remove temporary upload files that nobody
will ever pick up.

Why: Django streams an upload larger than FILE_UPLOAD_MAX_MEMORY_SIZE into a temporary file
(`tmp<random letters>.upload.<ext>` in FILE_UPLOAD_TEMP_DIR) and deletes it when the request ends. A
worker killed in the middle of an upload (a restart, a timeout, the OOM killer) never gets
there, and the half-received file stays until the disk is full. Run this hourly from cron; the
default age leaves any upload still in progress alone."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

DEFAULT_OLDER_THAN = 3600


def upload_temp_dir() -> Path:
    return Path(settings.FILE_UPLOAD_TEMP_DIR or tempfile.gettempdir())


def sweep_uploads(*, older_than: float, directory: Path | None = None) -> list[Path]:
    """Delete Django's temporary upload files older than `older_than` seconds; return them."""
    directory = directory or upload_temp_dir()
    cutoff = time.time() - older_than
    removed = []
    for path in directory.glob("tmp*.upload*"):
        try:
            if path.is_file() and not path.is_symlink() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed.append(path)
        except FileNotFoundError:  # its request ended meanwhile
            continue
    return removed


class Command(BaseCommand):
    help = "Remove temporary upload files left behind by interrupted uploads."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than", type=float, default=DEFAULT_OLDER_THAN, metavar="SECONDS"
        )

    def handle(self, *args, older_than: float, **options) -> None:
        removed = sweep_uploads(older_than=older_than)
        for path in removed:
            self.stdout.write(f"removed {path}")
        directory = upload_temp_dir()
        self.stdout.write(f"{len(removed)} temporary upload file(s) removed from {directory}")
