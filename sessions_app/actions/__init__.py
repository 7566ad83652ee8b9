"""Every write that touches more than one row or has a side effect (mail). Keyword-only
arguments, one transaction each; a refusal raises `ActionRefused` with a message for people.

One module per domain, and these are the only modules that write:

- `base`: refusals, forms that create something once, mails, texts two people can edit
- `people`: joining, sign-in links, language, email, organisers, the desk
- `sessions`: propose, update, withdraw, restore, hide, merge
- `votes`: cast and retract
- `grid`: moves, pins, undo, restore, accept, accept a re-plan (one write path, `_write_grid`)
- `grid_proposals`: asking the scheduler for a grid, discarding it (the search is a job)
- `follows`: "I'll go" to a session, keeping one of two at once, changes seen
- `frame`: the event, its phases, rooms and slots, copying a frame
- `attachments`: slides, files and links
- `session_reports`: reports, note-takers, held or not, host links, reminders
- `themes`: themes, syntheses, the event's texts, restoring a text
- `event_report`: publishing it, building its PDF and ZIP, the picture on its cover
- `feeds`: calendar feeds' sequence numbers and tokens
- `pitch_round`: the moderator's steps in the pitch round
- `second_factor`: an account's authenticator app: checking a code, replacing the app
- `event_file`: importing an event file

Callers use `actions.<name>` from this package."""

from __future__ import annotations

from sessions_app.actions.attachments import (
    MAX_ATTACHMENTS_PER_SESSION,
    THUMBNAIL_INLINE_BYTES,
    add_attachment_file,
    add_attachment_link,
    check_attachment_room,
    delete_attachment,
    replace_attachment_file,
)
from sessions_app.actions.base import (
    ANONYMOUS_RETURN_WINDOW,
    ActionRefused,
    AlreadySubmitted,
    EditConflict,
    RateLimited,
    check_first_submit,
    keep_text,
    render_mail,
    submit_once,
    text_history,
)
from sessions_app.actions.event_file import (
    import_event,
)
from sessions_app.actions.event_report import (
    build_report_now,
    cover_too_large_message,
    remove_event_cover,
    request_report_builds,
    requeue_stale_report_builds,
    set_event_cover,
    set_report_published,
)
from sessions_app.actions.feeds import (
    _bump_schedule_sequence,
    renew_calendar_token,
)
from sessions_app.actions.follows import (
    follow_session,
    follow_votes,
    keep_only,
    mark_changes_seen,
    unfollow_session,
)
from sessions_app.actions.frame import (
    EVENT_SETTINGS,
    PHASES,
    FrameChanges,
    copy_frame,
    create_event,
    phase_steps,
    save_frame,
    set_phase,
    update_event,
)
from sessions_app.actions.grid import (
    Moved,
    NothingToDo,
    StaleGrid,
    _locked_event,
    _write_grid,
    accept_and_publish_grid,
    accept_grid,
    accept_replan,
    describe_conflict,
    move_session,
    restore_grid,
    set_pinned,
    touch_grid,
    undo_grid_change,
)
from sessions_app.actions.grid_proposals import (
    discard_grid_proposals,
    propose_grid,
    recover_grid_proposal,
)
from sessions_app.actions.people import (
    SIGN_IN_LIMIT_PER_ADDRESS,
    SIGN_IN_LIMIT_PER_EMAIL,
    SIGN_IN_LINK_MINUTES,
    SIGN_IN_WINDOW_MINUTES,
    choose_language,
    create_desk_sign_in_link,
    find_sign_in_link,
    give_demo_password,
    invite_organiser,
    join_event,
    owns_address,
    request_sign_in_links,
    send_sign_in_link,
    set_participant_email,
    sign_in,
    use_sign_in_link,
)
from sessions_app.actions.pitch_round import (
    PitchesWaiting,
    StaleRound,
    end_pitch_round,
    next_pitch,
    pitch_round_for,
    previous_pitch,
    requeue_pitch,
    restart_pitch_clock,
    set_pitch_seconds,
    start_pitch_round,
)
from sessions_app.actions.second_factor import (
    CODE_ACCEPTED,
    CODE_LIMIT,
    CODE_REUSED,
    CODE_THROTTLED,
    CODE_WINDOW,
    CODE_WRONG,
    check_authenticator_code,
    replace_authenticator,
)
from sessions_app.actions.session_reports import (
    ReportConflict,
    find_host_link,
    remind_missing_material,
    resend_host_links,
    restore_report,
    revoke_host_links,
    save_report,
    send_host_links,
    sessions_missing_material,
    set_note_takers,
    set_session_held,
)
from sessions_app.actions.sessions import (
    ChangedMeanwhile,
    Proposal,
    merge_sessions,
    propose_session,
    restore_session,
    set_session_hidden,
    update_session,
    withdraw_session,
)
from sessions_app.actions.themes import (
    EVENT_TEXTS,
    TEXT_PLACES,
    delete_theme,
    rename_theme,
    restore_text,
    save_event_texts,
    save_synthesis,
    set_session_theme,
)
from sessions_app.actions.votes import (
    cast_vote,
    retract_vote,
    votes_left,
)

