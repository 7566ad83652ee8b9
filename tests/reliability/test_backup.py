"""Row 25 of the reliability plan, and the issue's "backup and restore, documented and tested"
(README, "Backup and restore").

1. The full backup: `pg_dump -Fc` of the database plus a tar of MEDIA_ROOT, restored into a
   fresh database and a fresh directory: every table has the same number of rows and every
   media file the same SHA-256. PostgreSQL only (`postgres` marker).
2. The portable backup: the event file (`export_event --zip`), imported into an emptied
   database: the same events, sessions, votes, hosts, placements and attachments, and the
   attached files byte for byte."""

import hashlib
import subprocess
import tarfile
from io import StringIO
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from sessions_app.models import Attachment, Event, Host, Participant, Placement, Session, Vote

DEMO = Path(__file__).resolve().parents[2] / "demo" / "oocamp-2012.zip"


def checksums(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def row_counts(dsn: str) -> dict[str, int]:
    with psycopg.connect(dsn) as c:
        tables = [
            name
            for (name,) in c.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        return {t: c.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def libpq(settings_dict: dict, name: str | None = None) -> tuple[str, dict[str, str]]:
    """A connection string and the environment for pg_dump and friends."""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = str(settings_dict.get("PORT") or 5432)
    user = settings_dict.get("USER") or "postgres"
    env = {"PGPASSWORD": settings_dict.get("PASSWORD") or ""}
    dsn = f"host={host} port={port} user={user} dbname={name or settings_dict['NAME']}"
    return dsn, env


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_dump_and_media_tar_restore_into_a_fresh_database(media_root, tmp_path):
    call_command("import_event", str(DEMO), stdout=StringIO())
    assert Attachment.objects.exclude(file="").exists()  # files to carry over
    source_dsn, env = libpq(connection.settings_dict)
    restored_name = connection.settings_dict["NAME"] + "_restored"
    restored_dsn, _env = libpq(connection.settings_dict, restored_name)
    dump = tmp_path / "oocamp.dump"
    media_tar = tmp_path / "media.tar.gz"

    subprocess.run(["pg_dump", "-Fc", "-f", str(dump), "-d", source_dsn], check=True, env=env)
    with tarfile.open(media_tar, "w:gz") as archive:
        archive.add(media_root, arcname="media")

    with psycopg.connect(libpq(connection.settings_dict, "postgres")[0], autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{restored_name}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{restored_name}"')
    try:
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", "-d", restored_dsn, str(dump)],
            check=True,
            env=env,
        )
        restored_media = tmp_path / "restored"
        with tarfile.open(media_tar) as archive:
            archive.extractall(restored_media, filter="data")

        before, after = row_counts(source_dsn), row_counts(restored_dsn)
        files_before = checksums(media_root)
        files_after = checksums(restored_media / "media")
    finally:
        with psycopg.connect(libpq(connection.settings_dict, "postgres")[0], autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{restored_name}" WITH (FORCE)')

    print(
        f"backup: {len(before)} tables, {sum(before.values())} rows, {len(files_before)} media "
        f"files ({dump.stat().st_size // 1024} KiB dump, {media_tar.stat().st_size // 1024} KiB "
        "media tar); restored: all counts and checksums equal"
    )
    assert after == before
    assert files_after == files_before
    assert before["sessions_app_session"] > 0 and before["sessions_app_vote"] > 0


def counts() -> dict[str, int]:
    return {
        "events": Event.objects.count(),
        "participants": Participant.objects.count(),
        "sessions": Session.objects.count(),
        "hosts": Host.objects.count(),
        "votes": Vote.objects.count(),
        "placements": Placement.objects.count(),
        "attachments": Attachment.objects.count(),
    }


@pytest.mark.django_db(transaction=True)
def test_event_file_round_trip_is_a_portable_backup(media_root, tmp_path):
    call_command("import_event", str(DEMO), stdout=StringIO())
    slug = Event.objects.get().slug
    before = counts()
    files_before = sorted(checksums(media_root / "attachments").values())
    backup = tmp_path / "backup.zip"
    call_command("export_event", slug, "--zip", "-o", str(backup), stdout=StringIO())

    call_command("flush", "--no-input")  # an empty database, as on a new server
    for path in sorted(media_root.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    assert counts()["events"] == 0

    call_command("import_event", str(backup), stdout=StringIO())
    after = counts()
    files_after = sorted(checksums(media_root / "attachments").values())
    print(f"event file round trip: {after}, {len(files_after)} attached files equal")
    assert after == before
    assert files_after == files_before
