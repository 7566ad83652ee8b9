"""Issue 15, on PostgreSQL with real threads: two people save the same editor at the same moment,
both from the version their page showed. For every versioned editor of written texts (the
theme synthesis, the event's texts, the edit of a proposal) exactly one save is kept and the
other gets the 409 merge or compare screen, which shows the saved text beside the refused one,
still in the form: nothing is lost. Each race runs several rounds; the requests go through the
whole stack (Django's test client, one database connection per thread)."""

import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from sessions_app import actions
from sessions_app.models import Event, Participant, Session, Theme
from tests.factories import make_event, make_participant, make_session, make_theme
from tests.helpers import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 5


def signed_in(participant: Participant) -> Client:
    client = Client()
    client.force_login(participant.user)
    return client


def post_together(posts: list[tuple[Client, str, dict]]) -> list:
    """POST each form from its own thread, all released at once; the responses in order."""
    jobs = [lambda n=n, c=c, u=u, d=d: (n, c.post(u, d)) for n, (c, u, d) in enumerate(posts)]
    results, errors = run_together(jobs)
    assert errors == []
    return [response for _n, response in sorted(results, key=lambda pair: pair[0])]


def merge_sides(html: str) -> tuple[list[str], list[str]]:
    saved = re.findall(r'class="merge-theirs[^"]*"[^>]*>(.*?)</(?:textarea|p)>', html, re.S)
    sent = re.findall(r'class="merge-yours[^"]*"[^>]*>(.*?)</(?:pre|p)>', html, re.S)
    return [unescape(s).strip() for s in saved], [unescape(s).strip() for s in sent]


def in_editor(html: str, name: str) -> str:
    match = re.search(rf'<textarea name="{name}"[^>]*>(.*?)</textarea>', html, re.S)
    assert match, name
    return unescape(match.group(1)).removeprefix("\n")


def one_saved_one_refused(responses: list) -> tuple[int, int]:
    """The index of the save that was kept and of the one that got the merge screen."""
    statuses = [r.status_code for r in responses]
    assert sorted(statuses) == [302, 409], statuses
    return statuses.index(302), statuses.index(409)


@pytest.fixture
def event() -> Event:
    return make_event(slug="camp", phase=Event.Phase.ARCHIVED)


@pytest.fixture
def organisers(event: Event) -> list[Participant]:
    return [
        make_participant(event, name=name, role=Participant.Role.ORGANISER)
        for name in ("Olga", "Omar")
    ]


def test_two_organisers_saving_a_synthesis_at_once(event, organisers):
    clients = [signed_in(o) for o in organisers]
    for round_ in range(ROUNDS):
        theme = make_theme(event, name=f"Theme {round_}")
        url = reverse("organiser:theme-synthesis", args=[event.slug, theme.pk])
        texts = [f"{o.name}'s synthesis, round {round_}" for o in organisers]

        responses = post_together(
            [
                (client, url, {"name": theme.name, "synthesis": text, "version": "0"})
                for client, text in zip(clients, texts, strict=True)
            ]
        )

        won, lost = one_saved_one_refused(responses)
        theme.refresh_from_db()
        assert (theme.synthesis, theme.version) == (texts[won], 1)
        assert [(r.text, r.author) for r in theme.revisions.all()] == [
            (texts[won], organisers[won])
        ]
        html = responses[lost].content.decode()
        assert merge_sides(html) == ([texts[won]], [texts[lost]])
        assert in_editor(html, "synthesis") == texts[lost]  # the refused text is not lost


def test_two_organisers_renaming_a_theme_at_once(event, organisers):
    clients = [signed_in(o) for o in organisers]
    for round_ in range(ROUNDS):
        theme = make_theme(event, name=f"Theme {round_}")
        url = reverse("organiser:rename-theme", args=[event.slug, theme.pk])
        names = [f"{o.name}'s name {round_}" for o in organisers]

        responses = post_together(
            [
                (client, url, {"name": name, "version": "0"})
                for client, name in zip(clients, names, strict=True)
            ]
        )

        assert [r.status_code for r in responses] == [302, 302]
        theme.refresh_from_db()
        assert theme.version == 1 and theme.name in names
        refused = [
            n
            for n, client in enumerate(clients)
            if any(
                "intussen gewijzigd" in str(m)
                for m in client.get(reverse("organiser:themes", args=[event.slug])).context[
                    "messages"
                ]
            )
        ]
        assert [names[n] for n in refused] == [name for name in names if name != theme.name]


def test_ten_writers_of_one_synthesis_leave_one_save_and_nine_conflicts(event):
    writers = [
        make_participant(event, role=Participant.Role.ORGANISER, name=f"O{n}") for n in range(10)
    ]
    theme = make_theme(event, name="Open data")

    def save(n: int):
        fresh = Theme.objects.get(pk=theme.pk)
        return actions.save_synthesis(theme=fresh, text=f"Text {n}", based_on=0, by=writers[n])

    results, errors = run_together([lambda n=n: save(n) for n in range(10)])

    assert len(results) == 1 and len(errors) == 9
    assert all(isinstance(error, actions.EditConflict) for error in errors)
    winner = Theme.objects.get(pk=theme.pk)
    assert all(error.current.synthesis == winner.synthesis for error in errors)
    assert (winner.version, winner.revisions.count()) == (1, 1)