__all__ = [
    "ANONYMOUS_RETURN_WINDOW",
    "ActionRefused",
    "AlreadySubmitted",
    "CODE_ACCEPTED",
    "CODE_LIMIT",
    "CODE_REUSED",
    "CODE_THROTTLED",
    "CODE_WINDOW",
    "CODE_WRONG",
    "ChangedMeanwhile",
    "EVENT_SETTINGS",
    "EVENT_TEXTS",
    "EditConflict",
    "FrameChanges",
    "MAX_ATTACHMENTS_PER_SESSION",
    "Moved",
    "NothingToDo",
    "PHASES",
    "PitchesWaiting",
    "Proposal",
    "RateLimited",
    "ReportConflict",
    "SIGN_IN_LIMIT_PER_ADDRESS",
    "SIGN_IN_LIMIT_PER_EMAIL",
    "SIGN_IN_LINK_MINUTES",
    "SIGN_IN_WINDOW_MINUTES",
    "StaleGrid",
    "StaleRound",
    "TEXT_PLACES",
    "THUMBNAIL_INLINE_BYTES",
    "_bump_schedule_sequence",
    "_locked_event",
    "_write_grid",
    "accept_and_publish_grid",
    "accept_grid",
    "accept_replan",
    "add_attachment_file",
    "add_attachment_link",
    "cast_vote",
    "check_attachment_room",
    "check_authenticator_code",
    "check_first_submit",
    "choose_language",
    "copy_frame",
    "create_desk_sign_in_link",
    "create_event",
    "delete_attachment",
    "delete_theme",
    "describe_conflict",
    "end_pitch_round",
    "find_host_link",
    "find_sign_in_link",
    "give_demo_password",
    "import_event",
    "invite_organiser",
    "join_event",
    "keep_text",
    "merge_sessions",
    "move_session",
    "next_pitch",
    "owns_address",
    "phase_steps",
    "pitch_round_for",
    "previous_pitch",
    "propose_session",
    "remind_missing_material",
    "rename_theme",
    "render_mail",
    "renew_calendar_token",
    "replace_attachment_file",
    "replace_authenticator",
    "request_report_builds",
    "build_report_now",
    "propose_grid",
    "follow_session",
    "follow_votes",
    "keep_only",
    "mark_changes_seen",
    "unfollow_session",
    "discard_grid_proposals",
    "recover_grid_proposal",
    "request_sign_in_links",
    "requeue_pitch",
    "requeue_stale_report_builds",
    "resend_host_links",
    "restart_pitch_clock",
    "restore_grid",
    "restore_report",
    "restore_session",
    "restore_text",
    "retract_vote",
    "revoke_host_links",
    "save_event_texts",
    "save_frame",
    "save_report",
    "save_synthesis",
    "send_host_links",
    "send_sign_in_link",
    "sessions_missing_material",
    "set_note_takers",
    "set_participant_email",
    "set_phase",
    "set_pinned",
    "set_pitch_seconds",
    "set_report_published",
    "set_event_cover",
    "remove_event_cover",
    "cover_too_large_message",
    "set_session_held",
    "set_session_hidden",
    "set_session_theme",
    "sign_in",
    "start_pitch_round",
    "submit_once",
    "text_history",
    "touch_grid",
    "undo_grid_change",
    "update_event",
    "update_session",
    "use_sign_in_link",
    "votes_left",
    "withdraw_session",
]
