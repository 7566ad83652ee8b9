"""One JSON object per log line, for production logs on stdout (settings.LOGGING).

A log collector (journald, Docker, Loki, CloudWatch, ...) can then filter on fields instead of
parsing text. A few lines of our own rather than a dependency: the standard library's
`logging.Formatter` already does the hard parts (exceptions, stack traces)."""

import contextlib
import json
import logging
from datetime import UTC, datetime
from typing import Any

# The attributes every LogRecord has; anything else was passed with `extra=` and is kept.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            entry.update(_access_fields(record.args))
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value  # e.g. Django's status_code; its `request` becomes a str
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def _access_fields(atoms: dict[str, Any]) -> dict[str, Any]:
    """Gunicorn hands its access log the request's "atoms" (see deploy/gunicorn.conf.py)."""
    fields: dict[str, Any] = {
        "remote": atoms.get("h"),
        "method": atoms.get("m"),
        "path": atoms.get("U"),
        "status": atoms.get("s"),
        "bytes": atoms.get("B"),
        "duration_ms": atoms.get("M"),
        "user_agent": atoms.get("a"),
    }
    with contextlib.suppress(TypeError, ValueError):
        fields["status"] = int(fields["status"])
    return {key: value for key, value in fields.items() if value not in (None, "-")}
