"""A job for the restart tests (tests/reliability/test_jobs.py): slow enough to be caught in the
middle, and idempotent the way our real jobs are: it writes its output under a temporary name,
renames it into place, and does nothing if the output is already there. Each real write is
added to a ledger, so a test can tell "written once" from "written twice"."""

import os
import time
from pathlib import Path

from django_tasks import task


@task()
def write_output(number: int, directory: str, pause: float) -> str:
    out = Path(directory) / f"{number}.txt"
    if out.exists():
        return "already written"
    time.sleep(pause)
    part = out.with_suffix(".part")
    part.write_text(f"output {number}\n")
    os.replace(part, out)
    with open(Path(directory) / "ledger", "a") as ledger:
        ledger.write(f"{number}\n")
    return "written"
