"""The vote button and the votes left, written in Python.

A tap's answer is this button and nothing else, and the proposals page shows one per session:
in the template language the button took 0.7 ms to render, a third of a tap's CPU and most of
the proposals page's (issue 20). The template tags `{% vote_button %}` and `{% votes_left %}`
(templatetags/votes.py) put the same HTML on the pages; tests/views/participant/test_vote_html.py
holds it to what the template wrote.

Everything from the database, the request or a translation goes through `escape`, as the
template's `{{ }}` did; the plurals are the template's `blocktranslate` messages, not escaped,
as there.
"""

from __future__ import annotations

from html import escape  # what django.utils.html.escape calls, without its lazy-string check
from urllib.parse import quote

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from sessions_app.models import Event

PITCH = "pitch-"  # the prefix of the copy at the top of the page during the pitch round


def vote_button(
    *,
    event: Event,
    pk: int,
    title: str,
    vote_count: int | None,
    voter: bool,
    voted: bool,
    prefix: str = "",
    swap_oob: bool = False,
    here: str,
    next_url: str | None = None,
    csrf_token: object,
    error: str | None = None,
) -> SafeString:
    """The button of session `pk` for a participant (`voter`) who has `voted` for it or not,
    with its count; for someone who has not joined, while voting is open, a link to join.

    `prefix` ("pitch-") gives the copy at the top of the page during the pitch round its own
    ids; its twin in the list follows it (static/js/app.js asks for it when it is on the page).
    The button keeps its id when it flips between Vote and Voted: htmx gives focus back to it
    after the swap. `data-lost`: what the page says when a vote's answer is lost twice
    (static/js/app.js sends it again once). `data-outbox`: tapped offline, the phone keeps the
    vote and sends it when the connection is back (static/js/outbox.js). `csrf_token`: the
    token or the context's lazy one (read only where the form is written). `here`: the path of
    the page the button is on; a vote goes back to `next_url` if given, else there."""
    twin = "vote-" if prefix else f"{PITCH}vote-"
    oob = ' hx-swap-oob="true"' if swap_oob else ""
    out = [f'<div class="vote" id="{escape(prefix)}vote-{pk}" data-twin="{twin}{pk}"{oob}>\n']
    if voter and event.voting_open:
        url = escape(reverse("participant:vote", args=[event.slug, pk]))
        lost = escape(gettext("Something went wrong with this button; please try again."))
        out.append(
            f'<form method="post" action="{url}" hx-post="{url}" '
            f'hx-target="#{escape(prefix)}vote-{pk}" hx-swap="outerHTML" data-lost="{lost}" '
            f'data-outbox="vote" data-outbox-title="{escape(title)}">\n'
        )
        token = str(csrf_token or "")  # read here: a page without the form sets no cookie
        if token and token != "NOTPROVIDED":  # what {% csrf_token %} leaves out
            out.append(
                f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(token)}">\n'
            )
        out.append(f'<input type="hidden" name="next" value="{escape(next_url or here)}">\n')
        if prefix:
            out.append(f'<input type="hidden" name="prefix" value="{escape(prefix)}">\n')
        button = f'id="{escape(prefix)}vote-button-{pk}"'
        # the words outside the f-strings, where makemessages finds them
        if voted:
            voted_word = escape(gettext("Voted"))
            take_back = escape(gettext("press to take your vote back"))
            out.append(
                f'<button type="submit" name="vote" value="0" class="vote-button voted" {button}>'
                f'✓ {voted_word}<span class="visually-hidden"> — {take_back}</span></button>\n'
            )
        else:
            vote_word = escape(gettext("Vote"))
            out.append(
                f'<button type="submit" name="vote" value="1" class="vote-button" {button}>'
                f'+1 {vote_word}<span class="visually-hidden">: {escape(title)}</span></button>\n'
            )
        out.append("</form>\n")
    elif not voter and event.voting_open:
        join = escape(reverse("public:join", args=[event.slug]))
        join_word = escape(gettext("Join to vote"))
        out.append(
            f'<a class="small" href="{join}?next={escape(quote(here, safe="/"))}">{join_word}</a>\n'
        )
    n = vote_count or 0
    count = ngettext("%(n)s vote", "%(n)s votes", n) % {"n": n}
    out.append(f'<span class="vote-count">{count}</span>\n')
    if error:
        out.append(f'<p class="vote-error" role="alert">{escape(str(error))}</p>\n')
    out.append("</div>\n")
    # every value above was escaped; the markup is ours
    return mark_safe("".join(out))


def votes_left(*, event: Event, left: int | None, oob: bool = False) -> SafeString:
    """How many votes a participant with a budget has left, while voting is open; nothing
    between the tags otherwise, so `.votes-left:empty` hides it. `oob`: in a tap's answer,
    where htmx puts it in place of the one on the page."""
    text = ""
    if left is not None and event.voting_open:
        text = ngettext("You have %(left)s vote left.", "You have %(left)s votes left.", left) % {
            "left": left
        }
    swap = ' hx-swap-oob="innerHTML"' if oob else ""
    return mark_safe(f'<p id="votes-left" class="votes-left" role="status"{swap}>{text}</p>')
