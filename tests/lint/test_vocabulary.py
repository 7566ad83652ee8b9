"""Each rule in one place: the code outside models.py reaches sessions' visibility, their vote
counts and order through the QuerySet vocabulary, the pitch length limits through their
constants, and QR codes through qr.py. Written again somewhere else, a rule drifts."""

import re
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "sessions_app"

RULES = [
    # (what, pattern, the one module that may spell it out)
    ("the visibility rule", r"WITHDRAWN.*hidden|hidden.*WITHDRAWN", "models.py"),
    ("a session's vote count", r"vote_count\s*=\s*Count\(", "models.py"),
    ("the most-voted order", r"order_by\(\s*\"-vote_count\"", "models.py"),
    ("the pitch length limits", r"(?:min_value|max_value|Validator\()\s*=?\s*(?:5|600)\b", ""),
    ("the pitch length limits", r"PITCH_SECONDS_M(?:IN|AX)\s*=\s*\d", "models.py"),
    ("making a QR code", r"\bsegno\.", "qr.py"),
]


def app_sources():
    for path in sorted(APP.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path.relative_to(APP).as_posix(), path.read_text(encoding="utf-8")


@pytest.mark.parametrize(("what", "pattern", "home"), RULES, ids=[r[1] for r in RULES])
def test_each_rule_is_spelled_out_in_one_place(what, pattern, home) -> None:
    elsewhere = [
        f"{name}:{number}"
        for name, text in app_sources()
        if name != home
        for number, line in enumerate(text.splitlines(), 1)
        if re.search(pattern, line)
    ]

    assert not elsewhere, f"{what} written again outside {home}: {elsewhere}"


def test_the_patterns_find_what_they_look_for() -> None:
    """Each rule is found in its home, so a pattern that matches nothing cannot pass unseen."""
    sources = dict(app_sources())
    for what, pattern, home in RULES:
        if home:  # "": spelled nowhere as a number, only through the constants
            assert re.search(pattern, sources[home]), (what, pattern)
