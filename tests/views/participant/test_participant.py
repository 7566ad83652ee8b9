"""Participant pages: the proposals board, proposing and changing a session, voting, my page."""

import itertools

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.http import urlencode

from sessions_app.models import Event, Follow, Host, Participant, Session, Vote
from tests.factories import (
    make_event,
    make_participant,
    make_placement,
    make_room,
    make_session,
    make_slot,
    make_theme,
    make_vote,
)
from tests.helpers import messages_of, squash, url

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def event(english_voting_event: Event) -> Event:
    return english_voting_event


def titles(response) -> list[str]:
    return [session.title for session in response.context["page"]]


def join_url(event: Event, next_url: str) -> str:
    return f"{url('public:join', event)}?{urlencode({'next': next_url})}"


def proposal_post(**kw) -> dict[str, str]:
    """What the proposal form sends; when editing, it names the session's version it was opened
    on (0: a session nobody changed since it was made)."""
    fields = {"title": "Open data in small towns", "kind": "discussion", "description": ""}
    return fields | {"version": "0"} | kw


_bulk = itertools.count(1)


def add_board(event: Event, count: int) -> list[Session]:
    """`count` visible proposals in a few bulk queries: each with its own new host (every other
    one with a second host), a theme, and two votes from the hosts (within a budget of 3)."""
    batch = next(_bulk)
    theme = event.themes.first() or make_theme(event)
    User = get_user_model()
    users = User.objects.bulk_create(User(username=f"bulk-{batch}-{i}") for i in range(count))
    hosts = Participant.objects.bulk_create(
        Participant(event=event, user=user, name=f"Host {batch}-{i}")
        for i, user in enumerate(users)
    )
    sessions = Session.objects.bulk_create(
        Session(event=event, title=f"Proposal {batch}-{i}") for i in range(count)
    )
    Host.objects.bulk_create(
        [Host(session=s, participant=hosts[i], order=0) for i, s in enumerate(sessions)]
        + [
            Host(session=s, participant=hosts[i - 1], order=1)
            for i, s in enumerate(sessions)
            if i % 2
        ]
    )
    Session.themes.through.objects.bulk_create(
        Session.themes.through(session=s, theme=theme) for s in sessions
    )
    Vote.objects.bulk_create(
        Vote(participant=hosts[i], session=sessions[(i + step) % count])
        for i in range(count)
        for step in (0, 1)
    )
    return sessions


# ---- the proposals board ----------------------------------------------------------------------


@pytest.mark.django_db
def test_proposals_page_is_open_to_visitors_with_join_links_and_no_vote_forms(client, event):
    make_session(event, title="Open data")
    make_session(event, title="Civic tech")

    response = client.get(url("participant:proposals", event))

    assert response.status_code == 200
    assert titles(response) == ["Open data", "Civic tech"]
    assert response.text.count("Join to vote") == 2
    assert 'name="vote"' not in response.text


@pytest.mark.django_db
def test_proposals_page_shows_a_participant_vote_buttons(client, event, participant):
    voted = make_session(event)
    make_session(event)
    make_vote(participant, voted)
    client.force_login(participant.user)

    response = client.get(url("participant:proposals", event))

    assert response.text.count('name="vote" value="0"') == 1
    assert response.text.count('name="vote" value="1"') == 1
    assert "Join to vote" not in response.text
    assert response.context["my_votes"] == {voted.pk}


@pytest.fixture
def board(event):
    """Five sessions to filter; votes: civic 3, open data 2, demo 1, the others none."""
    civic_theme, data_theme = make_theme(event, name="Civic"), make_theme(event, name="Data")
    anna = make_participant(event, name="Anna Archivist", organisation="City Archive")
    bert = make_participant(event, name="Bert Builder")
    sessions = {
        "open": make_session(
            event, hosts=[anna], title="Open data in towns", description="Publishing budgets"
        ),
        "civic": make_session(event, hosts=[bert], title="Civic tech", kind=Session.Kind.DEMO),
        "demo": make_session(
            event,
            hosts=[bert],
            title="Fix my street",
            kind=Session.Kind.DEMO,
            description="A live demo of open311",
        ),
        "talk": make_session(
            event, hosts=[anna, bert], title="Archives", kind=Session.Kind.PRESENTATION
        ),
        "quiet": make_session(event, hosts=[bert], title="Quiet room"),
    }
    sessions["open"].themes.set([data_theme])
    sessions["civic"].themes.set([civic_theme, data_theme])
    sessions["demo"].themes.set([civic_theme])
    voters = [make_participant(event) for _ in range(3)]
    for voter in voters:
        make_vote(voter, sessions["civic"])
    for voter in voters[:2]:
        make_vote(voter, sessions["open"])
    make_vote(voters[0], sessions["demo"])
    make_session(event, hosts=[anna], title="Open spam", hidden=True)
    make_session(event, hosts=[anna], title="Open withdrawn", status=Session.Status.WITHDRAWN)
    return {"civic_theme": civic_theme, "data_theme": data_theme, **sessions}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["Civic tech", "Open data in towns", "Fix my street", "Archives", "Quiet room"]),
        (
            {"sort": "votes"},
            ["Civic tech", "Open data in towns", "Fix my street", "Archives", "Quiet room"],
        ),
        (
            {"sort": "new"},
            ["Quiet room", "Archives", "Fix my street", "Civic tech", "Open data in towns"],
        ),
        ({"kind": "demo"}, ["Civic tech", "Fix my street"]),
        ({"kind": "presentation"}, ["Archives"]),
        ({"kind": "demo", "sort": "new"}, ["Fix my street", "Civic tech"]),
        ({"q": "open"}, ["Open data in towns", "Fix my street"]),
        ({"q": "BUDGETS"}, ["Open data in towns"]),
        ({"q": "  archiv "}, ["Open data in towns", "Archives"]),
        ({"q": "city archive"}, ["Open data in towns", "Archives"]),
        ({"q": "bert builder", "kind": "discussion"}, ["Quiet room"]),
        ({"q": "nothing like this"}, []),
        (
            {"kind": "bogus", "sort": "bogus"},
            ["Civic tech", "Open data in towns", "Fix my street", "Archives", "Quiet room"],
        ),
    ],
)
def test_proposals_page_filters_and_sorts(client, event, board, params, expected):
    response = client.get(url("participant:proposals", event), params)

    assert response.status_code == 200
    assert titles(response) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("theme", "expected"),
    [
        ("civic_theme", ["Civic tech", "Fix my street"]),
        ("data_theme", ["Civic tech", "Open data in towns"]),
    ],
)
def test_proposals_page_filters_by_theme(client, event, board, theme, expected):
    response = client.get(url("participant:proposals", event), {"theme": board[theme].pk})

    assert titles(response) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("theme", ["999999", "99999999999999999999", "x"])
