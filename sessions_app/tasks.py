"""Background jobs, run by `manage.py db_worker` (django-tasks with its database backend).

Each task takes plain ids (the arguments are stored as JSON) and keeps what it shows to people
(progress, the result) in our own models, so a page can show it while the task runs and a
restarted worker can pick up where a killed one stopped."""

from django_tasks import task

from sessions_app import proposals
from sessions_app.exports import report
from sessions_app.models import Attachment

# ---- the scheduler ------------------------------------------------------------------------


@task()
def plan_grid(proposal_id: int) -> None:
    """Plan a proposed grid (sessions_app.proposals): too long a search for a request."""
    proposals.run(proposal_id)


# ---- attachment thumbnails: large PDFs, rendered outside the upload's request -------------


@task()
def render_attachment_thumbnail(attachment_id: int) -> bool:
    """The first page of a large PDF, rendered outside the request that uploaded it. Safe to
    run twice or after the attachment was deleted."""
    # the actions ↔ tasks cycle: actions import this module, so it imports them when used
    from sessions_app.actions import make_attachment_thumbnail

    attachment = Attachment.objects.select_related("session").filter(pk=attachment_id).first()
    if attachment is None or attachment.thumbnail:
        return False
    return make_attachment_thumbnail(attachment)


# ---- the event report's PDF and ZIP -------------------------------------------------------


@task()
def build_event_report(build_id: int, attempt: int) -> None:
    """Build the event report's PDF or ZIP (sessions_app.exports.report.run_build). A worker
    killed meanwhile leaves the build `running` with a stale heartbeat; the report page then
    queues a new attempt, and this one, if it ever wakes, finds itself superseded."""
    report.run_build(build_id, attempt)
