"""Re-planning the rest of the day in a real browser, in Dutch (issue 19): on the demo's live
event (OOcamp vandaag, with a grid planned and published in the set-up) at 12:45, the organiser
closes the Bovenzaal from 13:00, reads what that breaks, re-plans with "fewest changes", reads
the list of moves, accepts, undoes, and accepts again; a follower's phone, open on My day,
shows its moved session highlighted without a reload."""

import re
from datetime import datetime, time

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, expect

from sessions_app import actions, grid, scheduling
from sessions_app.actions.frame import phase_steps
from sessions_app.management.commands.setup_demo import TODAY
from sessions_app.management.commands.setup_demo import Command as SetupDemo
from sessions_app.models import Event, Follow, Participant, Placement, SessionChange
from tests.browser.test_accessibility import assert_accessible
from tests.factories import make_participant

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def live_event() -> Event:
    """OOcamp vandaag as setup_demo loads it (moved to today), with the grid planned and
    published through the actions, as an organiser does before the day."""
    event = SetupDemo().load(*TODAY)
    event.date = timezone.localdate(timezone=event.tz)
    actions.update_event(event=event)
    event.refresh_from_db()
    planned = scheduling.plan(grid.problem_for(event), seed=1)
    rows = [[p.session, p.room, p.slot, p.pinned] for p in planned.placements]
    actions.accept_grid(
        event=event, rows=rows, version=event.grid_version, by=None, summary="Demo grid"
    )
    while event.phase != Event.Phase.PUBLISHED:
        event = actions.set_phase(event=event, phase=phase_steps(event.phase)[1])
    event.refresh_from_db()
    return event


def test_an_organiser_closes_a_room_re_plans_accepts_undoes_and_a_follower_is_told(
    browser: Browser, base_url: str, sign_in, steps, axe_source: str
) -> None:
    event = live_event()
    day = timezone.localdate(timezone=event.tz)
    lunch = datetime.combine(day, time(12, 45), tzinfo=event.tz)
    boven = event.rooms.get(name="Bovenzaal")
    afternoon = list(
        Placement.objects.filter(room=boven, slot__start__gte=lunch).select_related("session")
    )
    assert afternoon, "the planned grid puts sessions in the Bovenzaal after lunch"
    follower = make_participant(event, "Fien")
    for placement in afternoon:
        actions.follow_session(participant=follower, session=placement.session)
    organiser = event.participants.filter(role=Participant.Role.ORGANISER).first()
    assert organiser is not None

    with time_machine.travel(lunch, tick=True):
        phone = browser.new_context(base_url=base_url, **PHONE)
        sign_in(phone, follower.user)
        my_day = phone.new_page()
        my_day.goto(reverse("participant:my-page", args=[event.slug]))
        expect(my_day.locator(".my-day")).to_contain_text(afternoon[0].session.title)
        my_day.evaluate("window.notReloaded = true")

        laptop = browser.new_context(base_url=base_url, viewport={"width": 1366, "height": 900})
        sign_in(laptop, organiser.user)
        page = laptop.new_page()

        def re_plan(attempt: str) -> None:
            page.goto(reverse("organiser:grid", args=[event.slug]))
            page.get_by_role("link", name="Herplan de rest van de dag").click()
            expect(page.get_by_role("heading", name="Herplan de rest van de dag")).to_be_visible()
            expect(page.get_by_text("3 tijdsloten zijn begonnen")).to_be_visible()
            form = page.locator("form").filter(has=page.get_by_label("Zaal", exact=True))
            form.get_by_label("Zaal", exact=True).select_option(label="Bovenzaal")
            form.get_by_label("Vanaf").fill(f"{day:%Y-%m-%d}T13:00")
            form.get_by_role("button", name="Sluit de zaal").click()
            expect(page.locator(".disruptions")).to_contain_text("Bovenzaal dicht vanaf 13:00")
            broken = page.locator(".broken li")
            expect(broken.first).to_contain_text("Bovenzaal, en die is dan dicht.")
            expect(broken).to_have_count(len(afternoon))
            steps(page, f"{attempt}: what closing the Bovenzaal breaks")
            page.get_by_role("button", name="Zo weinig mogelijk wijzigingen").click()
            moves = page.locator(".replan-moves .replan-move")
            expect(moves.first).to_be_visible()
            for placement in afternoon:
                move = moves.filter(has_text=placement.session.title)
                expect(move).to_contain_text("Bovenzaal →")
                followers = Follow.objects.filter(session=placement.session).count()
                expect(move).to_contain_text(re.compile(rf"\b{followers} volgers?\b"))
                expect(move).to_contain_text("afgedwongen")
            expect(page.get_by_role("heading", name="Na de herplanning")).to_be_visible()
            steps(page, f"{attempt}: the proposal, its moves and lost now and after")
            if attempt == "first":
                assert_accessible(page, axe_source)
            page.get_by_role("button", name="Aanvaard de herplanning").click()
            expect(page.locator(".message-success")).to_contain_text(
                re.compile(r"Herpland vanaf 12:4\d \(Zo weinig mogelijk wijzigingen\)")
            )
            expect(page.locator("#grid")).to_be_visible()
            steps(page, f"{attempt}: accepted, back in the editor")

        re_plan("first")
        assert not Placement.objects.filter(room=boven, slot__start__gte=lunch).exists()
        page.locator("#undo-button").click()
        expect(page.locator(".grid-feedback")).to_contain_text("Ongedaan")
        steps(page, "undone")
        assert Placement.objects.filter(room=boven, slot__start__gte=lunch).count() == len(
            afternoon
        )
        re_plan("again")
        assert not Placement.objects.filter(room=boven, slot__start__gte=lunch).exists()

        # Where the other rooms have a free cell after lunch a session moves there; where they
        # are full (which depends on the planned grid) it waits, taken off the grid. Either way
        # its follower is told, on the phone, without a reload.
        latest = event.grid_changes.order_by("-version").first().version
        changed = list(
            SessionChange.objects.filter(
                session__in=[p.session for p in afternoon],
                kind__in=[SessionChange.Kind.MOVED, SessionChange.Kind.UNPLACED],
                grid_version=latest,
            )
        )
        assert len(changed) == len(afternoon), "each of the Bovenzaal's sessions moves or waits"
        change = changed[0]
        note = (
            f"verplaatst naar {change.to_room}"
            if change.kind == SessionChange.Kind.MOVED
            else "van het rooster gehaald"
        )
        # The phone may last have looked while the grid was undone (its sessions were then
        # "moved back to the Bovenzaal"): wait, past its next refresh, for this change's own line.
        notes = my_day.locator("#my-live .changes li").filter(has_text=change.session.title)
        expect(notes).to_contain_text(note, timeout=15_000)
        assert my_day.evaluate("window.notReloaded") is True
        steps(my_day, "the follower's phone shows the change of their session")
        laptop.close()
        phone.close()