def test_proposals_page_ignores_an_unknown_theme(client, event, board, theme):
    response = client.get(url("participant:proposals", event), {"theme": theme})

    assert response.status_code == 200
    assert len(titles(response)) == 5


@pytest.mark.django_db
def test_proposals_page_ignores_a_theme_of_another_event(client, event, board):
    foreign = make_theme(make_event())

    response = client.get(url("participant:proposals", event), {"theme": foreign.pk})

    assert len(titles(response)) == 5


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{}, {"q": "open"}, {"q": "spam"}, {"q": "withdrawn"}])
def test_proposals_page_never_lists_hidden_or_withdrawn_sessions(
    client, event, board, participant, params
):
    client.force_login(participant.user)

    response = client.get(url("participant:proposals", event), params)

    assert {"Open spam", "Open withdrawn"} & set(titles(response)) == set()
    assert "Open spam" not in response.text
    assert "Open withdrawn" not in response.text


@pytest.mark.django_db
def test_proposals_page_lists_hidden_sessions_apart_for_organisers(client, event, organiser):
    make_session(event, title="Visible")
    make_session(event, title="Buy cheap watches", hidden=True)
    client.force_login(organiser.user)

    response = client.get(url("participant:proposals", event))

    assert titles(response) == ["Visible"]
    assert [s.title for s in response.context["hidden_sessions"]] == ["Buy cheap watches"]
    assert "1 hidden session (organisers only)" in response.text


@pytest.mark.django_db
def test_proposals_page_htmx_filter_returns_only_the_list(client, event, board):
    response = client.get(
        url("participant:proposals", event),
        {"kind": "demo"},
        HTTP_HX_TARGET="proposal-list",
        **HTMX,
    )

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="proposal-list" class="proposal-list">')
    assert "<html" not in response.text
    assert 'class="filters"' not in response.text
    assert titles(response) == ["Civic tech", "Fix my street"]


@pytest.mark.django_db
def test_proposals_page_without_htmx_is_a_full_page(client, event, board):
    response = client.get(url("participant:proposals", event), {"kind": "demo"})

    assert response.text.startswith("<!DOCTYPE html>")
    assert response.text.count('<div id="proposal-list" class="proposal-list">') == 1
    assert 'class="filters"' in response.text


@pytest.mark.django_db
def test_proposals_page_htmx_with_another_target_is_a_full_page(client, event, board):
    response = client.get(url("participant:proposals", event), HTTP_HX_TARGET="main", **HTMX)

    assert response.text.startswith("<!DOCTYPE html>")


@pytest.mark.django_db
def test_proposals_page_shows_50_sessions_a_page_and_keeps_the_filters(client, event):
    add_board(event, 51)
    make_session(event, title="A demo", kind=Session.Kind.DEMO)

    first = client.get(url("participant:proposals", event), {"kind": "discussion"})
    second = client.get(url("participant:proposals", event), {"kind": "discussion", "page": 2})

    assert (len(titles(first)), len(titles(second))) == (50, 1)
    assert set(titles(first)).isdisjoint(titles(second))
    assert "Page 1 of 2" in first.text
    assert 'href="?kind=discussion&amp;page=2" rel="next"' in first.text
    assert 'href="?kind=discussion&amp;page=1" rel="prev"' in second.text


@pytest.mark.django_db
@pytest.mark.parametrize(("number", "shown"), [("x", 50), ("0", 1), ("99", 1)])
def test_proposals_page_with_a_bad_page_number_shows_the_first_or_last_page(
    client, event, number, shown
):
    add_board(event, 51)

    response = client.get(url("participant:proposals", event), {"page": number})

    assert (response.status_code, len(titles(response))) == (200, shown)


# ---- query counts -----------------------------------------------------------------------------

BOARD_MAX_QUERIES = 13  # 12, and whether a pitch round runs (the box at the top)
EVENT_PAGE_MAX_QUERIES = 6


@pytest.fixture
def dot_voter(client) -> Participant:
    event = make_event(language="en", phase=Event.Phase.VOTING, votes_per_participant=3)
    voter = make_participant(event, name="Vera Voter")
    client.force_login(voter.user)
    return voter


