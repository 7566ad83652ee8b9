"""The project's URLs plus `bench/trivial/`: a fixed 2 KB page, the yardstick of the benchmark."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from oocamp.urls import urlpatterns as project_urlpatterns

_HEAD = (
    b"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
    b"<title>Trivial</title></head><body>"
)
_TAIL = b"</body></html>"
TRIVIAL_PAGE = _HEAD + b"x" * (2048 - len(_HEAD) - len(_TAIL)) + _TAIL


@login_not_required
def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse(TRIVIAL_PAGE)


# Last, so that it pays for resolving the URL as much as the app's own pages do.
urlpatterns = [*project_urlpatterns, path("bench/trivial/", trivial, name="bench-trivial")]
