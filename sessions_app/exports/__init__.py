"""What leaves the app: schedule feeds, calendars, CSV, printouts, the event report."""
