"""Rules Django's Meta cannot say, held by the database on PostgreSQL and on SQLite alike.

1. No two slots of one event overlap: a PostgreSQL exclusion constraint over a time range
   (btree_gist lets `event_id WITH =` sit in the GiST index); triggers on SQLite.
2. One session per cell: on PostgreSQL the Meta constraint is DEFERRABLE INITIALLY DEFERRED so
   a swap is one transaction; SQLite cannot defer it and Django skips it there (models.W038),
   so an immediate unique index holds the rule on SQLite.
3. Rows that join two things of an event join things of the *same* event: a vote (and the dot
   voting budget: no more votes than `votes_per_participant`), a host, a placement (whose slot
   is also a session slot), a session's themes and unavailable slots.
4. A vote is cast only while the event's phase is `voting` (checked on INSERT; votes of a
   closed event stay, and can be deleted with their participant or session).

Every refusal is an IntegrityError whose message starts with the rule's name. SQLite rebuilds a
table for some schema changes and drops its triggers then: a later migration that alters one
of these tables must create them again (the constraint tests run on SQLite and would notice).
"""

from django.db import migrations

# ---- PostgreSQL -------------------------------------------------------------------------------

PG_FUNCTIONS = {
    "vote": """
        DECLARE p_event bigint; s_event bigint; budget integer; used integer;
        BEGIN
          -- the participant's row lock serialises one person's concurrent votes (budget)
          SELECT event_id INTO p_event FROM sessions_app_participant
            WHERE id = NEW.participant_id FOR UPDATE;
          SELECT event_id INTO s_event FROM sessions_app_session WHERE id = NEW.session_id;
          IF p_event IS DISTINCT FROM s_event THEN
            RAISE EXCEPTION 'vote_same_event: a participant votes only in their own event'
              USING ERRCODE = 'check_violation';
          END IF;
          IF TG_OP = 'INSERT' THEN
            IF (SELECT phase FROM sessions_app_event WHERE id = p_event) <> 'voting' THEN
              RAISE EXCEPTION 'vote_phase: voting is not open' USING ERRCODE = 'check_violation';
            END IF;
            SELECT votes_per_participant INTO budget FROM sessions_app_event WHERE id = p_event;
            IF budget IS NOT NULL THEN
              SELECT count(*) INTO used FROM sessions_app_vote
                WHERE participant_id = NEW.participant_id;
              IF used >= budget THEN
                RAISE EXCEPTION 'vote_budget: no votes left' USING ERRCODE = 'check_violation';
              END IF;
            END IF;
          END IF;
          RETURN NEW;
        END""",
    "host": """
        BEGIN
          IF (SELECT event_id FROM sessions_app_participant WHERE id = NEW.participant_id)
             IS DISTINCT FROM (SELECT event_id FROM sessions_app_session WHERE id = NEW.session_id)
          THEN
            RAISE EXCEPTION 'host_same_event: a host comes from the session''s event'
              USING ERRCODE = 'check_violation';
          END IF;
          RETURN NEW;
        END""",
    "placement": """
        DECLARE s_event bigint; r_event bigint; t_event bigint; t_kind text;
        BEGIN
          SELECT event_id INTO s_event FROM sessions_app_session WHERE id = NEW.session_id;
          SELECT event_id INTO r_event FROM sessions_app_room WHERE id = NEW.room_id;
          SELECT event_id, kind INTO t_event, t_kind FROM sessions_app_slot WHERE id = NEW.slot_id;
          IF s_event IS DISTINCT FROM r_event OR s_event IS DISTINCT FROM t_event THEN
            RAISE EXCEPTION 'placement_same_event: room, slot and session of one event'
              USING ERRCODE = 'check_violation';
          END IF;
          IF t_kind <> 'sessions' THEN
            RAISE EXCEPTION 'placement_session_slot: sessions go in session slots'
              USING ERRCODE = 'check_violation';
          END IF;
          RETURN NEW;
        END""",
    "slot_kind": """
        BEGIN
          IF NEW.kind <> 'sessions' AND EXISTS (
              SELECT 1 FROM sessions_app_placement WHERE slot_id = NEW.id) THEN
            RAISE EXCEPTION 'placement_session_slot: this slot holds sessions'
              USING ERRCODE = 'check_violation';
          END IF;
          RETURN NEW;
        END""",
    "session_theme": """
        BEGIN
          IF (SELECT event_id FROM sessions_app_theme WHERE id = NEW.theme_id)
             IS DISTINCT FROM (SELECT event_id FROM sessions_app_session WHERE id = NEW.session_id)
          THEN
            RAISE EXCEPTION 'theme_same_event: a theme of the session''s event'
              USING ERRCODE = 'check_violation';
          END IF;
          RETURN NEW;
        END""",
    "session_unavailable": """
        BEGIN
          IF (SELECT event_id FROM sessions_app_slot WHERE id = NEW.slot_id)
             IS DISTINCT FROM (SELECT event_id FROM sessions_app_session WHERE id = NEW.session_id)
          THEN
            RAISE EXCEPTION 'unavailable_same_event: a slot of the session''s event'
              USING ERRCODE = 'check_violation';
          END IF;
          RETURN NEW;
        END""",
}
PG_TRIGGERS = {  # function: (table, events)
    "vote": ("sessions_app_vote", "INSERT OR UPDATE"),
    "host": ("sessions_app_host", "INSERT OR UPDATE"),
    "placement": ("sessions_app_placement", "INSERT OR UPDATE"),
    "slot_kind": ("sessions_app_slot", "UPDATE OF kind"),
    "session_theme": ("sessions_app_session_themes", "INSERT OR UPDATE"),
    "session_unavailable": ("sessions_app_session_unavailable_slots", "INSERT OR UPDATE"),
}

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    """ALTER TABLE sessions_app_slot ADD CONSTRAINT slot_no_overlap
       EXCLUDE USING gist (event_id WITH =, tstzrange("start", "end", '[)') WITH &&)""",
]
POSTGRES_BACKWARD = ["ALTER TABLE sessions_app_slot DROP CONSTRAINT slot_no_overlap"]
for name, body in PG_FUNCTIONS.items():
    table, events = PG_TRIGGERS[name]
    POSTGRES_FORWARD += [
        f"CREATE FUNCTION oocamp_guard_{name}() RETURNS trigger LANGUAGE plpgsql AS $$ {body} $$",
        f"""CREATE TRIGGER oocamp_guard_{name} BEFORE {events} ON {table}
            FOR EACH ROW EXECUTE FUNCTION oocamp_guard_{name}()""",
    ]
    POSTGRES_BACKWARD += [
        f"DROP TRIGGER IF EXISTS oocamp_guard_{name} ON {table}",
        f"DROP FUNCTION IF EXISTS oocamp_guard_{name}()",
    ]

