"""Votes count as follows until people change them: at publication each participant who
follows nothing yet gets a follow for every session they voted for (actions.follow_votes).
Migration 0006 added follows without doing that for the events that were already published,
so their participants had votes and no follows, and My day showed them nothing. This gives
them the follows publication would have given, by the same rule.

Going back leaves the follows: from then on they cannot be told from those people made."""

from django.db import migrations
from django.db.models import Exists, OuterRef

PUBLISHED = ("published", "archived")  # Event.grid_published, as it stood in this migration


def follow_votes_of_published_events(apps, schema_editor):
    Follow = apps.get_model("sessions_app", "Follow")
    Vote = apps.get_model("sessions_app", "Vote")
    db = schema_editor.connection.alias
    follows_something = Follow.objects.using(db).filter(
        participant=OuterRef("participant"), session__event=OuterRef("session__event")
    )
    votes = (
        Vote.objects.using(db)
        .filter(session__event__phase__in=PUBLISHED)
        .exclude(Exists(follows_something))
        .order_by("pk")
        .values_list("participant_id", "session_id")
    )
    Follow.objects.using(db).bulk_create(
        [Follow(participant_id=p, session_id=s) for p, s in votes],
        batch_size=1000,
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("sessions_app", "0007_event_cover_picture"),
    ]

    operations = [
        migrations.RunPython(follow_votes_of_published_events, migrations.RunPython.noop),
    ]
