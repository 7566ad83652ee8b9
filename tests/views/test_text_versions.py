"""Issue 15: every editor that two people can open names the version it was opened on, and
written texts keep their history like session reports do. For the theme synthesis, the event's
texts (introduction, conclusion, report structure) and the edit of a proposal: a save from an
older version gets a 409 with the merge or compare screen (in Dutch), the refused text stays in
the form, now based on the saved version, and nothing is overwritten; every save is kept and an
earlier one can be restored. The same races with real threads on PostgreSQL are in
tests/views/test_text_versions_concurrency.py."""

import re
from html import unescape

import pytest
from django.db import transaction

from sessions_app import actions
from sessions_app.models import Event, Participant, Session, TextRevision, Theme
from tests.factories import make_event, make_participant, make_session, make_theme
from tests.helpers import messages_of, url

Subject = TextRevision.Subject


@pytest.fixture
def event(archived_event: Event) -> Event:
    return archived_event


@pytest.fixture
def olga(event: Event) -> Participant:
    return make_participant(event, name="Olga", role=Participant.Role.ORGANISER)


@pytest.fixture
def omar(event: Event) -> Participant:
    return make_participant(event, name="Omar", role=Participant.Role.ORGANISER)


@pytest.fixture
def theme(event: Event) -> Theme:
    return make_theme(event, name="Open data")


def text_of(html: str) -> str:
    """The page as a person reads it: tags gone, entities read, spaces squashed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def textarea(html: str, name: str) -> str:
    """The text in the form's textarea `name` (what the writer sees in the editor)."""
    match = re.search(rf'<textarea name="{name}"[^>]*>(.*?)</textarea>', html, re.S)
    assert match, f"no textarea {name}"
    return unescape(match.group(1)).removeprefix("\n")


def hidden_version(html: str) -> str:
    match = re.search(r'<input type="hidden" name="version" value="(\d+)"', html)
    assert match, "no version in the form"
    return match.group(1)


def theirs(html: str) -> list[str]:
    """The saved sides of the merge screen, in order."""
    boxes = re.findall(r'class="merge-theirs[^"]*"[^>]*>(.*?)</(?:textarea|p)>', html, re.S)
    return [unescape(box).strip() for box in boxes]


def yours(html: str) -> list[str]:
    boxes = re.findall(r'class="merge-yours[^"]*"[^>]*>(.*?)</(?:pre|p)>', html, re.S)
    return [unescape(box).strip() for box in boxes]


# ---- the theme synthesis ----------------------------------------------------------------------


def synthesis_url(theme: Theme) -> str:
    return url("organiser:theme-synthesis", theme.event, theme.pk)


def test_synthesis_editor_names_the_version_it_was_opened_on(client, theme, olga):
    actions.save_synthesis(theme=theme, text="First", based_on=0, by=olga)
    client.force_login(olga.user)

    html = client.get(synthesis_url(theme)).content.decode()

    assert hidden_version(html) == "1"
    assert textarea(html, "synthesis") == "First"


def test_a_synthesis_save_is_kept_with_its_author_and_bumps_the_version(client, theme, olga):
    client.force_login(olga.user)

    response = client.post(
        synthesis_url(theme), {"name": "Open data", "synthesis": "Data helps.", "version": "0"}
    )

    assert response.status_code == 302
    assert messages_of(response) == ["De synthese van “Open data” is bewaard."]
    theme.refresh_from_db()
    assert (theme.synthesis, theme.version) == ("Data helps.", 1)
    revision = theme.revisions.get()
    assert (revision.subject, revision.text, revision.author) == (
        Subject.SYNTHESIS,
        "Data helps.",
        olga,
    )


