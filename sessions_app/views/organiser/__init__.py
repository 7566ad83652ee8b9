"""Pages for an event's organisers, one module per idea; each module lists its own URLs
(`patterns`), all in the `organiser:` namespace."""
