"""sessions_app/edge.py: the live checks answered before the middleware stack, with the same
answers and refusals as through it, and the Content-Security-Policy built once per process."""

from collections.abc import Callable

import pytest
from csp.decorators import csp_update
from csp.utils import build_policy
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from sessions_app import edge
from sessions_app.models import Event
from tests.factories import make_event, make_participant

pytestmark = pytest.mark.django_db


class StackReached(Exception):
    pass


class Tripwire:
    """A middleware at the bottom of the stack that fails whatever reaches it."""

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        raise StackReached(request.path)


@pytest.fixture
def tripwire(settings) -> None:
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.test_edge.Tripwire"]


def version_urls(event: Event) -> list[str]:
    return [
        reverse(f"public:{name}", args=[event.slug]) for name in ("grid-version", "pitch-version")
    ]


# ---- the live checks --------------------------------------------------------------------------


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "participant"])
def test_live_checks_are_answered_before_the_rest_of_the_stack(tripwire, signed_in) -> None:
    event = make_event(phase=Event.Phase.PUBLISHED)
    client = Client()
    if signed_in:
        client.force_login(make_participant(event).user)
    for url in version_urls(event):
        first = client.get(url)
        again = client.get(url, headers={"if-none-match": first.headers["ETag"]})

        assert (
            first.status_code == 200 and first.text and first.headers["ETag"] == f'"{first.text}"'
        )
        assert (again.status_code, again.content) == (304, b"")
        # its length is said, as the stack's CommonMiddleware said it: no chunked answer
        assert first.headers["Content-Length"] == str(len(first.content))
        for response in (first, again):
            assert "Set-Cookie" not in response.headers and "Vary" not in response.headers
            assert response.headers["Cache-Control"] == "no-cache"
            assert response.headers["X-Frame-Options"] == "DENY"
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert response.headers["Content-Security-Policy"] == build_policy()


def test_other_pages_still_go_through_the_stack(tripwire) -> None:
    event = make_event(phase=Event.Phase.PUBLISHED)
    with pytest.raises(StackReached):
        Client().get(reverse("public:grid", args=[event.slug]))


def test_what_the_live_check_refused_is_refused_before_the_fast_path(tripwire) -> None:
    event = make_event(phase=Event.Phase.PUBLISHED)
    url = version_urls(event)[0]

    # a NUL in the query (ClientInputMiddleware, above), a Host outside ALLOWED_HOSTS
    assert Client().get(url + "?x=%00").status_code == 400
    assert Client().get(url, headers={"host": "evil.example"}).status_code == 400


def test_what_the_fast_path_cannot_answer_goes_down_the_stack(tripwire) -> None:
    event = make_event(phase=Event.Phase.PUBLISHED)
    url = version_urls(event)[0]
    for answer in (
        lambda: Client().get(reverse("public:grid-version", args=["no-such-event"])),
        lambda: Client().post(url),
        lambda: Client().head(url),
    ):
        with pytest.raises(StackReached):
            answer()


def test_without_the_tripwire_refusals_are_the_stacks_own() -> None:
    event = make_event(language="en", phase=Event.Phase.PUBLISHED)
    url = version_urls(event)[0]
    client = Client(headers={"accept-language": "en"})

    missing = client.get(reverse("public:grid-version", args=["no-such-event"]))
    assert missing.status_code == 404 and "text/html" in missing.headers["Content-Type"]
    assert client.post(url).status_code == 405
    assert client.head(url).status_code == 405


def test_https_is_still_required_in_production(settings) -> None:
    settings.SECURE_SSL_REDIRECT = True
    event = make_event(phase=Event.Phase.PUBLISHED)
    url = version_urls(event)[0]

    response = Client().get(url)

    assert response.status_code == 301 and response["Location"] == f"https://testserver{url}"


# ---- the Content-Security-Policy ------------------------------------------------------------


def test_a_page_carries_the_settings_policy_once(client) -> None:
    response = client.get("/")

    assert response.headers["Content-Security-Policy"] == build_policy()  # from the settings
    assert [k.lower() for k, _ in response.items()].count("content-security-policy") == 1
    assert "Content-Security-Policy-Report-Only" not in response.headers


def test_the_policy_is_built_once_per_process(client, monkeypatch) -> None:
    built = []

    def counting(**kwargs) -> str:
        built.append(kwargs)
        return build_policy(**kwargs)

    monkeypatch.setattr(edge, "build_policy", counting)
    edge.settings_policies.cache_clear()
    for _ in range(3):
        client.get("/")

    assert len(built) == 2  # the enforced and the report-only one, once


def test_a_changed_setting_changes_the_policy(client, settings) -> None:
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"img-src": ["'self'"]}}

    response = client.get("/")

    assert response.headers["Content-Security-Policy"] == build_policy() == "default-src 'none'"
    report_only = response.headers["Content-Security-Policy-Report-Only"]
    assert "img-src 'self'" in report_only and report_only == build_policy(report_only=True)


def test_a_view_with_a_policy_of_its_own_is_left_to_django_csp() -> None:
    @csp_update({"img-src": ["https://example.org"]})
    def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse()

    middleware = edge.CSPMiddleware(view)
    request = RequestFactory().get("/")
    middleware.process_request(request)
    response = middleware.process_response(request, view(request))

    assert "img-src 'self' data: https://example.org" in response.headers["Content-Security-Policy"]