# ---- SQLite -----------------------------------------------------------------------------------


def _event_of(table: str, column: str) -> str:
    return f"(SELECT event_id FROM {table} WHERE id = NEW.{column})"


SLOT_OVERLAP = """
    SELECT RAISE(ABORT, 'slot_no_overlap: slots of one event may not overlap')
    WHERE EXISTS (
        SELECT 1 FROM sessions_app_slot AS other
        WHERE other.event_id = NEW.event_id AND other.id IS NOT NEW.id
          AND other."start" < NEW."end" AND other."end" > NEW."start"
    );"""
VOTE_SAME_EVENT = f"""
    SELECT RAISE(ABORT, 'vote_same_event: a participant votes only in their own event')
    WHERE {_event_of("sessions_app_participant", "participant_id")}
          IS NOT {_event_of("sessions_app_session", "session_id")};"""
VOTE_PHASE = """
    SELECT RAISE(ABORT, 'vote_phase: voting is not open')
    WHERE (SELECT e.phase FROM sessions_app_event AS e
           JOIN sessions_app_participant AS p ON p.event_id = e.id
           WHERE p.id = NEW.participant_id) <> 'voting';"""
VOTE_BUDGET = """
    SELECT RAISE(ABORT, 'vote_budget: no votes left')
    WHERE (SELECT e.votes_per_participant FROM sessions_app_event AS e
           JOIN sessions_app_participant AS p ON p.event_id = e.id
           WHERE p.id = NEW.participant_id)
          <= (SELECT count(*) FROM sessions_app_vote WHERE participant_id = NEW.participant_id);"""
