"""Themes and the synthesis: organisers define, rename and delete themes, put sessions in them
with one click per checkbox (htmx or not), write a synthesis per theme and the event's
introduction, conclusion and report structure."""

import lxml.html
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sessions_app import actions
from sessions_app.models import Event, Participant, Theme
from tests.factories import (
    make_attachment,
    make_event,
    make_participant,
    make_placement,
    make_room,
    make_session,
    make_slot,
    make_theme,
)
from tests.helpers import messages_of, page_text, url

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


# ---- the synthesis editor shows the theme's sessions beside the text (issue 18) -----------------


def sources(response) -> list[lxml.html.HtmlElement]:
    """The sessions the editor shows beside the text, in order: one <details> each."""
    page = lxml.html.fromstring(response.content.decode())
    return page.xpath(f"//section[{of('synthesis-sources')}]//details[{of('source')}]")


def of(css_class: str) -> str:
    """An XPath condition: the element has this class."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {css_class} ')"


def text_of(element: lxml.html.HtmlElement, path: str) -> str:
    """The text of what `path` finds inside `element`, spaces collapsed, joined by a space."""
    found = element.xpath(path)
    return " ".join(" ".join(item.text_content().split()) for item in found)


META, NOTE, BADGE = (f".//*[{of(name)}]" for name in ("source-meta", "source-note", "source-badge"))


def theme_with_sessions(event: Event) -> Theme:
    """A theme with a placed session with a report and slides, an unplaced one with only a
    description, one marked not held, one with nothing written; a hidden one, and a session
    of another theme, which the editor leaves out."""
    theme = make_theme(event, name="Open data")
    room = make_room(event, name="Zaal 1")
    hanna = make_participant(event, name="Hanna Host")
    otto = make_participant(event, name="Otto Other")
    late = make_session(event, [otto], title="Zeta: data in the afternoon", report="Later.")
    early = make_session(
        event,
        [hanna, otto],
        title="Open data in small towns",
        description="What we want to try.",
        report="## Summary\n\nTwelve **towns** mapped.\n\n| Town | Data |\n|---|---|\n| Gent | yes |",
    )
    make_placement(early, room, make_slot(event, "10:00", "10:45"))
    make_placement(late, room, make_slot(event, "14:00", "14:45"))
    make_attachment(early, title="Our slides", kind="slides")
    make_attachment(early, title="The map", kind="link", url="https://example.org/map")
    described = make_session(event, [hanna], title="Budgets", description="Money, *openly*.")
    empty = make_session(event, [], title="A session nobody wrote about")
    skipped = make_session(event, [otto], title="Cancelled talk", held=False, report="Notes.")
    hidden = make_session(event, [otto], title="Spam", hidden=True, report="Buy now")
    elsewhere = make_session(event, [otto], title="Accessibility", report="Other theme.")
    theme.sessions.add(late, early, described, empty, skipped, hidden)
    elsewhere.themes.add(make_theme(event, name="Accessibility"))
    return theme


def test_synthesis_editor_shows_the_themes_sessions_with_their_reports(client, event, organiser):
    theme = theme_with_sessions(event)

    response = client.get(url("organiser:theme-synthesis", event, theme.pk))

    shown = sources(response)
    # in the order they ran, then the unplaced ones by title, the session not held last
    assert [text_of(s, f".//*[{of('source-title')}]") for s in shown] == [
        "Open data in small towns",
        "Zeta: data in the afternoon",
        "A session nobody wrote about",
        "Budgets",
        "Cancelled talk",
    ]
    first, _late, empty, described, skipped = shown
    assert all(s.get("open") is None for s in shown)  # closed until the organiser opens one
    assert text_of(first, META) == "Hosted by Hanna Host, Otto Other 10:00–10:45, Zaal 1 Held"
    assert text_of(first, f".//*[{of('prose')}]//h2") == "Summary"
    assert text_of(first, f".//*[{of('prose')}]//strong") == "towns"
    assert text_of(first, f".//*[{of('prose')}]//td") == "Gent yes"
    assert text_of(first, NOTE) == ""
    links = first.xpath(f".//*[{of('source-attachments')}]//a")
    assert [(a.text_content(), a.get("target")) for a in links] == [
        ("Our slides", "_blank"),
        ("The map", "_blank"),
    ]
    assert links[1].get("href") == "https://example.org/map"
    assert text_of(first, f".//*[{of('source-links')}]/a") == "Session page Back to your synthesis"

    assert text_of(described, BADGE) == "no report yet Not held"
    assert text_of(described, META) == "Hosted by Hanna Host Not placed Not held"
    assert text_of(described, NOTE) == "No report; the description:"
    assert text_of(described, f".//*[{of('prose')}]//em") == "openly"
    assert text_of(empty, NOTE) == "No report and no description."
    assert text_of(skipped, BADGE) == "Not held"
    assert text_of(skipped, f".//*[{of('prose')}]") == "Notes."
    assert "2 of 5 sessions have a report." not in page_text(response)
    assert "3 of 5 sessions have a report." in page_text(response)
    assert "Spam" not in page_text(response) and "Other theme." not in page_text(response)


def test_a_report_shown_in_the_editor_runs_no_script(client, event, organiser):
    theme = make_theme(event, name="Open data")
    session = make_session(
        event,
        title="Careless",
        report='<script>alert(1)</script><img src=x onerror="alert(2)"> [x](javascript:alert(3))',
    )
    session.themes.add(theme)

    response = client.get(url("organiser:theme-synthesis", event, theme.pk))

    (shown,) = sources(response)
    assert shown.xpath(".//script | .//img | .//*[@onerror]") == []
    assert [a.get("href") for a in shown.xpath(".//a[ancestor::*[" + of("prose") + "]]")] in (
        [None],
        [],
    )


def test_the_synthesis_editor_costs_the_same_queries_for_2_and_12_sessions(
    client, event, organiser, django_assert_num_queries
):
    theme = make_theme(event, name="Open data")
    room = make_room(event)
    for n in range(12):
        hosts = [make_participant(event), make_participant(event)]
        session = make_session(event, hosts, report=f"Report {n}", description="Said before.")
        make_attachment(session)  # a link, and a stored file (its link names the event)
        make_attachment(session, kind="slides", url="", file=f"attachments/{n}.pdf", size=9000)
        if n % 2:
            make_placement(session, room, make_slot(event, f"{8 + n:02d}:00", f"{8 + n:02d}:45"))
        if n < 2:
            session.themes.add(theme)
    actions.save_synthesis(theme=theme, text="First", based_on=0, by=organiser)
    path = url("organiser:theme-synthesis", event, theme.pk)

    with django_assert_num_queries(9):
        assert len(sources(client.get(path))) == 2
    theme.sessions.add(*event.sessions.exclude(themes=theme))
    with django_assert_num_queries(9):
        assert len(sources(client.get(path))) == 12


def test_the_sessions_stay_beside_the_merge_screen(client, event, organiser):
    """A save that someone else's overtook gets the merge screen (409) with the theme's
    sessions still beside the merged text: merging needs them as much as writing did."""
    theme = theme_with_sessions(event)
    actions.save_synthesis(theme=theme, text="Omar's synthesis", based_on=0, by=None)

    response = client.post(
        url("organiser:theme-synthesis", event, theme.pk),
        {"name": "Open data", "synthesis": "Olga's synthesis", "version": "0"},
    )

    assert response.status_code == 409
    assert len(sources(response)) == 5
    assert Theme.objects.get(pk=theme.pk).synthesis == "Omar's synthesis"


def test_a_theme_without_sessions_says_how_to_add_them(client, event, organiser):
    theme = make_theme(event, name="Open data")

    response = client.get(url("organiser:theme-synthesis", event, theme.pk))

    assert sources(response) == []
    assert "No session yet. Put sessions in themes" in page_text(response)


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
