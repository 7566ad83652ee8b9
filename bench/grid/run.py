"""Benchmark of the public grid, served by gunicorn on 127.0.0.1 beside a trivial 2 KB page.

    .venv/bin/python bench/grid/run.py [--requests 1000] [--workers 2]

What it does, all on loopback and with a bounded number of requests:

1. Prepares its own PostgreSQL database (BENCH_DATABASE_URL, default
   postgres://postgres@127.0.0.1:5432/oocamp_h9): migrate, collectstatic into a temporary
   directory, and two published events with full grids, 6 rooms × 9 slots and 20 rooms ×
   16 slots (two break rows and a plenary; every session cell filled; realistic titles, one
   to three hosts, up to 40 votes).
2. Starts gunicorn (sync workers) with `bench.grid.settings`: the project's settings and URLs
   plus `bench/trivial/`, which answers a fixed 2 KB page. `bench.grid.wsgi` adds a
   `Server-Timing: app;dur=<ms>` header, the time Django took.
3. Latency: requests the trivial page, both grid pages (as an anonymous visitor, the grid
   already rendered once for its version), the live check (the version answered with 304) and
   the 20 × 16 fragment that htmx fetches after a change, in turn, `--requests` times each;
   prints the medians of the client's round trip and of the server time.
4. CPU: the same targets in blocks, reading the workers' CPU time from /proc before and after
   each block; CPU per request, and what 500 phones asking every 10 s (and every 5 s, the
   poll interval the app uses) cost.
5. Many open grids: the same targets with 8 connections at once, requests per second (the
   cached grid must keep up with the trivial page however many ask).
6. The cold render: the grid rendered after its version went up (the first visitor after a
   change pays it; every later visitor of that version gets the cached HTML), as server time
   and as the workers' CPU time for that one request; and the organisers' grid editor, which
   is never cached (every load is a cold render), signed in as an organiser of each event
   whose session has given its authenticator code. Both beside the trivial page's CPU.
7. Bytes: the grid page and every asset it loads, raw and compressed (static files as
   WhiteNoise serves them precompressed; the HTML as a proxy would compress it, gzip -6 and
   brotli 5).
"""

from __future__ import annotations

import argparse
import gzip
import random
import re
import socket
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.serving import (  # noqa: E402 - the repository root first, as a script
    HOST,
    Answer,
    cpu_seconds,
    get,
    prepared,
    serving,
    worker_pids,
)

SIZES = [(6, 9), (20, 16)]
CLIENTS = 8  # connections at once in the "many open grids" phase


# ---- data -------------------------------------------------------------------------------------

TOPICS = [
    "open data",
    "public procurement",
    "civic tech",
    "digital accessibility",
    "e-ID",
    "participatory budgets",
    "open source in government",
    "freedom of information",
    "API design",
    "data ethics",
    "open standards",
    "smart cities",
    "open contracting",
    "linked data",
    "digital inclusion",
    "algorithm registers",
    "service design",
]
PATTERNS = [
    "{t}: lessons from {c}",
    "Why {t} stalls, and how to fix it",
    "{t} for beginners",
    "Show & tell: {t} in {c}",
    "Ask me anything about {t}",
    "From pilot to practice: {t}",
    "What {c} learned from {t}",
    "{t} without a budget",
    "Measuring {t}",
]
CITIES = ["Ghent", "Leuven", "Antwerp", "Brussels", "Utrecht", "Rotterdam", "Namur", "Liège"]
FIRST = [
    "An",
    "Bram",
    "Charlotte",
    "Dries",
    "Elke",
    "Femke",
    "Geert",
    "Hanne",
    "Ilse",
    "Jan",
    "Karel",
    "Lotte",
    "Marie",
    "Nico",
    "Oona",
    "Pieter",
    "Rik",
    "Sofie",
    "Tom",
    "Wout",
]
LAST = [
    "Peeters",
    "Janssens",
    "Maes",
    "Jacobs",
    "Mertens",
    "Willems",
    "Claes",
    "Goossens",
    "Wouters",
    "De Smet",
    "Dubois",
    "Lambert",
    "Dupont",
    "Van Damme",
    "Hermans",
]


