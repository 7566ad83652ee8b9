"""The organisers' grid editor: place, swap, unplace and pin sessions, undo, the history of
changes, and a proposed grid to accept or throw away.

Every page works without JavaScript (forms post, the answer redirects with a message); with
htmx a change answers with the `#grid` partial: 200 when done, 422 when a rule refuses it, 409
when it was made on a grid that changed meanwhile (static/js/grid-editor.js lets htmx swap
those two). A drag and drop from one cell to another answers with only what it changed: the
cells, the lost figures and the version (`_moved`); refused as stale, with the cells that
changed since the page's version (`_stale`). Every change carries the grid version it
was made on; the actions check it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar
from urllib.parse import parse_qs, urlsplit

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import replace_url

from sessions_app import actions, grid, scheduling
from sessions_app.access import organiser_required, participant_for
from sessions_app.client_input import parse_id
from sessions_app.editor_html import cells_html, editor_html
from sessions_app.forms import (
    AcceptGridForm,
    GridChangeForm,
    MoveForm,
    PinForm,
    RestoreGridForm,
    SubmissionKeyForm,
    UndoForm,
)
from sessions_app.jobs import grid_proposals
from sessions_app.models import Event, GridChange, GridProposal, Participant, Session
from sessions_app.requests import HtmxHttpRequest, already_submitted

HISTORY_LENGTH = 200


@dataclass(frozen=True)
class Feedback:
    text: str
    error: bool = False


def describe_effect(delta: scheduling.Lost) -> str:
    """The parts of `lost` a move changes, e.g. "+3 clashes, −12 overflow"."""
    parts = []
    for n, template in (
        (delta.unplaced, lambda k: ngettext("%(n)s unplaced", "%(n)s unplaced", k)),
        (delta.clashes, lambda k: ngettext("%(n)s clash", "%(n)s clashes", k)),
        (delta.overflow, lambda k: ngettext("%(n)s overflow", "%(n)s overflow", k)),
    ):
        if n:
            parts.append(template(abs(n)) % {"n": f"{'+' if n > 0 else '−'}{abs(n)}"})
    return ", ".join(parts) if parts else _("no change")


def _choices(
    view: grid.GridView, selected: Session, follows: dict[int, frozenset[int]] | None
) -> None:
    """Give every cell of the grid a `choice`: the effect of placing `selected` there, and
    whether the hard rules refuse it (swaps included: the occupant goes to the chosen
    session's old cell, or to the tray); once the grid is published, also how many people
    the move tells (the followers of both sessions when the occupant moves too)."""
    measured = view.measured
    assert measured is not None  # grid_view measures the grid when asked for warnings
    problem = measured.problem
    source = measured.placed.get(selected.pk)
    in_slot: dict[int, list[int]] = defaultdict(list)
    for placement in measured.placed.values():
        in_slot[placement.slot].append(placement.session)

    def refusal(session_id: int, slot_id: int, leaving: set[int]) -> str:
        session = problem.session(session_id)
        if slot_id in session.unavailable:
            return _("hosts unavailable")
        others = (problem.session(s) for s in in_slot[slot_id] if s not in leaving)
        if any(session.hosts & other.hosts for other in others):
            return _("a host is busy then")
        return ""

    for row in view.rows:
        for cell in row.cells:
            key = (cell.room.pk, cell.slot.pk)
            if source is not None and source.cell == key:
                cell.choice = grid.Choice(effect="", chosen=True)
                continue
            occupant = measured.by_cell.get(key)
            moving = {selected.pk, occupant} if occupant else {selected.pk}
            blocked = refusal(selected.pk, cell.slot.pk, moving)
            # Swapped: the occupant goes to the chosen session's old cell, in another slot.
            if (
                not blocked
                and occupant
                and source
                and source.slot != cell.slot.pk
                and refusal(occupant, source.slot, moving)
            ):
                blocked = _("“%(title)s” cannot take its place") % {
                    "title": cell.session.title if cell.session else "?"
                }
            effect = describe_effect(measured.move_effect(selected.pk, key))
            told = None
            if follows is not None:
                # the occupant moves too (swapped or to the tray): its followers are told as
                # well, each person once
                people = follows.get(selected.pk, frozenset())
                if occupant:
                    people |= follows.get(occupant, frozenset())
                told = len(people)
            cell.choice = grid.Choice(effect=effect, blocked=blocked, told=told)


def editor_context(
    event: Event,
    *,
    selected_id: int | None = None,
    feedback: Feedback | None = None,
    problem: scheduling.Problem | None = None,
) -> dict:
    """What the editor shows; `problem`: the event as the scheduler sees it, when a change
    read it already."""
    view = grid.grid_view(event, with_tray=True, warnings=True, problem=problem, host_names=True)
    assert view.measured is not None  # made with warnings
    # Followers are told of every change once the grid is out, so from then on the editor
    # shows the live interest and who a move reaches.
    follows = grid.followers(event) if event.grid_published else None
    room_swaps = []
    if follows is not None:
        grid.add_follows(view, follows)
        room_swaps = _room_swaps(view, follows)
    selected = view.sessions.get(selected_id) if selected_id else None
    tray_effect = ""
    if selected is not None:
        _choices(view, selected, follows)
        if selected.pk in view.measured.placed:
            tray_effect = describe_effect(view.measured.move_effect(selected.pk, None))
    return {
        "event": event,
        "view": view,
        "lost": view.measured.lost(),
        "selected": selected,
        "selected_placed": bool(selected and selected.pk in view.measured.placed),
        "tray_effect": tray_effect,
        "selected_told": (
            len(follows.get(selected.pk, frozenset())) if follows is not None and selected else None
        ),
        "room_swaps": room_swaps,
        "undoable": _undoable(event),
        "feedback": feedback,
        "start_form": SubmissionKeyForm(),
        "urls": _urls(event),
    }


def _undoable(event: Event) -> GridChange | None:
    """The change the undo button takes back: the latest one not undone (an undo is not)."""
    return (
        event.grid_changes.exclude(kind=GridChange.Kind.UNDO)
        .filter(undone=False)
        .order_by("-version")
        .first()
    )


def _urls(event: Event) -> dict[str, str]:
    return {
        name: reverse(f"organiser:{name}", args=[event.slug])
        for name in ["grid", "move", "pin", "undo"]
    }


def _room_swaps(
    view: grid.GridView, follows: dict[int, frozenset[int]]
) -> list[tuple[grid.RoomSwap, int]]:
    """The room swaps worth suggesting, each with the people it tells (both sessions')."""
    return [
        (
            swap,
            len(follows[swap.crowded.session.pk] | follows.get(swap.roomy.session.pk, frozenset())),
        )
        for swap in grid.room_swaps(view)
        if swap.crowded.session and swap.roomy.session
    ]


def _selected_id(request: HtmxHttpRequest) -> int | None:
    return parse_id(request.GET.get("select"))  # "²" or 10**30: nothing selected


def _render(
    request: HtmxHttpRequest, template: str, context: dict, status: int = 200
) -> HttpResponse:
    """The editor (`template`: the page or its `#grid`), its table and tray written in Python."""
    context["editor_html"] = editor_html(context, get_token(request))
    return render(request, template, context, status=status)


@require_GET
@vary_on_headers("HX-Request")
@organiser_required
def editor(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    context = editor_context(event, selected_id=_selected_id(request))
    if request.htmx and not request.htmx.history_restore_request:
        return _render(request, "organiser/grid.html#grid", context)
    return _render(request, "organiser/grid.html", context)


def _answer(
    request: HtmxHttpRequest,
    event: Event,
    *,
    text: str,
    error: bool = False,
    status: int = 200,
    problem: scheduling.Problem | None = None,
) -> HttpResponse:
    """htmx: the fresh `#grid` with the outcome in it; otherwise a message and a redirect."""
    if request.htmx:
        context = editor_context(event, feedback=Feedback(text, error), problem=problem)
        response = _render(request, "organiser/grid.html#grid", context, status=status)
        return replace_url(response, reverse("organiser:grid", args=[event.slug]))
    (messages.error if error else messages.success)(request, text)
    return redirect("organiser:grid", slug=event.slug)


class _Done(Protocol):
    @property
    def summary(self) -> str: ...


Done = TypeVar("Done", bound=_Done)


def _change(
    request: HtmxHttpRequest,
    event: Event,
    form: GridChangeForm,
    change: Callable[[Participant | None], Done],
    answer: Callable[[Done], HttpResponse] | None = None,
) -> HttpResponse:
    """Validate the form, make the change, answer: 404 for another event's ids, 400 for a
    broken form, 409 for a stale grid, 422 for a move the rules refuse; `answer`: the answer
    to a change done, when it has one of its own."""
    if not form.is_valid():
        if form.has_foreign_ids():
            raise Http404
        return HttpResponseBadRequest(_("This form was not filled in right; reload the page."))
    try:
        done = change(participant_for(request, event))
    except actions.StaleGrid as refusal:
        event.refresh_from_db(fields=["grid_version"])
        return _stale(request, event, form.cleaned_data["version"], str(refusal))
    except actions.NothingToDo:
        return _answer(request, event, text=_("Nothing changed."))
    except actions.ActionRefused as refusal:
        return _answer(request, event, text=str(refusal), error=True, status=422)
    if answer is not None:
        return answer(done)
    return _answer(request, event, text=done.summary)


def _dropped(request: HtmxHttpRequest) -> bool:
    """A drag and drop (htmx posts #drop-form) on the editor while no session is chosen: the
    page shows the plain grid, so the cells that changed are all it needs."""
    if not request.htmx or request.htmx.trigger != "drop-form":
        return False
    return "select" not in parse_qs(urlsplit(request.htmx.current_url or "").query)


def _moved(request: HtmxHttpRequest, event: Event, done: actions.Moved) -> HttpResponse:
    """The answer to a move, measured with the problem the move was checked against (read
    once). To a drag and drop from a cell to a cell: what it changed (`_cells`); the whole
    editor otherwise."""

    def whole() -> HttpResponse:
        return _answer(request, event, text=done.summary, problem=done.problem)

    if not _dropped(request):
        return whole()
    answer = _cells(
        request,
        event,
        before=done.change.before,
        after=done.change.after,
        feedback=Feedback(done.summary),
        undoable=done.change,
        problem=done.problem,
    )
    return answer or whole()


def _stale(request: HtmxHttpRequest, event: Event, version: int, text: str) -> HttpResponse:
    """The answer to a change made on an older grid (409). To a drag and drop on a page whose
    grid is `version`: the cells that changed since then (the grid changes in between hold
    the grid before and after each), with the fresh lost figures, undo button and version and
    the message, as a move's answer; the whole fresh editor when the tray changed too, when a
    version in between has no recorded change (the rooms or slots were edited), and to every
    other change."""
    if _dropped(request):
        changes = list(
            event.grid_changes.filter(version__gt=version)
            .order_by("version")
            .values_list("version", "before", "after")
        )
        if [v for v, _before, _after in changes] == list(
            range(version + 1, event.grid_version + 1)
        ):
            answer = _cells(
                request,
                event,
                before=changes[0][1],
                after=changes[-1][2],
                feedback=Feedback(text, error=True),
                undoable=_undoable(event),
                status=409,
            )
            if answer is not None:
                return answer
    return _answer(request, event, text=text, error=True, status=409)


def _cells(
    request: HtmxHttpRequest,
    event: Event,
    *,
    before: list[grid.Row],
    after: list[grid.Row],
    feedback: Feedback,
    undoable: GridChange | None,
    problem: scheduling.Problem | None = None,
    status: int = 200,
) -> HttpResponse | None:
    """What changed from the grid `before` to the grid `after`, both in the grid: the cells
    (where sessions left and arrived, or were pinned or unpinned, and those at the same times
    whose shared voters changed), the lost figures, the undo button, the version and the
    outcome, each swapped into the page by htmx (out of band). None when the tray changed too,
    or when a session at those times has more followers than a room there seats (the
    suggested room swaps may change): the whole editor answers then."""
    old = {row[0]: tuple(row[1:]) for row in before}
    new = {row[0]: tuple(row[1:]) for row in after}
    moved = {s for s in old.keys() | new.keys() if old.get(s) != new.get(s)}
    if any(s not in old or s not in new for s in moved):
        return None  # in or out of the tray: the tray changes too
    keys = {(place[0], place[1]) for s in moved for place in (old[s], new[s])}
    slots = {slot for _room, slot in keys}
    view = grid.grid_view(event, warnings=True, problem=problem, only_slots=slots, host_names=True)
    measured = view.measured
    assert measured is not None  # made with warnings
    cells = [cell for row in view.rows for cell in row.cells]
    if event.grid_published:
        follows = grid.followers(event)
        seats = min(room.capacity for room in view.rooms)
        there = [s for (_room, slot), s in measured.by_cell.items() if slot in slots]
        if any(len(follows.get(s, ())) > seats for s in there):
            return None
        grid.add_follows(view, follows)

    def changed(cell: grid.Cell) -> bool:
        if (cell.room.pk, cell.slot.pk) in keys:
            return True
        return cell.session is not None and any(
            measured.shared_voters(cell.session.pk, s) >= grid.SHARED_VOTERS_WARNING for s in moved
        )

    context = {
        "event": event,
        "view": view,
        "lost": measured.lost(),
        "undoable": undoable,
        "feedback": feedback,
        "urls": _urls(event),
    }
    context["cells"] = cells_html(context, get_token(request), filter(changed, cells))
    response = render(request, "organiser/grid_moved.html", context, status=status)
    response["HX-Retarget"] = "#grid-feedback"
    response["HX-Reswap"] = "outerHTML"
    return response


@require_POST
@organiser_required
def move(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    form = MoveForm(request.POST, event=event)
    return _change(
        request,
        event,
        form,
        lambda by: actions.move_session(
            event=event,
            session=form.cleaned_data["session"],
            cell=form.cell,
            version=form.cleaned_data["version"],
            by=by,
        ),
        lambda done: _moved(request, event, done),
    )


@require_POST
@organiser_required
def pin(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    form = PinForm(request.POST, event=event)
    return _change(
        request,
        event,
        form,
        lambda by: actions.set_pinned(
            event=event,
            session=form.cleaned_data["session"],
            pinned=form.cleaned_data["pinned"],
            version=form.cleaned_data["version"],
            by=by,
        ),
    )


@require_POST
@organiser_required
def undo(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    form = UndoForm(request.POST, event=event)
    return _change(
        request,
        event,
        form,
        lambda by: actions.undo_grid_change(
            event=event, version=form.cleaned_data["version"], by=by
        ),
    )


@require_GET
@organiser_required
def history(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    changes = list(event.grid_changes.select_related("by").order_by("-version")[:HISTORY_LENGTH])
    for change in changes:
        change.local_time = event.local(change.created_at)
    context = {"event": event, "changes": changes, "limit": HISTORY_LENGTH}
    return render(request, "organiser/history.html", context)


@require_POST
@organiser_required
def restore(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    form = RestoreGridForm(request.POST, event=event)
    return _change(
        request,
        event,
        form,
        lambda by: actions.restore_grid(
            event=event,
            change=form.cleaned_data["change"],
            version=form.cleaned_data["version"],
            by=by,
        ),
    )


def _compare_rows(view: grid.GridView, cells: dict, other: dict) -> list:
    """The grid's rows as (row, [(cell, session there, whether `other` differs there)]).
    A session placed there but not shown (withdrawn, hidden) is None there, as an empty cell."""
    return [
        (
            row,
            [
                (
                    cell,
                    view.sessions.get(cells[key]) if key in cells else None,
                    cells.get(key) != other.get(key),
                )
                for cell in row.cells
                for key in [(cell.room.pk, cell.slot.pk)]
            ],
        )
        for row in view.rows
    ]


@require_POST
@organiser_required
def start_proposal(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    """ "Propose a grid": plan now when the search is short, else queue it for the worker; both
    lead to the proposal page (which shows the progress until the proposal is there)."""
    sent = SubmissionKeyForm(request.POST)
    try:
        actions.submit_once(
            key=sent.submission,
            user=request.user,
            create=lambda: actions.propose_grid(event=event, by=participant_for(request, event)),
            url=lambda _proposal: reverse("organiser:propose-grid", args=[event.slug]),
        )
    except actions.AlreadySubmitted as earlier:
        return already_submitted(request, earlier)
    return redirect("organiser:propose-grid", slug=event.slug)


@require_GET
@organiser_required
@vary_on_headers("HX-Request")
def propose_grid(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    """The latest proposal next to the live grid, with the `lost` of both; while the worker is
    still looking, its progress (htmx polls this page every second; without JavaScript the page
    refreshes itself). Nothing is written until the organiser accepts."""
    proposal = event.grid_proposals.exclude(status=GridProposal.Status.DISCARDED).first()
    if proposal is not None:
        proposal = actions.recover_grid_proposal(proposal)
    context: dict = {"event": event, "proposal": proposal, "start_form": SubmissionKeyForm()}
    if proposal is not None and proposal.status == GridProposal.Status.DONE:
        context.update(_comparison(event, proposal))
    elif proposal is not None and proposal.status == GridProposal.Status.REFUSED:
        context["refusals"] = [
            actions.describe_conflict(c) for c in grid_proposals.conflicts_of(proposal)
        ]
    template = "organiser/propose_grid.html"
    if request.htmx:
        template += "#proposal"
    return render(request, template, context)


def _comparison(event: Event, proposal: GridProposal) -> dict:
    current = grid.grid_view(event, warnings=True)
    assert current.measured is not None  # made with warnings
    problem = current.measured.problem
    rows = [row for row in proposal.placements if row[0] in current.sessions]
    placements = [scheduling.Placement(s, r, t, pin) for s, r, t, pin in rows]
    now = {p.cell: p.session for p in current.measured.placed.values()}
    then = {p.cell: p.session for p in placements}
    placed = {p.session for p in placements}
    return {
        "view": current,
        "stale": proposal.based_on_version != current.version,
        "lost": current.measured.lost(),
        "current_rows": _compare_rows(current, now, then),
        "proposal_rows": _compare_rows(current, then, now),
        "proposal_lost": scheduling.lost(problem, placements),
        "proposal_unplaced": [s for s in current.sessions.values() if s.pk not in placed],
        "form": AcceptGridForm(
            initial={"rows": rows, "version": proposal.based_on_version}, event=event
        ),
    }


@require_POST
@organiser_required
def discard_proposal(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    """Throw the proposal away (a search still running stops); the grid is left as it is."""
    actions.discard_grid_proposals(event=event)
    messages.success(request, _("The proposal was discarded; the grid is unchanged."))
    return redirect("organiser:grid", slug=event.slug)


@require_POST
@organiser_required
def accept_grid(request: HtmxHttpRequest, event: Event) -> HttpResponse:
    """Make the proposal the grid; with "Accept and publish" (the end of the pitch round) also
    publish it, in the same transaction: both happen or neither."""
    form = AcceptGridForm(request.POST, event=event)
    publish = request.POST.get("publish") == "1"

    def accept(by: Participant | None) -> GridChange:
        proposed = {"rows": form.cleaned_data["rows"], "version": form.cleaned_data["version"]}
        if publish:
            return actions.accept_and_publish_grid(event=event, by=by, **proposed)
        return actions.accept_grid(
            event=event, by=by, summary=_("Proposed grid accepted"), **proposed
        )

    return _change(request, event, form, accept)