HOST_SAME_EVENT = f"""
    SELECT RAISE(ABORT, 'host_same_event: a host comes from the session''s event')
    WHERE {_event_of("sessions_app_participant", "participant_id")}
          IS NOT {_event_of("sessions_app_session", "session_id")};"""
PLACEMENT_RULES = f"""
    SELECT RAISE(ABORT, 'placement_same_event: room, slot and session of one event')
    WHERE {_event_of("sessions_app_session", "session_id")}
              IS NOT {_event_of("sessions_app_room", "room_id")}
       OR {_event_of("sessions_app_session", "session_id")}
              IS NOT {_event_of("sessions_app_slot", "slot_id")};
    SELECT RAISE(ABORT, 'placement_session_slot: sessions go in session slots')
    WHERE (SELECT kind FROM sessions_app_slot WHERE id = NEW.slot_id) <> 'sessions';"""
SLOT_KIND = """
    SELECT RAISE(ABORT, 'placement_session_slot: this slot holds sessions')
    WHERE NEW.kind <> 'sessions'
      AND EXISTS (SELECT 1 FROM sessions_app_placement WHERE slot_id = NEW.id);"""
THEME_SAME_EVENT = f"""
    SELECT RAISE(ABORT, 'theme_same_event: a theme of the session''s event')
    WHERE {_event_of("sessions_app_theme", "theme_id")}
          IS NOT {_event_of("sessions_app_session", "session_id")};"""
UNAVAILABLE_SAME_EVENT = f"""
    SELECT RAISE(ABORT, 'unavailable_same_event: a slot of the session''s event')
    WHERE {_event_of("sessions_app_slot", "slot_id")}
          IS NOT {_event_of("sessions_app_session", "session_id")};"""

SQLITE_TRIGGERS = [  # (name, "BEFORE INSERT ON table", body)
    ("slot_no_overlap_insert", "INSERT ON sessions_app_slot", SLOT_OVERLAP),
    ("slot_no_overlap_update", "UPDATE ON sessions_app_slot", SLOT_OVERLAP),
    ("slot_kind_update", "UPDATE OF kind ON sessions_app_slot", SLOT_KIND),
    ("vote_insert", "INSERT ON sessions_app_vote", VOTE_SAME_EVENT + VOTE_PHASE + VOTE_BUDGET),
    ("vote_update", "UPDATE ON sessions_app_vote", VOTE_SAME_EVENT),
    ("host_insert", "INSERT ON sessions_app_host", HOST_SAME_EVENT),
    ("host_update", "UPDATE ON sessions_app_host", HOST_SAME_EVENT),
    ("placement_insert", "INSERT ON sessions_app_placement", PLACEMENT_RULES),
    ("placement_update", "UPDATE ON sessions_app_placement", PLACEMENT_RULES),
    ("session_theme_insert", "INSERT ON sessions_app_session_themes", THEME_SAME_EVENT),
    ("session_theme_update", "UPDATE ON sessions_app_session_themes", THEME_SAME_EVENT),
    (
        "session_unavailable_insert",
        "INSERT ON sessions_app_session_unavailable_slots",
        UNAVAILABLE_SAME_EVENT,
    ),
    (
        "session_unavailable_update",
        "UPDATE ON sessions_app_session_unavailable_slots",
        UNAVAILABLE_SAME_EVENT,
    ),
]
SQLITE_FORWARD = [
    f"CREATE TRIGGER oocamp_{name} BEFORE {on} BEGIN {body} END"
    for name, on, body in SQLITE_TRIGGERS
] + [
    "CREATE UNIQUE INDEX placement_one_session_per_cell_sqlite"
    " ON sessions_app_placement (room_id, slot_id)"
]
SQLITE_BACKWARD = [f"DROP TRIGGER IF EXISTS oocamp_{name}" for name, _on, _body in SQLITE_TRIGGERS]
SQLITE_BACKWARD.append("DROP INDEX IF EXISTS placement_one_session_per_cell_sqlite")


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("sessions_app", "0001_initial")]

    operations = [
        # On SQLite the guards are put in place after every `migrate` by sessions_app.guards
        # (a table rebuild in a later migration would break them), not here.
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
            elidable=False,
        )
    ]
