"""The back office: everything an organiser may need to fix by hand, with search and filters."""

from collections.abc import Mapping
from typing import Any, cast

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from sessions_app.models import (
    Attachment,
    Event,
    Host,
    Participant,
    Placement,
    Room,
    Session,
    SessionQuerySet,
    Slot,
    Theme,
    Vote,
)


class RoomInline(admin.TabularInline):
    model = Room
    extra = 0


class SlotInline(admin.TabularInline):
    model = Slot
    extra = 0


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "date", "venue", "language", "phase", "votes_per_participant"]
    list_filter = ["phase", "language", "date"]
    search_fields = ["name", "slug", "venue"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "date"
    inlines = [RoomInline, SlotInline]


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["name", "event", "capacity", "order"]
    list_filter = ["event"]
    search_fields = ["name", "event__name"]
    list_editable = ["capacity", "order"]


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    list_display = ["__str__", "event", "start", "end", "kind", "label"]
    list_filter = ["event", "kind"]
    search_fields = ["label", "event__name"]
    list_select_related = ["event"]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "email", "role", "event", "joined_at"]
    list_filter = ["event", "role"]
    search_fields = ["name", "organisation", "email", "user__username"]
    list_select_related = ["event", "user"]
    autocomplete_fields = ["user"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "event"]
    list_filter = ["event"]
    search_fields = ["name", "synthesis"]


class HostInline(admin.TabularInline):
    model = Host
    extra = 0
    autocomplete_fields = ["participant"]


# Links are https unless they say otherwise (Django 6's default, asked for explicitly).
LINK_FIELDS: Mapping[type[models.Field], Mapping[str, Any]] = {
    models.URLField: {"assume_scheme": "https"}
}


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    formfield_overrides = LINK_FIELDS


def _event_of(request: HttpRequest, model_admin: admin.ModelAdmin) -> int | None:
    """The event of the session being edited, so its slot and room lists show only that event."""
    object_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
    if object_id is None:
        return None
    return Session.objects.filter(pk=object_id).values_list("event_id", flat=True).first()


class PlacementInline(admin.StackedInline):
    model = Placement
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        event_id = _event_of(request, self)
        if db_field.name == "slot":
            slots = Slot.objects.select_related("event").filter(kind=Slot.Kind.SESSIONS)
            kwargs["queryset"] = slots.filter(event_id=event_id) if event_id else slots
        elif db_field.name == "room":
            rooms = Room.objects.all()
            kwargs["queryset"] = rooms.filter(event_id=event_id) if event_id else rooms
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "status", "event", "vote_count"]
    list_filter = ["event", "kind", "status", "themes"]
    search_fields = ["title", "description", "hostings__participant__name"]
    filter_horizontal = ["themes", "unavailable_slots"]
    autocomplete_fields = ["note_takers"]  # a search: a select of every participant is too long
    inlines = [HostInline, PlacementInline, AttachmentInline]
    list_select_related = ["event"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Session]:
        return cast(SessionQuerySet, super().get_queryset(request)).with_vote_count()

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        event_id = _event_of(request, self)
        if db_field.name == "unavailable_slots":
            slots = Slot.objects.select_related("event")
            kwargs["queryset"] = slots.filter(event_id=event_id) if event_id else slots
        elif db_field.name == "themes" and event_id:
            kwargs["queryset"] = Theme.objects.filter(event_id=event_id)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("votes"), ordering="vote_count")
    def vote_count(self, session: Session) -> int:
        return session.vote_count


@admin.register(Vote)
class VoteAdmin(admin.ModelAdmin):
    list_display = ["participant", "session", "created_at"]
    list_filter = ["session__event"]
    search_fields = ["participant__name", "session__title"]
    list_select_related = ["participant", "session"]
    autocomplete_fields = ["participant", "session"]


@admin.register(Placement)
class PlacementAdmin(admin.ModelAdmin):
    list_display = ["session", "room", "slot", "pinned"]
    list_filter = ["session__event", "pinned", "room"]
    search_fields = ["session__title", "room__name"]
    list_select_related = ["session", "room", "slot__event"]
    autocomplete_fields = ["session"]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    formfield_overrides = LINK_FIELDS
    list_display = ["title", "kind", "session", "created_at"]
    list_filter = ["kind", "session__event"]
    search_fields = ["title", "session__title", "url"]
    list_select_related = ["session"]
    autocomplete_fields = ["session"]


@admin.register(Host)
class HostAdmin(admin.ModelAdmin):
    list_display = ["participant", "session", "order"]
    list_filter = ["session__event"]
    search_fields = ["participant__name", "session__title"]
    list_select_related = ["participant", "session"]
    autocomplete_fields = ["participant", "session"]
