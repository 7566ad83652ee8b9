"""Organiser pages about the event itself: the dashboard and its phase buttons, creating an event
and its settings, and the frame of the grid (rooms and slots, copied from an earlier event).
A participant gets 403 everywhere; an anonymous visitor is sent to the login page."""

from datetime import date, time
from unittest.mock import patch

import pytest
from django.test import Client
from django.urls import reverse

from sessions_app.forms import RoomFormSet
from sessions_app.models import Event, Participant, Room, Session, Slot
from tests.factories import (
    event_time,
    make_event,
    make_participant,
    make_placement,
    make_room,
    make_session,
    make_slot,
    make_user,
    make_vote,
)
from tests.helpers import messages_of, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    """A visitor whose browser asks for English."""
    return Client(headers={"accept-language": "en"})


@pytest.fixture
def event(english_event: Event) -> Event:
    return english_event


def local_times(event: Event) -> list[tuple[str, str, str, str]]:
    """The event's slots as (start, end, kind, label), wall-clock times in the event's zone."""
    event.refresh_from_db()
    return [
        (f"{event.local(s.start):%Y-%m-%d %H:%M}", f"{event.local(s.end):%H:%M}", s.kind, s.label)
        for s in event.slots.order_by("start")
    ]


def rooms_of(event: Event) -> list[tuple[str, int, int]]:
    return list(event.rooms.order_by("order", "id").values_list("name", "capacity", "order"))


# ---- who may see what ---------------------------------------------------------------------

PAGES = ["organiser:dashboard", "organiser:edit-event", "organiser:frame"]


@pytest.mark.parametrize("name", PAGES)
def test_organiser_pages_open_for_organisers(organiser_client, event, name):
    response = organiser_client.get(url(name, event))

    assert response.status_code == 200


@pytest.mark.parametrize("name", PAGES)
def test_organiser_pages_are_forbidden_to_participants(participant_client, event, name):
    response = participant_client.get(url(name, event))

    assert response.status_code == 403


@pytest.mark.parametrize("name", [*PAGES, "organiser:phase", "organiser:copy-frame"])
def test_organiser_pages_send_anonymous_visitors_to_the_login_page(client, event, name):
    response = client.get(url(name, event)) if name in PAGES else client.post(url(name, event))

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url(name, event)}"


def test_a_superuser_may_organise_any_event(client, event):
    client.force_login(make_user(is_superuser=True, is_staff=True))

    response = client.get(url("organiser:dashboard", event))

    assert response.status_code == 200
    admin_link = reverse("admin:sessions_app_event_change", args=[event.pk])
    assert f'<a href="{admin_link}">Back office</a>' in response.text


def test_the_event_page_links_organisers_to_their_dashboard(organiser_client, event):
    response = organiser_client.get(event.get_absolute_url())

    assert f'<a href="{url("organiser:dashboard", event)}">Organiser dashboard</a>' in response.text


def test_the_event_page_does_not_link_participants_to_the_dashboard(participant_client, event):
    response = participant_client.get(event.get_absolute_url())

    assert url("organiser:dashboard", event) not in response.text


# ---- the dashboard ------------------------------------------------------------------------


def test_dashboard_counts_participants_visible_proposals_votes_and_placed_sessions(
    organiser_client, event, organiser, participant
):
    voter = make_participant(event)
    shown = make_session(event, hosts=[participant])
    placed = make_session(event, hosts=[participant])
    make_session(event, hosts=[participant], status=Session.Status.WITHDRAWN)
    hidden = make_session(event, hosts=[participant], hidden=True)
    for who, session in [(voter, shown), (participant, shown), (voter, placed), (voter, hidden)]:
        make_vote(who, session)
    make_placement(placed, make_room(event), make_slot(event))
    other_event = make_event()
    make_session(other_event, hosts=[make_participant(other_event)])

    response = organiser_client.get(url("organiser:dashboard", event))

    assert response.context["counts"] == {
        "participants": 3,
        "proposals": 2,
        "votes": 3,
        "placed": 1,
        "rooms": 1,
        "slots": 1,
    }