@pytest.mark.django_db
def test_proposals_page_needs_the_same_queries_for_10_and_300_proposals(
    client, dot_voter, django_assert_max_num_queries
):
    event = dot_voter.event
    first, second, *_rest = add_board(event, 10)
    make_vote(dot_voter, first)
    make_vote(dot_voter, second)
    page = url("participant:proposals", event)
    client.get(page)  # warm up the session and the template cache
    with CaptureQueriesContext(connection) as small:
        client.get(page)
    add_board(event, 290)

    with django_assert_max_num_queries(BOARD_MAX_QUERIES) as large:
        response = client.get(page)

    assert (len(large), len(titles(response))) == (len(small), 50)
    assert "You have 1 vote left." in response.text


@pytest.mark.django_db
def test_event_page_needs_the_same_queries_for_10_and_300_proposals(
    client, dot_voter, django_assert_max_num_queries
):
    event = dot_voter.event
    first, *_rest = add_board(event, 10)
    make_vote(dot_voter, first)
    page = url("public:event", event)
    client.get(page)
    with CaptureQueriesContext(connection) as small:
        client.get(page)
    add_board(event, 290)

    with django_assert_max_num_queries(EVENT_PAGE_MAX_QUERIES) as large:
        response = client.get(page)

    assert len(large) == len(small)
    assert response.context["counts"] == {"participants": 301, "sessions": 300}
    assert "You have 2 votes left." in response.text


# ---- proposing --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_propose_shows_the_form(client, event, participant):
    client.force_login(participant.user)

    response = client.get(url("participant:propose", event))

    assert response.status_code == 200
    assert response.context["form"].is_bound is False
    assert '<input type="text" name="title"' in response.text


@pytest.mark.django_db
def test_propose_creates_the_session_with_the_proposer_as_host(client, event, participant):
    theme = make_theme(event)
    cohost = make_participant(event, name="Carla Cohost")
    client.force_login(participant.user)

    response = client.post(
        url("participant:propose", event),
        proposal_post(
            title=" Open   data ",
            kind="demo",
            description="**Live**",
            themes=[theme.pk],
            cohosts=[cohost.pk],
            invite="Ines Invited",
        ),
    )

    session = Session.objects.get()
    assert response.status_code == 302
    assert response.url == session.get_absolute_url()
    assert (session.title, session.kind, session.description) == ("Open data", "demo", "**Live**")
    assert [h.participant.name for h in session.hostings.all()] == [
        "Piet Participant",
        "Carla Cohost",
        "Ines Invited",
    ]
    assert list(session.themes.all()) == [theme]
    assert messages_of(response) == ["Your session is proposed. Thank you!"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field", "error"),
    [
        ({"title": ""}, "title", "Give your session a title."),
        ({"title": " \t "}, "title", "Give your session a title."),
        (
            {"title": "t" * 10_000},
            "title",
            "Ensure this value has at most 200 characters (it has 10000).",
        ),
        (
            {"description": "d" * 20_000},
            "description",
            "Ensure this value has at most 10000 characters (it has 20000).",
        ),
        (
            {"kind": "bogus"},
            "kind",
            "Select a valid choice. bogus is not one of the available choices.",
        ),
        (
            {"invite": "n" * 151},
            "invite",
            "A name can have at most 150 characters.",
        ),
    ],
    ids=["empty-title", "blank-title", "long-title", "long-description", "bogus-kind", "long-name"],
)
def test_propose_with_bad_input_says_why_keeps_the_input_and_saves_nothing(
    client, event, participant, data, field, error
):
    client.force_login(participant.user)
    posted = proposal_post(kind="demo", description="Keep *this*") | data

    response = client.post(url("participant:propose", event), posted)

    assert response.status_code == 200
    assert response.context["form"].errors == {field: [error]}
    assert "Please correct the errors below." in response.text
    assert (Session.objects.count(), Host.objects.count()) == (0, 0)
    form = response.context["form"]
    assert (form["title"].value(), form["description"].value(), form["kind"].value()) == (
        posted["title"],
        posted["description"],
        posted["kind"],
    )
    if field != "description":
        assert ">Keep *this*</textarea>" in response.text
    if posted["kind"] == "demo":
        assert 'value="demo" id="id_kind_2" checked>' in response.text.replace(" required", "")


@pytest.mark.django_db
def test_propose_keeps_a_long_title_in_the_form(client, event, participant):
    client.force_login(participant.user)

    response = client.post(url("participant:propose", event), proposal_post(title="t" * 10_000))

    assert f'value="{"t" * 10_000}"' in response.text


XSS_TITLE = '<script>alert("title")</script>'
XSS_DESCRIPTION = (
    '<script>alert("description")</script>\n\n**bold** <img src=x onerror=alert(2)>'
    ' [click](javascript:alert(3)) <a href="javascript:alert(4)">x</a>'
)


@pytest.mark.django_db
def test_propose_stores_html_as_text_and_pages_show_it_harmless(client, event, participant):
    client.force_login(participant.user)

    client.post(
        url("participant:propose", event),
        proposal_post(title=XSS_TITLE, description=XSS_DESCRIPTION),
    )
    session = Session.objects.get()
    pages = [
        client.get(session.get_absolute_url()),
        client.get(url("participant:proposals", event)),
        client.get(url("participant:my-page", event)),
    ]

    assert (session.title, session.description) == (XSS_TITLE, XSS_DESCRIPTION)
    for page in pages:
        assert page.status_code == 200
        assert "<script>" not in page.text
        assert "onerror=" not in page.text
        assert "javascript:" not in page.text
        assert "&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;" in page.text
    assert "<strong>bold</strong>" in pages[0].text


