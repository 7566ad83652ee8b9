"""Background jobs, run by `manage.py db_worker` (django-tasks with its database backend).

Each task takes plain ids (the arguments are stored as JSON) and keeps what it shows to people
(progress, the result) in our own models, so a page can show it while the task runs and a
restarted worker can pick up where a killed one stopped."""