def test_a_stale_synthesis_save_gets_the_merge_screen_and_overwrites_nothing(
    client, theme, olga, omar
):
    actions.save_synthesis(theme=theme, text="Omar's synthesis", based_on=0, by=omar)
    client.force_login(olga.user)

    response = client.post(
        synthesis_url(theme),
        {"name": "Open data", "synthesis": "Olga's synthesis", "version": "0"},
    )

    assert response.status_code == 409
    html = response.content.decode()
    page = text_of(html)
    assert "Iemand anders heeft deze synthese bewaard terwijl je schreef" in page
    assert "Jouw tekst is nog niet bewaard en er gaat niets verloren" in page
    assert "Hun tekst (bewaard)" in page
    assert theirs(html) == ["Omar's synthesis"]
    assert yours(html) == ["Olga's synthesis"]
    assert textarea(html, "synthesis") == "Olga's synthesis"  # hers stays in the editor
    assert hidden_version(html) == "1"  # now based on Omar's version
    assert "Samengevoegde tekst bewaren" in page
    theme.refresh_from_db()
    assert (theme.synthesis, theme.version, theme.revisions.count()) == ("Omar's synthesis", 1, 1)

    merged = client.post(
        synthesis_url(theme),
        {"name": "Open data", "synthesis": "Omar's synthesis\n\nOlga's", "version": "1"},
    )

    assert merged.status_code == 302
    theme.refresh_from_db()
    assert (theme.synthesis, theme.version) == ("Omar's synthesis\n\nOlga's", 2)
    assert [r.author.name for r in theme.revisions.all()] == ["Olga", "Omar"]


def test_a_form_without_a_version_is_never_taken_as_current(client, theme, olga):
    """A page opened before editors had versions (or a forged form) cannot overwrite either."""
    client.force_login(olga.user)

    for version in [None, "", "²", "٣", "-1", "9" * 40, "1\x00"]:
        data = {"name": "Open data", "synthesis": "Blind"}
        response = client.post(
            synthesis_url(theme), data | ({"version": version} if version is not None else {})
        )

        assert response.status_code == 409, version
        assert Theme.objects.get(pk=theme.pk).synthesis == ""


def test_saving_the_same_synthesis_twice_keeps_one_revision(client, theme, olga):
    """A double click: the second save comes from the old version but changes nothing."""
    client.force_login(olga.user)
    data = {"name": "Open data", "synthesis": "Same", "version": "0"}

    first, second = client.post(synthesis_url(theme), data), client.post(synthesis_url(theme), data)

    assert (first.status_code, second.status_code) == (302, 302)
    assert theme.revisions.count() == 1
    assert Theme.objects.get(pk=theme.pk).version == 1


