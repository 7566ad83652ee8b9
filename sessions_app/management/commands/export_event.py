import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sessions_app.event_file import dumps, export_event, write_zip
from sessions_app.models import Event


class Command(BaseCommand):
    help = "Export an event as an event file: JSON on standard output, or a ZIP with --zip."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="the event's short name")
        parser.add_argument(
            "--zip", action="store_true", help="a ZIP with event.json and the attached files"
        )
        parser.add_argument(
            "-o", "--output", help="file to write (default: standard output; SLUG.zip with --zip)"
        )

    def handle(self, *args, **options) -> None:
        try:
            event = Event.objects.get(slug=options["slug"])
        except Event.DoesNotExist:
            raise CommandError(f'There is no event "{options["slug"]}".') from None
        output = options["output"]
        if options["zip"]:
            path = Path(output or f"{event.slug}.zip")
            with path.open("wb") as stream:
                write_zip(event, stream)
            self.stderr.write(f"Wrote {path}")
            return
        text = dumps(export_event(event)[0])
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {output}")
        else:
            sys.stdout.buffer.write(text.encode("utf-8"))
