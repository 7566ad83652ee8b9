"""Wall-clock times on a day in an event's time zone, and the ones that a clock change makes
impossible: a time inside the hour that is skipped when the clocks go forward does not exist,
and a time inside the hour that is lived twice when they go back names two moments.

Slots are kept as moments (UTC in the database) and shown and typed as wall-clock times; a
slot at such a time would land an hour off, end before it starts or overlap its neighbour.
Forms and actions ask `problem()` first and refuse with its words, so nothing changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.formats import date_format
from django.utils.translation import gettext as _

STEP = timedelta(minutes=1)
LONGEST_CHANGE = timedelta(hours=3)  # the largest clock change in the zone database is 2 h


class ClockProblem(Exception):
    """`moment` (naive, wall-clock) is skipped (`gap`) or lived twice in `tz`; `first` is the
    first wall-clock minute of the skipped or doubled stretch, `after` the first one after it."""

    def __init__(
        self, *, moment: datetime, tz: ZoneInfo, gap: bool, first: datetime, after: datetime
    ) -> None:
        super().__init__(moment, tz.key, gap)
        self.moment, self.tz, self.gap, self.first, self.after = moment, tz, gap, first, after

    def __str__(self) -> str:
        words = {
            "time": f"{self.moment:%H:%M}",
            "day": date_format(self.moment.date(), "DATE_FORMAT"),
            "from": f"{self.first:%H:%M}",
            "to": f"{self.after:%H:%M}",
            "zone": self.tz.key,
        }
        if self.gap:
            return (
                _(
                    "%(time)s does not exist on %(day)s in %(zone)s: the clocks go forward "
                    "from %(from)s to %(to)s. Choose a time outside %(from)s–%(to)s."
                )
                % words
            )
        return (
            _(
                "%(time)s happens twice on %(day)s in %(zone)s: the clocks go back from "
                "%(to)s to %(from)s. Choose a time outside %(from)s–%(to)s."
            )
            % words
        )


def _kind(naive: datetime, tz: ZoneInfo) -> str | None:
    """ "gap", "fold" or None (the wall-clock time names one moment)."""
    early, late = naive.replace(tzinfo=tz, fold=0), naive.replace(tzinfo=tz, fold=1)
    if early.utcoffset() == late.utcoffset():
        return None
    back = early.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    return "gap" if back != naive else "fold"


def problem(naive: datetime, tz: ZoneInfo) -> ClockProblem | None:
    """Why the wall-clock time `naive` cannot be a slot's start or end in `tz`, or None."""
    try:
        kind = _kind(naive, tz)
    except OverflowError:  # at the very edge of the calendar: not a clock change
        return None
    if kind is None:
        return None
    first, after = naive, naive + STEP
    while naive - first < LONGEST_CHANGE and _kind(first - STEP, tz) == kind:
        first -= STEP
    while after - naive < LONGEST_CHANGE and _kind(after, tz) == kind:
        after += STEP
    return ClockProblem(moment=naive, tz=tz, gap=kind == "gap", first=first, after=after)


def aware(day: date, wall_clock: time, tz: ZoneInfo) -> datetime:
    """`wall_clock` on `day` in `tz` as a moment; `ClockProblem` if a clock change makes that
    time skipped or doubled."""
    naive = datetime.combine(day, wall_clock.replace(tzinfo=None))
    if found := problem(naive, tz):
        raise found
    return naive.replace(tzinfo=tz)


def moved(naive: datetime, tz: ZoneInfo) -> datetime:
    """The moment of an already combined wall-clock time (see `aware`)."""
    if found := problem(naive, tz):
        raise found
    return naive.replace(tzinfo=tz)
