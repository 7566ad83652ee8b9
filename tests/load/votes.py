"""Locust: participants voting, each vote POSTed twice (a double tap), as htmx sends it.

Self-terminating (the last user to finish stops the run) and self-checking (on quitting it
counts the votes in the database and sets the exit code). Loopback only: it refuses any other
host. FastHttpUser (geventhttpclient): locust shares the cores with the server, and it costs
a fraction of the CPU of the requests-based HttpUser. Used by tests/load/test_load.py for
rows 1 and 16 of the reliability plan:

    LOAD_DATA=seed.json LOAD_DSN=postgres://... VOTERS_FROM=0 USERS=200 VOTES=25 \\
    locust -f tests/load/votes.py --headless -u 200 -r 100 -t 120s --host http://127.0.0.1:PORT

With RETRY=1 a vote whose request fails (a connection refused while the server restarts, a
502/503) is sent again, up to 40 times over about 10 s: a vote is idempotent, so a retry is
always safe; the figures count the retries and the votes that never got a success answer."""

import itertools
import json
import os
import secrets
import string
import time
from pathlib import Path

import psycopg
from locust import FastHttpUser, constant, events, task
from locust.exception import StopUser

COOKIES = json.loads(Path(os.environ["LOAD_DATA"]).read_text())
DATA = COOKIES["votes"]
VOTES = int(os.environ.get("VOTES", "25"))
USERS = int(os.environ.get("USERS", "200"))
FIRST = int(os.environ.get("VOTERS_FROM", "0"))
RETRY = os.environ.get("RETRY") == "1"
_ids, _done = itertools.count(), itertools.count(1)
TALLY = {"acknowledged": 0, "retries": 0, "lost": 0}


class Voter(FastHttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        n = FIRST + next(_ids)
        self.done = 0
        csrf = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
        self.headers = {
            "Cookie": f"{COOKIES['session_cookie']}={DATA['voters'][n]}; "
            f"{COOKIES['csrf_cookie']}={csrf}",
            "X-CSRFToken": csrf,
            "HX-Request": "true",
        }

    def post_vote(self, session: int) -> bool:
        url = f"/{DATA['slug']}/sessions/{session}/vote/"
        # what the button's form sends (vote_html.py): the vote, and the page to go back to
        form = {"vote": "1", "next": f"/{DATA['slug']}/proposals/"}
        with self.client.post(
            url, data=form, headers=self.headers, name="vote", catch_response=True
        ) as response:
            if response.status_code == 200:
                response.success()
                return True
            response.failure(f"status {response.status_code}")
            return False

    @task
    def vote(self) -> None:
        if self.done >= VOTES:
            if next(_done) == USERS:
                self.environment.runner.quit()
            raise StopUser()
        session = DATA["sessions"][self.done % len(DATA["sessions"])]
        for _tap in range(2):
            ok = self.post_vote(session)
            attempts = 1
            while not ok and RETRY and attempts < 40:
                TALLY["retries"] += 1
                time.sleep(0.25)
                ok = self.post_vote(session)
                attempts += 1
            if ok:
                TALLY["acknowledged"] += 1
            else:
                TALLY["lost"] += 1
        self.done += 1


@events.quitting.add_listener
def check_count(environment, **kwargs) -> None:
    host = environment.host or ""
    assert host.startswith(("http://127.0.0.1", "http://localhost")), host
    participants = DATA["participants"][FIRST : FIRST + USERS]
    with psycopg.connect(os.environ["LOAD_DSN"]) as connection:
        counted = connection.execute(
            "SELECT count(*) FROM sessions_app_vote WHERE participant_id = ANY(%s)",
            (participants,),
        ).fetchone()[0]
    expected = USERS * min(VOTES, len(DATA["sessions"]))
    print(f"VOTES counted={counted} expected={expected} " + json.dumps(TALLY))
    if counted != expected or TALLY["lost"]:
        environment.process_exit_code = 1
