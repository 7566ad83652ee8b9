from django.core.management.base import BaseCommand, CommandError, CommandParser

from sessions_app import actions
from sessions_app.event_file import EventFileError, load_event_file


class Command(BaseCommand):
    help = (
        "Import an event file (.json, or .zip with event.json and its attachments). All or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="path of the .json or .zip event file")

    def handle(self, *args, **options) -> None:
        try:
            with load_event_file(options["file"]) as event_file:
                event = actions.import_event(event_file)
        except EventFileError as error:
            count = len(error.problems)
            raise CommandError(
                f"Nothing was imported: {count} problem{'s' if count != 1 else ''} in "
                f"{options['file']}:\n" + "\n".join(f"  {p}" for p in error.problems)
            ) from None
        self.stdout.write(
            self.style.SUCCESS(f'Imported "{event.name}" ({event.slug}): ')
            + f"{event.rooms.count()} rooms, {event.slots.count()} slots, "
            f"{event.participants.count()} participants, {event.sessions.count()} sessions."
        )
