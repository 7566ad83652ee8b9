"""The back office: everything an organiser may need to fix by hand, with search and filters."""

from django.contrib import admin
from django.db.models import Count, QuerySet
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


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0


class PlacementInline(admin.StackedInline):
    model = Placement
    extra = 0


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "status", "event", "vote_count"]
    list_filter = ["event", "kind", "status", "themes"]
    search_fields = ["title", "description", "hostings__participant__name"]
    filter_horizontal = ["themes", "unavailable_slots"]
    inlines = [HostInline, PlacementInline, AttachmentInline]
    list_select_related = ["event"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Session]:
        return super().get_queryset(request).annotate(vote_total=Count("votes", distinct=True))

    @admin.display(description=_("votes"), ordering="vote_total")
    def vote_count(self, session: Session) -> int:
        return session.vote_total


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
