"""Pages for an event's organisers, one module per idea, all in the `organiser:` namespace;
their URLs are listed in `sessions_app/urls/organiser.py`."""
