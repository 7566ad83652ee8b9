"""Three audiences, three namespaces: URL namespace = view module = template folder."""

from django.urls import include, path

from sessions_app.views import participant, public
from sessions_app.views.organiser import event, grid, people

public_patterns = [
    path("", public.home, name="home"),
    path("join/", public.join_with_code, name="join-with-code"),
    path("signin/", public.sign_in_request, name="sign-in-request"),
    path("signin/<str:token>/", public.sign_in, name="sign-in"),
    path("<slug:slug>/", public.event, name="event"),
    path("<slug:slug>/join/", public.join, name="join"),
    path("<slug:slug>/sessions/<int:pk>/", public.session, name="session"),
    path("<slug:slug>/grid/", public.grid, name="grid"),
    path("<slug:slug>/grid/version", public.grid_version, name="grid-version"),
    path("<slug:slug>/now/", public.now_and_next, name="now"),
]

participant_patterns = [
    path("<slug:slug>/proposals/", participant.proposals, name="proposals"),
    path("<slug:slug>/propose/", participant.propose, name="propose"),
    path("<slug:slug>/preview/", participant.preview, name="preview"),
    path("<slug:slug>/me/", participant.my_page, name="my-page"),
    path("<slug:slug>/sessions/<int:pk>/edit/", participant.edit_session, name="edit-session"),
    path(
        "<slug:slug>/sessions/<int:pk>/withdraw/",
        participant.withdraw_session,
        name="withdraw-session",
    ),
    path("<slug:slug>/sessions/<int:pk>/vote/", participant.vote, name="vote"),
]

organiser_patterns = [*people.patterns, *grid.patterns, *event.patterns]

urlpatterns = [
    path("", include((public_patterns, "public"))),
    path("", include((participant_patterns, "participant"))),
    path("", include((organiser_patterns, "organiser"))),
]
