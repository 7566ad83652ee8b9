"""Pages for people who take part in an event: propose, vote, their own sessions."""
