"""The installable app and offline reading (issue 21), as the server answers them: the
manifests, the service worker's script, which pages a phone may keep (the `OOcamp-Offline`
header) and signing out telling the phone to forget. The phone's side is in
tests/browser/test_offline.py."""

import json

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from PIL import Image

from sessions_app import offline
from sessions_app.models import Event
from tests.factories import (
    make_participant,
    make_placement,
    make_room,
    make_session,
    make_slot,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(published_event: Event) -> Event:
    room, slot = make_room(published_event), make_slot(published_event)
    host = make_participant(published_event, name="Hanne Host")
    make_placement(make_session(published_event, hosts=[host], title="Open data"), room, slot)
    return published_event


def test_the_event_manifest_opens_the_app_on_the_event(
    client: Client, event: Event, django_assert_num_queries
) -> None:
    with django_assert_num_queries(1):
        response = client.get(reverse("public:event-manifest", args=[event.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    start = f"/{event.slug}/"
    assert manifest["start_url"] == start
    assert manifest["scope"] == start
    assert manifest["display"] == "standalone"
    assert manifest["name"] == event.name
    assert len(manifest["short_name"]) <= 12
    assert manifest["theme_color"] == "#0b5394"
    purposes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= purposes


def test_the_manifest_icons_are_pngs_of_their_size() -> None:
    for path, sizes, _purpose in offline.ICONS:
        found = finders.find(path)
        assert found, path
        with Image.open(found) as image:
            assert image.format == "PNG"
            assert f"{image.width}x{image.height}" == sizes


def test_the_sites_manifest_needs_no_query(client: Client, django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        response = client.get(reverse("public:manifest"))
    assert json.loads(response.content)["start_url"] == "/"


def test_no_manifest_for_an_unknown_event(client: Client, db) -> None:
    assert client.get("/no-such-event/manifest.webmanifest").status_code == 404


def test_event_pages_link_their_manifest(client: Client, event: Event) -> None:
    page = client.get(reverse("public:grid", args=[event.slug])).content.decode()
    assert f'rel="manifest" href="/{event.slug}/manifest.webmanifest"' in page
    home = client.get(reverse("public:home")).content.decode()
    assert 'rel="manifest" href="/manifest.webmanifest"' in home


def test_the_service_worker_is_served_from_the_root(
    client: Client, django_assert_num_queries
) -> None:
    with django_assert_num_queries(0):
        response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "no-cache" in response["Cache-Control"]
    source = response.content.decode()
    assert source.startswith(
        'const OOCAMP = {"static": "/static/", "header": "OOcamp-Offline", '
        '"person": "OOcamp-Person", "nobody": "-"};'
    )
    assert 'addEventListener("fetch"' in source
    assert client.post("/sw.js").status_code == 405


def kept(response) -> bool:
    return response.get(offline.HEADER) == "keep"


def test_the_pages_for_offline_reading_are_marked(client: Client, event: Event) -> None:
    session = event.sessions.get()
    participant = make_participant(event, name="Pia")
    client.force_login(participant.user)
    for name, args in [
        ("public:event", [event.slug]),
        ("public:grid", [event.slug]),
        ("public:now", [event.slug]),
        ("public:session", [event.slug, session.pk]),
        ("participant:my-page", [event.slug]),
        ("participant:proposals", [event.slug]),
    ]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
        assert kept(response), name


def test_fragments_other_pages_and_writes_are_never_marked(client: Client, event: Event) -> None:
    session = event.sessions.get()
    participant = make_participant(event, name="Pia")
    client.force_login(participant.user)
    grid = reverse("public:grid", args=[event.slug])
    assert not kept(client.get(grid, headers={"HX-Request": "true"}))
    assert not kept(client.get(reverse("public:home")))
    assert not kept(client.get(reverse("public:feeds", args=[event.slug])))
    assert not kept(client.get(reverse("participant:edit-session", args=[event.slug, session.pk])))
    assert not kept(client.post(reverse("participant:vote", args=[event.slug, session.pk])))


def test_organiser_pages_are_never_marked(client: Client, event: Event) -> None:
    organiser = make_user(username="olga")
    make_participant(event, user=organiser, role="organiser")
    client.force_login(organiser)
    for name in ["organiser:dashboard", "organiser:grid"]:
        response = client.get(reverse(name, args=[event.slug]))
        assert response.status_code == 200, name
        assert not kept(response), name
    # the public grid an organiser reads is kept like anyone's
    assert kept(client.get(reverse("public:grid", args=[event.slug])))


def test_signing_out_tells_the_phone_to_forget(client: Client, event: Event) -> None:
    participant = make_participant(event, name="Pia", email="pia@example.org")
    client.force_login(participant.user)
    response = client.post(reverse("sign-out"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    # the warning page (and a GET) signs nobody out and clears nothing
    assert "Clear-Site-Data" not in client.get(reverse("sign-out"))


def test_each_page_says_for_whom_it_was_rendered(client: Client, event: Event) -> None:
    """The service worker keeps one person's pages (PERSON_HEADER): the marker differs per
    person, is the same on every page of theirs, and tells nothing of them."""
    grid = reverse("public:grid", args=[event.slug])
    assert client.get(grid)[offline.PERSON_HEADER] == offline.NOBODY
    pia = make_participant(event, name="Pia")
    piet = make_participant(event, name="Piet")
    markers = set()
    for participant in (pia, piet):
        client.force_login(participant.user)
        response = client.get(grid)
        marker = response[offline.PERSON_HEADER]
        assert (
            marker
            == client.get(reverse("participant:my-page", args=[event.slug]))[offline.PERSON_HEADER]
        )
        assert f'data-person="{marker}"' in response.content.decode()
        assert str(participant.user.pk) != marker and participant.user.username not in marker
        markers.add(marker)
    assert len(markers) == 2 and offline.NOBODY not in markers


def test_an_event_page_names_the_pages_a_phone_keeps(client: Client, event: Event) -> None:
    page = client.get(reverse("public:event", args=[event.slug])).content.decode()
    slug = event.slug
    anonymous = f"/{slug}/ /{slug}/grid/ /{slug}/now/ /{slug}/proposals/ /{slug}/offline/"
    assert f'data-event-pages="{anonymous}"' in page
    client.force_login(make_participant(event, name="Pia").user)
    page = client.get(reverse("public:event", args=[event.slug])).content.decode()
    assert f"/{slug}/proposals/ /{slug}/me/ /{slug}/offline/" in page
    assert 'data-event-pages=""' in client.get(reverse("public:home")).content.decode()


def test_the_offline_page_is_the_phones_fallback(client: Client, event: Event) -> None:
    response = client.get(reverse("public:offline", args=[event.slug]))
    assert response.status_code == 200
    assert response[offline.HEADER] == "fallback"
    page = response.content.decode()
    assert "Deze pagina staat niet op je telefoon" in page or "not on your phone" in page
    # the worker replaces what is between the comments by the pages it kept
    listed = page.split("<!--kept-pages-->")[1].split("<!--/kept-pages-->")[0]
    assert f'href="/{event.slug}/grid/"' in listed
    assert f'href="/{event.slug}/me/"' not in listed  # only a participant has My page
    assert client.get("/no-such-event/offline/").status_code == 404