def test_a_rename_meanwhile_shows_both_names(client, event, theme, olga):
    client.force_login(olga.user)
    client.post(
        url("organiser:rename-theme", event, theme.pk),
        {"name": "Open government data", "version": "0"},
    )
    assert Theme.objects.get(pk=theme.pk).version == 1

    response = client.post(
        synthesis_url(theme), {"name": "Open data", "synthesis": "Text", "version": "0"}
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert theirs(html) == ["Open government data", ""]
    assert yours(html) == ["Open data", "Text"]
    assert Theme.objects.get(pk=theme.pk).name == "Open government data"


def test_a_rename_from_an_old_themes_page_is_refused_in_words(client, event, theme, olga, omar):
    client.force_login(omar.user)
    client.post(url("organiser:rename-theme", event, theme.pk), {"name": "Data", "version": "0"})
    client.force_login(olga.user)

    response = client.post(
        url("organiser:rename-theme", event, theme.pk), {"name": "Open gegevens", "version": "0"}
    )

    assert messages_of(response)[-1] == (
        "Iemand anders heeft dit thema intussen gewijzigd; het heet nu “Data”. "
        "Geef het opnieuw een naam als je dat nog wilt."
    )
    assert (Theme.objects.get(pk=theme.pk).name, Theme.objects.get(pk=theme.pk).version) == (
        "Data",
        1,
    )


def test_synthesis_history_lists_every_save_and_restores_one(client, event, theme, olga, omar):
    first = actions.save_synthesis(theme=theme, text="One", based_on=0, by=olga)
    actions.save_synthesis(theme=theme, text="Two", based_on=first.version, by=omar)
    client.force_login(olga.user)

    html = client.get(synthesis_url(theme)).content.decode()
    rows = re.findall(r"<li>\s*<details>(.*?)</li>", html, re.S)
    assert [text_of(row).split(" · ")[1] for row in rows] == [
        "Omar huidige Two",
        "Olga One Deze versie terugzetten",
    ]
    one = theme.revisions.get(text="One")

    response = client.post(url("organiser:restore-text", event), {"revision": str(one.pk)})

    assert response.url == synthesis_url(theme)
    assert messages_of(response)[0].startswith("De versie van ")
    theme.refresh_from_db()
    assert (theme.synthesis, theme.version) == ("One", 3)
    assert [r.text for r in theme.revisions.all()] == ["One", "Two", "One"]
    assert theme.revisions.first().author == olga


def test_restoring_a_version_of_another_event_or_a_session_is_refused(client, event, theme, olga):
    elsewhere = make_theme(make_event(), name="Elsewhere")
    foreign = actions.save_synthesis(theme=elsewhere, text="Foreign", based_on=0, by=None)
    session = make_session(event, [olga], description="")
    actions.update_session(
        session=session,
        proposal=actions.Proposal("T", "discussion", "Described", [], [], [], []),
        by=olga,
    )
    described = session.description_revisions.get()
    client.force_login(olga.user)

    for revision in [elsewhere.revisions.get().pk, described.pk, "x", "99999999999999999999999"]:
        response = client.post(url("organiser:restore-text", event), {"revision": str(revision)})

        assert set(messages_of(response)) == {
            "Die versie staat niet in de geschiedenis van deze tekst."
        }
    assert foreign.synthesis == Theme.objects.get(pk=elsewhere.pk).synthesis == "Foreign"
    assert Session.objects.get(pk=session.pk).description == "Described"


def test_the_first_save_keeps_a_text_written_before_the_history(client, event, olga):
    """A synthesis from before issue 15 (or from an event file) has no revision yet: the
    first save keeps it first, so the history holds what it replaced."""
    theme = make_theme(event, name="Old", synthesis="Written in 2012")
    client.force_login(olga.user)

    client.post(synthesis_url(theme), {"name": "Old", "synthesis": "Rewritten", "version": "0"})

    assert [(r.text, r.author) for r in theme.revisions.all()] == [
        ("Rewritten", olga),
        ("Written in 2012", None),
    ]


# ---- the event's texts ----------------------------------------------------------------------


TEXTS = {"introduction": "Welcome.", "conclusion": "Thanks.", "report_template": "## Gist"}


def test_event_texts_keep_a_revision_for_each_changed_text(client, event, olga):
    client.force_login(olga.user)
    client.post(url("organiser:event-texts", event), TEXTS | {"version": "0"})

    response = client.post(
        url("organiser:event-texts", event), TEXTS | {"conclusion": "Bye.", "version": "1"}
    )

    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.introduction, event.conclusion, event.texts_version) == ("Welcome.", "Bye.", 2)
    kept = [(r.subject, r.text) for r in event.text_revisions.order_by("id")]
    assert kept == [
        ("introduction", "Welcome."),
        ("conclusion", "Thanks."),
        ("report_template", "## Gist"),
        ("conclusion", "Bye."),
    ]


def test_a_stale_save_of_the_event_texts_shows_only_what_differs(client, event, olga, omar):
    actions.save_event_texts(event=event, texts=TEXTS, based_on=0, by=omar)
    client.force_login(olga.user)

    response = client.post(
        url("organiser:event-texts", event),
        {"introduction": "Hello all.", "conclusion": "Thanks.", "report_template": "## Gist"}
        | {"version": "0"},
    )

    assert response.status_code == 409
    html = response.content.decode()
    page = text_of(html)
    assert "Iemand anders heeft deze teksten bewaard terwijl je schreef" in page
    assert theirs(html) == ["Welcome."]  # the conclusion and structure are the same
    assert yours(html) == ["Hello all."]
    assert textarea(html, "introduction") == "Hello all."
    assert hidden_version(html) == "1"
    assert "Samengevoegde teksten bewaren" in page
    event.refresh_from_db()
    assert (event.introduction, event.texts_version) == ("Welcome.", 1)