def fill_event(event: Event, sessions: int) -> None:
    rooms = [make_room(event) for _ in range(5)]
    slots = [make_slot(event, f"{9 + n:02}:00", f"{9 + n:02}:45") for n in range(sessions // 5 + 1)]
    for n in range(sessions):
        host = make_participant(event)
        session = make_session(event, hosts=[host])
        make_vote(host, session)
        make_placement(session, rooms[n % 5], slots[n // 5])


def test_dashboard_needs_the_same_few_queries_for_3_or_30_sessions(
    organiser_client, organiser, django_assert_max_num_queries
):
    small, large = make_event(language="en"), make_event(language="en")
    for event, sessions in [(small, 3), (large, 30)]:
        fill_event(event, sessions)
        make_participant(event, user=organiser.user, role=Participant.Role.ORGANISER)
    counted = []

    for event in [small, large]:
        with django_assert_max_num_queries(5) as queries:
            response = organiser_client.get(url("organiser:dashboard", event))
        counted.append(len(queries.captured_queries))

    assert response.context["counts"]["placed"] == 30
    assert counted[0] == counted[1]


@pytest.mark.parametrize(
    ("phase", "previous", "following"),
    [
        ("proposals", None, "voting"),
        ("voting", "proposals", "published"),
        ("published", "voting", "archived"),
        ("archived", "published", None),
    ],
)
def test_dashboard_offers_one_step_forward_and_one_back(
    organiser_client, event, phase, previous, following
):
    event.phase = phase
    event.save()

    response = organiser_client.get(url("organiser:dashboard", event))

    steps = (response.context["previous"], response.context["next"])
    assert tuple(step and step["phase"] for step in steps) == (previous, following)
    buttons = response.text.count('<input type="hidden" name="phase"')
    assert buttons == len([p for p in (previous, following) if p])


def test_dashboard_says_what_opening_voting_changes(organiser_client, event):
    response = organiser_client.get(url("organiser:dashboard", event))

    assert (
        '<p class="small" id="phase-next-change">Voting opens: participants can vote; '
        "proposing stays open.</p>"
    ) in response.text
    assert "Open voting →</button>" in response.text


def test_dashboard_warns_when_publishing_an_empty_grid(organiser_client):
    event = make_event(language="en", phase=Event.Phase.VOTING)
    organiser_client.force_login(make_participant(event, role=Participant.Role.ORGANISER).user)

    response = organiser_client.get(url("organiser:dashboard", event))

    assert '<strong class="attention">No session is in the grid yet.</strong>' in response.text


def test_dashboard_escapes_html_in_names(client):
    event = make_event(language="en", name="<b>Bold</b> & co", venue="<i>Hall</i>")
    client.force_login(make_participant(event, role=Participant.Role.ORGANISER).user)

    response = client.get(url("organiser:dashboard", event))

    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; co" in response.text
    assert "&lt;i&gt;Hall&lt;/i&gt;" in response.text
    assert ("<b>Bold</b>" in response.text, "<i>Hall</i>" in response.text) == (False, False)


# ---- phases -------------------------------------------------------------------------------


def post_phase(client: Client, event: Event, phase: str):
    """Press a phase button and come back to the dashboard (which shows the messages)."""
    response = client.post(url("organiser:phase", event), {"phase": phase})
    event.refresh_from_db()
    client.get(url("organiser:dashboard", event))
    return response


def test_moving_to_the_next_phase_says_what_it_opens(organiser_client, event):
    grid_version = event.grid_version

    response = post_phase(organiser_client, event, "voting")

    assert (response.status_code, response.url) == (302, url("organiser:dashboard", event))
    assert event.phase == Event.Phase.VOTING
    assert messages_of(response) == ["Voting opens: participants can vote; proposing stays open."]
    assert event.grid_version == grid_version


def test_a_phase_change_can_be_moved_back(organiser_client, event):
    post_phase(organiser_client, event, "voting")

    response = post_phase(organiser_client, event, "proposals")

    assert event.phase == Event.Phase.PROPOSALS
    assert messages_of(response) == [
        "Voting closes; the votes cast so far are kept. Proposing stays open."
    ]


def test_going_back_keeps_the_votes(organiser_client, participant):
    event = participant.event
    event.phase = Event.Phase.VOTING
    event.save()
    make_vote(participant, make_session(event, hosts=[participant]))

    post_phase(organiser_client, event, "proposals")
    post_phase(organiser_client, event, "voting")

    assert (event.phase, participant.votes.count()) == (Event.Phase.VOTING, 1)


def test_the_event_goes_all_the_way_and_back(organiser_client, event):
    seen = []
    for phase in ["voting", "published", "archived", "published", "voting", "proposals"]:
        post_phase(organiser_client, event, phase)
        seen.append(event.phase)

    assert seen == ["voting", "published", "archived", "published", "voting", "proposals"]


def test_a_jump_over_phases_is_refused_and_changes_nothing(organiser_client, event):
    updated_at = event.updated_at

    response = post_phase(organiser_client, event, "archived")

    assert response.status_code == 302
    assert messages_of(response) == [
        "From “Proposals open” an event can only go one phase forward or back."
    ]
    assert (event.phase, event.updated_at) == (Event.Phase.PROPOSALS, updated_at)


def test_an_unknown_phase_is_refused(organiser_client, event):
    response = post_phase(organiser_client, event, "party")

    assert messages_of(response) == ["Something went wrong with this button; please try again."]
    assert event.phase == Event.Phase.PROPOSALS


def test_a_second_click_on_the_same_button_changes_nothing(organiser_client, event):
    post_phase(organiser_client, event, "voting")

    response = post_phase(organiser_client, event, "voting")

    assert (event.phase, messages_of(response)) == (Event.Phase.VOTING, [])


def test_a_participant_cannot_change_the_phase(participant_client, event):
    response = post_phase(participant_client, event, "voting")

    assert response.status_code == 403
    assert event.phase == Event.Phase.PROPOSALS


def test_the_phase_is_changed_by_post_only(organiser_client, event):
    response = organiser_client.get(url("organiser:phase", event))

    assert response.status_code == 405


# ---- creating an event --------------------------------------------------------------------

NEW_EVENT = {
    "name": "Open Overheid Camp 2027",
    "slug": "",
    "date": "2027-06-12",
    "venue": "Gent",
    "language": "en",
    "timezone": "Europe/Brussels",
    "voting": "plus",
    "votes": "",
    "description": "Bring **ideas**.",
}


def create(client: Client, **changes):
    return client.post(reverse("organiser:create-event"), NEW_EVENT | changes)


def test_an_organiser_creates_an_event_and_becomes_its_organiser(organiser_client, organiser):
    response = create(organiser_client)

    new = Event.objects.get(slug="open-overheid-camp-2027")
    assert (response.status_code, response.url) == (302, url("organiser:dashboard", new))
    assert messages_of(response) == ["Open Overheid Camp 2027 is ready. Next: its rooms and slots."]
    assert (new.name, new.date, new.venue, new.language, new.timezone) == (
        "Open Overheid Camp 2027",
        date(2027, 6, 12),
        "Gent",
        "en",
        "Europe/Brussels",
    )
    assert (new.phase, new.votes_per_participant, new.description) == (
        Event.Phase.PROPOSALS,
        None,
        "Bring **ideas**.",
    )
    assert list(new.participants.values_list("user", "name", "role")) == [
        (organiser.user.pk, "Olga Organiser", Participant.Role.ORGANISER)
    ]
    assert organiser_client.get(url("organiser:dashboard", new)).status_code == 200


def test_a_new_event_gets_a_free_short_name(organiser_client, event):
    create(organiser_client, name="Open Overheid Camp 2026")

    assert list(Event.objects.order_by("pk").values_list("slug", flat=True)) == [
        "oocamp-2026",
        "open-overheid-camp-2026",
    ]
    create(organiser_client, name="Open  Overheid Camp 2026")
    assert Event.objects.filter(slug="open-overheid-camp-2026-2").exists()


def test_a_typed_short_name_is_kept_in_lower_case(organiser_client):
    create(organiser_client, slug="OOC-2027")

    assert Event.objects.filter(slug="ooc-2027").exists()


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"slug": "admin"}, {"slug": ["“admin” is reserved; choose another short name."]}),
        ({"slug": "organise"}, {"slug": ["“organise” is reserved; choose another short name."]}),
        (
            {"slug": "oocamp-2026"},
            {"slug": ["Another event already uses this short name; choose another."]},
        ),
        (
            {"slug": "not a slug!"},
            {
                "slug": [
                    "Enter a valid “slug” consisting of letters, numbers, underscores or hyphens."
                ]
            },
        ),
        ({"name": "", "slug": ""}, {"name": ["This field is required."]}),
        (
            {"name": "!!!", "slug": ""},
            {"slug": ["Choose a short name: letters, digits and hyphens."]},
        ),
        (
            {"name": "x" * 10_000},
            {"name": ["Ensure this value has at most 200 characters (it has 10000)."]},
        ),
        ({"date": "13/13/2027"}, {"date": ["Enter a valid date."]}),
        (
            {"timezone": "Mars/Olympus"},
            {"timezone": ["Mars/Olympus is not a known time zone."]},
        ),
        ({"voting": "dots", "votes": ""}, {"votes": ["How many votes does each participant get?"]}),
        (
            {"voting": "dots", "votes": "0"},
            {"votes": ["Ensure this value is greater than or equal to 1."]},
        ),
        (
            {"description": "y" * 10_001},
            {"description": ["Ensure this value has at most 10000 characters (it has 10001)."]},
        ),
    ],
)
def test_creating_with_bad_input_says_why_and_creates_nothing(
    organiser_client, event, changes, errors
):
    count = Event.objects.count()

    response = create(organiser_client, **changes)

    assert response.status_code == 200
    assert response.context["form"].errors == errors
    assert Event.objects.count() == count


