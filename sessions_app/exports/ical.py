"""The grid as iCalendar (RFC 5545), for calendar apps that subscribe to it: the whole event,
one session, or one participant's own sessions.

- UIDs are the schedule GUIDs (exports/frab.py), so they never change when a session moves.
- SEQUENCE is `Session.schedule_sequence`, raised by the grid actions whenever a session changes
  room or time (actions._bump_schedule_sequence); LAST-MODIFIED and DTSTAMP are the session's
  `updated_at`, which those actions move along. Both rise, so apps that import one .ics and
  compare SEQUENCE (Outlook) update the entry instead of calling it out of date.
- Times are local, with TZID and a VTIMEZONE built from the zone database, as Giggity and
  every calendar read best. A wall-clock time that a clock change makes ambiguous or
  non-existent is written in UTC instead: with TZID it would mean the first occurrence.
- Every calendar carries the VTIMEZONE of the event's zone, also one without events (a
  personal feed before publication): khal and vdirsyncer refuse a calendar with nothing in it,
  and an app that subscribes early learns the zone before the first session arrives.
- No METHOD: a feed is a published calendar, not an iTIP message, and libical's iTIP check
  refuses `METHOD:PUBLISH` without an ORGANIZER, which a programme has none of.
- The text is cleaned as in the schedule feeds; the library escapes and folds it.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote, urlencode

from django.utils.translation import gettext as _
from icalendar import Calendar, Timezone
from icalendar import Event as VEvent

from sessions_app.exports.frab import Item, Programme, clean_line

PRODID = "-//OOcamp//Feeds//EN"
REFRESH = timedelta(minutes=15)  # how often subscribed apps should ask again on the day


def ical_time(moment: datetime, programme: Programme) -> datetime:
    """`moment` as the local time it is at the event, or in UTC when the local wall-clock time
    does not name it unambiguously (a clock change)."""
    local = moment.astimezone(programme.tz)
    first = local.replace(fold=0)
    if first.astimezone(UTC) != moment.astimezone(UTC) or (
        first.replace(fold=1).utcoffset() != first.utcoffset()
    ):
        return moment.astimezone(UTC)
    return first


def _description(item: Item) -> str:
    lines = []
    if item.persons:
        lines.append(
            _("Hosts: %(names)s") % {"names": ", ".join(person.name for person in item.persons)}
        )
    if item.abstract:
        lines.append(item.abstract)
    if item.url:
        lines.append(item.url)
    return "\n\n".join(lines)


def _vevent(item: Item, programme: Programme, fallback: datetime) -> VEvent:
    modified = (item.modified or fallback).astimezone(UTC).replace(microsecond=0)
    vevent = VEvent()
    vevent.add("uid", f"{item.guid}@oocamp")
    vevent.add("dtstamp", modified)
    vevent.add("last-modified", modified)
    vevent.add("sequence", item.sequence)
    vevent.add("dtstart", ical_time(item.start, programme))
    vevent.add("dtend", ical_time(item.end, programme))
    vevent.add("summary", item.title)
    location = ", ".join(part for part in (item.room.name, programme.venue) if part)
    vevent.add("location", location)
    vevent.add("description", _description(item))
    if item.url:
        vevent.add("url", item.url)
    categories = [item.type, *item.themes]
    vevent.add("categories", [clean_line(c).replace(",", " ") for c in categories if c])
    vevent.add("status", "CONFIRMED")
    vevent.add("transp", "OPAQUE")
    return vevent


def calendar(
    programme: Programme, items: Iterable[Item], *, name: str, fallback: datetime
) -> bytes:
    """A VCALENDAR of `items`; `fallback` is the LAST-MODIFIED of an item that has none."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("name", clean_line(name))
    cal.add("x-wr-calname", clean_line(name))
    cal.add("x-wr-timezone", programme.time_zone)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT15M")  # the same, as Outlook reads it
    for item in items:
        cal.add_component(_vevent(item, programme, fallback))
    first, last = programme.days[0], programme.days[-1]
    last_date = min(days_from(last, 366), ZONE_RULES_UNTIL)
    first_date = min(days_from(first, -366), last_date)
    with suppress(OverflowError):  # the zone's rules at the calendar's edge: times stay readable
        cal.add_missing_timezones(first_date=first_date, last_date=last_date)
        if programme.time_zone != "UTC" and programme.time_zone not in {
            str(zone["tzid"]) for zone in cal.walk("VTIMEZONE")
        }:  # no event names the zone yet: the calendar still says where it happens
            cal.add_component(
                Timezone.from_tzid(programme.time_zone, first_date=first_date, last_date=last_date)
            )
    return cal.to_ical()


@dataclass(frozen=True)
class Subscription:
    """Where to subscribe to one calendar feed, one link per kind of calendar app."""

    url: str  # http(s), for "add by URL"
    webcal: str  # Apple, Thunderbird, most phones: the app asks to subscribe
    google: str  # Google Calendar's "add by URL", filled in
    outlook: str  # Outlook.com's "subscribe from web", filled in


def subscription(url: str, name: str) -> Subscription:
    """The links that subscribe to the feed at `url` (absolute), named `name` in Outlook.
    Google takes the webcal address (it then subscribes rather than imports once); Outlook
    takes the address as it is."""
    webcal = "webcal://" + url.split("://", 1)[1]
    return Subscription(
        url=url,
        webcal=webcal,
        google="https://calendar.google.com/calendar/render?"
        + urlencode({"cid": webcal}, quote_via=quote),
        outlook="https://outlook.live.com/calendar/0/addfromweb?"
        + urlencode({"url": url, "name": clean_line(name)}, quote_via=quote),
    )


# icalendar steps through the zone's rules beyond `last_date`: stop a year short of the end
# of the calendar (only events dated there from before dates were checked come near it)
ZONE_RULES_UNTIL = date(9998, 12, 31)


def days_from(day: date, days: int) -> date:
    """`day` plus `days`, held at the calendar's first or last day (an event dated year 1 or
    9999 from before dates were checked must not break its feeds)."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.min if days < 0 else date.max
