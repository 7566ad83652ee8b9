"""The event's two organiser editors, rooms-and-slots and settings, are versioned (issue 15):
each page carries the version it was opened on (`Event.frame_version`, `settings_version`) and
what each field showed; a save overtaken by someone else's is refused with 409 and a compare
screen, in Dutch, that shows what they saved beside what this writer sent. The form keeps the
writer's values on top of what is saved now, so saving again applies them and undoes nobody's.
Threaded on PostgreSQL: two writers from one opened page, exactly one save and one 409."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sessions_app import actions
from sessions_app.models import Event, Participant, TextRevision
from tests.factories import make_event, make_participant, make_room, make_slot
from tests.helpers import page_text, run_together

CONFLICT_FRAME = "Iemand anders heeft de zalen en tijdsloten bewaard terwijl jij ze aanpaste"
CONFLICT_SETTINGS = "Iemand anders heeft de instellingen bewaard terwijl jij ze aanpaste"
NOTHING_LOST = "Je wijzigingen zijn nog niet bewaard en er gaat niets verloren."


class FormReader(HTMLParser):
    """What a browser sends for the form with `css_class`: every named input, select and
    textarea in it (checked boxes only), as the page holds them."""

    def __init__(self, css_class: str) -> None:
        super().__init__(convert_charrefs=True)
        self.css_class, self.inside, self.data = css_class, False, {}
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = self.css_class in a.get("class", "").split()
        if tag == "option" and self.inside and self.select and "selected" in a:
            self.data[self.select] = a.get("value", "")
        if not self.inside or "name" not in a:
            return
        if tag == "input":
            if a.get("type") in {"checkbox", "radio"} and "checked" not in a:
                return
            if a.get("type") in {"submit", "button"}:
                return
            self.data[a["name"]] = a.get("value", "on" if a.get("type") == "checkbox" else "")
        elif tag == "select":
            self.select = a["name"]
            self.data.setdefault(a["name"], "")
        elif tag == "textarea":
            self.textarea = a["name"]
            self.data[a["name"]] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            # browsers drop the newline that may follow <textarea>; HTMLParser keeps it
            value = self.data[self.textarea]
            self.data[self.textarea] = value[1:] if value.startswith("\n") else value
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.data[self.textarea] += data


def form_of(response, css_class: str) -> dict[str, str]:
    reader = FormReader(css_class)
    reader.feed(response.content.decode())
    assert reader.data, f"no form .{css_class} on the page"
    return reader.data


def dutch_organiser(event: Event, name: str) -> Client:
    organiser = make_participant(event, name=name, role=Participant.Role.ORGANISER)
    client = Client(headers={"accept-language": "nl"})
    client.force_login(organiser.user)
    return client


def frame_url(event: Event) -> str:
    return reverse("organiser:frame", args=[event.slug])


def settings_url(event: Event) -> str:
    return reverse("organiser:edit-event", args=[event.slug])


def row_of(data: dict[str, str], prefix: str, field: str, value: str) -> str:
    """The form prefix ("rooms-1-") of the row whose `field` is `value`."""
    for key, found in data.items():
        match = re.fullmatch(rf"({prefix}-\d+-){field}", key)
        if match and found == value:
            return match.group(1)
    raise AssertionError(f"no row with {field}={value!r} in {data}")


def rooms_of(event: Event) -> list[tuple[str, int]]:
    return list(event.rooms.order_by("order", "id").values_list("name", "capacity"))


def local_slots(event: Event) -> list[tuple[str, str, str]]:
    event.refresh_from_db()
    return [
        (f"{event.local(s.start):%H:%M}", f"{event.local(s.end):%H:%M}", s.label)
        for s in event.slots.order_by("start")
    ]


@pytest.fixture
def frame_event(db) -> Event:
    event = make_event(name="Barcamp Gent", language="nl")
    make_room(event, name="Zaal A", capacity=30)
    make_room(event, name="Zaal B", capacity=20)
    make_slot(event, "10:00", "10:45")
    make_slot(event, "11:00", "11:45")
    return event


# ---- rooms and slots ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_save_overtaken_by_another_gets_the_compare_screen_and_keeps_both(frame_event):
    ann, bob = dutch_organiser(frame_event, "Ann"), dutch_organiser(frame_event, "Bob")
    ann_page = form_of(ann.get(frame_url(frame_event)), "frame-form")
    bob_page = form_of(bob.get(frame_url(frame_event)), "frame-form")
    assert ann_page["version"] == bob_page["version"] == "0"

    ann_page[row_of(ann_page, "rooms", "name", "Zaal A") + "name"] = "Aula"
    assert ann.post(frame_url(frame_event), ann_page).status_code == 302
    bob_page[row_of(bob_page, "rooms", "name", "Zaal B") + "capacity"] = "45"
    bob_page[row_of(bob_page, "slots", "start_time", "11:00") + "label"] = "Na de koffie"
    response = bob.post(frame_url(frame_event), bob_page)

    assert response.status_code == 409
    text = page_text(response)
    assert CONFLICT_FRAME in text and NOTHING_LOST in text
    theirs, yours = text.split("Nu bewaard (door iemand anders)")[1].split("Wat jij verstuurde")
    assert "Aula · 30 plaatsen" in theirs and "Zaal B · 20 plaatsen" in theirs
    assert "Zaal B · 45 plaatsen (door jou gewijzigd)" in yours
    assert "Na de koffie (door jou gewijzigd)" in yours
    # nothing of Bob's was written, Ann's stays
    assert rooms_of(frame_event) == [("Aula", 30), ("Zaal B", 20)]
    # the form: Bob's changes on Ann's saved frame, based on the version saved now
    again = form_of(response, "frame-form")
    assert again["version"] == "1"
    assert again[row_of(again, "rooms", "name", "Aula") + "capacity"] == "30"
    assert again[row_of(again, "rooms", "name", "Zaal B") + "capacity"] == "45"
    assert again[row_of(again, "slots", "start_time", "11:00") + "label"] == "Na de koffie"

    saved = bob.post(frame_url(frame_event), again)

    assert saved.status_code == 302
    assert rooms_of(frame_event) == [("Aula", 30), ("Zaal B", 45)]
    assert local_slots(frame_event) == [("10:00", "10:45", ""), ("11:00", "11:45", "Na de koffie")]
    frame_event.refresh_from_db()
    assert frame_event.frame_version == 2


@pytest.mark.django_db
def test_a_field_both_changed_keeps_the_writers_value_beside_theirs(frame_event):
    ann, bob = dutch_organiser(frame_event, "Ann"), dutch_organiser(frame_event, "Bob")
    ann_page = form_of(ann.get(frame_url(frame_event)), "frame-form")
    bob_page = form_of(bob.get(frame_url(frame_event)), "frame-form")
    ann_page[row_of(ann_page, "rooms", "name", "Zaal A") + "name"] = "Aula"
    ann.post(frame_url(frame_event), ann_page)
    bob_page[row_of(bob_page, "rooms", "name", "Zaal A") + "name"] = "Refter"

    response = bob.post(frame_url(frame_event), bob_page)

    text = page_text(response)
    assert "Aula · 30 plaatsen" in text.split("Wat jij verstuurde")[0]
    assert "Refter · 30 plaatsen (door jou gewijzigd)" in text.split("Wat jij verstuurde")[1]
    again = form_of(response, "frame-form")
    row = row_of(again, "rooms", "name", "Refter")  # Bob's value, now based on Ann's
    assert again[f"initial-{row}name"] == "Aula"
    shown = [v for k, v in again.items() if k.endswith("-name") and not k.startswith("initial-")]
    assert "Aula" not in shown
    assert rooms_of(frame_event)[0] == ("Aula", 30)


@pytest.mark.django_db
def test_a_row_deleted_meanwhile_that_the_writer_changed_comes_back_as_a_new_row(frame_event):
    ann, bob = dutch_organiser(frame_event, "Ann"), dutch_organiser(frame_event, "Bob")
    ann_page = form_of(ann.get(frame_url(frame_event)), "frame-form")
    bob_page = form_of(bob.get(frame_url(frame_event)), "frame-form")
    ann_page[row_of(ann_page, "rooms", "name", "Zaal B") + "DELETE"] = "on"
    ann_page[row_of(ann_page, "rooms", "name", "Zaal A") + "DELETE"] = "on"
    ann.post(frame_url(frame_event), ann_page)
    bob_page[row_of(bob_page, "rooms", "name", "Zaal B") + "name"] = "Zaal B2"

    response = bob.post(frame_url(frame_event), bob_page)

    text = page_text(response)
    assert "Intussen verwijderd, maar door jou gewijzigd" in text
    assert "Zaal B2 · 20 plaatsen (nieuw)" in text
    again = form_of(response, "frame-form")
    assert again["rooms-INITIAL_FORMS"] == "0"  # both rooms are gone from the saved frame
    assert "Zaal A" not in again.values()  # left as it was by Bob: gone, as Ann wanted
    assert bob.post(frame_url(frame_event), again).status_code == 302
    assert rooms_of(frame_event) == [("Zaal B2", 20)]


@pytest.mark.django_db
def test_rows_added_meanwhile_are_in_the_form_again(frame_event):
    ann, bob = dutch_organiser(frame_event, "Ann"), dutch_organiser(frame_event, "Bob")
    ann_page = form_of(ann.get(frame_url(frame_event)), "frame-form")
    bob_page = form_of(bob.get(frame_url(frame_event)), "frame-form")
    ann_page |= {"rooms-2-name": "Zolder", "rooms-2-capacity": "12"}
    ann.post(frame_url(frame_event), ann_page)
    bob_page |= {"rooms-2-name": "Kelder", "rooms-2-capacity": "8"}

    again = form_of(bob.post(frame_url(frame_event), bob_page), "frame-form")
    bob.post(frame_url(frame_event), again)

    assert sorted(rooms_of(frame_event)) == [
        ("Kelder", 8),
        ("Zaal A", 30),
        ("Zaal B", 20),
        ("Zolder", 12),
    ]


@pytest.mark.django_db
def test_under_htmx_the_compare_screen_replaces_the_editor_and_a_save_redirects(frame_event):
    ann, bob = dutch_organiser(frame_event, "Ann"), dutch_organiser(frame_event, "Bob")
    bob_page = form_of(bob.get(frame_url(frame_event)), "frame-form")
    ann.post(frame_url(frame_event), form_of(ann.get(frame_url(frame_event)), "frame-form") | {
        "rooms-2-name": "Zolder", "rooms-2-capacity": "12"})  # fmt: skip
    htmx = {"HX-Request": "true"}

    response = bob.post(frame_url(frame_event), bob_page, headers=htmx)

    assert response.status_code == 409
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="frame-editor"') and "<html" not in html
    assert CONFLICT_FRAME in page_text(response)
    saved = bob.post(frame_url(frame_event), form_of(response, "frame-form"), headers=htmx)
    assert (saved.status_code, saved["HX-Redirect"]) == (200, frame_url(frame_event))


@pytest.mark.django_db
def test_a_double_click_is_told_it_was_sent_not_that_someone_else_saved(frame_event):
    ann = dutch_organiser(frame_event, "Ann")
    page = form_of(ann.get(frame_url(frame_event)), "frame-form")
    page |= {"rooms-2-name": "Zolder", "rooms-2-capacity": "12"}

    first, second = ann.post(frame_url(frame_event), page), ann.post(frame_url(frame_event), page)

    assert (first.status_code, second.status_code) == (302, 302)
    assert [r[0] for r in rooms_of(frame_event)].count("Zolder") == 1


@pytest.mark.django_db
def test_every_change_of_rooms_or_slots_moves_the_frame_version_on(frame_event):
    def version() -> int:
        frame_event.refresh_from_db()
        return frame_event.frame_version

    room = frame_event.rooms.first()
    room.name = "Aula"
    changes = actions.FrameChanges(rooms=[room], deleted_rooms=[], slots=[], deleted_slots=[])
    actions.save_frame(event=frame_event, changes=changes, based_on=0)
    assert version() == 1
    with pytest.raises(actions.EditConflict):
        actions.save_frame(event=frame_event, changes=changes, based_on=0)
    nothing = actions.FrameChanges(rooms=[], deleted_rooms=[], slots=[], deleted_slots=[])
    actions.save_frame(event=frame_event, changes=nothing, based_on=1)
    assert version() == 1  # nothing changed: nothing to be stale about
    frame_event.venue = "Gent"
    actions.update_event(event=frame_event, based_on=0)
    assert (version(), frame_event.settings_version) == (1, 1)  # the slots stayed
    frame_event.date = frame_event.date.replace(day=20)
    actions.update_event(event=frame_event, based_on=1)
    assert (version(), frame_event.settings_version) == (2, 2)  # the slots moved along
    target = make_event()
    actions.copy_frame(source=frame_event, target=target)
    target.refresh_from_db()
    assert target.frame_version == 1


# ---- settings -------------------------------------------------------------------------------


@pytest.fixture
def settings_event(db) -> Event:
    return make_event(name="Barcamp Gent", language="nl", venue="Gent", description="Eerst.")


@pytest.mark.django_db
def test_two_settings_saves_from_one_page_keep_both_changes(settings_event):
    ann, bob = dutch_organiser(settings_event, "Ann"), dutch_organiser(settings_event, "Bob")
    ann_page = form_of(ann.get(settings_url(settings_event)), "event-form")
    bob_page = form_of(bob.get(settings_url(settings_event)), "event-form")
    assert ann_page["version"] == "0" and ann_page["initial-venue"] == "Gent"
    assert ann.post(settings_url(settings_event), ann_page | {"venue": "Leuven"}).status_code == 302

    response = bob.post(settings_url(settings_event), bob_page | {"description": "Van Bob."})

    assert response.status_code == 409
    text = page_text(response)
    assert CONFLICT_SETTINGS in text and NOTHING_LOST in text
    assert "Beschrijving Eerst. Van Bob." in text  # theirs beside Bob's
    settings_event.refresh_from_db()
    assert (settings_event.venue, settings_event.description) == ("Leuven", "Eerst.")
    again = form_of(response, "event-form")
    assert (again["venue"], again["description"], again["version"]) == ("Leuven", "Van Bob.", "1")

    assert bob.post(settings_url(settings_event), again).status_code == 302
    settings_event.refresh_from_db()
    assert (settings_event.venue, settings_event.description) == ("Leuven", "Van Bob.")
    history = TextRevision.objects.filter(event=settings_event, subject="event_description")
    assert [(r.text, r.author.name if r.author else None) for r in history.order_by("id")] == [
        ("Eerst.", None),  # what the first kept save replaced
        ("Van Bob.", "Bob"),
    ]
    # the settings page lists both versions, the earlier one with a button to bring it back
    page = bob.get(settings_url(settings_event))
    text = page_text(page)
    assert "Vorige versies van de beschrijving" in text
    assert "Eerst." in text and "Deze versie terugzetten" in text
    restore = re.search(
        r'<form method="post" action="([^"]+)" class="inline-form">.*?name="revision" value="(\d+)"',
        page.content.decode(),
        re.S,
    )
    assert restore and restore.groups() == (
        reverse("organiser:restore-text", args=[settings_event.slug]),
        str(history.get(text="Eerst.").pk),
    )


@pytest.mark.django_db
def test_a_setting_both_changed_is_named_and_the_writers_value_stays(settings_event):
    ann, bob = dutch_organiser(settings_event, "Ann"), dutch_organiser(settings_event, "Bob")
    ann_page = form_of(ann.get(settings_url(settings_event)), "event-form")
    bob_page = form_of(bob.get(settings_url(settings_event)), "event-form")
    ann.post(settings_url(settings_event), ann_page | {"name": "Barcamp Gent 2026"})

    response = bob.post(settings_url(settings_event), bob_page | {"name": "Gentcamp"})

    text = page_text(response)
    assert "Naam door jullie allebei gewijzigd Barcamp Gent 2026 Gentcamp" in text
    assert form_of(response, "event-form")["name"] == "Gentcamp"
    settings_event.refresh_from_db()
    assert settings_event.name == "Barcamp Gent 2026"


@pytest.mark.django_db
def test_the_settings_compare_screen_works_under_htmx(settings_event):
    ann, bob = dutch_organiser(settings_event, "Ann"), dutch_organiser(settings_event, "Bob")
    bob_page = form_of(bob.get(settings_url(settings_event)), "event-form")
    ann_page = form_of(ann.get(settings_url(settings_event)), "event-form")
    ann.post(settings_url(settings_event), ann_page | {"venue": "Leuven"})
    htmx = {"HX-Request": "true"}

    response = bob.post(settings_url(settings_event), bob_page | {"venue": "Brugge"}, headers=htmx)

    assert response.status_code == 409
    assert response.content.decode().lstrip().startswith('<div id="settings-editor"')
    saved = bob.post(settings_url(settings_event), form_of(response, "event-form"), headers=htmx)
    assert saved.status_code == 200 and saved["HX-Redirect"].endswith("/organise/")
    settings_event.refresh_from_db()
    assert settings_event.venue == "Brugge"


@pytest.mark.django_db
def test_saving_unchanged_settings_from_an_old_page_changes_nothing(settings_event):
    ann = dutch_organiser(settings_event, "Ann")
    page = form_of(ann.get(settings_url(settings_event)), "event-form")
    ann.post(settings_url(settings_event), page | {"venue": "Leuven"})

    again = ann.post(settings_url(settings_event), page | {"venue": "Leuven"})  # a double click

    assert again.status_code == 302
    settings_event.refresh_from_db()
    assert settings_event.settings_version == 1


# ---- at once, on PostgreSQL -----------------------------------------------------------------


def _at_once(url: str, pages: list[tuple[Client, dict]]) -> list:
    responses, errors = run_together([lambda c=c, p=p: c.post(url, p) for c, p in pages])
    assert errors == []
    return sorted(responses, key=lambda r: r.status_code)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_frame_writers_at_once_one_saves_one_gets_the_compare_screen():
    event = make_event(name="Barcamp Gent", language="nl")
    make_room(event, name="Zaal A", capacity=30)
    make_slot(event, "10:00", "10:45")
    ann, bob = dutch_organiser(event, "Ann"), dutch_organiser(event, "Bob")
    ann_page = form_of(ann.get(frame_url(event)), "frame-form")
    bob_page = form_of(bob.get(frame_url(event)), "frame-form")
    ann_page |= {"rooms-0-name": "Aula", "rooms-1-name": "Zolder", "rooms-1-capacity": "12"}
    bob_page |= {"rooms-0-name": "Refter", "rooms-1-name": "Kelder", "rooms-1-capacity": "8"}

    saved, refused = _at_once(frame_url(event), [(ann, ann_page), (bob, bob_page)])

    assert (saved.status_code, refused.status_code) == (302, 409)
    winner = "Aula" if rooms_of(event)[0][0] == "Aula" else "Refter"
    loser = {"Aula": "Refter", "Refter": "Aula"}[winner]
    mine = {"Aula": "Zolder", "Refter": "Kelder"}
    text = page_text(refused)
    assert CONFLICT_FRAME in text
    assert f"{winner} · 30 plaatsen" in text.split("Wat jij verstuurde")[0]  # theirs
    assert f"{mine[winner]} · " in text.split("Wat jij verstuurde")[0]
    again = form_of(refused, "frame-form")  # nothing the loser typed is lost
    assert {loser, mine[loser]} <= set(again.values())
    seats = {"Zolder": 12, "Kelder": 8}
    assert sorted(rooms_of(event)) == sorted([(winner, 30), (mine[winner], seats[mine[winner]])])
    event.refresh_from_db()
    assert event.frame_version == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_settings_writers_at_once_one_saves_one_gets_the_compare_screen():
    event = make_event(name="Barcamp Gent", language="nl", venue="Gent")
    ann, bob = dutch_organiser(event, "Ann"), dutch_organiser(event, "Bob")
    ann_page = form_of(ann.get(settings_url(event)), "event-form") | {"venue": "Leuven"}
    bob_page = form_of(bob.get(settings_url(event)), "event-form") | {"venue": "Brugge"}

    saved, refused = _at_once(settings_url(event), [(ann, ann_page), (bob, bob_page)])

    assert (saved.status_code, refused.status_code) == (302, 409)
    event.refresh_from_db()
    loser = {"Leuven": "Brugge", "Brugge": "Leuven"}[event.venue]
    text = page_text(refused)
    # theirs beside the loser's own
    assert f"Locatie door jullie allebei gewijzigd {event.venue} {loser}" in text
    assert form_of(refused, "event-form")["venue"] == loser
    assert event.settings_version == 1


@pytest.mark.django_db
def test_counter_check_without_the_version_check_the_second_save_overwrites_silently(
    settings_event, monkeypatch
):
    """What the tests above guard against: with the check taken out, both are told "saved"
    and the first writer's change is gone."""
    monkeypatch.setattr(actions.frame, "_stale", lambda *args, **kwargs: None)
    ann, bob = dutch_organiser(settings_event, "Ann"), dutch_organiser(settings_event, "Bob")
    ann_page = form_of(ann.get(settings_url(settings_event)), "event-form")
    bob_page = form_of(bob.get(settings_url(settings_event)), "event-form")
    ann.post(settings_url(settings_event), ann_page | {"venue": "Leuven"})

    response = bob.post(settings_url(settings_event), bob_page | {"description": "Van Bob."})

    assert response.status_code == 302  # not the 409 the tests above ask for
    settings_event.refresh_from_db()
    assert settings_event.venue == "Gent"  # Ann's change, lost