def test_dot_voting_saves_the_number_of_votes(organiser_client):
    create(organiser_client, voting="dots", votes="3")

    assert Event.objects.get(slug="open-overheid-camp-2027").votes_per_participant == 3


def test_plus_one_voting_ignores_a_number_typed_anyway(organiser_client):
    create(organiser_client, voting="plus", votes="3")

    assert Event.objects.get(slug="open-overheid-camp-2027").votes_per_participant is None


def test_a_superuser_without_events_creates_one_under_their_account_name(client):
    user = make_user(is_superuser=True, first_name="Sam", last_name="Super")
    client.force_login(user)

    create(client)

    new = Event.objects.get()
    assert list(new.participants.values_list("name", "role")) == [
        ("Sam Super", Participant.Role.ORGANISER)
    ]


def test_the_new_event_form_opens_for_organisers(organiser_client):
    response = organiser_client.get(reverse("organiser:create-event"))

    assert response.status_code == 200
    assert response.context["form"]["timezone"].value() == "Europe/Brussels"


def test_someone_who_organises_nothing_cannot_create_events(participant_client):
    count = Event.objects.count()

    responses = [
        participant_client.get(reverse("organiser:create-event")),
        create(participant_client),
    ]

    assert [r.status_code for r in responses] == [403, 403]
    assert Event.objects.count() == count


