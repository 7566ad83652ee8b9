"""Locust: the day itself (row 23 of the reliability plan). The public follows the grid the
way the page does (ask the version with If-None-Match, fetch the grid when it changed) while
organisers move sessions around. Loopback only; bounded by `-t`.

    LOAD_DATA=seed.json LOAD_DSN=postgres://... locust -f tests/load/live.py --headless \\
        -u 310 -r 100 -t 30s --host http://127.0.0.1:PORT

Visitors ask every 4-6 s, as the page does (static/js/live.js: every 5 s, give or take 20 %;
the plan's 10 s is the lighter case); organisers move a session every 2-5 s each, about as
fast as a person drags and drops. An organiser's
move answered 409 (the grid changed meanwhile) or 422 (the rules refuse it) is the app doing
its job, not an error; errors are 5xx answers and failed connections.
FastHttpUser, as in votes.py: the load generator shares the cores with the server."""

import json
import os
import random
import secrets
import string
import time
from pathlib import Path

import psycopg
from locust import FastHttpUser, between, events, task

DATA = json.loads(Path(os.environ["LOAD_DATA"]).read_text())
LIVE = DATA["live"]
_organisers = iter(LIVE["organisers"])
OUTCOMES: dict[str, int] = {}


class Visitor(FastHttpUser):
    weight = 30
    # as static/js/live.js: every 5 s, give or take 20 % (open pages do not ask in step)
    wait_time = between(4, 6)

    def on_start(self) -> None:
        self.etag = None
        # people open the grid at any moment, not all in the same second as locust starts them
        time.sleep(random.uniform(0, 5))

    @task
    def poll(self) -> None:
        headers = {"If-None-Match": self.etag} if self.etag else {}
        with self.client.get(
            f"/{LIVE['slug']}/grid/version", headers=headers, name="grid version",
            catch_response=True,
        ) as response:  # fmt: skip
            if response.status_code == 304:
                response.success()
                return
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
                return
            self.etag = response.headers.get("ETag")
        self.client.get(f"/{LIVE['slug']}/grid/", headers={"HX-Request": "true"}, name="grid")


class Organiser(FastHttpUser):
    weight = 1
    fixed_count = 10
    wait_time = between(2, 5)  # a drag and drop takes a person 2 s at the very least

    def on_start(self) -> None:
        csrf = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
        self.headers = {
            "Cookie": f"{DATA['session_cookie']}={next(_organisers)}; {DATA['csrf_cookie']}={csrf}",
            "X-CSRFToken": csrf,
            # a drag and drop, as static/js/grid-editor.js posts it (#drop-form)
            "HX-Request": "true",
            "HX-Trigger": "drop-form",
            "HX-Current-URL": f"http://127.0.0.1/{LIVE['slug']}/organise/grid/",
        }
        self.db = psycopg.connect(os.environ["LOAD_DSN"], autocommit=True)

    def on_stop(self) -> None:
        self.db.close()

    @task
    def move(self) -> None:
        # the version the organiser's page holds: read when the page was (re)loaded
        version = self.db.execute(
            "SELECT grid_version FROM sessions_app_event WHERE id = %s", (LIVE["event"],)
        ).fetchone()[0]
        data = {
            "version": version,
            "session": random.choice(LIVE["sessions"]),
            "room": random.choice(LIVE["rooms"]),
            "slot": random.choice(LIVE["slots"]),
        }
        with self.client.post(
            f"/{LIVE['slug']}/organise/grid/move/", data=data, headers=self.headers,
            name="move", catch_response=True,
        ) as response:  # fmt: skip
            OUTCOMES[str(response.status_code)] = OUTCOMES.get(str(response.status_code), 0) + 1
            if response.status_code in (200, 409, 422):
                response.success()
            else:
                response.failure(f"status {response.status_code}")


@events.quitting.add_listener
def check_grid(environment, **kwargs) -> None:
    host = environment.host or ""
    assert host.startswith(("http://127.0.0.1", "http://localhost")), host
    with psycopg.connect(os.environ["LOAD_DSN"]) as connection:
        doubled = connection.execute(
            "SELECT count(*) FROM (SELECT room_id, slot_id FROM sessions_app_placement p "
            "JOIN sessions_app_room r ON r.id = p.room_id WHERE r.event_id = %s "
            "GROUP BY room_id, slot_id HAVING count(*) > 1) d",
            (LIVE["event"],),
        ).fetchone()[0]
        placed = connection.execute(
            "SELECT count(*) FROM sessions_app_placement p JOIN sessions_app_session s "
            "ON s.id = p.session_id WHERE s.event_id = %s",
            (LIVE["event"],),
        ).fetchone()[0]
    print(f"GRID doubled_cells={doubled} placed={placed} moves={json.dumps(OUTCOMES)}")
    if doubled or placed != len(LIVE["sessions"]):
        environment.process_exit_code = 1