def test_two_organisers_saving_the_event_texts_at_once(event, organisers):
    clients = [signed_in(o) for o in organisers]
    url = reverse("organiser:event-texts", args=[event.slug])
    for round_ in range(ROUNDS):
        version = Event.objects.get(pk=event.pk).texts_version
        intros = [f"{o.name}'s welcome, round {round_}" for o in organisers]

        responses = post_together(
            [
                (
                    client,
                    url,
                    {
                        "introduction": intro,
                        "conclusion": f"Thanks {round_}",
                        "report_template": "",
                        "version": str(version),
                    },
                )
                for client, intro in zip(clients, intros, strict=True)
            ]
        )

        won, lost = one_saved_one_refused(responses)
        event.refresh_from_db()
        assert (event.introduction, event.texts_version) == (intros[won], version + 1)
        assert event.text_revisions.filter(subject="introduction").first().text == intros[won]
        html = responses[lost].content.decode()
        assert merge_sides(html) == ([intros[won]], [intros[lost]])  # the conclusions agree
        assert in_editor(html, "introduction") == intros[lost]
    kept = event.text_revisions.filter(subject="introduction").count()
    assert kept == ROUNDS


def test_two_hosts_editing_a_proposal_at_once():
    camp = make_event(slug="open", phase=Event.Phase.PROPOSALS)
    hosts = [make_participant(camp, name=name) for name in ("Anna", "Bert")]
    clients = [signed_in(h) for h in hosts]
    for round_ in range(ROUNDS):
        session = make_session(camp, hosts, title=f"Proposal {round_}", description="Start")
        url = reverse("participant:edit-session", args=[camp.slug, session.pk])
        titles = [f"{h.name}'s title {round_}" for h in hosts]
        descriptions = [f"{h.name}'s description {round_}" for h in hosts]

        responses = post_together(
            [
                (
                    client,
                    url,
                    {
                        "title": title,
                        "kind": "discussion",
                        "description": description,
                        "cohosts": [other.pk],
                        "version": "0",
                    },
                )
                for client, title, description, other in zip(
                    clients, titles, descriptions, hosts[::-1], strict=True
                )
            ]
        )

        won, lost = one_saved_one_refused(responses)
        session.refresh_from_db()
        assert (session.title, session.description, session.version) == (
            titles[won],
            descriptions[won],
            1,
        )
        assert [r.text for r in session.description_revisions.all()] == [descriptions[won], "Start"]
        html = responses[lost].content.decode()
        assert merge_sides(html) == (
            [titles[won], descriptions[won]],
            [titles[lost], descriptions[lost]],
        )
        assert in_editor(html, "description") == descriptions[lost]
        assert responses[lost].context["form"]["title"].value() == titles[lost]


def test_a_host_saving_while_an_organiser_sets_a_theme_loses_neither():
    """The theme toggle is not an editor (it says the state wanted) but changes what the edit
    form shows: whichever comes first, the theme stays, and the host's edit is either saved
    after it or refused with the compare screen."""
    camp = make_event(slug="open", phase=Event.Phase.PROPOSALS)
    anna = make_participant(camp, name="Anna")
    olga = make_participant(camp, name="Olga", role=Participant.Role.ORGANISER)
    host, organiser = signed_in(anna), signed_in(olga)
    orders = {"edit first": 0, "theme first": 0}
    for round_ in range(ROUNDS * 2):
        theme = make_theme(camp, name=f"Theme {round_}")
        session = make_session(camp, [anna], title=f"Proposal {round_}")
        edit = reverse("participant:edit-session", args=[camp.slug, session.pk])
        toggle = reverse("organiser:set-session-theme", args=[camp.slug])

        edited, toggled = post_together(
            [
                (host, edit, {"title": "Edited", "kind": "demo", "version": "0"}),
                (organiser, toggle, {"session": session.pk, "theme": theme.pk, "assigned": "1"}),
            ]
        )

        session = Session.objects.get(pk=session.pk)
        assert toggled.status_code == 302
        assert list(session.themes.all()) == [theme]
        assert edited.status_code in (302, 409)
        if edited.status_code == 302:  # the edit came first; its form had no theme yet
            assert (session.title, session.version) == ("Edited", 2)
            orders["edit first"] += 1
        else:
            orders["theme first"] += 1
            assert (session.title, session.version) == (f"Proposal {round_}", 1)
            assert merge_sides(edited.content.decode())[0][-1] == theme.name
    print(orders)  # with -s: which order the rounds happened in