def test_an_anonymous_visitor_is_sent_to_log_in_before_creating_an_event(client):
    response = client.get(reverse("organiser:create-event"))

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={reverse('organiser:create-event')}"


# ---- settings -----------------------------------------------------------------------------

SETTINGS = {
    "name": "Open Overheid Camp",
    "date": "2026-06-13",
    "venue": "Leuven",
    "language": "en",
    "timezone": "Europe/Brussels",
    "voting": "dots",
    "votes": "5",
    "description": "",
    "version": "0",  # the settings_version the form was opened on: a new event's
}


def test_editing_the_settings_saves_them_but_not_the_short_name(organiser_client, event):
    response = organiser_client.post(
        url("organiser:edit-event", event), SETTINGS | {"slug": "hijacked", "phase": "archived"}
    )

    event.refresh_from_db()
    assert (response.status_code, response.url) == (302, url("organiser:dashboard", event))
    assert messages_of(response) == ["The settings are saved."]
    assert (event.slug, event.venue, event.votes_per_participant, event.phase) == (
        "oocamp-2026",
        "Leuven",
        5,
        Event.Phase.PROPOSALS,
    )


def test_the_settings_form_shows_dot_voting_as_chosen(organiser_client):
    event = make_event(language="en", votes_per_participant=4)
    organiser_client.force_login(make_participant(event, role=Participant.Role.ORGANISER).user)

    form = organiser_client.get(url("organiser:edit-event", event)).context["form"]

    assert (form["voting"].value(), form["votes"].value(), "slug" in form.fields) == (
        "dots",
        4,
        False,
    )


def test_back_to_plus_one_voting(organiser_client):
    event = make_event(language="en", votes_per_participant=4)
    organiser_client.force_login(make_participant(event, role=Participant.Role.ORGANISER).user)

    organiser_client.post(url("organiser:edit-event", event), SETTINGS | {"voting": "plus"})

    event.refresh_from_db()
    assert event.votes_per_participant is None


def test_a_bad_edit_keeps_the_saved_name_around_the_form(organiser_client, event):
    response = organiser_client.post(
        url("organiser:edit-event", event), SETTINGS | {"name": "New name", "date": ""}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"date": ["This field is required."]}
    assert "<title>Settings · Open Overheid Camp</title>" in response.text
    event.refresh_from_db()
    assert event.name == "Open Overheid Camp"


def test_changing_the_date_and_time_zone_moves_the_slots_along(organiser_client, event):
    make_slot(event, "10:00", "10:45")
    make_slot(event, "10:45", "11:30", kind=Slot.Kind.BREAK, label="Coffee")

    organiser_client.post(
        url("organiser:edit-event", event),
        SETTINGS | {"date": "2026-11-07", "timezone": "Europe/London"},
    )

    assert local_times(event) == [
        ("2026-11-07 10:00", "10:45", "sessions", ""),
        ("2026-11-07 10:45", "11:30", "break", "Coffee"),
    ]


# ---- rooms and slots ----------------------------------------------------------------------