def seed() -> dict[str, str]:
    """Fresh bench events (the old ones are deleted); returns {size: slug}."""
    import django

    django.setup()
    from datetime import date, datetime, timedelta

    from django.contrib.auth import get_user_model

    from sessions_app.models import Event, Host, Participant, Placement, Room, Session, Slot, Vote

    User = get_user_model()
    rng = random.Random(2026)
    slugs = {}
    for rooms, slots in SIZES:
        slug = f"bench-grid-{rooms}x{slots}"
        slugs[f"{rooms}x{slots}"] = slug
        Event.objects.filter(slug=slug).delete()
        User.objects.filter(username__startswith=f"{slug}-").delete()
        event = Event.objects.create(
            slug=slug,
            name=f"Bench {rooms}×{slots}",
            date=date(2026, 6, 13),
            language="en",
            phase=Event.Phase.VOTING,
        )
        room_rows = Room.objects.bulk_create(
            Room(
                event=event,
                name=f"Room {chr(65 + r)}{r + 1}",
                capacity=rng.choice([20, 40, 80]),
                order=r,
            )
            for r in range(rooms)
        )
        start = datetime(2026, 6, 13, 9, 0, tzinfo=event.tz)
        special = {
            2: (Slot.Kind.BREAK, "Coffee"),
            slots // 2 + 1: (Slot.Kind.BREAK, "Lunch"),
            slots - 1: (Slot.Kind.PLENARY, "Closing"),
        }
        slot_rows = Slot.objects.bulk_create(
            Slot(
                event=event,
                start=start + timedelta(minutes=50 * s),
                end=start + timedelta(minutes=50 * s + 45),
                kind=special.get(s, (Slot.Kind.SESSIONS, ""))[0],
                label=special.get(s, (Slot.Kind.SESSIONS, ""))[1],
            )
            for s in range(slots)
        )
        people = 15 * rooms
        users = User.objects.bulk_create(
            User(username=f"{slug}-{n}", password="!") for n in range(people)
        )
        participants = Participant.objects.bulk_create(
            Participant(event=event, user=user, name=f"{rng.choice(FIRST)} {rng.choice(LAST)}")
            for user in users
        )
        cells = [(r, s) for s in slot_rows if s.kind == Slot.Kind.SESSIONS for r in room_rows]
        sessions = Session.objects.bulk_create(
            Session(
                event=event,
                title=rng.choice(PATTERNS).format(t=rng.choice(TOPICS), c=rng.choice(CITIES)),
                kind=rng.choice(list(Session.Kind)),
                status=Session.Status.SCHEDULED,
            )
            for _ in cells
        )
        Host.objects.bulk_create(
            Host(session=session, participant=host, order=k)
            for session in sessions
            for k, host in enumerate(rng.sample(participants, rng.choice([1, 1, 2, 3])))
        )
        Vote.objects.bulk_create(
            Vote(session=session, participant=voter)
            for session in sessions
            for voter in rng.sample(participants, min(40, int(rng.lognormvariate(2, 0.8))))
        )
        Placement.objects.bulk_create(
            Placement(session=session, room=room, slot=slot)
            for session, (room, slot) in zip(sessions, cells, strict=True)
        )
        Event.objects.filter(pk=event.pk).update(phase=Event.Phase.PUBLISHED, grid_version=1)
    return slugs


