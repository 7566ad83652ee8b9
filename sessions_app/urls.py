"""Three audiences, three namespaces: URL namespace = view module = template folder."""

from django.urls import include, path

from sessions_app.views import public

public_patterns = [
    path("", public.home, name="home"),
    path("<slug:slug>/", public.event, name="event"),
]

participant_patterns: list = []

organiser_patterns: list = []

urlpatterns = [
    path("", include((public_patterns, "public"))),
    path("", include((participant_patterns, "participant"))),
    path("organise/", include((organiser_patterns, "organiser"))),
]
