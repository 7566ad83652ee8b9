"""Row 18: CSRF. Every URL pattern of the project (walked from the resolver, so a new view is
covered without editing this file) answers a POST without a token, and one with a forged
token, with 403, even for a signed-in organiser of the event. `csrf_exempt` appears only in the
upload wrapper, which puts Django's `csrf_protect` back inside (test_grep_rules checks that).
GET requests to every page change no row. The htmx side (a POST carrying the token only in the
`hx-headers` header succeeds) is in test_csp.py, in Chromium."""

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from sessions_app.models import Attachment, Room
from tests.security.world import build_world

SKIP_NAMESPACES = {"admin"}  # the admin is walked separately (its patterns are regexes)


def patterns(resolvers=None, prefix: str = "", namespace: str = ""):
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            if ns in SKIP_NAMESPACES:
                continue
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from patterns(entry.url_patterns, prefix + str(entry.pattern), full)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, entry


def url_for(name: str, pattern: URLPattern, values: dict[str, object]) -> str:
    keys = list(pattern.pattern.converters)
    return reverse(name, kwargs={key: values[key] for key in keys})


@pytest.fixture
def world(db):
    return build_world(["Plain title", "Gent", "Zaal 1", "Ruimte 2"])


def values_for(world) -> dict[str, object]:
    session = world.sessions[0]
    return {
        "slug": world.event.slug,
        "pk": session.pk,
        "token": "not-a-real-token",
        "room_id": Room.objects.filter(event=world.event).first().pk,
        "attachment_pk": Attachment.objects.filter(session=session).first().pk,
        "kind": "pdf",
        "event_id": world.event.pk,
        "name": "x.png",
        "uidb64": "MQ",
    }


def every_url(world) -> list[str]:
    values = values_for(world)
    urls = [url_for(name, pattern, values) for name, pattern in patterns()]
    urls += [reverse("admin:login"), reverse("admin:sessions_app_event_add")]
    return urls


def test_every_post_without_or_with_a_forged_token_is_refused(world) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.organiser.user)
    client.get("/")  # a real csrftoken cookie, so the forged token is the only fault
    urls = every_url(world)
    refused = {}
    for url in urls:
        plain = client.post(url, {"title": "x"}).status_code
        forged = client.post(
            url, {"title": "x", "csrfmiddlewaretoken": "f" * 64}, HTTP_X_CSRFTOKEN="f" * 64
        ).status_code
        refused[url] = (plain, forged)
    not_refused = {url: codes for url, codes in refused.items() if codes != (403, 403)}
    print(
        f"\ncsrf: {len(urls)} URL patterns x 2 (no token, forged token) as organiser, "
        f"{2 * (len(urls) - len(not_refused))} refused with 403"
    )
    assert not_refused == {}


def test_the_upload_view_exempt_from_the_middleware_still_checks_the_token(world) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.participant.user)
    url = reverse("participant:slides-upload", args=[world.event.slug, world.sessions[0].pk])
    response = client.post(url, {"title": "Slides"})
    assert response.status_code == 403
    assert world.sessions[0].attachments.count() == 1  # only the link the world made


def row_counts() -> dict[str, int]:
    skip = {"sessions.Session", "django_tasks_db.DBTaskResult"}
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.label not in skip and not model._meta.proxy
    }


# Rows a GET may create, and why that is harmless: each is made once and a repeat adds nothing.
GET_MAY_CREATE = {
    # the pitch round's state row, made when the moderator page is first opened
    "sessions_app.PitchRound",
    # downloading a report that was never built queues its build (one per content fingerprint)
    "sessions_app.ReportBuild",
    "django_tasks_database.DBTaskResult",
}


def test_get_requests_change_no_row(world) -> None:
    client = Client()
    client.force_login(world.organiser.user)
    event_before = type(world.event).objects.values().get(pk=world.event.pk)
    values = values_for(world)
    gets = 0
    rounds = []
    for _ in range(2):
        before = row_counts()
        for name, pattern in patterns():
            if name in {"logout"}:
                continue
            client.get(url_for(name, pattern, values))
            gets += 1
        after = row_counts()
        rounds.append({k: (before[k], after[k]) for k in before if before[k] != after[k]})
    event_after = type(world.event).objects.values().get(pk=world.event.pk)
    print(
        f"\ncsrf: {gets} GET requests as organiser (2 rounds), tables changed: first round "
        f"{sorted(rounds[0])} (allowed, lazily created), second round {len(rounds[1])}"
    )
    assert set(rounds[0]) <= GET_MAY_CREATE
    assert rounds[1] == {}  # a repeated GET creates nothing more
    assert event_after == event_before


@pytest.mark.parametrize(
    ("language", "title", "advice"),
    [
        ("nl", "Dit formulier is verlopen", "laad de pagina opnieuw"),
        ("en", "This form has expired", "reload the page"),
    ],
)
def test_a_refused_form_says_what_to_do_in_the_visitors_language(
    db, language: str, title: str, advice: str
) -> None:
    client = Client(enforce_csrf_checks=True, headers={"accept-language": language})

    response = client.post(reverse("public:join-with-code"), {"code": "ABC123"})

    assert response.status_code == 403
    page = response.content.decode()
    assert f"<h1>{title}</h1>" in page
    assert advice in page
    assert "CSRF verification failed" not in page  # not Django's technical page
