"""The write-path lint (lint/house_rules.py) finds the writes a view could make and leaves
alone what only looks like one; `lint-imports` (run by CI) holds every contract on the code."""

import subprocess
import sys
from pathlib import Path

import pytest

from lint.house_rules import writes_in

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "line",
    [
        "Vote.objects.create(session=s)",
        "Session.objects.filter(pk=1).update(title='x')",
        "Session.objects.filter(pk=1).delete()",
        "Event.objects.select_for_update().get(pk=1)",
        "Host.objects.bulk_create(hosts)",
        "Theme.objects.get_or_create(name='x')",
        "Session.themes.through.objects.bulk_create(rows)",
        "session.save()",
        "session.save(update_fields=['title'])",
        "session.delete()",
        "form.save()",
    ],
)
def test_a_write_outside_the_write_path_is_found(line: str) -> None:
    found = writes_in(f"def view(request):\n    {line}\n", "sessions_app.views.x")

    assert [(w.module, w.line) for w in found] == [("sessions_app.views.x", 2)]


def test_a_transaction_opened_outside_the_write_path_is_found() -> None:
    source = (
        "@transaction.atomic\ndef view(request):\n    pass\n\n"
        "def other(request):\n    with transaction.atomic():\n        pass\n"
    )

    assert sorted(w.line for w in writes_in(source, "m")) == [1, 6]


@pytest.mark.parametrize(
    "line",
    [
        "storage.delete(name)",
        "image.save(buffer, format='PNG')",
        "form.save(commit=False)",
        "found.update(names)",
        "context.update(extra)",
        "Session.objects.filter(pk=1).first()",
        "canvas.save()  # lint: not-a-write (a library's own save)",
    ],
)
def test_what_only_looks_like_a_write_is_not_one(line: str) -> None:
    assert writes_in(f"def view(request):\n    {line}\n", "m") == []


def test_every_contract_holds_on_the_code() -> None:
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
