"""Three audiences, three namespaces: URL namespace = view module = template folder."""

from django.urls import include, path

from sessions_app.views import event_report as event_report_views
from sessions_app.views import feeds, health, material, participant, public, report, texts
from sessions_app.views.organiser import desk, event, grid, paper, people, pitch, themes
from sessions_app.views.organiser import material as material_board

public_patterns = [
    *health.patterns,  # before the event slugs
    path("", public.home, name="home"),
    path("join/", public.join_with_code, name="join-with-code"),
    path("signin/", public.sign_in_request, name="sign-in-request"),
    path("signin/<str:token>/", public.sign_in, name="sign-in"),
    path("<slug:slug>/", public.event, name="event"),
    path("<slug:slug>/join/", public.join, name="join"),
    path("<slug:slug>/sessions/<int:pk>/", public.session, name="session"),
    path("<slug:slug>/grid/", public.grid, name="grid"),
    path("<slug:slug>/grid/version", public.grid_version, name="grid-version"),
    path("<slug:slug>/pitch/version", public.pitch_version, name="pitch-version"),
    path("<slug:slug>/now/", public.now_and_next, name="now"),
    *material.public_patterns,
    *event_report_views.patterns,
    *feeds.patterns,
]

participant_patterns = [
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
    *material.patterns,
    *report.patterns,
    *feeds.participant_patterns,
    *texts.participant_patterns,
]

organiser_patterns = [
    *people.patterns,
    *desk.patterns,
    *grid.patterns,
    *pitch.patterns,
    *event.patterns,
    *paper.patterns,
    *event_report_views.organiser_patterns,
    *material_board.patterns,
    *themes.patterns,
    *feeds.organiser_patterns,
    *texts.organiser_patterns,
]

urlpatterns = [
    path("", include((public_patterns, "public"))),
    path("", include((participant_patterns, "participant"))),
    path("", include((organiser_patterns, "organiser"))),
]