@pytest.mark.django_db
def test_propose_preview_without_javascript_shows_it_and_saves_nothing(client, event, participant):
    client.force_login(participant.user)

    response = client.post(
        url("participant:propose", event),
        proposal_post(description=XSS_DESCRIPTION, preview="1"),
    )

    assert response.status_code == 200
    assert response.text.startswith("<!DOCTYPE html>")
    assert squash(response.context["preview"]) == (
        '<p><strong>bold</strong> <a rel="noopener noreferrer nofollow">click</a>'
        ' <a rel="noopener noreferrer nofollow">x</a></p>'
    )
    # what was typed stays in the textarea, as text; nothing of it runs
    assert "&lt;img src=x onerror=alert(2)&gt;" in response.text
    for tag in ("<script>", "<img", 'href="javascript:'):
        assert tag not in response.text
    assert Session.objects.count() == 0


@pytest.mark.django_db
def test_preview_with_htmx_returns_only_the_sanitised_preview(client, event, participant):
    client.force_login(participant.user)

    response = client.post(
        url("participant:preview", event), {"description": XSS_DESCRIPTION}, **HTMX
    )

    assert response.status_code == 200
    assert squash(response.text) == (
        '<section id="preview" class="preview" aria-label="Preview">'
        ' <h2 class="preview-title">Preview</h2><div class="prose">'
        ' <p><strong>bold</strong> <a rel="noopener noreferrer nofollow">click</a>'
        ' <a rel="noopener noreferrer nofollow">x</a></p></div> </section>'
    )
    assert Session.objects.count() == 0


@pytest.mark.django_db
def test_preview_of_an_empty_or_too_long_description_is_empty(client, event, participant):
    client.force_login(participant.user)

    responses = [
        client.post(url("participant:preview", event), {"description": text}, **HTMX)
        for text in ["", "d" * 10_001]
    ]

    for response in responses:
        assert "<h2" not in response.text
        assert response.text.strip().startswith('<section id="preview"')


@pytest.mark.django_db
def test_preview_without_htmx_is_a_full_page_or_a_redirect(client, event, participant):
    client.force_login(participant.user)

    response = client.post(url("participant:preview", event), {"description": "**x**"})

    assert response.status_code == 302 or response.text.startswith("<!DOCTYPE html>")


@pytest.mark.django_db
def test_preview_by_a_visitor_is_sent_to_join(client, event):
    response = client.post(url("participant:preview", event), {"description": "x"}, **HTMX)

    assert response.status_code == 302
    assert response.url == join_url(event, url("participant:preview", event))


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_propose_by_a_visitor_is_sent_to_join_and_saves_nothing(client, event, method):
    data = proposal_post() if method == "post" else None

    response = getattr(client, method)(url("participant:propose", event), data)

    assert response.status_code == 302
    assert response.url == join_url(event, url("participant:propose", event))
    assert Session.objects.count() == 0


@pytest.mark.django_db
def test_propose_by_a_participant_of_another_event_is_sent_to_join(client, event):
    stranger = make_participant(make_event())
    client.force_login(stranger.user)

    response = client.post(url("participant:propose", event), proposal_post())

    assert response.url == join_url(event, url("participant:propose", event))
    assert Session.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("phase", [Event.Phase.PUBLISHED, Event.Phase.ARCHIVED])
def test_propose_when_proposing_is_closed_says_so_and_saves_nothing(
    client, event, participant, phase, method
):
    event.phase = phase
    event.save()
    client.force_login(participant.user)

    response = getattr(client, method)(url("participant:propose", event), proposal_post())

    assert (response.status_code, response.url) == (302, event.get_absolute_url())
    assert messages_of(response) == ["Proposing is closed for this event."]
    assert Session.objects.count() == 0


# ---- editing, withdrawing ---------------------------------------------------------------------


@pytest.fixture
def own_session(event, participant) -> Session:
    return make_session(event, hosts=[participant], title="Old title", description="Old text")


@pytest.mark.django_db
def test_edit_shows_the_session_in_the_form(client, event, participant, own_session):
    client.force_login(participant.user)

    response = client.get(url("participant:edit-session", event, own_session.pk))

    assert response.status_code == 200
    form = response.context["form"]
    assert (form["title"].value(), form["description"].value()) == ("Old title", "Old text")
    assert "Change your session" in response.text


@pytest.mark.django_db
def test_edit_by_a_host_saves_and_keeps_them_host(client, event, participant, own_session):
    client.force_login(participant.user)

    response = client.post(
        url("participant:edit-session", event, own_session.pk),
        proposal_post(title="New title", kind="presentation", description="New text"),
    )

    own_session.refresh_from_db()
    assert (response.status_code, response.url) == (302, own_session.get_absolute_url())
    assert (own_session.title, own_session.kind, own_session.description) == (
        "New title",
        "presentation",
        "New text",
    )
    assert list(own_session.hosts.all()) == [participant]
    assert messages_of(response) == ["Your changes are saved."]


@pytest.mark.django_db
def test_edit_with_bad_input_saves_nothing(client, event, participant, own_session):
    client.force_login(participant.user)

    response = client.post(
        url("participant:edit-session", event, own_session.pk), proposal_post(title="")
    )

    own_session.refresh_from_db()
    assert response.status_code == 200
    assert response.context["form"].errors == {"title": ["Give your session a title."]}
    assert own_session.title == "Old title"


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_edit_of_someone_elses_session_is_a_404(client, event, participant, method):
    other = make_session(event, hosts=[make_participant(event)], title="Not mine")
    client.force_login(participant.user)

    response = getattr(client, method)(
        url("participant:edit-session", event, other.pk), proposal_post(title="Mine now")
    )

    other.refresh_from_db()
    assert (response.status_code, other.title) == (404, "Not mine")


