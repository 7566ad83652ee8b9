"""What someone who joined an event does there (`participant:`): propose and vote, their own
page, edit their sessions, and deliver slides and reports (also by a host's link)."""

from django.urls import path

from sessions_app.views import attachments, feeds, participant, session_report, texts

app_name = "participant"

urlpatterns = [
    path("<slug:slug>/proposals/", participant.proposals, name="proposals"),
    path("<slug:slug>/propose/", participant.propose, name="propose"),
    path("<slug:slug>/preview/", participant.preview, name="preview"),
    path("<slug:slug>/me/", participant.my_page, name="my-page"),
    path("<slug:slug>/me/email/", participant.my_email, name="my-email"),
    path("<slug:slug>/sessions/<int:pk>/edit/", participant.edit_session, name="edit-session"),
    path(
        "<slug:slug>/sessions/<int:pk>/withdraw/",
        participant.withdraw_session,
        name="withdraw-session",
    ),
    path("<slug:slug>/sessions/<int:pk>/vote/", participant.vote, name="vote"),
    # slides and links
    path("<slug:slug>/sessions/<int:pk>/slides/", attachments.slides, name="slides"),
    path("<slug:slug>/sessions/<int:pk>/slides/upload/", attachments.upload, name="slides-upload"),
    path("<slug:slug>/sessions/<int:pk>/slides/link/", attachments.add_link, name="slides-link"),
    path(
        "<slug:slug>/sessions/<int:pk>/slides/<int:attachment_pk>/replace/",
        attachments.replace,
        name="slides-replace",
    ),
    path(
        "<slug:slug>/sessions/<int:pk>/slides/<int:attachment_pk>/delete/",
        attachments.delete,
        name="slides-delete",
    ),
    # a session's report
    path("<slug:slug>/sessions/<int:pk>/report/", session_report.report, name="report"),
    path(
        "<slug:slug>/sessions/<int:pk>/report/restore/",
        session_report.restore,
        name="report-restore",
    ),
    path(
        "<slug:slug>/sessions/<int:pk>/report/note-takers/",
        session_report.note_takers,
        name="note-takers",
    ),
    path("<slug:slug>/report-preview/", session_report.preview, name="report-preview"),
    path("<slug:slug>/material/<str:token>/", session_report.host_link, name="host-link"),
    # their own calendar feed, and a proposal's earlier descriptions
    path("<slug:slug>/me/calendar/renew/", feeds.renew_calendar, name="renew-calendar"),
    path(
        "<slug:slug>/sessions/<int:pk>/edit/restore/",
        texts.restore_description,
        name="restore-description",
    ),
]
