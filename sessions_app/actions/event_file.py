"""Importing an event file: the event, its frame, people, sessions, votes and grid written
in one transaction, after `sessions_app.event_file` found no problem in the whole file (it
reads, checks and exports the file; this writes it). Attachment files and the cover picture
are stored as the file carries them; an attachment's type and size are read from its bytes,
and PDF thumbnails are rendered again once the import has committed."""

from __future__ import annotations

import io
import uuid
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, IntegrityError, transaction

from sessions_app import uploads
from sessions_app.actions.attachments import _thumbnail_now_or_later
from sessions_app.actions.follows import follow_votes
from sessions_app.event_file import EventFile, EventFileError, Plan, check_document
from sessions_app.models import (
    Attachment,
    Event,
    EventPhase,
    Follow,
    Host,
    Participant,
    Placement,
    Room,
    Session,
    Slot,
    Theme,
    Vote,
)


def import_event(event_file: EventFile) -> Event:
    """Check the whole file, then write it in one transaction. Nothing is written when any
    problem is found; stored attachment files are removed again if the transaction fails."""
    plan = check_document(event_file)
    stored: list[str] = []
    try:
        with transaction.atomic():
            event = _write(plan, event_file, stored)
    except EventFileError:
        _delete_files(stored)
        raise
    except IntegrityError as error:
        _delete_files(stored)
        raise EventFileError(
            [f"(database): the file conflicts with data already here: {error}"]
        ) from error
    except DatabaseError as error:  # a value the checks let through and the database did not
        _delete_files(stored)
        raise EventFileError([f"(database): a value does not fit: {error}"]) from error
    except BaseException:
        _delete_files(stored)
        raise
    # thumbnails are not in the file: drawn again from the PDFs, as for an upload
    pdfs = Attachment.objects.filter(session__event=event, content_type=uploads.PDF.content_type)
    for attachment in pdfs.select_related("session"):
        _thumbnail_now_or_later(attachment)
    return event


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def _write(plan: Plan, event_file: EventFile, stored: list[str]) -> Event:
    # votes can only be cast while voting is open (a database rule): the event is written
    # in that phase and gets its own phase once its votes are in
    event = Event.objects.create(**{**plan.event, "phase": EventPhase.VOTING})
    if plan.cover:  # under the model's own name (covers/<event>/...): the event has its pk now
        event.cover.save(
            f"cover.{plan.cover.file_type.extension}", ContentFile(plan.cover.data), save=False
        )
        stored.append(event.cover.name)
    rooms = Room.objects.bulk_create(
        Room(event=event, name=r["name"], capacity=r["capacity"], order=i)
        for i, r in enumerate(plan.rooms)
    )
    room_by_key = {r["key"]: room for r, room in zip(plan.rooms, rooms, strict=True)}
    slot_by_key = {}
    for s in plan.slots:  # one by one: the database checks each against the others
        slot_by_key[s["key"]] = Slot.objects.create(
            event=event, start=s["start"], end=s["end"], kind=s["kind"], label=s["label"]
        )
    participant_by_key = {
        p["key"]: Participant.objects.create(
            event=event,
            user=_user_for(p),
            name=p["name"],
            email=p["email"],
            organisation=p["organisation"],
            role=p["role"],
            language=p["language"],
        )
        for p in plan.participants
    }
    themes = Theme.objects.bulk_create(
        Theme(event=event, name=t["name"], synthesis=t["synthesis"]) for t in plan.themes
    )
    theme_by_key = {t["key"]: theme for t, theme in zip(plan.themes, themes, strict=True)}
    session_by_key: dict[str, Session] = {}
    hosts, session_themes, unavailable, note_takers, attachments = [], [], [], [], []
    for s in plan.sessions:
        session = Session.objects.create(
            event=event,
            kind=s["kind"],
            title=s["title"],
            description=s["description"] or "",
            status=s["status"],
            report=s["report"] or "",
            held=s["held"],
            hidden=s["hidden"],
        )
        session_by_key[s["key"]] = session
        hosts += [
            Host(session=session, participant=participant_by_key[k], order=i)
            for i, k in enumerate(s["hosts"])
        ]
        session_themes += [
            Session.themes.through(session=session, theme=theme_by_key[k]) for k in s["themes"]
        ]
        unavailable += [
            Session.unavailable_slots.through(session=session, slot=slot_by_key[k])
            for k in s["unavailable_slots"]
        ]
        note_takers += [
            Session.note_takers.through(session=session, participant=participant_by_key[k])
            for k in s["note_takers"]
        ]
        for i, a in enumerate(s["attachments"]):
            attachment = Attachment(
                session=session,
                kind=a["kind"],
                title=a["title"],
                url=a["url"] or "",
                order=i,
                uploaded_by=participant_by_key[a["uploaded_by"]] if a["uploaded_by"] else None,
            )
            if a["file"]:
                data = event_file.read(a["file"], settings.OOCAMP_MAX_ATTACHMENT_BYTES)
                # served with the type read from its bytes, as an upload is (none: a download)
                try:
                    file_type = uploads.sniff(io.BytesIO(data))
                except uploads.ZipBomb:
                    file_type = None
                attachment.content_type = file_type.content_type if file_type else ""
                attachment.size = len(data)
                suffix = PurePosixPath(a["file"]).suffix.lower()[:10]
                name = f"attachments/{event.pk}/{uuid.uuid4().hex}{suffix}"
                saved = default_storage.save(name, ContentFile(data))
                stored.append(saved)
                attachment.file.name = saved
            attachments.append(attachment)
    Host.objects.bulk_create(hosts)
    Session.themes.through.objects.bulk_create(session_themes)
    Session.unavailable_slots.through.objects.bulk_create(unavailable)
    Session.note_takers.through.objects.bulk_create(note_takers)
    merged = []
    for s in plan.sessions:
        if s["merged_into"]:
            session_by_key[s["key"]].merged_into = session_by_key[s["merged_into"]]
            merged.append(session_by_key[s["key"]])
    Session.objects.bulk_update(merged, ["merged_into"])
    Attachment.objects.bulk_create(attachments)
    Vote.objects.bulk_create(
        Vote(participant=participant_by_key[who], session=session_by_key[what])
        for who, what in plan.votes
    )
    Placement.objects.bulk_create(
        Placement(
            session=session_by_key[p["session"]],
            room=room_by_key[p["room"]],
            slot=slot_by_key[p["slot"]],
            pinned=p["pinned"],
        )
        for p in plan.placements
    )
    event.phase = plan.event["phase"]
    event.save(update_fields=["phase", "cover"])
    if plan.follows is not None:
        Follow.objects.bulk_create(
            Follow(participant=participant_by_key[who], session=session_by_key[what])
            for who, what in plan.follows
        )
    elif event.grid_published:
        # a file from before follows: its event was published when votes still stood for
        # follows, so they become follows now, as they would have at publication
        follow_votes(event)
    return event


def _user_for(participant: dict[str, Any]) -> Any:
    """The same person (same email) keeps one account across events; others get a new one
    without a password (participants sign in with a link)."""
    User = get_user_model()
    email = participant["email"]
    if email:
        existing = User.objects.filter(email__iexact=email).order_by("id").first()
        if existing:
            return existing
    username = email.lower() if email else ""
    max_length = User._meta.get_field("username").max_length
    assert max_length is not None  # the account model's username has one
    if (
        not username
        or len(username) > max_length
        or User.objects.filter(username=username).exists()
    ):
        username = f"p-{uuid.uuid4().hex[:12]}"
    first, _space, last = participant["name"].partition(" ")
    user = User(username=username, email=email, first_name=first[:150], last_name=last[:150])
    user.set_unusable_password()
    user.save()
    return user