@pytest.mark.django_db
def test_edit_of_another_events_session_is_a_404_even_for_its_host(client, event, participant):
    other_event = make_event()
    elsewhere = make_session(other_event, hosts=[make_participant(other_event)])

    client.force_login(participant.user)
    response = client.get(url("participant:edit-session", event, elsewhere.pk))

    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_edit_by_a_host_after_the_grid_is_published_is_refused(
    client, event, participant, own_session, method
):
    event.phase = Event.Phase.PUBLISHED
    event.save()
    client.force_login(participant.user)

    response = getattr(client, method)(
        url("participant:edit-session", event, own_session.pk), proposal_post(title="Too late")
    )

    own_session.refresh_from_db()
    assert (response.status_code, response.url) == (302, own_session.get_absolute_url())
    assert messages_of(response) == [
        "The grid is published; ask an organiser to change this session."
    ]
    assert own_session.title == "Old title"


@pytest.mark.django_db
def test_edit_by_an_organiser_after_the_grid_is_published_is_saved(
    client, event, organiser, participant, own_session
):
    event.phase = Event.Phase.PUBLISHED
    event.save()
    client.force_login(organiser.user)

    response = client.post(
        url("participant:edit-session", event, own_session.pk),
        proposal_post(title="Fixed title", cohosts=[participant.pk]),
    )

    own_session.refresh_from_db()
    assert response.status_code == 302
    assert own_session.title == "Fixed title"
    assert list(own_session.hosts.all()) == [participant]


@pytest.mark.django_db
def test_edit_by_an_organiser_lists_the_hosts_and_can_change_them(
    client, event, organiser, participant, own_session
):
    other = make_participant(event, name="Anna")
    client.force_login(organiser.user)

    shown = client.get(url("participant:edit-session", event, own_session.pk))
    client.post(
        url("participant:edit-session", event, own_session.pk),
        proposal_post(cohosts=[participant.pk, other.pk]),
    )

    assert shown.context["form"]["cohosts"].value() == [participant.pk]
    assert [h.participant for h in own_session.hostings.all()] == [participant, other]


@pytest.mark.django_db
def test_edit_by_an_organiser_cannot_remove_every_host(
    client, event, organiser, participant, own_session
):
    client.force_login(organiser.user)

    response = client.post(
        url("participant:edit-session", event, own_session.pk),
        proposal_post(title="No hosts", cohosts=[]),
    )

    own_session.refresh_from_db()
    assert response.status_code == 200
    assert response.context["form"].errors == {"cohosts": ["A session needs at least one host."]}
    assert (own_session.title, list(own_session.hosts.all())) == ("Old title", [participant])


@pytest.mark.django_db
def test_withdraw_by_the_host_takes_it_off_the_board_and_keeps_its_votes(
    client, event, participant, own_session
):
    make_vote(participant, own_session)
    client.force_login(participant.user)

    response = client.post(url("participant:withdraw-session", event, own_session.pk))

    own_session.refresh_from_db()
    assert (response.status_code, response.url) == (302, own_session.get_absolute_url())
    assert messages_of(response) == ["The session is withdrawn. You can undo this on its page."]
    assert (own_session.status, own_session.votes.count()) == (Session.Status.WITHDRAWN, 1)
    assert titles(client.get(url("participant:proposals", event))) == []


@pytest.mark.django_db
def test_restore_by_the_host_puts_it_back(client, event, participant, own_session):
    client.force_login(participant.user)
    client.post(url("participant:withdraw-session", event, own_session.pk), follow=True)

    response = client.post(
        url("participant:withdraw-session", event, own_session.pk), {"restore": "1"}
    )

    own_session.refresh_from_db()
    assert messages_of(response) == ["The session is back on the board."]
    assert own_session.status == Session.Status.PROPOSED


@pytest.mark.django_db
def test_session_page_offers_its_host_to_put_a_withdrawn_session_back(
    client, event, participant, own_session
):
    client.force_login(participant.user)
    client.post(url("participant:withdraw-session", event, own_session.pk))

    response = client.get(own_session.get_absolute_url())

    assert "Put it back on the board" in response.text


@pytest.mark.django_db
def test_restore_by_an_organiser_puts_it_back(client, event, organiser, own_session):
    make_vote(organiser, own_session)
    own_session.status = Session.Status.WITHDRAWN
    own_session.save()
    client.force_login(organiser.user)

    response = client.post(
        url("participant:withdraw-session", event, own_session.pk), {"restore": "1"}
    )

    own_session.refresh_from_db()
    assert messages_of(response) == ["The session is back on the board."]
    assert (own_session.status, own_session.votes.count()) == (Session.Status.PROPOSED, 1)
    assert titles(client.get(url("participant:proposals", event))) == ["Old title"]


@pytest.mark.django_db
def test_withdraw_of_someone_elses_session_is_a_404(client, event, participant):
    other = make_session(event, hosts=[make_participant(event)])
    client.force_login(participant.user)

    response = client.post(url("participant:withdraw-session", event, other.pk))

    other.refresh_from_db()
    assert (response.status_code, other.status) == (404, Session.Status.PROPOSED)


