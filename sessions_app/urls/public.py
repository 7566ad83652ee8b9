"""Pages anyone may see, signed in or not (`public:`): the events, joining, signing in by
link, a session's page, the grid, now & next, slides, the event report and the feeds."""

from django.conf import settings
from django.urls import path

from sessions_app.views import attachments, changes, event_report, feeds, health, offline, public

app_name = "public"


def media_prefix() -> str:
    """MEDIA_URL as a URL pattern prefix ("media/"), so `thumbnail.url` resolves to our view."""
    prefix = settings.MEDIA_URL
    return "media/" if "//" in prefix else prefix.strip("/") + "/"


urlpatterns = [
    path("healthz", health.healthz, name="healthz"),  # before the event slugs
    path("", public.home, name="home"),
    # the installable app and its service worker, from the root so that it may keep every page
    path("sw.js", offline.service_worker, name="service-worker"),
    path("manifest.webmanifest", offline.manifest, name="manifest"),
    path("join/", public.join_with_code, name="join-with-code"),
    path("signin/", public.sign_in_request, name="sign-in-request"),
    path("signin/<str:token>/", public.sign_in, name="sign-in"),
    # an event and its pages
    path("<slug:slug>/", public.event, name="event"),
    path("<slug:slug>/join/", public.join, name="join"),
    path("<slug:slug>/sessions/<int:pk>/", public.session, name="session"),
    path("<slug:slug>/manifest.webmanifest", offline.event_manifest, name="event-manifest"),
    path("<slug:slug>/offline/", offline.offline_page, name="offline"),
    path("<slug:slug>/grid/", public.grid, name="grid"),
    path("<slug:slug>/grid/version", public.grid_version, name="grid-version"),
    path("<slug:slug>/pitch/version", public.pitch_version, name="pitch-version"),
    path("<slug:slug>/now/", public.now_and_next, name="now"),
    # what changed in the published grid, for people and for feed readers
    path("<slug:slug>/changes/", changes.changes, name="changes"),
    path("<slug:slug>/changes.atom", changes.changes_atom, name="changes-atom"),
    # slides and links hosts added to their sessions
    path("<slug:slug>/attachments/<int:pk>/", attachments.download, name="attachment"),
    path(
        f"{media_prefix()}attachments/<int:event_id>/thumbs/<str:name>",
        attachments.thumbnail,
        name="attachment-thumbnail",
    ),
    # the event report
    path("<slug:slug>/report/", event_report.event_report, name="event-report"),
    path("<slug:slug>/report/cover/", event_report.cover_picture, name="event-report-cover"),
    path(
        "<slug:slug>/report/download/<str:kind>/",
        event_report.event_report_file,
        name="event-report-file",
    ),
    # feeds: the programme for calendars, schedule apps and spreadsheets
    path("<slug:slug>/feeds/", feeds.feeds, name="feeds"),
    path("<slug:slug>/schedule.xml", feeds.schedule_xml, name="schedule-xml"),
    path("<slug:slug>/schedule.json", feeds.schedule_json, name="schedule-json"),
    path("<slug:slug>/schedule.ics", feeds.schedule_ics, name="schedule-ics"),
    path("<slug:slug>/sessions/<int:pk>/calendar.ics", feeds.session_ics, name="session-ics"),
    path("<slug:slug>/calendar/<str:token>.ics", feeds.personal_ics, name="personal-ics"),
    path("<slug:slug>/sessions.csv", feeds.sessions_csv, name="sessions-csv"),
    path("<slug:slug>/votes.csv", feeds.votes_csv, name="votes-csv"),
]