@pytest.mark.django_db
def test_any_stale_post_to_either_editor_gets_the_compare_screen_and_changes_nothing(frame_event):
    """Hypothesis: posts made of the editors' own field names (with their opened values,
    ids, form counts) and nasty values, from an old version: 409 every time, no server error,
    nothing saved."""
    ann = dutch_organiser(frame_event, "Ann")
    frame_page = form_of(ann.get(frame_url(frame_event)), "frame-form")
    settings_page = form_of(ann.get(settings_url(frame_event)), "event-form")
    frame_event.frame_version = frame_event.settings_version = 3
    frame_event.save(update_fields=["frame_version", "settings_version"])

    def state() -> tuple:
        frame_event.refresh_from_db()
        saved = [getattr(frame_event, name) for name in actions.EVENT_SETTINGS]
        versions = (frame_event.frame_version, frame_event.settings_version)
        return rooms_of(frame_event), local_slots(frame_event), saved, versions

    before = state()
    nasty = st.sampled_from(
        ["", " ", "0", "-1", "1", "2", "999999999999999999999", "²", "①", "٣", "\x00", "a" * 300,
         "25:61", "02:30", "10:00", "sessions", "break", "on", "2026-02-30", "0001-01-01", "😀"]
    )  # fmt: skip
    statuses: dict[int, int] = {}

    @settings(max_examples=120, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
    @given(
        editor=st.sampled_from(["frame", "settings"]),
        changes=st.dictionaries(
            st.sampled_from(sorted(set(frame_page) | set(settings_page))),
            st.one_of(nasty, st.text(max_size=20)),
            max_size=10,
        ),
        version=st.sampled_from(["0", "1", "", "x", "-1", "²"]),
    )
    def post(editor: str, changes: dict[str, str], version: str) -> None:
        page = frame_page if editor == "frame" else settings_page
        url = frame_url(frame_event) if editor == "frame" else settings_url(frame_event)
        data = {k: v.replace("\x00", "") for k, v in (page | changes).items()}
        response = ann.post(url, data | {"version": version})
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        # 200: the form's own errors; 302: settings sent as they are saved (nothing to do)
        assert response.status_code in {409, 200, 302}, (editor, data)
        assert state() == before

    post()
    print(f"\nstale posts: {sum(statuses.values())} to the two editors, {statuses}")
    assert statuses.get(409)