def frame_form(response) -> dict[str, str]:
    """The rooms-and-slots form as a browser submits it when nothing is changed."""
    data = {"version": str(response.context["sent"]["version"].value())}
    for formset in (response.context["rooms"], response.context["slots"]):
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = str(management[name].value())
        for form in formset:
            for name in form.fields:
                value = form[name].value()
                if name == "DELETE":
                    continue
                if isinstance(value, time):
                    value = value.strftime("%H:%M")
                data[form.add_prefix(name)] = "" if value is None else str(value)
                if form.fields[name].show_hidden_initial:  # what the page showed when opened
                    data[form.add_initial_prefix(name)] = data[form.add_prefix(name)]
    return data


def open_frame(client: Client, event: Event) -> dict[str, str]:
    return frame_form(client.get(url("organiser:frame", event)))


def save_frame(client: Client, event: Event, data: dict[str, str]):
    return client.post(url("organiser:frame", event), data)


def test_an_empty_frame_offers_empty_rows(organiser_client, event):
    data = open_frame(organiser_client, event)

    assert (data["rooms-TOTAL_FORMS"], data["slots-TOTAL_FORMS"]) == ("3", "4")
    assert (data["rooms-INITIAL_FORMS"], data["slots-INITIAL_FORMS"]) == ("0", "0")


def test_adding_rooms_and_slots(organiser_client, event):
    data = open_frame(organiser_client, event)
    data |= {"rooms-0-name": "Zaal A", "rooms-0-capacity": "30"}
    data |= {"rooms-1-name": " Zaal   B ", "rooms-1-capacity": "12"}
    data |= {"slots-0-start_time": "10:00", "slots-0-end_time": "10:45", "slots-0-kind": "sessions"}
    data |= {"slots-1-start_time": "10:45", "slots-1-end_time": "11:00", "slots-1-kind": "break"}
    data |= {"slots-1-label": "Coffee"}
    data |= {"slots-2-start_time": "11:00", "slots-2-end_time": "11:45", "slots-2-kind": "sessions"}

    response = save_frame(organiser_client, event, data)

    assert (response.status_code, response.url) == (302, url("organiser:frame", event))
    assert messages_of(response) == ["The rooms and slots are saved."]
    assert rooms_of(event) == [("Zaal A", 30, 1), ("Zaal B", 12, 2)]
    assert local_times(event) == [
        ("2026-06-13 10:00", "10:45", "sessions", ""),
        ("2026-06-13 10:45", "11:00", "break", "Coffee"),
        ("2026-06-13 11:00", "11:45", "sessions", ""),
    ]
    assert event.slots.order_by("start").first().start == event_time(event, "10:00")
    assert event.grid_version == 1  # grids on screens and in the editor reload


def test_editing_and_deleting_rooms_and_slots(organiser_client, event):
    make_room(event, name="Zaal A", capacity=30, order=1)
    make_room(event, name="Zaal B", capacity=12, order=2)
    make_slot(event, "10:00", "10:45")
    make_slot(event, "11:00", "11:45")
    data = open_frame(organiser_client, event)
    data |= {"rooms-0-name": "Aula", "rooms-0-capacity": "100", "rooms-0-order": "3"}
    data |= {"rooms-1-DELETE": "on", "slots-0-DELETE": "on"}
    data |= {"slots-1-start_time": "11:15", "slots-1-end_time": "12:00", "slots-1-kind": "plenary"}
    data |= {"slots-1-label": "Closing"}

    response = save_frame(organiser_client, event, data)

    assert response.status_code == 302
    assert rooms_of(event) == [("Aula", 100, 3)]
    assert local_times(event) == [("2026-06-13 11:15", "12:00", "plenary", "Closing")]


def test_slots_can_swap_times_and_rooms_names(organiser_client, event):
    make_room(event, name="Zaal A", order=1)
    make_room(event, name="Zaal B", order=2)
    first = make_slot(event, "10:00", "10:45", label="first")
    make_slot(event, "11:00", "11:45", label="second")
    data = open_frame(organiser_client, event)
    data |= {"rooms-0-name": "Zaal B", "rooms-1-name": "Zaal A"}
    data |= {"slots-0-start_time": "11:00", "slots-0-end_time": "11:45"}
    data |= {"slots-1-start_time": "10:00", "slots-1-end_time": "10:45"}

    response = save_frame(organiser_client, event, data)

    assert response.status_code == 302
    assert [name for name, _seats, _order in rooms_of(event)] == ["Zaal B", "Zaal A"]
    assert [label for *_times, label in local_times(event)] == ["second", "first"]
    first.refresh_from_db()
    assert first.start == event_time(event, "11:00")


