"""Row 28: dependency floors and source rules.

Floors (read from the installed distributions, refreshed by hand from the advisories, since
pip-audit cannot reach a vulnerability database here; see the reliability plan, A5):
- Django >= 5.2.19: the newest 5.2 patch available here; includes the fix for CVE-2026-5766
  (5.2.14, ASGI requests without Content-Length) and the later 5.2 security releases.
- weasyprint >= 70.0: the `URLFetcher(allowed_protocols=...)` API our safe fetcher relies on.
- django-csp >= 4.0: the `CONTENT_SECURITY_POLICY` dict settings used in oocamp/settings.py.
- nh3 >= 0.3: the sanitiser behind every Markdown field.

Rules: `mark_safe`/`|safe`/`SafeString` only where listed below, each with the reason it is safe;
`csrf_exempt` only in the upload wrapper, which re-applies `csrf_protect`.
"""

import re
from importlib.metadata import version
from pathlib import Path

from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT / "sessions_app", ROOT / "oocamp", ROOT / "templates"]

FLOORS = {"django": "5.2.19", "weasyprint": "70.0", "django-csp": "4.0", "nh3": "0.3"}

# file -> number of uses, and why each is safe
MARK_SAFE_WHITELIST = {
    # the output of Markdown after nh3 (allow-listed tags, attributes and URL schemes)
    "sessions_app/markdown.py": 1,
    # QR codes as SVG made by segno from our own URLs; no user text in them (the feeds page and
    # `{% qr_svg %}`, now & next's code to the grid, both draw them with `qr.inline_svg`)
    "sessions_app/qr.py": 1,
    # the grid HTML: output of our own templates (autoescaped when rendered), cached as a string
    "sessions_app/views/public.py": 1,
    # the public grid's rooms and rows written in Python: every value from the database goes
    # through html.escape (rooms, titles, hosts, kinds, labels), the markup and the vote counts'
    # translated words are ours (tests/views/public/test_grid_html.py checks the escaping)
    "sessions_app/grid_html.py": 2,
    # the grid editor's table, tray and moved cells written in Python, the same way: every value
    # from the database (rooms, titles, hosts, labels) and every word goes through html.escape;
    # the markup and the counts' translated messages are ours, their values escaped
    # (tests/views/organiser/test_editor_html.py checks the escaping)
    "sessions_app/editor_html.py": 4,
    # the vote button and the votes left written in Python, the same way: the title, the paths,
    # the token, the error and every word go through html.escape; the markup and the counts'
    # translated messages are ours (tests/views/participant/test_vote_html.py checks the escaping)
    "sessions_app/vote_html.py": 2,
    # the cached grid with a participant's "I'll go" buttons, each built by format_html
    "sessions_app/follows.py": 1,
    "sessions_app/live.py": 2,
}
CSRF_EXEMPT_WHITELIST = {
    # limited_upload: Django's documented pattern for custom upload handlers; the wrapper is
    # exempt from the middleware only so it can set request.upload_handlers first, then the
    # view runs under csrf_protect (test_csrf.py proves the upload URL still answers 403)
    "sessions_app/uploads.py": 1,
}


def files(*suffixes: str):
    for base in SOURCES:
        for path in base.rglob("*"):
            if path.suffix in suffixes and "migrations" not in path.parts:
                yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


def test_dependency_floors() -> None:
    found = {name: version(name) for name in FLOORS}
    print("\ndependencies: " + ", ".join(f"{n} {v} (>= {FLOORS[n]})" for n, v in found.items()))
    for name, floor in FLOORS.items():
        assert Version(found[name]) >= Version(floor), (name, found[name], floor)


def test_mark_safe_only_where_whitelisted() -> None:
    uses = {}
    for name, text in files(".py"):
        count = len(re.findall(r"\bmark_safe\(", text))
        if count:
            uses[name] = count
    assert uses == MARK_SAFE_WHITELIST


def test_no_safe_filter_or_autoescape_off_in_templates() -> None:
    offenders = []
    for name, text in files(".html", ".txt"):
        unsafe = re.search(r"\|\s*safe(seq)?\b", text) or re.search(r"autoescape\s+off", text)
        if unsafe and not name.startswith("templates/emails/"):  # plain-text mail, never HTML
            offenders.append(name)
    assert offenders == []


def test_csrf_exempt_only_in_the_upload_wrapper() -> None:
    uses = {}
    for name, text in files(".py"):
        count = len(re.findall(r"@csrf_exempt|csrf_exempt\(", text))
        if count:
            uses[name] = count
    assert uses == CSRF_EXEMPT_WHITELIST
    uploads = (ROOT / "sessions_app/uploads.py").read_text(encoding="utf-8")
    assert "protected = csrf_protect(view)" in uploads
    print(
        f"\ngrep: mark_safe in {sum(MARK_SAFE_WHITELIST.values())} whitelisted places, "
        f"csrf_exempt in {sum(CSRF_EXEMPT_WHITELIST.values())} (re-protected), |safe in 0 templates"
    )
