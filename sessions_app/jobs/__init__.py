"""Background jobs, run by `manage.py db_worker` (django-tasks with its database backend): one
module per job, each owning how it is queued, run, watched and recovered, on the shared base
in `base.py`. Actions queue them; views read their rows and recover killed ones; a job never
imports an action or a view.

- `grid_proposals`: the scheduler's search for a proposed grid.
- `report_builds`: the event report's PDF and ZIP.
- `thumbnails`: the first page of a large PDF attachment."""
