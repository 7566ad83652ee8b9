from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sessions_app import actions
from sessions_app.event_file import EventFileError, load_event_file
from sessions_app.models import Event, Participant

DEMO_FILE = Path(settings.BASE_DIR) / "demo" / "oocamp-2012.zip"
DEMO_PASSWORD = "oocamp2012"


class Command(BaseCommand):
    help = "Load the demo event once and make its first organiser an account that can sign in."

    def handle(self, *args, **options) -> None:
        event = Event.objects.filter(slug="oocamp-2012").first()
        if event is None:
            try:
                with load_event_file(DEMO_FILE) as event_file:
                    event = actions.import_event(event_file)
            except EventFileError as error:
                raise CommandError("The demo file cannot be read:\n" + str(error)) from None
            self.stdout.write(f"Loaded the demo event “{event.name}”.")
        organiser = (
            event.participants.filter(role=Participant.Role.ORGANISER)
            .select_related("user")
            .order_by("id")
            .first()
        )
        if organiser is None:
            raise CommandError("The demo event has no organiser.")
        user = organiser.user
        if not user.has_usable_password():
            actions.give_demo_password(user=user, password=DEMO_PASSWORD)
        self.stdout.write(
            self.style.SUCCESS("\nOOcamp is ready.")
            + f"\n  Demo event:  http://127.0.0.1:8000{event.get_absolute_url()}"
            + "\n  Sign in at:  http://127.0.0.1:8000/accounts/login/"
            + f"\n  Organiser:   {user.get_username()}"
            + f"\n  Password:    {DEMO_PASSWORD}   (unless you changed it)"
            + "\n  Admin:       http://127.0.0.1:8000/admin/\n"
        )
