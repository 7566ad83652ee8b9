"""`manage.py setup_demo`: the two demo events, ready to show (`python3 dev.py run` calls it).

- OOcamp 2012 (demo/oocamp-2012.zip), a finished camp: its grid published and archived, session
  reports, slides, a synthesis per theme and the event report published. Its PDF and ZIP are
  built here, in this process, so the report downloads without a worker.
- OOcamp vandaag (demo/oocamp-vandaag.zip), a camp that is on today: voting open, proposals and
  votes, no grid yet, for the pitch round, the scheduler and the grid editor. Every run moves it
  to the day it runs (its slots keep their hours).

Both are imported once, through the actions like any event file; the first organiser of 2012,
who organises the live camp too (the same e-mail address, so the same account), gets the demo
password. Running it again changes nothing but the live camp's day, and prints the same on
standard output (what it did goes to standard error)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils import timezone

from sessions_app import actions
from sessions_app.event_file import EventFileError, load_event_file
from sessions_app.models import Event, Participant, ReportBuild

DEMO_DIR = Path(settings.BASE_DIR) / "demo"
CAMP = ("oocamp-2012", DEMO_DIR / "oocamp-2012.zip")
TODAY = ("oocamp-vandaag", DEMO_DIR / "oocamp-vandaag.zip")
DEMO_PASSWORD = "oocamp2012"


class Command(BaseCommand):
    help = (
        "Load the two demo events once (the finished OOcamp 2012 with its report built, and a "
        "camp on today), move the second to today, and give their organiser a password."
    )

    def handle(self, *args, **options) -> None:
        camp = self.load(*CAMP)
        today = self.load(*TODAY)
        day = timezone.localdate(timezone=today.tz)
        if today.date != day:
            today.date = day
            actions.update_event(event=today)  # the slots move along, at the same hours
            self.note(f"Moved “{today.name}” to today, {day:%Y-%m-%d}.")
        report = self.report(camp)
        organiser = (
            camp.participants.filter(role=Participant.Role.ORGANISER)
            .select_related("user")
            .order_by("id")
            .first()
        )
        if organiser is None:
            raise CommandError("The demo event has no organiser.")
        user = organiser.user
        if not user.has_usable_password():
            actions.give_demo_password(user=user, password=DEMO_PASSWORD)
        base = settings.OOCAMP_BASE_URL.rstrip("/")
        report_url = reverse("public:event-report", kwargs={"slug": camp.slug})
        self.stdout.write(
            self.style.SUCCESS("\nOOcamp is ready.")
            + f"\n  Finished event:  {base}{camp.get_absolute_url()}"
            + "   (grid, session reports, slides)"
            + f"\n  Its report:      {base}{report_url}   ({report})"
            + f"\n  Event today:     {base}{today.get_absolute_url()}"
            + "   (voting, pitch round, grid editor)"
            + f"\n  Sign in at:      {base}/accounts/login/"
            + f"\n  Organiser:       {user.get_username()}   (of both events)"
            + f"\n  Password:        {DEMO_PASSWORD}   (unless you changed it)"
            + f"\n  Admin:           {base}/admin/\n"
        )

    def load(self, slug: str, path: Path) -> Event:
        event = Event.objects.filter(slug=slug).first()
        if event is not None:
            return event
        try:
            with load_event_file(path) as event_file:
                event = actions.import_event(event_file)
        except EventFileError as error:
            raise CommandError(f"The demo file {path.name} cannot be read:\n{error}") from None
        self.note(f"Loaded the demo event “{event.name}”.")
        return event

    def report(self, event: Event) -> str:
        """Build the event report's PDF and ZIP unless they are built; say how they stand."""
        if not event.report_published:
            return "not published"
        builds = actions.build_report_now(event=event)
        failed = [b for b in builds if b.status != ReportBuild.Status.DONE]
        if failed:
            kinds = " and ".join(b.kind.upper() for b in failed)
            self.stderr.write(
                f"The demo report's {kinds} could not be built; its page says why, and an "
                "organiser can build it again there."
            )
            return f"{kinds} not built"
        return "PDF and ZIP ready"

    def note(self, message: str) -> None:
        """What this run did, on standard error: standard output stays the same every run."""
        self.stderr.write(message, style_func=lambda text: text)
