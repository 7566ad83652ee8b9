"""Benchmark of a vote tap, served by gunicorn on 127.0.0.1 beside a trivial 2 KB page.

    .venv/bin/python bench/votes/run.py [--taps 1000] [--workers 2] [--label before]

What it does, all on loopback and with a bounded number of requests:

1. Prepares its own PostgreSQL database (BENCH_DATABASE_URL, default
   postgres://postgres@127.0.0.1:5432/oocamp_votes): migrate, and two events with voting open
   and 30 proposals each, one with unlimited votes and one with dot voting (a budget of 30, so
   the budget is checked on every vote but never runs out); participants signed in already
   (a session row, its key sent as the cookie, as the load suite does).
2. Starts gunicorn (sync workers) as bench/grid does (`bench.grid.settings`: the project's
   settings and URLs plus the trivial page; `Server-Timing` says how long Django took), with
   the production database pool and, when Redis answers, the production session store and
   cache (REDIS_URL), like tests/load.
3. Taps as htmx sends them (POST, `HX-Request`, CSRF cookie and header): a first tap (a new
   vote), the same tap again (a double tap: nothing changes), a dot-voting first tap, a tap
   that takes the vote back, and the tap without JavaScript (a plain POST answered with a
   redirect). CPU: the workers' CPU time from /proc before and after each block of requests,
   per request; latency: the medians of the client's round trip and of the server time.
4. Queries per tap: the same taps in this process through Django's test client, counted with
   CaptureQueriesContext (the test suite fixes the number: tests/views/participant).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The code measured: this checkout, or (for the "before" side, in a subprocess) an export of
# an earlier commit; this script is always the one of this checkout.
CODE = Path(os.environ.get("BENCH_CODE_ROOT", ROOT))
if str(CODE) not in sys.path:
    sys.path.insert(0, str(CODE))

from bench.serving import (  # noqa: E402
    TRIVIAL_PATH,
    Answer,
    Result,
    database_url,
    get,
    measure_block,
    pooled_environment,
    post,
    prepare,
    print_results,
    serving,
    signed_in_client,
    signed_in_headers,
    worker_pids,
)

SESSIONS = 30  # proposals per event; a participant votes for each once (first tap)


# ---- data -------------------------------------------------------------------------------------


@dataclass
class Voters:
    slug: str
    sessions: list[int]
    cookies: list[str]  # session keys of signed-in participants
    next_pair: int = 0

    def pairs(self, n: int) -> list[tuple[str, int]]:
        """n fresh (cookie, session) pairs: votes not cast yet."""
        out = []
        for _ in range(n):
            k = self.next_pair
            self.next_pair += 1
            voter, session = divmod(k, len(self.sessions))
            if voter >= len(self.cookies):
                raise SystemExit(f"{self.slug}: not enough voters seeded; ask for fewer taps")
            out.append((self.cookies[voter], self.sessions[session]))
        return out


def seed(voters_needed: int) -> dict[str, Voters]:
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from sessions_app.models import Event, Participant, Vote
    from tests.factories import make_event, make_participant, make_session, make_signed_in_session

    found = {}
    for slug, budget in (("bench-votes", None), ("bench-votes-dots", SESSIONS)):
        Vote.objects.filter(session__event__slug=slug).delete()
        Participant.objects.filter(user__username__startswith=f"{slug}-").delete()
        Event.objects.filter(slug=slug).delete()
        get_user_model().objects.filter(username__startswith=f"{slug}-").delete()
        event = make_event(
            slug=slug, language="en", phase=Event.Phase.VOTING, votes_per_participant=budget
        )
        sessions = [make_session(event, title=f"Proposal {n}") for n in range(SESSIONS)]
        cookies = []
        for n in range(voters_needed):
            user = get_user_model().objects.create(username=f"{slug}-{n}", password="!")
            participant = make_participant(event, f"Voter {n}", user=user)
            cookies.append(make_signed_in_session(participant.user))
        found[slug] = Voters(slug, [s.pk for s in sessions], cookies)
    return found


# ---- client -----------------------------------------------------------------------------------


def tap_headers(cookie: str, *, htmx: bool = True) -> dict[str, str]:
    headers = signed_in_headers(cookie)
    if htmx:
        headers["HX-Request"] = "true"
    return headers


def tap(port: int, path: str, body: str, headers: dict[str, str], status: int) -> Answer:
    answer = post(port, path, body, headers)
    if answer.status != status:
        raise SystemExit(f"{path}: {answer.status}, expected {status}")
    return answer


def vote_path(slug: str, session: int) -> str:
    return f"/{slug}/sessions/{session}/vote/"


def tap_body(slug: str, value: str) -> str:
    """What the button's form sends (vote_html.py): the vote, and the page to go back to."""
    return f"vote={value}&next=%2F{slug}%2Fproposals%2F"