def organiser_cookie(slug: str) -> str:
    """A signed-in organiser of the event, past the two-step sign-in: their session cookie."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from sessions_app.models import Event, Participant

    user = get_user_model().objects.create(username=f"{slug}-organiser", password="!")
    event = Event.objects.get(slug=slug)
    Participant.objects.create(
        event=event, user=user, name="Olga Organiser", role=Participant.Role.ORGANISER
    )
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def seed_pitch() -> str:
    """An event in the middle of its pitch round (50 proposals, voting open): the slug."""
    from datetime import date

    from django.contrib.auth import get_user_model

    from sessions_app.models import Event, Host, Participant, PitchRound, Session

    slug = "bench-pitch"
    rng = random.Random(2012)
    Event.objects.filter(slug=slug).delete()
    get_user_model().objects.filter(username__startswith=f"{slug}-").delete()
    event = Event.objects.create(
        slug=slug,
        name="Bench pitch round",
        date=date(2026, 6, 13),
        language="en",
        phase=Event.Phase.VOTING,
    )
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"{slug}-{n}", password="!") for n in range(50)
    )
    people = Participant.objects.bulk_create(
        Participant(event=event, user=user, name=f"{rng.choice(FIRST)} {rng.choice(LAST)}")
        for user in users
    )
    sessions = Session.objects.bulk_create(
        Session(
            event=event,
            title=rng.choice(PATTERNS).format(t=rng.choice(TOPICS), c=rng.choice(CITIES)),
        )
        for _ in range(50)
    )
    Host.objects.bulk_create(
        Host(session=s, participant=p) for s, p in zip(sessions, people, strict=True)
    )
    PitchRound.objects.create(
        event=event,
        state=PitchRound.State.RUNNING,
        current=sessions[10],
        version=11,
        pitched=[s.pk for s in sessions[:10]],
    )
    return slug


def bump(slug: str) -> None:
    from django.db.models import F

    from sessions_app.models import Event

    Event.objects.filter(slug=slug).update(grid_version=F("grid_version") + 1)


# ---- client -----------------------------------------------------------------------------------


@dataclass
class Target:
    name: str
    path: str
    headers: dict[str, str]
    status: int
    client_ms: list[float] = field(default_factory=list)
    server_ms: list[float] = field(default_factory=list)
    cpu_ms: float = 0.0

    def hit(self, port: int) -> Answer:
        answer = get(port, self.path, self.headers)
        if answer.status != self.status:
            raise SystemExit(f"{self.name}: {answer.status}, expected {self.status}")
        return answer


BROWSER = {"Accept-Language": "en", "Accept-Encoding": "identity", "Accept": "text/html"}


def targets(port: int, slugs: dict[str, str], pitch: str) -> list[Target]:
    found = [Target("trivial 2 KB page", "/bench/trivial/", BROWSER, 200)]
    for size, slug in slugs.items():
        found.append(Target(f"grid page {size}", f"/{slug}/grid/", BROWSER, 200))
    big = slugs["20x16"]
    token = get(port, f"/{big}/grid/version").headers["etag"]
    check = {"Accept-Language": "en", "If-None-Match": token}
    found.append(Target("live check (304)", f"/{big}/grid/version", check, 304))
    fragment = BROWSER | {"HX-Request": "true"}
    found.append(Target("grid fragment 20x16 (htmx)", f"/{big}/grid/", fragment, 200))
    # the pitch round, followed the same way: the state every second, the fragment on a change
    token = get(port, f"/{pitch}/pitch/version").headers["etag"]
    check = {"Accept-Language": "en", "If-None-Match": token}
    found.append(Target("pitch check (304)", f"/{pitch}/pitch/version", check, 304))
    phone = BROWSER | {"HX-Request": "true", "HX-Target": "pitch-now"}
    found.append(Target("pitch fragment (phone, htmx)", f"/{pitch}/proposals/", phone, 200))
    return found


def measure_latency(port: int, found: list[Target], rounds: int) -> None:
    for target in found:  # warm up: every worker renders and caches the grids
        for _ in range(20):
            target.hit(port)
    for _ in range(rounds):
        for target in found:
            answer = target.hit(port)
            target.client_ms.append(answer.seconds * 1000)
            target.server_ms.append(answer.server_ms)


def measure_cpu(port: int, master: int, found: list[Target], rounds: int) -> None:
    pids = worker_pids(master)
    blocks = 4
    spent = {target.name: 0.0 for target in found}
    for _ in range(blocks):
        for target in found:
            before = cpu_seconds(pids)
            for _ in range(rounds // blocks):
                target.hit(port)
            spent[target.name] += cpu_seconds(pids) - before
    for target in found:
        target.cpu_ms = spent[target.name] / (blocks * (rounds // blocks)) * 1000


def measure_cold(port: int, slug: str, times: int = 5) -> list[float]:
    """Server time of the first request after the version went up (a fresh render), once the
    workers have read the event again (they keep it for 2 s)."""
    cold = []
    for _ in range(times):
        bump(slug)
        time.sleep(2.2)
        cold.append(get(port, f"/{slug}/grid/", BROWSER).server_ms)
    return cold


@dataclass
class Cold:
    server_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)


def measure_cold_cpu(port: int, master: int, slug: str, times: int = 5) -> Cold:
    """`measure_cold`, with the workers' CPU time for each of those requests."""
    pids = worker_pids(master)
    cold = Cold()
    for _ in range(times):
        bump(slug)
        time.sleep(2.2)
        before = cpu_seconds(pids)
        answer = get(port, f"/{slug}/grid/", BROWSER)
        cold.cpu_ms.append((cpu_seconds(pids) - before) * 1000)
        cold.server_ms.append(answer.server_ms)
        if answer.status != 200:
            raise SystemExit(f"cold grid {slug}: {answer.status}")
    return cold


