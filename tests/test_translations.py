"""The Dutch catalogue is complete and current: every marked string of the code is in it,
translated, and the committed .mo says the same as the .po."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "nl" / "LC_MESSAGES" / "django.po"
SOURCES = ["manage.py", "oocamp", "sessions_app", "templates", "static", "locale"]


def messages(catalogue: polib._BaseFile) -> dict[tuple[str | None, str], str]:
    return {(entry.msgctxt, entry.msgid): entry.msgstr for entry in catalogue if entry.msgid}


def test_every_dutch_entry_is_translated_and_none_is_fuzzy():
    catalogue = polib.pofile(str(PO))

    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []


def test_the_compiled_catalogue_matches_the_po_file():
    compiled = polib.mofile(str(PO.with_suffix(".mo")))

    assert messages(compiled) == messages(polib.pofile(str(PO)))


@pytest.mark.skipif(
    shutil.which("xgettext") is None, reason="needs GNU gettext: apt-get install gettext"
)
def test_the_catalogue_has_every_string_marked_in_the_code(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, project / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, project / name)

    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "nl", "--no-obsolete", "-v", "0"],
        cwd=project,
        env={"DEBUG": "1", "PATH": "/usr/bin:/bin", "SECRET_KEY": "x"},
        check=True,
    )
    fresh = polib.pofile(str(project / "locale" / "nl" / "LC_MESSAGES" / "django.po"))

    committed = messages(polib.pofile(str(PO)))
    assert sorted(set(messages(fresh)) - set(committed)) == []
    assert sorted(set(committed) - set(messages(fresh))) == []