def measure(port: int, master: int, voters: dict[str, Voters], taps: int) -> list[Result]:
    pids = worker_pids(master)
    plain, dots = voters["bench-votes"], voters["bench-votes-dots"]

    # warm up every worker: templates, translations, the pool's connections
    for cookie, session in plain.pairs(40):
        for value in ("1", "1", "0"):
            body = tap_body(plain.slug, value)
            post(port, vote_path(plain.slug, session), body, tap_headers(cookie))
    for _ in range(40):
        get(port, TRIVIAL_PATH)

    results: dict[str, Result] = {}
    names = ["trivial 2 KB page", "vote: first tap (htmx)", "vote: double tap (htmx)",
             "dot vote: first tap (htmx)", "vote taken back (htmx)",
             "vote without JavaScript (302)"]  # fmt: skip
    for name in names:
        results[name] = Result(name)
    blocks = 4
    per_block = max(10, taps // blocks)
    for _ in range(blocks):
        trivial = (get(port, TRIVIAL_PATH) for _ in range(per_block))
        measure_block(pids, results[names[0]], trivial)

        pairs = plain.pairs(per_block)
        firsts = [
            (vote_path(plain.slug, s), tap_body(plain.slug, "1"), tap_headers(c), 200)
            for c, s in pairs
        ]
        for name, requests in (
            (names[1], firsts),
            (names[2], firsts),  # the same taps again
            (names[3], [(vote_path(dots.slug, s), tap_body(dots.slug, "1"), tap_headers(c), 200)
                        for c, s in dots.pairs(per_block)]),
            (names[4], [(p, tap_body(plain.slug, "0"), h, 200) for p, _b, h, _s in firsts]),
            (names[5], [(vote_path(plain.slug, s), tap_body(plain.slug, "1"),
                         tap_headers(c, htmx=False), 302)
                        for c, s in plain.pairs(per_block)]),
        ):  # fmt: skip
            measure_block(pids, results[name], (tap(port, *r) for r in requests))
    for result in results.values():
        result.cpu_ms = result.cpu_ms / (blocks * per_block) * 1000
    return list(results.values())


def count_queries(pairs: dict[str, list]) -> dict[str, int]:
    """Queries per tap, in this process (the server's settings, the test client)."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    def client(cookie: str, htmx: bool = True) -> Client:
        return signed_in_client(cookie, {"HX-Request": "true"} if htmx else {})

    def queries(c: Client, path: str, value: str, status: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = c.post(path, {"vote": value})
        if response.status_code != status:
            raise SystemExit(f"{path}: {response.status_code}, expected {status}")
        return len(captured)

    (cookie, path), (dot_cookie, dot_path), (plain_cookie, plain_path) = (
        pairs["plain"],
        pairs["dots"],
        pairs["nojs"],
    )
    c = client(cookie)
    return {
        "vote: first tap (htmx)": queries(c, path, "1", 200),
        "vote: double tap (htmx)": queries(c, path, "1", 200),
        "vote taken back (htmx)": queries(c, path, "0", 200),
        "dot vote: first tap (htmx)": queries(client(dot_cookie), dot_path, "1", 200),
        "vote without JavaScript (302)": queries(
            client(plain_cookie, htmx=False), plain_path, "1", 302
        ),
    }


def queries_of(code: Path, env: dict[str, str], voters: dict[str, Voters]) -> dict[str, int]:
    """count_queries run on `code` (this checkout or the earlier commit), in a subprocess."""
    plain, dots = voters["bench-votes"], voters["bench-votes-dots"]
    pairs = {
        "plain": [(c, vote_path(plain.slug, s)) for c, s in plain.pairs(1)][0],
        "dots": [(c, vote_path(dots.slug, s)) for c, s in dots.pairs(1)][0],
        "nojs": [(c, vote_path(plain.slug, s)) for c, s in plain.pairs(1)][0],
    }
    result = subprocess.run(
        [sys.executable, __file__, "--count-queries", json.dumps(pairs)],
        cwd=code, env=env | {"BENCH_CODE_ROOT": str(code), "PYTHONPATH": str(code)},
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(result.stdout.strip().splitlines()[-1])


def report(found: list[Result], label: str) -> None:
    print_results(found, label, 32, p95=False)
    trivial = found[0]
    print(f"{'one tap (first + double) / 2, CPU ms above the trivial page':60} "
          f"{(found[1].cpu_ms + found[2].cpu_ms) / 2 - trivial.cpu_ms:8.3f}")  # fmt: skip


# The files of this change: "before" is this checkout with these files as they are in the
# commit asked for, so the work of others in the same checkout is on both sides.
CHANGED = [
    "sessions_app/access.py",
    "sessions_app/actions/__init__.py",
    "sessions_app/actions/votes.py",
    "sessions_app/views/participant.py",
]


def export(ref: str, into: Path, *, whole: bool = False) -> Path:
    """This checkout (tracked and untracked files, not ignored ones) with CHANGED as in `ref`;
    with `whole`, the tree of `ref` itself (a change that adds or removes files)."""
    if whole:
        code = into / "code"
        code.mkdir()
        archive = subprocess.run(
            ["git", "archive", ref], cwd=ROOT, capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(code)], input=archive, check=True)
        return code
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout  # fmt: skip
    with open(into / "code.tar", "wb") as tar:
        subprocess.run(
            ["tar", "--null", "--ignore-failed-read", "-cf", "-", "-T", "-"],
            cwd=ROOT, input=files, check=True, stdout=tar,
        )  # fmt: skip
    code = into / "code"
    code.mkdir()
    subprocess.run(["tar", "-x", "-C", str(code), "-f", str(into / "code.tar")], check=True)
    for path in CHANGED:
        old = subprocess.run(
            ["git", "show", f"{ref}:{path}"], cwd=ROOT, capture_output=True, check=True
        ).stdout
        (code / path).write_bytes(old)
    return code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--taps", type=int, default=1000, help="per target and side (max 4000)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=1, help="before, after, before, after…")
    parser.add_argument(
        "--before", default="HEAD", help="the commit measured as 'before' ('' for none)"
    )
    parser.add_argument(
        "--whole", action="store_true", help="'before' is the whole tree of that commit"
    )
    parser.add_argument("--count-queries", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.count_queries:
        print(json.dumps(count_queries(json.loads(args.count_queries))))
        return
    taps = max(40, min(args.taps, 4000))
    env = pooled_environment(database_url("oocamp_votes"), "votes") | {
        "PYTHONWARNINGS": "ignore::UserWarning",  # WhiteNoise: no static files here
    }
    with tempfile.TemporaryDirectory(prefix="oocamp-bench-votes-") as tmp:
        sides = [("after (this checkout)", ROOT)]
        if args.before:
            before = export(args.before, Path(tmp), whole=args.whole)
            what = "the tree" if args.whole else ", ".join(CHANGED)
            sides.insert(0, (f"before ({what} as in {args.before})", before))
        prepare(env, static=False)
        per_side = (taps // 4) * 4 * 3 + 40 + 10  # pairs per event and measurement
        voters = seed(per_side * len(sides) * args.rounds // SESSIONS + 2)
        print(
            f"{args.workers} sync gunicorn workers, {taps} requests per target and side, "
            f"{args.rounds} round(s); {os.cpu_count()} cores, load average at the start "
            f"{os.getloadavg()[0]:.2f}"
        )
        for round_ in range(args.rounds):
            for label, code in sides:
                with serving(env, args.workers, code) as (port, server):
                    found = measure(port, server.pid, voters, taps)
                counts = queries_of(code, env, voters)
                for result in found:
                    result.queries = counts.get(result.name)
                report(found, f"{label}, round {round_ + 1}, load average "
                       f"{os.getloadavg()[0]:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
