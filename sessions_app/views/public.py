"""Pages anyone may see, signed in or not."""

from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sessions_app.access import event_view
from sessions_app.models import Event, Session
from sessions_app.views import HtmxHttpRequest


@require_GET
@login_not_required
def home(request: HtmxHttpRequest) -> HttpResponse:
    events = Event.objects.exclude(phase=Event.Phase.ARCHIVED).order_by("date", "name")
    past = Event.objects.filter(phase=Event.Phase.ARCHIVED).order_by("-date", "name")
    return render(request, "public/home.html", {"events": events, "past_events": past})


@require_GET
@login_not_required
@event_view
def event(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    counts = Event.objects.filter(pk=event.pk).aggregate(
        participants=Count("participants", distinct=True),
        sessions=Count(
            "sessions", filter=~Q(sessions__status=Session.Status.WITHDRAWN), distinct=True
        ),
    )
    return render(request, "public/event.html", {"event": event, "counts": counts})
