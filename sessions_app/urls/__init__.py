"""The app's URL map, one file per audience; each is a namespace, a view folder and a template
folder of the same name:

- `public.py` (`public:`): pages anyone may see, signed in or not, and the feeds;
- `participant.py` (`participant:`): what someone who joined an event does there;
- `organiser.py` (`organiser:`): the event's organisers' pages.

All three share the site's root. Django tries them in this order and, within each, from the top:
a more specific address comes before a `<slug:slug>/…` that would also match it."""

from django.urls import include, path

urlpatterns = [
    path("", include("sessions_app.urls.public")),
    path("", include("sessions_app.urls.participant")),
    path("", include("sessions_app.urls.organiser")),
]
