"""Themes and the synthesis: organisers define, rename and delete themes, put sessions in them
with one click per checkbox (htmx or not), write a synthesis per theme and the event's
introduction, conclusion and report structure."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sessions_app.models import Event, Participant, Theme
from tests.factories import (
    make_event,
    make_participant,
    make_placement,
    make_room,
    make_session,
    make_slot,
    make_theme,
)
from tests.helpers import messages_of, url

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def event(english_archived_event: Event) -> Event:
    return english_archived_event


@pytest.fixture
def organiser(event: Event, client) -> Participant:
    organiser = make_participant(event, name="Olga", role=Participant.Role.ORGANISER)
    client.force_login(organiser.user)
    return organiser


# ---- defining themes ----------------------------------------------------------------------------


def test_organiser_adds_a_theme(client, event, organiser):
    response = client.post(url("organiser:themes", event), {"name": "  Open   data "})

    assert messages_of(response) == ["Theme “Open data” added."]
    assert list(event.themes.values_list("name", flat=True)) == ["Open data"]


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("", "This field is required."),
        ("open DATA", "There is a theme “open DATA” already."),
        ("x" * 151, "Ensure this value has at most 150 characters (it has 151)."),
    ],
)
def test_adding_a_bad_theme_name_says_why(client, event, organiser, name, error):
    make_theme(event, name="Open data")

    response = client.post(url("organiser:themes", event), {"name": name})

    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [error]
    assert list(event.themes.values_list("name", flat=True)) == ["Open data"]


def test_organiser_renames_a_theme(client, event, organiser):
    theme = make_theme(event, name="Open data")

    response = client.post(
        url("organiser:rename-theme", event, theme.pk), {"name": "Data", "version": "0"}
    )

    assert messages_of(response) == ["“Open data” is now “Data”."]
    assert Theme.objects.get(pk=theme.pk).name == "Data"


def test_renaming_to_a_taken_name_is_refused(client, event, organiser):
    make_theme(event, name="Data")
    theme = make_theme(event, name="Open data")

    response = client.post(
        url("organiser:rename-theme", event, theme.pk), {"name": "data", "version": "0"}
    )

    assert messages_of(response) == ["There is a theme “data” already."]
    assert Theme.objects.get(pk=theme.pk).name == "Open data"


def test_deleting_a_theme_keeps_its_sessions(client, event, organiser):
    theme = make_theme(event, name="Open data")
    session = make_session(event)
    session.themes.add(theme)

    response = client.post(url("organiser:delete-theme", event, theme.pk))

    assert messages_of(response) == ["Theme “Open data” deleted."]
    assert event.themes.count() == 0
    assert event.sessions.get() == session


def test_themes_of_another_event_are_404(client, event, organiser):
    foreign = make_theme(make_event(), name="Elsewhere")

    assert client.post(url("organiser:delete-theme", event, foreign.pk)).status_code == 404
    assert client.get(url("organiser:theme-synthesis", event, foreign.pk)).status_code == 404
    assert Theme.objects.filter(pk=foreign.pk).exists()


def test_theme_pages_are_for_organisers_only(client, event):
    theme = make_theme(event)
    client.force_login(make_participant(event).user)

    for name, args in [
        ("organiser:themes", []),
        ("organiser:assign-themes", []),
        ("organiser:theme-synthesis", [theme.pk]),
        ("organiser:event-texts", []),
    ]:
        assert client.get(url(name, event, *args)).status_code == 403
    assert client.post(url("organiser:delete-theme", event, theme.pk)).status_code == 403
    assert Theme.objects.filter(pk=theme.pk).exists()


# ---- assigning sessions -------------------------------------------------------------------------


def toggle(client, event, session, theme, assigned: str, **extra):
    data = {"session": str(session.pk), "theme": str(theme.pk), "assigned": assigned}
    return client.post(url("organiser:set-session-theme", event), data, **extra)


def test_one_click_puts_a_session_in_a_theme_by_htmx(client, event, organiser):
    theme, session = make_theme(event, name="Open data"), make_session(event, title="Maps")

    response = toggle(client, event, session, theme, "1", **HTMX)

    assert list(session.themes.all()) == [theme]
    html = " ".join(response.content.decode().split())
    assert html.startswith(
        f'<form method="post" action="{url("organiser:set-session-theme", event)}" id="toggle-{session.pk}-{theme.pk}"'
    )
    assert 'aria-pressed="true"' in html
    assert '<input type="hidden" name="assigned" value="0">' in html


def test_a_second_identical_click_changes_nothing(client, event, organiser):
    theme, session = make_theme(event), make_session(event)

    toggle(client, event, session, theme, "1", **HTMX)
    toggle(client, event, session, theme, "1", **HTMX)

    assert list(session.themes.all()) == [theme]


def test_taking_a_session_out_of_a_theme_without_javascript(client, event, organiser):
    keep, drop = make_theme(event), make_theme(event)
    session = make_session(event)
    session.themes.add(keep, drop)

    response = toggle(client, event, session, drop, "0")

    assert response.status_code == 302
    assert response["Location"] == f"{url('organiser:assign-themes', event)}#session-{session.pk}"
    assert list(session.themes.all()) == [keep]


def test_assigning_a_theme_of_another_event_is_refused(client, event, organiser):
    foreign = make_theme(make_event())
    session = make_session(event)

    response = toggle(client, event, session, foreign, "1")

    assert messages_of(response) == ["That session or theme does not exist."]
    assert list(session.themes.all()) == []
    assert toggle(client, event, session, foreign, "1", **HTMX).status_code == 422


def test_assign_page_shows_every_session_with_a_box_per_theme(client, event, organiser):
    themes = [make_theme(event, name=name) for name in ["Data", "Participation"]]
    make_session(event, title="A")
    b = make_session(event, title="B")
    b.themes.add(themes[1])

    response = client.get(url("organiser:assign-themes", event))

    assert [(s.title, [on for _t, on in cells]) for s, cells in response.context["rows"]] == [
        ("A", [False, False]),
        ("B", [False, True]),
    ]
    assert response.content.decode().count('class="toggle-box"') == 4


def add_sessions(event: Event, count: int, themes: list[Theme], start: int = 0) -> None:
    room = make_room(event)
    for n in range(start, start + count):
        session = make_session(event, [make_participant(event)], title=f"S{n:03d}")
        slot = make_slot(
            event,
            f"{8 + n // 4:02d}:{(n % 4) * 15:02d}",
            f"{8 + n // 4:02d}:{(n % 4) * 15 + 10:02d}",
        )
        make_placement(session, room, slot)
        session.themes.add(*themes[: n % 3])


def test_assign_page_needs_the_same_queries_for_3_and_30_sessions(
    client, event, organiser, django_assert_num_queries
):
    themes = [make_theme(event) for _ in range(3)]
    add_sessions(event, 3, themes)
    with CaptureQueriesContext(connection) as few:
        client.get(url("organiser:assign-themes", event))
    add_sessions(event, 27, themes, start=3)

    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url("organiser:assign-themes", event))

    assert len(response.context["rows"]) == 30


# ---- synthesis and event texts ------------------------------------------------------------------


def test_organiser_writes_a_synthesis(client, event, organiser):
    theme = make_theme(event, name="Open data")

    response = client.post(
        url("organiser:theme-synthesis", event, theme.pk),
        {"name": "Open data", "synthesis": "## What we saw\n\nData helps.", "version": "0"},
    )

    assert messages_of(response) == ["The synthesis of “Open data” is saved."]
    assert Theme.objects.get(pk=theme.pk).synthesis == "## What we saw\n\nData helps."


def test_synthesis_preview_without_javascript_saves_nothing(client, event, organiser):
    theme = make_theme(event, name="Open data")

    response = client.post(
        url("organiser:theme-synthesis", event, theme.pk),
        {"name": "Open data", "synthesis": "**bold**", "preview": "1"},
    )

    assert str(response.context["preview"]) == "<p><strong>bold</strong></p>"
    assert Theme.objects.get(pk=theme.pk).synthesis == ""


def test_oversized_synthesis_is_refused(client, event, organiser):
    theme = make_theme(event, name="Open data", synthesis="Before")

    response = client.post(
        url("organiser:theme-synthesis", event, theme.pk),
        {"name": "Open data", "synthesis": "x" * 50_001},
    )

    assert response.context["form"].errors["synthesis"] == ["Keep it under 50000 characters."]
    assert Theme.objects.get(pk=theme.pk).synthesis == "Before"


def test_organiser_writes_introduction_conclusion_and_report_structure(client, event, organiser):
    response = client.post(
        url("organiser:event-texts", event),
        {
            "introduction": "Welcome.",
            "conclusion": "Thanks.",
            "report_template": "## Gist",
            "version": "0",
        },
    )

    assert messages_of(response) == ["The introduction, conclusion and report structure are saved."]
    event.refresh_from_db()
    assert (event.introduction, event.conclusion, event.report_template) == (
        "Welcome.",
        "Thanks.",
        "## Gist",
    )
    assert event.report_structure() == "## Gist"


def test_oversized_introduction_is_refused_and_nothing_changes(client, event, organiser):
    response = client.post(
        url("organiser:event-texts", event),
        {"introduction": "x" * 50_001, "conclusion": "Thanks.", "report_template": ""},
    )

    assert response.context["form"].errors["introduction"] == ["Keep it under 50000 characters."]
    event.refresh_from_db()
    assert (event.introduction, event.conclusion) == ("", "")


def test_live_preview_of_the_introduction(client, event, organiser):
    response = client.post(
        reverse("participant:report-preview", args=[event.slug]),
        {"field": "introduction", "introduction": "*hi*"},
        **HTMX,
    )

    html = " ".join(response.content.decode().split())
    assert html.startswith('<section id="preview-introduction"')
    assert "<em>hi</em>" in html