def test_the_whole_day_shifts_by_a_quarter(organiser_client, event):
    for start, end in [("10:00", "10:45"), ("10:45", "11:30"), ("11:30", "12:15")]:
        make_slot(event, start, end)
    data = open_frame(organiser_client, event)
    for n, (start, end) in enumerate([("10:15", "11:00"), ("11:00", "11:45"), ("11:45", "12:30")]):
        data |= {f"slots-{n}-start_time": start, f"slots-{n}-end_time": end}

    save_frame(organiser_client, event, data)

    assert [start[-5:] for start, *_rest in local_times(event)] == ["10:15", "11:00", "11:45"]


def test_an_unchanged_page_saves_nothing_and_changes_nothing(organiser_client, event):
    make_room(event, name="Zaal A")
    make_slot(event, "10:00", "10:45")
    before = (rooms_of(event), local_times(event))

    response = save_frame(organiser_client, event, open_frame(organiser_client, event))

    assert response.status_code == 302
    assert (rooms_of(event), local_times(event)) == before
    assert event.grid_version == 0


def test_overlapping_slots_are_refused_with_both_times_and_nothing_is_saved(
    organiser_client, event
):
    make_slot(event, "10:00", "10:45")
    data = open_frame(organiser_client, event)
    data |= {"rooms-0-name": "Zaal A", "rooms-0-capacity": "30"}
    data |= {"slots-1-start_time": "10:30", "slots-1-end_time": "11:15", "slots-1-kind": "sessions"}

    response = save_frame(organiser_client, event, data)

    assert response.status_code == 200
    assert response.context["slots"].non_form_errors() == [
        "The slot 10:00–10:45 overlaps the slot 10:30–11:15."
    ]
    assert "The slot 10:00–10:45 overlaps the slot 10:30–11:15." in response.text
    assert (rooms_of(event), len(local_times(event))) == ([], 1)


def test_a_long_slot_over_two_others_is_named_with_each(organiser_client, event):
    data = open_frame(organiser_client, event)
    for n, (start, end) in enumerate([("10:00", "13:00"), ("10:30", "11:00"), ("11:30", "12:00")]):
        data |= {f"slots-{n}-start_time": start, f"slots-{n}-end_time": end}

    response = save_frame(organiser_client, event, data)

    assert response.context["slots"].non_form_errors() == [
        "The slot 10:00–13:00 overlaps the slot 10:30–11:00.",
        "The slot 10:00–13:00 overlaps the slot 11:30–12:00.",
    ]
    assert Slot.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "prefix", "errors"),
    [
        (
            {"rooms-0-name": "Zaal A", "rooms-0-capacity": "0"},
            "rooms-0",
            {"capacity": ["Ensure this value is greater than or equal to 1."]},
        ),
        ({"rooms-0-name": "Zaal A"}, "rooms-0", {"capacity": ["This field is required."]}),
        ({"rooms-0-capacity": "10"}, "rooms-0", {"name": ["This field is required."]}),
        (
            {"rooms-0-name": "x" * 10_000, "rooms-0-capacity": "10"},
            "rooms-0",
            {"name": ["Ensure this value has at most 100 characters (it has 10000)."]},
        ),
        (
            {"slots-0-start_time": "11:00", "slots-0-end_time": "10:00"},
            "slots-0",
            {"end_time": ["A slot must end after it starts."]},
        ),
        (
            {"slots-0-start_time": "25:00", "slots-0-end_time": "10:00"},
            "slots-0",
            {"start_time": ["Enter a valid time."]},
        ),
        ({"slots-0-end_time": "10:00"}, "slots-0", {"start_time": ["This field is required."]}),
        (
            {"slots-0-start_time": "9:00", "slots-0-end_time": "10:00", "slots-0-kind": "party"},
            "slots-0",
            {"kind": ["Select a valid choice. party is not one of the available choices."]},
        ),
        (
            {"slots-0-start_time": "9:00", "slots-0-end_time": "10:00", "slots-0-label": "y" * 101},
            "slots-0",
            {"label": ["Ensure this value has at most 100 characters (it has 101)."]},
        ),
    ],
)
def test_impossible_rows_say_why_and_nothing_is_saved(
    organiser_client, event, changes, prefix, errors
):
    data = open_frame(organiser_client, event) | changes
    data |= {"slots-3-start_time": "14:00", "slots-3-end_time": "15:00"}  # a good row, not saved

    response = save_frame(organiser_client, event, data)

    assert response.status_code == 200
    formset = response.context[prefix.split("-")[0]]
    assert formset.forms[int(prefix.split("-")[1])].errors == errors
    assert "Please correct the errors below. Nothing is saved yet." in response.text
    assert (Room.objects.count(), Slot.objects.count()) == (0, 0)


