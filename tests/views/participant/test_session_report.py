"""Session reports: writing one, the structure it starts from, two writers saving at once (the
second gets a merge screen), the history and restoring, note-takers, the report on the session
page, and the organisers' completeness board with its held toggle."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sessions_app import actions
from sessions_app.models import Event, Participant, ReportRevision, Session
from tests.factories import (
    make_attachment,
    make_event,
    make_participant,
    make_placement,
    make_room,
    make_session,
    make_slot,
)
from tests.helpers import messages_of, report_url, run_together, squash

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def event(english_published_event: Event) -> Event:
    return english_published_event


@pytest.fixture
def host(event: Event) -> Participant:
    return make_participant(event, name="Hanna Host", email="hanna@example.org")


@pytest.fixture
def session(event: Event, host: Participant) -> Session:
    return make_session(event, [host], title="Open data in small towns")


# ---- writing ----------------------------------------------------------------------------------


def test_report_page_starts_from_the_standard_structure(client, session, host):
    client.force_login(host.user)

    response = client.get(report_url(session))

    assert response.status_code == 200
    text = response.context["form"]["text"].value()
    assert [line for line in text.splitlines() if line.startswith("## ")] == [
        "## Summary",
        "## Key points",
        "## Next steps",
        "## Attendance",
    ]
    assert response.context["form"]["based_on"].value() is None


def test_report_page_starts_from_the_organisers_structure(client, event, session, host):
    event.report_template = "## What we learnt\n"
    event.save()
    client.force_login(host.user)

    response = client.get(report_url(session))

    assert response.context["form"]["text"].value() == "## What we learnt\n"


def test_host_saves_a_report_as_a_revision(client, session, host):
    client.force_login(host.user)

    response = client.post(report_url(session), {"text": "## Summary\n\nWe met.", "based_on": ""})

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.report == "## Summary\n\nWe met."
    revision = session.report_revisions.get()
    assert (revision.text, revision.author) == ("## Summary\n\nWe met.", host)
    assert messages_of(response) == ["The report is saved."]


def test_report_save_by_htmx_redirects_the_client(client, session, host):
    client.force_login(host.user)

    response = client.post(report_url(session), {"text": "Short.", "based_on": ""}, **HTMX)

    assert response.status_code == 200
    assert response["HX-Redirect"] == report_url(session)
    assert Session.objects.get(pk=session.pk).report == "Short."


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Write the report first; an empty report is not saved."),
        ("   \n  ", "Write the report first; an empty report is not saved."),
        ("x" * 50_001, "Ensure this value has at most 50000 characters (it has 50001)."),
    ],
)
def test_report_refuses_empty_or_oversized_text(client, session, host, text, message):
    client.force_login(host.user)

    response = client.post(report_url(session), {"text": text, "based_on": ""})

    assert response.status_code == 200
    assert response.context["form"].errors["text"] == [message]
    assert message in response.content.decode()
    assert Session.objects.get(pk=session.pk).report == ""
    assert ReportRevision.objects.count() == 0


def test_report_refuses_the_untouched_structure(client, session, host):
    client.force_login(host.user)
    skeleton = client.get(report_url(session)).context["form"]["text"].value()

    response = client.post(report_url(session), {"text": skeleton, "based_on": ""})

    assert response.context["form"].errors["text"] == [
        "Fill in the structure first; it is not saved as it is."
    ]
    assert ReportRevision.objects.count() == 0


def test_report_refusal_by_htmx_is_the_editor_with_422(client, session, host):
    client.force_login(host.user)

    response = client.post(report_url(session), {"text": "", "based_on": ""}, **HTMX)

    assert response.status_code == 422
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="editor"')
    assert "<html" not in html


def test_report_refuses_a_revision_of_another_session(client, event, session, host):
    other = make_session(event, [host], title="Other")
    foreign = actions.save_report(session=other, text="Theirs", based_on=None, by=host)
    client.force_login(host.user)

    response = client.post(report_url(session), {"text": "Mine", "based_on": str(foreign.pk)})

    assert response.context["form"].errors["based_on"] == [
        "This form does not belong to this report any more. Reload the page."
    ]
    assert Session.objects.get(pk=session.pk).report == ""
    assert session.report_revisions.count() == 0


def test_report_refuses_a_revision_id_that_is_no_number(client, session, host):
    client.force_login(host.user)

    response = client.post(report_url(session), {"text": "Mine", "based_on": "abc"})

    assert response.context["form"].errors["based_on"] == ["Enter a whole number."]
    assert Session.objects.get(pk=session.pk).report == ""


def test_report_preview_without_javascript(client, session, host):
    client.force_login(host.user)

    response = client.post(
        report_url(session), {"text": "**bold** <script>x()</script>", "preview": "1"}
    )

    assert str(response.context["preview"]) == "<p><strong>bold</strong> </p>"
    assert Session.objects.get(pk=session.pk).report == ""


def test_report_live_preview_renders_markdown_safely(client, event, host):
    client.force_login(host.user)
    url = reverse("participant:report-preview", args=[event.slug])

    response = client.post(url, {"field": "text", "text": "- a\n- <b onclick=x>b</b>"}, **HTMX)

    assert squash(response.content.decode()) == squash(
        '<section id="preview-text" class="preview" aria-label="Preview"> '
        '<h2 class="preview-title">Preview</h2><div class="prose"><ul>\n<li>a</li>\n'
        "<li><b>b</b></li>\n</ul></div> </section>"
    )


def test_report_live_preview_refuses_an_unknown_field(client, event, host):
    client.force_login(host.user)
    url = reverse("participant:report-preview", args=[event.slug])

    response = client.post(url, {"field": "password", "password": "x"}, **HTMX)

    assert response.status_code == 400


# ---- two writers ------------------------------------------------------------------------------


def test_second_save_from_an_old_revision_gets_the_merge_screen(client, event, session, host):
    first = actions.save_report(session=session, text="First text", based_on=None, by=host)
    other_host = make_participant(event, name="Otto")
    session.hostings.create(participant=other_host, order=1)
    actions.save_report(session=session, text="Otto's text", based_on=first.pk, by=other_host)
    client.force_login(host.user)

    response = client.post(report_url(session), {"text": "My text", "based_on": str(first.pk)})

    assert response.status_code == 409
    html = response.content.decode()
    assert "Otto saved it (" in html
    assert response.context["theirs_text"] == "Otto's text"
    assert response.context["form"]["text"].value() == "My text"
    latest = session.report_revisions.first()
    assert response.context["form"]["based_on"].value() == latest.pk
    assert Session.objects.get(pk=session.pk).report == "Otto's text"
    assert session.report_revisions.count() == 2

    merged = client.post(
        report_url(session), {"text": "Otto's text\n\nMy text", "based_on": str(latest.pk)}
    )

    assert merged.status_code == 302
    assert Session.objects.get(pk=session.pk).report == "Otto's text\n\nMy text"
    assert session.report_revisions.count() == 3


def test_conflict_by_htmx_is_the_editor_with_409(client, session, host):
    first = actions.save_report(session=session, text="One", based_on=None, by=host)
    actions.save_report(session=session, text="Two", based_on=first.pk, by=host)
    client.force_login(host.user)

    response = client.post(
        report_url(session), {"text": "Three", "based_on": str(first.pk)}, **HTMX
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="editor"')
    assert ">Two</textarea>" in html
    assert ">Three</textarea>" in html


def test_a_first_save_conflicts_with_a_save_made_meanwhile(client, session, host):
    actions.save_report(session=session, text="Someone was quicker", based_on=None, by=host)
    client.force_login(host.user)

    response = client.post(report_url(session), {"text": "Mine", "based_on": ""})

    assert response.status_code == 409
    assert Session.objects.get(pk=session.pk).report == "Someone was quicker"


def test_saving_the_same_text_twice_keeps_one_revision(client, session, host):
    client.force_login(host.user)

    client.post(report_url(session), {"text": "Same", "based_on": ""})
    second = client.post(report_url(session), {"text": "Same", "based_on": ""})

    assert second.status_code == 302
    assert session.report_revisions.count() == 1


# ---- history ----------------------------------------------------------------------------------


def test_restoring_an_earlier_version_makes_a_new_revision(client, session, host):
    first = actions.save_report(session=session, text="Version one", based_on=None, by=host)
    actions.save_report(session=session, text="Version two", based_on=first.pk, by=host)
    client.force_login(host.user)
    url = reverse("participant:report-restore", args=[session.event.slug, session.pk])

    response = client.post(url, {"revision": str(first.pk)})

    assert response.status_code == 302
    assert Session.objects.get(pk=session.pk).report == "Version one"
    assert [r.text for r in session.report_revisions.all()] == [
        "Version one",
        "Version two",
        "Version one",
    ]


def test_restoring_a_revision_of_another_session_is_refused(client, event, session, host):
    other = make_session(event, [host])
    foreign = actions.save_report(session=other, text="Other", based_on=None, by=host)
    actions.save_report(session=session, text="Mine", based_on=None, by=host)
    client.force_login(host.user)
    url = reverse("participant:report-restore", args=[event.slug, session.pk])

    response = client.post(url, {"revision": str(foreign.pk)})

    assert messages_of(response) == ["That version is not in this report's history."]
    assert Session.objects.get(pk=session.pk).report == "Mine"
    assert session.report_revisions.count() == 1


def test_report_page_lists_the_history_in_few_queries(
    client, session, host, django_assert_max_num_queries
):
    based_on = None
    for n in range(30):
        based_on = actions.save_report(
            session=session, text=f"Text {n}", based_on=based_on, by=host
        ).pk
    client.force_login(host.user)

    with django_assert_max_num_queries(16):
        response = client.get(report_url(session))

    assert len(response.context["revisions"]) == 30
    assert response.context["revisions"][0].text == "Text 29"


# ---- who may write ----------------------------------------------------------------------------


def test_a_participant_who_is_not_host_gets_404_and_changes_nothing(client, event, session):
    stranger = make_participant(event, name="Stan")
    client.force_login(stranger.user)

    assert client.get(report_url(session)).status_code == 404
    assert client.post(report_url(session), {"text": "Hijack", "based_on": ""}).status_code == 404
    assert Session.objects.get(pk=session.pk).report == ""


def test_a_visitor_who_has_not_joined_is_sent_to_join(client, session):
    response = client.get(report_url(session))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("public:join", args=[session.event.slug]))


def test_an_organiser_writes_any_report(client, event, session):
    organiser = make_participant(event, role=Participant.Role.ORGANISER)
    client.force_login(organiser.user)

    client.post(report_url(session), {"text": "By the organisers", "based_on": ""})

    assert session.report_revisions.get().author == organiser


def test_host_names_a_note_taker_who_then_writes(client, event, session, host):
    taker = make_participant(event, name="Nora Notes")
    client.force_login(host.user)
    url = reverse("participant:note-takers", args=[event.slug, session.pk])

    response = client.post(url, {"note_takers": [str(taker.pk)]})

    assert messages_of(response) == ["The note-takers are saved."]
    assert list(session.note_takers.all()) == [taker]
    client.force_login(taker.user)
    saved = client.post(report_url(session), {"text": "Notes by Nora", "based_on": ""})
    assert saved.status_code == 302
    assert session.report_revisions.get().author == taker


def test_a_note_taker_may_not_name_note_takers(client, event, session):
    taker = make_participant(event, name="Nora Notes")
    session.note_takers.add(taker)
    other = make_participant(event)
    client.force_login(taker.user)
    url = reverse("participant:note-takers", args=[event.slug, session.pk])

    response = client.post(url, {"note_takers": [str(other.pk)]})

    assert response.status_code == 404
    assert list(session.note_takers.all()) == [taker]


def test_note_takers_from_another_event_are_refused(client, event, session, host):
    elsewhere = make_participant(make_event())
    client.force_login(host.user)
    url = reverse("participant:note-takers", args=[event.slug, session.pk])

    response = client.post(url, {"note_takers": [str(elsewhere.pk)]})

    assert messages_of(response) == [
        f"{elsewhere.pk} is not a participant of this event who could take notes."
    ]
    assert list(session.note_takers.all()) == []


def test_report_page_of_a_withdrawn_session_is_404(client, event, host):
    gone = make_session(event, [host], status=Session.Status.WITHDRAWN)
    client.force_login(host.user)

    assert client.get(report_url(gone)).status_code == 404


# ---- the public session page ------------------------------------------------------------------


def test_session_page_shows_the_report_rendered_safely(client, session, host):
    actions.save_report(
        session=session,
        text="## Summary\n\n<script>alert(1)</script>**Met**",
        based_on=None,
        by=host,
    )

    response = client.get(session.get_absolute_url())

    html = response.content.decode()
    assert "<h2>Summary</h2>" in html
    assert "<strong>Met</strong>" in html
    assert "<script>alert" not in html


def test_session_page_links_hosts_to_the_report_page(client, session, host):
    client.force_login(host.user)

    response = client.get(session.get_absolute_url())

    assert f'href="{report_url(session)}"' in response.content.decode()


def test_session_page_has_no_report_link_for_others(client, event, session):
    client.force_login(make_participant(event).user)

    response = client.get(session.get_absolute_url())

    assert report_url(session) not in response.content.decode()


# ---- held -------------------------------------------------------------------------------------


def test_was_held_follows_the_grid_unless_organisers_said_otherwise(event):
    room, slot = make_room(event), make_slot(event)
    placed, unplaced = make_session(event), make_session(event)
    make_placement(placed, room, slot)
    placed = Session.objects.select_related("placement").get(pk=placed.pk)

    assert (placed.was_held, unplaced.was_held) == (True, False)
    placed.held, unplaced.held = False, True
    assert (placed.was_held, unplaced.was_held) == (False, True)


def test_a_session_an_event_file_calls_held_counts_as_held_everywhere(event):
    """An imported file may say status "held" for a session without a place in the grid: the
    model, the query and the event report agree that it took place (one rule, not three)."""
    from sessions_app.exports.event_report import report_data

    said_held = make_session(event, title="Gehouden volgens het bestand")
    Session.objects.filter(pk=said_held.pk).update(status=Session.Status.HELD)
    never_placed = make_session(event, title="Nooit geplaatst")

    said_held.refresh_from_db()
    assert said_held.was_held is True
    assert set(event.sessions.held()) == {said_held}
    assert never_placed.was_held is False
    assert [entry.session for entry in report_data(event).held] == [said_held]


# ---- the completeness board -------------------------------------------------------------------


@pytest.fixture
def organiser(event: Event) -> Participant:
    return make_participant(event, name="Olga", role=Participant.Role.ORGANISER)


def board_url(event: Event) -> str:
    return reverse("organiser:material", args=[event.slug])


def add_sessions(event: Event, count: int, *, start: int = 0) -> list[Session]:
    room = make_room(event)
    sessions = []
    for n in range(start, start + count):
        slot = make_slot(
            event,
            f"{8 + n // 4:02d}:{(n % 4) * 15:02d}",
            f"{8 + n // 4:02d}:{(n % 4) * 15 + 10:02d}",
        )
        host = make_participant(event, email=f"host{n}@example.org")
        session = make_session(event, [host], title=f"Session {n:03d}")
        make_placement(session, room, slot)
        sessions.append(session)
    return sessions


def test_board_summary_counts_held_sessions(client, event, organiser):
    sessions = add_sessions(event, 4)
    make_attachment(sessions[0])
    make_attachment(sessions[1])
    Session.objects.filter(pk__in=[sessions[1].pk, sessions[2].pk]).update(report="Done")
    make_session(event, title="Never placed")  # not held: not counted
    client.force_login(organiser.user)

    response = client.get(board_url(event))

    assert response.context["summary"] == {
        "held": 4,
        "slides": 2,
        "reports": 2,
        "both": 1,
        "nothing": 1,
    }
    assert "2 of 4 held sessions have slides" in squash(response.content.decode())


def test_board_filters_sessions_missing_something(client, event, organiser):
    sessions = add_sessions(event, 2)
    make_attachment(sessions[0])
    Session.objects.filter(pk=sessions[0].pk).update(report="Done")
    client.force_login(organiser.user)

    response = client.get(board_url(event), {"show": "missing"})

    assert [s.title for s in response.context["sessions"]] == ["Session 001"]


def test_board_needs_the_same_queries_for_3_and_30_sessions(
    client, event, organiser, django_assert_num_queries
):
    add_sessions(event, 3)
    client.force_login(organiser.user)
    with CaptureQueriesContext(connection) as few:
        client.get(board_url(event))
    add_sessions(event, 27, start=3)

    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(board_url(event))

    assert len(response.context["sessions"]) == 30


def test_board_is_for_organisers_only(client, event, host):
    client.force_login(host.user)

    assert client.get(board_url(event)).status_code == 403


def test_held_toggle_by_htmx_returns_the_row_and_summary(client, event, organiser):
    (session,) = add_sessions(event, 1)
    client.force_login(organiser.user)
    url = reverse("organiser:set-held", args=[event.slug, session.pk])

    response = client.post(url, {"held": "0"}, **HTMX)

    assert Session.objects.get(pk=session.pk).held is False
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="session-row-{session.pk}" class="not-held">')
    assert 'id="material-summary"' in html and 'hx-swap-oob="true"' in html
    assert "0 of 0 held sessions have slides" in squash(html)


def test_held_toggle_without_javascript_redirects(client, event, organiser):
    unplaced = make_session(event)
    client.force_login(organiser.user)
    url = reverse("organiser:set-held", args=[event.slug, unplaced.pk])

    response = client.post(url, {"held": "1"})

    assert response.status_code == 302
    assert Session.objects.get(pk=unplaced.pk).was_held is True


def test_held_toggle_refuses_nonsense(client, event, organiser):
    session = make_session(event)
    client.force_login(organiser.user)
    url = reverse("organiser:set-held", args=[event.slug, session.pk])

    response = client.post(url, {"held": "maybe"})

    assert messages_of(response) == ["Choose held or not held."]
    assert Session.objects.get(pk=session.pk).held is None


def test_held_toggle_is_for_organisers_only(client, event, session, host):
    client.force_login(host.user)
    url = reverse("organiser:set-held", args=[event.slug, session.pk])

    assert client.post(url, {"held": "0"}).status_code == 403
    assert Session.objects.get(pk=session.pk).held is None


# ---- at the same moment (PostgreSQL) ----------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_writers_saving_from_the_same_revision_leave_one_winner():

    event = make_event(phase=Event.Phase.ARCHIVED)
    hosts = [make_participant(event) for _ in range(10)]
    session = make_session(event, hosts)
    first = actions.save_report(session=session, text="Start", based_on=None, by=hosts[0])

    def save(n: int) -> bool:
        fresh = Session.objects.get(pk=session.pk)
        actions.save_report(session=fresh, text=f"Text {n}", based_on=first.pk, by=hosts[n])
        return True

    results, errors = run_together([lambda n=n: save(n) for n in range(10)])

    assert results == [True]
    assert len(errors) == 9
    assert all(isinstance(error, actions.ReportConflict) for error in errors)
    texts = [r.text for r in session.report_revisions.all()]
    assert len(texts) == 2
    assert Session.objects.get(pk=session.pk).report == texts[0]