def test_event_texts_history_and_restore(client, event, olga):
    actions.save_event_texts(event=event, texts=TEXTS, based_on=0, by=olga)
    actions.save_event_texts(event=event, texts={"introduction": "Hi."}, based_on=1, by=olga)
    client.force_login(olga.user)

    html = client.get(url("organiser:event-texts", event)).content.decode()

    page = text_of(html)
    assert "Vorige versies: Inleiding" in page
    assert len(re.findall(r'name="revision"', html)) == 1  # only the older introduction
    welcome = event.text_revisions.get(subject="introduction", text="Welcome.")

    response = client.post(url("organiser:restore-text", event), {"revision": str(welcome.pk)})

    assert response.url == url("organiser:event-texts", event)
    event.refresh_from_db()
    assert (event.introduction, event.texts_version) == ("Welcome.", 3)


# ---- editing a proposal -------------------------------------------------------------------------


@pytest.fixture
def camp(db) -> Event:
    """A Dutch event taking proposals."""
    return make_event(slug="camp", phase=Event.Phase.PROPOSALS)


@pytest.fixture
def anna(camp: Event) -> Participant:
    return make_participant(camp, name="Anna")


@pytest.fixture
def bert(camp: Event) -> Participant:
    return make_participant(camp, name="Bert")


@pytest.fixture
def proposal(camp, anna, bert) -> Session:
    return make_session(camp, [anna, bert], title="Open data", description="Maps.")


def edit_url(session: Session) -> str:
    return url("participant:edit-session", session.event, session.pk)


def edit_post(**fields) -> dict:
    return {
        "title": "Open data",
        "kind": "discussion",
        "description": "Maps.",
        "version": "0",
    } | fields


def test_a_stale_edit_of_a_proposal_gets_the_compare_screen(client, proposal, anna, bert):
    client.force_login(bert.user)
    assert (
        client.post(
            edit_url(proposal), edit_post(title="Open data for towns", cohosts=[anna.pk])
        ).status_code
        == 302
    )
    client.force_login(anna.user)

    response = client.post(
        edit_url(proposal),
        edit_post(
            title="Open data in villages", description="Maps and budgets.", cohosts=[bert.pk]
        ),
    )

    assert response.status_code == 409
    html = response.content.decode()
    page = text_of(html)
    assert "Iemand anders heeft deze sessie bewaard terwijl je ze aanpaste" in page
    assert "Je wijzigingen zijn nog niet bewaard en er gaat niets verloren" in page
    assert theirs(html) == ["Open data for towns", "Maps."]  # title and description differ
    assert yours(html) == ["Open data in villages", "Maps and budgets."]
    form = response.context["form"]
    assert form["title"].value() == "Open data in villages"  # hers stays in the form
    assert textarea(html, "description") == "Maps and budgets."
    assert hidden_version(html) == "1"
    proposal.refresh_from_db()
    assert (proposal.title, proposal.description, proposal.version) == (
        "Open data for towns",
        "Maps.",
        1,
    )

    again = client.post(
        edit_url(proposal),
        edit_post(
            title="Open data in villages",
            description="Maps and budgets.",
            cohosts=[bert.pk],
            version="1",
        ),
    )

    assert again.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.title, proposal.version) == ("Open data in villages", 2)


def test_themes_set_by_an_organiser_meanwhile_are_shown_beside_the_hosts_own(
    client, camp, proposal, anna, bert
):
    data = make_theme(camp, name="Data")
    make_theme(camp, name="Budgets")
    organiser = make_participant(camp, name="Olga", role=Participant.Role.ORGANISER)
    client.force_login(organiser.user)
    client.post(
        url("organiser:set-session-theme", camp),
        {"session": proposal.pk, "theme": data.pk, "assigned": "1"},
    )
    assert Session.objects.get(pk=proposal.pk).version == 1
    client.force_login(anna.user)

    response = client.post(edit_url(proposal), edit_post(title="Open data!", cohosts=[bert.pk]))

    assert response.status_code == 409
    html = response.content.decode()
    assert theirs(html) == ["Open data", "Data"]  # title, themes
    assert yours(html) == ["Open data!", "—"]
    assert list(Session.objects.get(pk=proposal.pk).themes.all()) == [data]