def test_two_rooms_with_one_name_are_refused(organiser_client, event):
    make_room(event, name="Zaal A")
    data = open_frame(organiser_client, event) | {"rooms-1-name": "zaal a", "rooms-1-capacity": "9"}

    response = save_frame(organiser_client, event, data)

    assert response.context["rooms"].non_form_errors() == [
        "Two rooms are called “zaal a”; give each room its own name."
    ]
    assert rooms_of(event) == [("Zaal A", 30, rooms_of(event)[0][2])]


def test_a_room_added_meanwhile_by_someone_else_is_not_overwritten(organiser_client, event):
    data = open_frame(organiser_client, event)
    make_room(event, name="Zaal A", capacity=40)  # a co-organiser, in another tab
    data |= {"rooms-0-name": "Zaal A", "rooms-0-capacity": "30"}
    data |= {"slots-0-start_time": "10:00", "slots-0-end_time": "10:45"}

    response = save_frame(organiser_client, event, data)

    assert response.context["refusal"] == (
        "Someone changed the rooms, slots or grid at the same time, so nothing was saved. "
        "Check the page and save again."
    )
    assert (rooms_of(event)[0][:2], local_times(event)) == (("Zaal A", 40), [])


def test_html_in_a_room_name_is_shown_as_text(organiser_client, event):
    make_room(event, name='<img src=x onerror="alert(1)">')

    response = organiser_client.get(url("organiser:frame", event))

    assert 'value="&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"' in response.text
    assert "<img src=x" not in response.text


@pytest.fixture
def held(event, participant) -> tuple[Room, Slot]:
    """A room and a slot that hold a session, next to a free room and slot."""
    room, slot = make_room(event, name="Zaal A", order=1), make_slot(event, "10:00", "10:45")
    make_room(event, name="Zaal B", order=2)
    make_slot(event, "11:00", "11:45")
    make_placement(make_session(event, hosts=[participant]), room, slot)
    return room, slot


def test_deleting_a_room_that_holds_sessions_is_refused_and_nothing_changes(
    organiser_client, event, held
):
    data = open_frame(organiser_client, event)
    data |= {"rooms-0-DELETE": "on", "rooms-1-name": "Aula", "slots-1-DELETE": "on"}
    before = (rooms_of(event), local_times(event))

    response = save_frame(organiser_client, event, data)

    assert response.status_code == 200
    assert response.context["refusal"] == (
        "The room “Zaal A” holds sessions, so nothing was saved. Move its sessions to another "
        "room in the grid first."
    )
    assert (rooms_of(event), local_times(event)) == before
    assert response.context["rooms"].forms[1]["name"].value() == "Aula"  # the input stays


def test_deleting_a_slot_that_holds_sessions_is_refused(organiser_client, event, held):
    data = open_frame(organiser_client, event) | {"slots-0-DELETE": "on"}

    response = save_frame(organiser_client, event, data)

    assert response.context["refusal"] == (
        "The slot “10:00–10:45” holds sessions, so nothing was saved. Move its sessions to "
        "another slot in the grid first."
    )
    assert len(local_times(event)) == 2


def test_a_slot_that_holds_sessions_cannot_become_a_break(organiser_client, event, held):
    data = open_frame(organiser_client, event) | {"slots-0-kind": "break", "slots-0-label": "Lunch"}

    response = save_frame(organiser_client, event, data)

    assert response.context["refusal"] == (
        "The slot “10:00–10:45 Lunch” holds sessions, so it cannot become a break or a "
        "plenary; nothing was saved. Move its sessions to another slot in the grid first."
    )
    assert local_times(event)[0] == ("2026-06-13 10:00", "10:45", "sessions", "")


def test_a_free_slot_can_become_a_break_and_a_held_one_can_move(organiser_client, event, held):
    data = open_frame(organiser_client, event)
    data |= {"slots-0-start_time": "09:30", "slots-0-end_time": "10:15"}
    data |= {"slots-1-kind": "break", "slots-1-label": "Lunch"}

    response = save_frame(organiser_client, event, data)

    assert response.status_code == 302
    assert local_times(event) == [
        ("2026-06-13 09:30", "10:15", "sessions", ""),
        ("2026-06-13 11:00", "11:45", "break", "Lunch"),
    ]