@pytest.mark.django_db
def test_withdraw_by_a_host_after_the_grid_is_published_is_refused(
    client, event, participant, own_session
):
    event.phase = Event.Phase.PUBLISHED
    event.save()
    client.force_login(participant.user)

    response = client.post(url("participant:withdraw-session", event, own_session.pk))

    own_session.refresh_from_db()
    assert own_session.status == Session.Status.PROPOSED
    assert messages_of(response) == ["The grid is published; ask an organiser to withdraw it."]


@pytest.mark.django_db
def test_withdraw_by_an_organiser_of_any_session(client, event, organiser, own_session):
    event.phase = Event.Phase.PUBLISHED
    event.save()
    client.force_login(organiser.user)

    client.post(url("participant:withdraw-session", event, own_session.pk))

    own_session.refresh_from_db()
    assert own_session.status == Session.Status.WITHDRAWN


@pytest.mark.django_db
def test_withdraw_by_get_is_not_allowed(client, event, participant, own_session):
    client.force_login(participant.user)

    response = client.get(url("participant:withdraw-session", event, own_session.pk))

    own_session.refresh_from_db()
    assert (response.status_code, own_session.status) == (405, Session.Status.PROPOSED)


# ---- voting -----------------------------------------------------------------------------------


@pytest.fixture
def voter(client, participant) -> Participant:
    client.force_login(participant.user)
    return participant


@pytest.fixture
def candidate(event) -> Session:
    return make_session(event, hosts=[make_participant(event)], title="Civic tech")


def vote_rows() -> list[tuple[int, int]]:
    return list(Vote.objects.values_list("participant_id", "session_id"))


@pytest.mark.django_db
def test_vote_without_htmx_counts_and_goes_back_to_next(client, event, voter, candidate):
    back = f"{url('participant:proposals', event)}?sort=new"

    response = client.post(
        url("participant:vote", event, candidate.pk), {"vote": "1", "next": back}
    )

    assert (response.status_code, response.url) == (302, back)
    assert vote_rows() == [(voter.pk, candidate.pk)]
    assert "1 vote" in client.get(back).text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", ""]
)
def test_vote_without_htmx_never_goes_back_to_another_site(
    client, event, voter, candidate, next_url
):
    response = client.post(
        url("participant:vote", event, candidate.pk), {"vote": "1", "next": next_url}
    )

    assert response.url == candidate.get_absolute_url()


@pytest.mark.django_db
def test_vote_with_htmx_returns_the_button_the_count_and_votes_left(
    client, event, voter, candidate
):
    event.votes_per_participant = 3
    event.save()
    other = make_participant(event)
    make_vote(other, candidate)

    response = client.post(url("participant:vote", event, candidate.pk), {"vote": "1"}, **HTMX)

    text = response.text
    assert response.status_code == 200
    assert text.lstrip().startswith(f'<div class="vote" id="vote-{candidate.pk}"')
    assert "<html" not in text
    assert 'class="vote-button voted"' in text
    assert '<span class="vote-count">2 votes</span>' in text
    assert '<p id="votes-left" class="votes-left" role="status" hx-swap-oob="innerHTML">' in text
    assert "You have 2 votes left." in text
    assert 'role="alert"' not in text
    assert sorted(vote_rows()) == sorted([(other.pk, candidate.pk), (voter.pk, candidate.pk)])


@pytest.mark.django_db
def test_unvote_without_htmx_takes_the_vote_back(client, event, voter, candidate):
    make_vote(voter, candidate)

    response = client.post(url("participant:vote", event, candidate.pk), {"vote": "0"})

    assert (response.status_code, response.url) == (302, candidate.get_absolute_url())
    assert vote_rows() == []


@pytest.mark.django_db
def test_unvote_with_htmx_returns_the_unvoted_button(client, event, voter, candidate):
    make_vote(voter, candidate)

    response = client.post(url("participant:vote", event, candidate.pk), {"vote": "0"}, **HTMX)

    assert '<span class="vote-count">0 votes</span>' in response.text
    assert 'name="vote" value="1" class="vote-button"' in response.text
    assert "voted" not in response.text
    assert vote_rows() == []


@pytest.mark.django_db
def test_vote_twice_is_one_vote(client, event, voter, candidate):
    client.post(url("participant:vote", event, candidate.pk), {"vote": "1"})

    response = client.post(url("participant:vote", event, candidate.pk), {"vote": "1"}, **HTMX)

    assert '<span class="vote-count">1 vote</span>' in response.text
    assert vote_rows() == [(voter.pk, candidate.pk)]


@pytest.mark.django_db
@pytest.mark.parametrize("vote", ["1", "0"])
@pytest.mark.parametrize("phase", [Event.Phase.PROPOSALS, Event.Phase.PUBLISHED])
def test_vote_when_voting_is_closed_says_so_without_htmx(
    client, event, voter, candidate, phase, vote
):
    event.phase = phase
    event.save()
    if vote == "0":
        make_vote(voter, candidate)
    before = vote_rows()

    response = client.post(url("participant:vote", event, candidate.pk), {"vote": vote})

    assert (response.status_code, response.url) == (302, candidate.get_absolute_url())
    assert messages_of(response) == ["Voting is not open."]
    assert vote_rows() == before


@pytest.mark.django_db
def test_vote_when_voting_is_closed_says_so_with_htmx(client, event, voter, candidate):
    event.phase = Event.Phase.PROPOSALS
    event.save()

    response = client.post(url("participant:vote", event, candidate.pk), {"vote": "1"}, **HTMX)

    assert response.status_code == 200
    assert '<p class="vote-error" role="alert">Voting is not open.</p>' in response.text
    assert "<html" not in response.text
    assert vote_rows() == []