def measure_editor(port: int, master: int, slug: str, cookie: str, times: int = 10) -> Cold:
    """Server time and CPU of the organisers' grid editor (rendered afresh on every load)."""
    pids = worker_pids(master)
    headers = BROWSER | {"Cookie": cookie}
    path = f"/{slug}/organise/grid/"
    get(port, path, headers)  # each worker's first request imports and compiles what it needs
    get(port, path, headers)
    cold = Cold()
    for _ in range(times):
        before = cpu_seconds(pids)
        answer = get(port, path, headers)
        cold.cpu_ms.append((cpu_seconds(pids) - before) * 1000)
        cold.server_ms.append(answer.server_ms)
        if answer.status != 200:
            raise SystemExit(f"editor {slug}: {answer.status} {answer.headers.get('location')}")
    return cold


def measure_concurrent(port: int, found: list[Target], clients: int, rounds: int) -> dict:
    """Requests per second with `clients` connections at once (many open grids)."""
    from concurrent.futures import ThreadPoolExecutor

    rates = {}
    per_client = max(10, rounds // clients)

    def client(target: Target) -> None:
        for _ in range(per_client):
            target.hit(port)

    for target in found:
        started = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            list(pool.map(client, [target] * clients))
        rates[target.name] = clients * per_client / (time.perf_counter() - started)
    return rates


def wire_bytes(port: int, path: str, headers: dict[str, str]) -> int:
    """The whole response as it goes over the wire: status line, headers and body."""
    with socket.create_connection((HOST, port)) as connection:
        lines = [f"GET {path} HTTP/1.1", f"Host: {HOST}", "Connection: close"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        connection.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    return len(received)


ASSET = re.compile(r'<(?:link[^>]+href|script[^>]+src)="(/static/[^"]+)"')


def page_weight(port: int, path: str) -> list[tuple[str, int, int, int]]:
    """(what, raw, gzip, brotli) for the page and every asset it loads."""
    import brotli

    html = get(port, path, BROWSER).body
    rows = [
        (
            "HTML " + path,
            len(html),
            len(gzip.compress(html, 6)),
            len(brotli.compress(html, quality=5)),
        )
    ]
    for asset in dict.fromkeys(ASSET.findall(html.decode())):
        raw = len(get(port, asset, {"Accept-Encoding": "identity"}).body)
        gz = get(port, asset, {"Accept-Encoding": "gzip"})
        br = get(port, asset, {"Accept-Encoding": "br"})
        rows.append((asset, raw, len(gz.body), len(br.body)))
    return rows


# ---- report -----------------------------------------------------------------------------------


def median(values: list[float]) -> float:
    return statistics.median(values)


def report(
    found: list[Target],
    cold: dict[str, list[float]],
    weights: dict[str, list],
    rates: dict[str, float],
    check_bytes: int,
    cold_cpu: dict[str, Cold] | None = None,
) -> None:
    trivial = found[0]
    base_client, base_server = median(trivial.client_ms), median(trivial.server_ms)
    print(
        f"\n{'target':32} {'client ms':>10} {'×':>6} {'server ms':>10} {'×':>6} "
        f"{'CPU ms/req':>11} {'×':>6}"
    )
    for target in found:
        client, server = median(target.client_ms), median(target.server_ms)
        print(
            f"{target.name:32} {client:10.3f} {client / base_client:6.2f} {server:10.3f} "
            f"{server / base_server:6.2f} {target.cpu_ms:11.3f} "
            f"{target.cpu_ms / trivial.cpu_ms:6.2f}"
        )
    print(f"\nmany open grids at once ({CLIENTS} connections), requests per second:")
    base_rate = rates[trivial.name]
    for name, rate in rates.items():
        print(f"  {name:32} {rate:8.0f}  ({rate / base_rate:.2f} × the trivial page)")
    print("\ncold render (first request after the version went up), server ms, median of 5:")
    for size, values in cold.items():
        print(f"  grid page {size}: {median(values):8.2f}")
    print(
        "\ncold render: the grid page's first request after the version went up (median of 5)"
        "\nand the organisers' editor (never cached; median of 10), server ms and workers' CPU ms:"
    )
    print(f"  {'':28} {'server ms':>10} {'CPU ms':>8} {'CPU ×':>7}  CPU ms of each")
    print(f"  {'trivial 2 KB page':28} {base_server:10.2f} {trivial.cpu_ms:8.2f} {1:7.2f}")
    for name, values in (cold_cpu or {}).items():
        cpu = median(values.cpu_ms)
        each = " ".join(f"{ms:.1f}" for ms in values.cpu_ms)
        print(
            f"  {name:28} {median(values.server_ms):10.2f} {cpu:8.2f} "
            f"{cpu / trivial.cpu_ms:7.2f}  {each}"
        )
    check = next(t for t in found if t.name.startswith("live check"))
    fragment = next(t for t in found if "fragment" in t.name)
    print("\nlive updates for 500 open phones (server CPU, gunicorn + Django):")
    for every in (10, 5):
        per_second = 500 / every
        cores = per_second * check.cpu_ms / 1000
        print(
            f"  checks every {every:2d} s: {per_second:5.0f} req/s × {check.cpu_ms:.3f} ms "
            f"= {cores:.3f} core"
        )
    print(f"  bytes per check on the wire (a 304, headers only): {check_bytes}")
    pitch_check = next(t for t in found if t.name.startswith("pitch check"))
    pitch_fragment = next(t for t in found if t.name.startswith("pitch fragment"))
    print("\npitch round for 500 open phones (checks every second while it runs):")
    print(f"  500 req/s × {pitch_check.cpu_ms:.3f} ms = {500 * pitch_check.cpu_ms / 1000:.3f} core")
    print(
        f"  after each step: 500 fragment fetches × {pitch_fragment.cpu_ms:.3f} ms = "
        f"{500 * pitch_fragment.cpu_ms / 1000:.2f} core-seconds"
    )
    print(
        f"  after each change: 500 fragment fetches × {fragment.cpu_ms:.3f} ms = "
        f"{500 * fragment.cpu_ms / 1000:.2f} core-seconds (+ one cold render per worker)"
    )
    for size, rows in weights.items():
        print(f"\npage weight, grid page {size} (bytes):")
        print(f"  {'':52} {'raw':>8} {'gzip':>8} {'brotli':>8}")
        for what, raw, gz, br in rows:
            print(f"  {what[-52:]:52} {raw:8d} {gz:8d} {br:8d}")
        totals = [sum(row[i] for row in rows) for i in (1, 2, 3)]
        print(
            f"  {'total':52} {totals[0]:8d} {totals[1]:8d} {totals[2]:8d}"
            f"   ({totals[1] / 1024:.1f} KiB gzip, {totals[2] / 1024:.1f} KiB brotli)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--requests", type=int, default=1000, help="per target and phase (max 5000)"
    )
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    rounds = max(40, min(args.requests, 5000))
    with prepared("oocamp_h9") as env:
        slugs = seed()
        pitch = seed_pitch()
        cookies = {size: organiser_cookie(slug) for size, slug in slugs.items()}
        with serving(env, args.workers) as (port, server):
            print(
                f"gunicorn on {HOST}:{port}, {args.workers} sync workers, "
                f"{rounds} requests per target"
            )
            found = targets(port, slugs, pitch)
            measure_latency(port, found, rounds)
            measure_cpu(port, server.pid, found, rounds)
            rates = measure_concurrent(port, found, CLIENTS, rounds)
            check = next(t for t in found if t.name.startswith("live check"))
            check_bytes = wire_bytes(port, check.path, check.headers)
            cold_cpu = {
                f"grid page {size}": measure_cold_cpu(port, server.pid, slug)
                for size, slug in slugs.items()
            }
            for size, slug in slugs.items():
                cold_cpu[f"editor {size}"] = measure_editor(port, server.pid, slug, cookies[size])
            cold = {size: cold_cpu[f"grid page {size}"].server_ms for size in slugs}
            weights = {size: page_weight(port, f"/{slug}/grid/") for size, slug in slugs.items()}
        report(found, cold, weights, rates, check_bytes, cold_cpu)


if __name__ == "__main__":
    main()