def test_a_participant_cannot_change_the_frame(participant_client, event):
    response = participant_client.post(
        url("organiser:frame", event),
        {
            "rooms-TOTAL_FORMS": "1",
            "rooms-INITIAL_FORMS": "0",
            "rooms-0-name": "Zaal A",
            "rooms-0-capacity": "30",
            "slots-TOTAL_FORMS": "0",
            "slots-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 403
    assert Room.objects.count() == 0


def test_a_tampered_form_says_so_and_saves_nothing(organiser_client, event):
    response = save_frame(organiser_client, event, {"rooms-0-name": "Zaal A"})

    # without the version it was opened on, the page cannot be told from an old one: the
    # compare screen, and nothing saved
    assert response.status_code == 409
    assert "Your changes are not saved yet and nothing is lost." in response.text
    assert Room.objects.count() == 0


def test_a_crafted_row_count_builds_no_more_rows_than_a_barcamp_has(organiser_client, event):
    data = open_frame(organiser_client, event)
    data |= {"rooms-TOTAL_FORMS": "9223372036854775807", "rooms-0-name": "Zaal A"}
    built = []
    original = RoomFormSet.total_form_count
    with patch.object(
        RoomFormSet, "total_form_count", lambda self: built.append(original(self)) or built[-1]
    ):
        response = save_frame(organiser_client, event, data)

    assert response.status_code < 500
    assert max(built) == 500  # Django's own cap would build 2,000 forms per request
    assert Room.objects.count() == 0


# ---- copying the frame from an earlier event ----------------------------------------------


@pytest.fixture
def last_year(organiser) -> Event:
    """Last year's camp, organised by the same person, in Brussels time."""
    source = make_event(name="Camp 2025", date=date(2025, 6, 14), language="en")
    make_participant(source, user=organiser.user, role=Participant.Role.ORGANISER)
    make_room(source, name="Zaal A", capacity=30, order=1)
    make_room(source, name="Zaal B", capacity=12, order=2)
    make_slot(source, "10:00", "10:45")
    make_slot(source, "12:00", "13:00", kind=Slot.Kind.BREAK, label="Lunch")
    return source


def test_copying_rooms_and_slots_from_an_earlier_event(organiser_client, organiser, last_year):
    event = make_event(language="en", date=date(2026, 11, 7), timezone="Europe/London")
    make_participant(event, user=organiser.user, role=Participant.Role.ORGANISER)
    page = organiser_client.get(url("organiser:frame", event))
    sources = page.context["copy_form"].fields["source"].queryset
    assert list(sources) == [Event.objects.get(slug="oocamp-2026"), last_year]

    response = organiser_client.post(url("organiser:copy-frame", event), {"source": last_year.pk})

    assert (response.status_code, response.url) == (302, url("organiser:frame", event))
    assert messages_of(response) == [
        "Copied from Camp 2025: 2 rooms and 2 slots. Check the times below."
    ]
    assert rooms_of(event) == [("Zaal A", 30, 1), ("Zaal B", 12, 2)]
    assert local_times(event) == [
        ("2026-11-07 10:00", "10:45", "sessions", ""),
        ("2026-11-07 12:00", "13:00", "break", "Lunch"),
    ]
    assert len(local_times(last_year)) == 2


def test_copying_into_a_frame_that_has_rooms_is_refused(
    organiser_client, event, organiser, last_year
):
    make_room(event, name="Aula")

    response = organiser_client.post(url("organiser:copy-frame", event), {"source": last_year.pk})

    assert messages_of(response) == [
        "This event has rooms or slots already; copying only fills an empty frame. Delete them "
        "first, or add what is missing by hand."
    ]
    assert (rooms_of(event), local_times(event)) == ([("Aula", 30, rooms_of(event)[0][2])], [])
    assert organiser_client.get(url("organiser:frame", event)).context["copy_form"] is None


def test_copying_from_an_event_one_does_not_organise_is_refused(organiser_client, event):
    stranger = make_event(name="Someone else's camp")
    make_room(stranger, name="Secret room")

    response = organiser_client.post(url("organiser:copy-frame", event), {"source": stranger.pk})

    assert messages_of(response) == ["Choose one of your other events to copy from."]
    assert Room.objects.filter(event=event).count() == 0


def test_copying_from_the_event_itself_is_refused(organiser_client, event):
    response = organiser_client.post(url("organiser:copy-frame", event), {"source": event.pk})

    assert messages_of(response) == ["Choose one of your other events to copy from."]


def test_a_participant_cannot_copy_a_frame(participant_client, event, last_year):
    response = participant_client.post(url("organiser:copy-frame", event), {"source": last_year.pk})

    assert response.status_code == 403
    assert Room.objects.filter(event=event).count() == 0
