"""Plain helpers that many test modules share: reading a response, the URLs of an event's pages,
running callables at the same instant. Fixtures live in the conftest.py files instead (see
tests/README.md); factories of rows in tests/factories.py."""

import contextlib
import re
import threading
import zlib
from collections.abc import Callable

from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.urls import reverse

from sessions_app.models import Event, Session

# ---- reading a response ---------------------------------------------------------------------


def messages_of(response) -> list[str]:
    """The flash messages the request left for the next page."""
    return [str(message) for message in get_messages(response.wsgi_request)]


def squash(html: str) -> str:
    """The HTML with each run of whitespace made one space, for comparing fragments whole."""
    return " ".join(html.split())


def page_text(response) -> str:
    """The page's text as a person reads it (tags gone, spaces collapsed)."""
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(text.replace("&nbsp;", " ").split())


def inflated(pdf: bytes) -> bytes:
    """The PDF with its compressed streams (object streams too) inflated, to look for keys."""
    parts = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        with contextlib.suppress(zlib.error):
            parts.append(zlib.decompress(stream))
    return b"\n".join(parts)


# ---- clients --------------------------------------------------------------------------------


def english() -> Client:
    """A visitor whose browser asks for English."""
    return Client(headers={"accept-language": "en"})


def user_id(client: Client) -> str | None:
    """Who the client is signed in as (the session's user id), None when nobody."""
    return client.session.get("_auth_user_id")


# ---- URLs of an event's pages ---------------------------------------------------------------


def url(name: str, event: Event, *args) -> str:
    return reverse(name, args=[event.slug, *args])


def join_url(event: Event) -> str:
    return reverse("public:join", args=[event.slug])


def report_url(session: Session) -> str:
    return reverse("participant:report", args=[session.event.slug, session.pk])


def slides_url(session: Session, name: str = "participant:slides") -> str:
    return reverse(name, args=[session.event.slug, session.pk])


# ---- at the same instant --------------------------------------------------------------------


def run_together(jobs: list[Callable[[], object]]) -> tuple[list[object], list[BaseException]]:
    """Run each job in its own thread, all released at once; return results and exceptions."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(job: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=30)
            result = job()
            with lock:
                results.append(result)
        except BaseException as error:  # collected, and asserted on by the test
            with lock:
                errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert [t for t in threads if t.is_alive()] == []
    return results, errors
