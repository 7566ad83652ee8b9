"""The event's organisers' pages (`organiser:`), all under `<event>/organise/` but the page that
creates an event: people and the door, the grid, the pitch round, the event's settings and
frame, print, the event report, the follow-up board, themes and texts, exports."""

from django.urls import path

from sessions_app.views import event_report, feeds, texts
from sessions_app.views.organiser import (
    desk,
    event,
    follow_up,
    grid_editor,
    paper,
    people,
    pitch,
    replan,
    themes,
)

app_name = "organiser"

urlpatterns = [
    # people: the join poster, the team, merging and hiding proposals
    path("<slug:slug>/organise/poster/", people.poster, name="poster"),
    path("<slug:slug>/organise/join-qr.svg", people.join_qr, name="join-qr"),
    path("<slug:slug>/organise/team/", people.team, name="team"),
    path("<slug:slug>/organise/sessions/<int:pk>/merge/", people.merge, name="merge"),
    path("<slug:slug>/organise/sessions/<int:pk>/hide/", people.hide, name="hide"),
    # the desk: signing people in at the door
    path("<slug:slug>/organise/desk/", desk.desk, name="desk"),
    path("<slug:slug>/organise/desk/<int:pk>/link/", desk.desk_link, name="desk-link"),
    path(
        "<slug:slug>/organise/desk/<int:pk>/link/print/",
        desk.desk_link_print,
        name="desk-print",
    ),
    # the grid editor, its history and the planner's proposals
    path("<slug:slug>/organise/grid/", grid_editor.editor, name="grid"),
    path("<slug:slug>/organise/grid/move/", grid_editor.move, name="move"),
    path("<slug:slug>/organise/grid/pin/", grid_editor.pin, name="pin"),
    path("<slug:slug>/organise/grid/undo/", grid_editor.undo, name="undo"),
    path("<slug:slug>/organise/history/", grid_editor.history, name="history"),
    path("<slug:slug>/organise/history/restore/", grid_editor.restore, name="restore"),
    path("<slug:slug>/organise/grid/propose/", grid_editor.propose_grid, name="propose-grid"),
    path(
        "<slug:slug>/organise/grid/propose/start/",
        grid_editor.start_proposal,
        name="start-proposal",
    ),
    path(
        "<slug:slug>/organise/grid/propose/discard/",
        grid_editor.discard_proposal,
        name="discard-proposal",
    ),
    path("<slug:slug>/organise/grid/accept/", grid_editor.accept_grid, name="accept-grid"),
    # re-planning the rest of the day, once the grid is published
    path("<slug:slug>/organise/grid/replan/", replan.replan, name="replan"),
    path("<slug:slug>/organise/grid/replan/accept/", replan.accept, name="replan-accept"),
    # the pitch round
    path("<slug:slug>/organise/pitch/", pitch.moderator, name="pitch"),
    path("<slug:slug>/organise/pitch/step/", pitch.step, name="pitch-step"),
    path("<slug:slug>/organise/pitch/seconds/", pitch.seconds, name="pitch-seconds"),
    path("<slug:slug>/organise/pitch/requeue/", pitch.requeue, name="pitch-requeue"),
    path("<slug:slug>/organise/pitch/beamer/", pitch.beamer, name="pitch-beamer"),
    # the event: creating it, its dashboard, phase, settings, rooms and slots
    path("organise/new/", event.create_event, name="create-event"),
    path("<slug:slug>/organise/", event.dashboard, name="dashboard"),
    path("<slug:slug>/organise/phase/", event.phase, name="phase"),
    path("<slug:slug>/organise/settings/", event.edit_event, name="edit-event"),
    path("<slug:slug>/organise/frame/", event.frame, name="frame"),
    path("<slug:slug>/organise/frame/copy/", event.copy_frame, name="copy-frame"),
    # print: door signs and session cards
    path("<slug:slug>/organise/print/", paper.paper_page, name="paper"),
    path("<slug:slug>/organise/print/door-signs.pdf", paper.door_signs, name="door-signs"),
    path(
        "<slug:slug>/organise/print/door-signs/<int:room_id>.pdf",
        paper.door_signs,
        name="door-sign",
    ),
    path(
        "<slug:slug>/organise/print/session-cards.pdf",
        paper.session_cards,
        name="session-cards",
    ),
    # the event report
    path("<slug:slug>/organise/report/publish/", event_report.publish, name="report-publish"),
    path("<slug:slug>/organise/report/build/", event_report.build, name="report-build"),
    path("<slug:slug>/organise/report/progress/", event_report.progress, name="report-progress"),
    path("<slug:slug>/organise/report/cover/", event_report.cover, name="report-cover"),
    # the follow-up board: getting slides and reports in after the event
    path("<slug:slug>/organise/material/", follow_up.board, name="material"),
    path("<slug:slug>/organise/material/links/", follow_up.send_links, name="send-host-links"),
    path("<slug:slug>/organise/material/remind/", follow_up.remind, name="remind-hosts"),
    path("<slug:slug>/organise/material/<int:pk>/held/", follow_up.set_held, name="set-held"),
    path(
        "<slug:slug>/organise/material/<int:pk>/resend/",
        follow_up.resend_links,
        name="resend-host-links",
    ),
    path(
        "<slug:slug>/organise/material/<int:pk>/revoke/",
        follow_up.revoke_links,
        name="revoke-host-links",
    ),
    # themes, their syntheses and the event's texts
    path("<slug:slug>/organise/themes/", themes.themes, name="themes"),
    path("<slug:slug>/organise/themes/<int:pk>/rename/", themes.rename_theme, name="rename-theme"),
    path("<slug:slug>/organise/themes/<int:pk>/delete/", themes.delete_theme, name="delete-theme"),
    path("<slug:slug>/organise/themes/<int:pk>/", themes.synthesis, name="theme-synthesis"),
    path("<slug:slug>/organise/themes/assign/", themes.assign, name="assign-themes"),
    path(
        "<slug:slug>/organise/themes/assign/set/",
        themes.set_session_theme,
        name="set-session-theme",
    ),
    path("<slug:slug>/organise/texts/", themes.event_texts, name="event-texts"),
    # exports only organisers may have, and restoring their texts
    path("<slug:slug>/organise/participants.csv", feeds.participants_csv, name="participants-csv"),
    path("<slug:slug>/organise/texts/restore/", texts.restore, name="restore-text"),
]