@pytest.mark.django_db
def test_vote_for_a_withdrawn_session_is_refused(client, event, voter, candidate):
    candidate.status = Session.Status.WITHDRAWN
    candidate.save()

    response = client.post(url("participant:vote", event, candidate.pk), {"vote": "1"}, **HTMX)

    assert '<p class="vote-error" role="alert">This session was withdrawn.</p>' in response.text
    assert vote_rows() == []


@pytest.mark.django_db
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_vote_for_a_hidden_session_is_a_404(client, event, voter, candidate, headers):
    candidate.hidden = True
    candidate.save()

    response = client.post(url("participant:vote", event, candidate.pk), {"vote": "1"}, **headers)

    assert (response.status_code, vote_rows()) == (404, [])


@pytest.mark.django_db
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_vote_for_another_events_session_is_a_404(client, event, voter, headers):
    other_event = make_event(phase=Event.Phase.VOTING)
    elsewhere = make_session(other_event)
    make_vote(make_participant(other_event), elsewhere)
    before = vote_rows()

    responses = [
        client.post(url("participant:vote", event, elsewhere.pk), {"vote": v}, **headers)
        for v in ["1", "0"]
    ]

    assert [r.status_code for r in responses] == [404, 404]
    assert vote_rows() == before


@pytest.mark.django_db
def test_vote_beyond_the_dot_budget_is_refused_without_htmx(client, event, voter):
    event.votes_per_participant = 2
    event.save()
    first, second, third = (make_session(event) for _ in range(3))
    for session in (first, second):
        client.post(url("participant:vote", event, session.pk), {"vote": "1"})

    response = client.post(url("participant:vote", event, third.pk), {"vote": "1"})

    assert messages_of(response) == [
        "You have used all 2 votes. Take one back from another session first."
    ]
    assert sorted(vote_rows()) == [(voter.pk, first.pk), (voter.pk, second.pk)]


@pytest.mark.django_db
def test_vote_beyond_the_dot_budget_is_refused_with_htmx(client, event, voter):
    event.votes_per_participant = 2
    event.save()
    first, second, third = (make_session(event) for _ in range(3))
    for session in (first, second):
        client.post(url("participant:vote", event, session.pk), {"vote": "1"}, **HTMX)

    response = client.post(url("participant:vote", event, third.pk), {"vote": "1"}, **HTMX)

    assert (
        '<p class="vote-error" role="alert">'
        "You have used all 2 votes. Take one back from another session first.</p>"
    ) in response.text
    assert "You have 0 votes left." in response.text
    assert '<span class="vote-count">0 votes</span>' in response.text
    assert sorted(vote_rows()) == [(voter.pk, first.pk), (voter.pk, second.pk)]


@pytest.mark.django_db
def test_a_second_tap_on_the_vote_that_used_the_last_one_is_no_error(client, event, voter):
    event.votes_per_participant = 2
    event.save()
    first, second = make_session(event), make_session(event)
    client.post(url("participant:vote", event, first.pk), {"vote": "1"}, **HTMX)
    client.post(url("participant:vote", event, second.pk), {"vote": "1"}, **HTMX)

    response = client.post(url("participant:vote", event, second.pk), {"vote": "1"}, **HTMX)

    assert 'role="alert"' not in response.text
    assert 'class="vote-button voted"' in response.text
    assert '<span class="vote-count">1 vote</span>' in response.text
    assert "You have 0 votes left." in response.text
    assert sorted(vote_rows()) == [(voter.pk, first.pk), (voter.pk, second.pk)]


# A tap is the busiest request of the day: the session, the user, the participation with its
# event, and on PostgreSQL one statement that locks the session's row (a merge or a withdrawal
# that holds it is waited for), adds the vote (INSERT … ON CONFLICT DO NOTHING) and counts;
# here, inside the test's transaction, a savepoint around it (2 more). SQLite takes the long
# way: the session read, the lock and the insert in a savepoint (4), the counts read again.
VOTE_QUERIES = {"postgresql": 4 + 2, "sqlite": 8 + 1}


@pytest.mark.django_db
@pytest.mark.parametrize("budget", [None, 4])
@pytest.mark.parametrize("tap", ["first", "repeated"])
def test_a_vote_tap_takes_a_fixed_number_of_queries(
    client, event, voter, candidate, budget, tap, django_assert_num_queries
):
    event.votes_per_participant = budget
    event.save()
    for session in (make_session(event), make_session(event)):
        make_vote(voter, session)
    if tap == "repeated":
        make_vote(voter, candidate)
    client.get(url("public:event", event))  # the session row exists before counting

    with django_assert_num_queries(VOTE_QUERIES[connection.vendor]):
        response = client.post(url("participant:vote", event, candidate.pk), {"vote": "1"}, **HTMX)

    assert '<span class="vote-count">1 vote</span>' in response.text
    assert ("You have 1 vote left." in response.text) == (budget == 4)


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["2", "yes", "", None])
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_vote_with_a_bogus_value_says_so_and_changes_nothing(
    client, event, voter, candidate, value, headers
):
    make_vote(voter, candidate)
    data = {} if value is None else {"vote": value}

    response = client.post(url("participant:vote", event, candidate.pk), data, **headers)

    message = "Something went wrong with this button; please try again."
    if headers:
        assert f'<p class="vote-error" role="alert">{message}</p>' in response.text
    else:
        assert messages_of(response) == [message]
    assert vote_rows() == [(voter.pk, candidate.pk)]


