"""`{% vote_button %}` and `{% votes_left %}`: the vote button of `session` and the votes left,
from the names the pages already had in their context (sessions_app/vote_html.py writes them).

`{% vote_button %}` reads `event`, `session` (its `vote_count`, if annotated), `participant`,
`voted` or `my_votes`, `vote_prefix` ("pitch-" for the copy at the top of the page during the
pitch round), `swap_oob`, `next`, `error`, and the request; `{% votes_left %}` reads `event`
and `votes_left`."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from sessions_app import vote_html

register = template.Library()


@register.simple_tag(takes_context=True)
def vote_button(context: template.Context) -> SafeString:
    session: Any = context["session"]
    request = context.get("request")
    return vote_html.vote_button(
        event=context["event"],
        pk=session.pk,
        title=session.title,
        vote_count=getattr(session, "vote_count", None),
        voter=bool(context.get("participant")),
        voted=bool(context.get("voted")) or session.pk in (context.get("my_votes") or ()),
        prefix=context.get("vote_prefix") or "",
        swap_oob=bool(context.get("swap_oob")),
        here=request.get_full_path() if request is not None else "",
        next_url=context.get("next") or None,
        csrf_token=context.get("csrf_token"),
        error=context.get("error") or None,
    )


@register.simple_tag(takes_context=True)
def votes_left(context: template.Context) -> SafeString:
    return vote_html.votes_left(event=context["event"], left=context.get("votes_left"))
