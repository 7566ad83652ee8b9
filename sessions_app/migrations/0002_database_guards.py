"""Rules Django's Meta cannot say for every database.

No two slots of one event may overlap. PostgreSQL says so with an exclusion constraint over
a time range (btree_gist lets `event_id WITH =` sit in the same GiST index); SQLite has no
exclusion constraints, so triggers refuse the same rows there. Both raise IntegrityError."""

from django.db import migrations

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    """ALTER TABLE sessions_app_slot ADD CONSTRAINT slot_no_overlap
       EXCLUDE USING gist (event_id WITH =, tstzrange("start", "end", '[)') WITH &&)""",
]
POSTGRES_BACKWARD = ["ALTER TABLE sessions_app_slot DROP CONSTRAINT slot_no_overlap"]

SQLITE_CHECK = """
    SELECT RAISE(ABORT, 'slot_no_overlap: slots of one event may not overlap')
    WHERE EXISTS (
        SELECT 1 FROM sessions_app_slot AS other
        WHERE other.event_id = NEW.event_id AND other.id IS NOT NEW.id
          AND other."start" < NEW."end" AND other."end" > NEW."start"
    );
"""
SQLITE_FORWARD = [
    f"""CREATE TRIGGER slot_no_overlap_insert BEFORE INSERT ON sessions_app_slot
        BEGIN {SQLITE_CHECK} END""",
    f"""CREATE TRIGGER slot_no_overlap_update BEFORE UPDATE ON sessions_app_slot
        BEGIN {SQLITE_CHECK} END""",
]
SQLITE_FORWARD.append(
    "CREATE UNIQUE INDEX placement_one_session_per_cell_sqlite"
    " ON sessions_app_placement (room_id, slot_id)"
)
SQLITE_BACKWARD = [
    "DROP INDEX IF EXISTS placement_one_session_per_cell_sqlite",
    "DROP TRIGGER IF EXISTS slot_no_overlap_insert",
    "DROP TRIGGER IF EXISTS slot_no_overlap_update",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("sessions_app", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
            elidable=False,
        )
    ]
