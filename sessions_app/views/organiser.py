"""Pages for an event's organisers: frame, grid editor, moderation, publishing."""