def test_a_merge_into_the_session_changes_its_version(camp, proposal, anna):
    other = make_session(camp, [make_participant(camp, name="Carl")])

    actions.merge_sessions(keep=proposal, merge=other)

    assert Session.objects.get(pk=proposal.pk).version == 1


def test_an_edit_form_without_a_version_gets_the_compare_screen(client, proposal, anna, bert):
    client.force_login(anna.user)
    data = edit_post(title="Blind", cohosts=[bert.pk])
    del data["version"]

    response = client.post(edit_url(proposal), data)

    assert response.status_code == 409
    assert Session.objects.get(pk=proposal.pk).title == "Open data"


def test_saving_an_unchanged_proposal_from_an_old_version_changes_nothing(
    client, proposal, anna, bert
):
    client.force_login(anna.user)
    client.post(edit_url(proposal), edit_post(title="New", cohosts=[bert.pk]))

    second = client.post(edit_url(proposal), edit_post(title="New", cohosts=[bert.pk]))

    assert second.status_code == 302
    assert Session.objects.get(pk=proposal.pk).version == 1


def test_description_history_on_the_edit_page_and_restore(client, camp, anna, bert):
    client.force_login(anna.user)
    client.post(
        url("participant:propose", camp),
        {"title": "Budgets", "kind": "discussion", "description": "First words."},
    )
    session = Session.objects.get(title="Budgets")
    client.post(edit_url(session), edit_post(title="Budgets", description="Second words."))

    html = client.get(edit_url(session)).content.decode()

    assert "Vorige versies van de beschrijving" in text_of(html)
    rows = re.findall(r"<li>\s*<details>(.*?)</li>", html, re.S)
    assert [
        re.search(r'<pre class="revision-text">(.*?)</pre>', r, re.S).group(1) for r in rows
    ] == [
        "Second words.",
        "First words.",
    ]
    first = session.description_revisions.get(text="First words.")

    response = client.post(
        url("participant:restore-description", camp, session.pk), {"revision": str(first.pk)}
    )

    assert response.url == edit_url(session)
    session.refresh_from_db()
    assert (session.description, session.version) == ("First words.", 2)
    assert session.description_revisions.count() == 3


def test_restoring_a_description_is_for_those_who_may_edit_it(client, camp, proposal, anna):
    actions.update_session(
        session=proposal,
        proposal=actions.Proposal("Open data", "discussion", "Later.", [], [], [], []),
        by=anna,
    )
    first = proposal.description_revisions.get(text="Maps.")  # kept from before the history
    stranger = make_participant(camp, name="Stranger")
    restore = url("participant:restore-description", camp, proposal.pk)
    client.force_login(stranger.user)

    assert client.post(restore, {"revision": str(first.pk)}).status_code == 404

    camp.phase = Event.Phase.PUBLISHED
    camp.save()
    client.force_login(anna.user)
    response = client.post(restore, {"revision": str(first.pk)})

    assert messages_of(response) == [
        "Het rooster is gepubliceerd; vraag een organisator om deze sessie te wijzigen."
    ]
    assert Session.objects.get(pk=proposal.pk).description == "Later."


def test_the_event_description_is_restored_through_the_same_view(client, event, olga):
    """The settings form keeps the description's history (`keep_text`); this view brings an
    earlier one back and moves the settings' version on, so an open settings form merges."""
    with transaction.atomic():
        actions.keep_text(
            subject=Subject.EVENT_DESCRIPTION, owner=event, old="", new="Eerst.", by=olga
        )
        actions.keep_text(
            subject=Subject.EVENT_DESCRIPTION, owner=event, old="Eerst.", new="Later.", by=olga
        )
    Event.objects.filter(pk=event.pk).update(description="Later.", settings_version=2)
    first = event.text_revisions.get(text="Eerst.")
    client.force_login(olga.user)

    response = client.post(url("organiser:restore-text", event), {"revision": str(first.pk)})

    assert response.url == url("organiser:edit-event", event)
    event.refresh_from_db()
    assert (event.description, event.settings_version) == ("Eerst.", 3)
    assert [r.text for r in event.text_revisions.filter(subject="event_description")] == [
        "Eerst.",
        "Later.",
        "Eerst.",
    ]