@pytest.mark.django_db
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_vote_by_a_visitor_is_sent_to_join_and_changes_nothing(client, event, candidate, headers):
    vote = url("participant:vote", event, candidate.pk)

    response = client.post(vote, {"vote": "1"}, **headers)

    assert (response.status_code, response.url) == (302, join_url(event, vote))
    assert vote_rows() == []


@pytest.mark.django_db
def test_vote_by_get_is_not_allowed(client, event, voter, candidate):
    response = client.get(url("participant:vote", event, candidate.pk), {"vote": "1"})

    assert (response.status_code, vote_rows()) == (405, [])


# ---- my page ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_my_page_lists_what_i_host_and_what_i_voted_for(client, event, voter):
    mine = make_session(event, hosts=[voter], title="Mine")
    theirs = make_session(event, hosts=[make_participant(event)], title="Theirs")
    make_session(event, hosts=[make_participant(event)], title="Not voted")
    make_vote(voter, theirs)

    response = client.get(url("participant:my-page", event))

    assert response.status_code == 200
    assert [s.title for s in response.context["hosted"]] == ["Mine"]
    assert [s.title for s in response.context["voted"]] == ["Theirs"]
    assert (mine.title in response.text, "Not voted" in response.text) == (True, False)
    assert 'id="my-day"' not in response.text


@pytest.mark.django_db
def test_my_page_without_hosting_or_votes_says_so(client, event, voter):
    response = client.get(url("participant:my-page", event))

    assert "You host no session yet." in response.text
    assert "You have not voted yet." in response.text


@pytest.mark.django_db
def test_my_page_by_a_visitor_is_sent_to_join(client, event):
    response = client.get(url("participant:my-page", event))

    assert response.url == join_url(event, url("participant:my-page", event))


@pytest.mark.django_db
def test_my_page_shows_my_day_in_time_order_once_the_grid_is_published(client, event, voter):
    event.phase = Event.Phase.PUBLISHED
    event.save()
    room_a, room_b = (
        make_room(event, name="Room A", order=1),
        make_room(event, name="Room B", order=2),
    )
    nine, ten, eleven = (
        make_slot(event, "09:00", "09:45"),
        make_slot(event, "10:00", "10:45"),
        make_slot(event, "11:00", "11:45"),
    )
    someone = make_participant(event)
    hosted_late = make_session(event, hosts=[voter], title="I host at eleven")
    voted_early = make_session(event, hosts=[someone], title="I voted at nine")
    voted_b = make_session(event, hosts=[someone], title="I voted at ten in B")
    both_a = make_session(event, hosts=[voter], title="I host and voted at ten in A")
    unvoted = make_session(event, hosts=[someone], title="Not mine at nine")
    unplaced = make_session(event, hosts=[voter], title="Not on the grid")
    for session in (voted_early, voted_b, both_a):  # votes became follows at publication
        Follow.objects.create(participant=voter, session=session)
    make_placement(hosted_late, room_a, eleven)
    make_placement(voted_early, room_b, nine)
    make_placement(voted_b, room_b, ten)
    make_placement(both_a, room_a, ten)
    make_placement(unvoted, room_a, nine)

    response = client.get(url("participant:my-page", event))

    assert [s.title for s in response.context["day"]] == [
        "I voted at nine",
        "I host and voted at ten in A",
        "I voted at ten in B",
        "I host at eleven",
    ]
    assert response.text.count('<span class="badge">You host it</span>') == 2
    assert 'id="my-day"' in response.text
    assert unplaced.title in response.text  # still listed among the sessions I host


@pytest.mark.django_db
def test_my_day_with_nothing_placed_says_so(client, event, voter):
    event.phase = Event.Phase.PUBLISHED
    event.save()
    make_session(event, hosts=[voter])

    response = client.get(url("participant:my-page", event))

    assert response.context["day"] == []
    assert "You follow no session on the grid yet" in response.text


MY_PAGE_QUERIES = 7


def _my_page_with(event: Event, voter: Participant, *, votes: int, hosted: int) -> None:
    theme = make_theme(event)
    for _ in range(hosted):
        make_session(event, hosts=[voter])
    for _ in range(votes):
        session = make_session(event, hosts=[make_participant(event), make_participant(event)])
        session.themes.set([theme])
        make_vote(voter, session)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("votes", "hosted"), [(3, 1), (10, 1), (3, 3)], ids=["3-votes", "10-votes", "3-hosted"]
)
def test_my_page_needs_the_same_queries_however_many_votes_or_hosted_sessions(
    client, event, voter, votes, hosted, django_assert_num_queries
):
    _my_page_with(event, voter, votes=votes, hosted=hosted)

    with django_assert_num_queries(MY_PAGE_QUERIES):
        response = client.get(url("participant:my-page", event))

    assert len(response.context["voted"]) == votes


@pytest.mark.django_db
@pytest.mark.parametrize("placed", [1, 3])
def test_my_day_needs_the_same_queries_however_many_sessions_are_placed(
    client, event, voter, placed, django_assert_num_queries
):
    event.phase = Event.Phase.PUBLISHED
    event.save()
    room = make_room(event)
    for hour in range(placed):
        session = make_session(event, hosts=[make_participant(event)])
        make_vote(voter, session)
        Follow.objects.create(participant=voter, session=session)  # as publication makes it
        make_placement(session, room, make_slot(event, f"{9 + hour:02}:00", f"{9 + hour:02}:45"))

    with django_assert_num_queries(MY_PAGE_QUERIES + 1):
        response = client.get(url("participant:my-page", event))

    assert len(response.context["day"]) == placed
