"""The grid's change log as an Atom feed (RFC 4287), for feed readers and schedule apps that
want to know what changed since they last looked. In the event's language, like the other
feeds: it reads the same for every visitor.

Each entry is one `SessionChange`: its id is a tag URI made of the host, the day the change
was made and the row's id, so it never changes and never repeats; updated is when the change
was made. The feed's updated is its newest change or the event's last change (its name, its
phase, its grid), whichever is later, so that the same log gives the same bytes (and ETag) on
every request and process, and Last-Modified never goes back.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlsplit

from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from sessions_app import change_log
from sessions_app.models import Event, SessionChange

ATOM = "application/atom+xml; charset=utf-8"


class _ChangeFeed(Atom1Feed):
    """Django's Atom feed with a fixed `updated` when it has no entries (Django's default
    is the current time, which would make every request a new feed), and each entry's
    description as plain-text `content` (Django writes it as an HTML `summary`, where a
    title's "&" or "<" would be read as markup)."""

    def latest_post_date(self) -> datetime:
        return self.feed["updated"]

    def add_item_elements(self, handler, item) -> None:
        super().add_item_elements(handler, {**item, "description": None})
        handler.addQuickElement("content", item["description"], {"type": "text"})


def updated(event: Event, changes: list[SessionChange]) -> datetime:
    """When the log last changed: its newest change, or the event (its name, its phase)."""
    return max([event.updated_at, *(c.created_at for c in changes[:1])])


def entry_id(host: str, change: SessionChange) -> str:
    return f"tag:{host},{change.created_at:%Y-%m-%d}:{change.event_id}/changes/{change.pk}"


def atom(
    event: Event,
    changes: list[SessionChange],
    *,
    page_url: str,
    feed_url: str,
    session_url: Callable[[SessionChange], str],
) -> bytes:
    """The feed, newest change first, with absolute URLs (`session_url(change)`)."""
    host = urlsplit(feed_url).hostname or "localhost"
    feed = _ChangeFeed(
        title=_("%(event)s: changes to the grid") % {"event": event.name},
        link=page_url,
        description="",
        language=event.language,
        feed_url=feed_url,
        feed_guid=feed_url,
        author_name=event.name,
        updated=updated(event, changes),
    )
    for change in changes:
        text = change_log.sentence(event, change)
        feed.add_item(
            title=text,
            link=session_url(change),
            description=text,
            unique_id=entry_id(host, change),
            pubdate=change.created_at,
            updateddate=change.created_at,
        )
    out = io.StringIO()
    feed.write(out, "utf-8")
    return out.getvalue().encode()
