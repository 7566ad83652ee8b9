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
    assert source.startswith('const OOCAMP = {"static": "/static/", "header": "OOcamp-Offline"};')
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
