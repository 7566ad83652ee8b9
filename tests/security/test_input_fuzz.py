"""Issue 15: no user input of any shape gives a server error.

Every URL pattern of the project (walked from the resolver, as the CSRF test does), by GET and
by POST (form-encoded and multipart), as a signed-out visitor, a participant who hosts
sessions and an organiser, with:

- every form field name of sessions_app.forms, and every query parameter and form field a view
  reads: found by sending each URL one plain GET and one empty POST while `QueryDict` records
  the keys read from it (so a view that starts reading `request.GET["x"]` is fuzzed on "x"
  without editing this file);
- values that broke OOcamp before, by kind: NUL, lone surrogates (sent as the bytes
  %ED%A0%80, which no valid UTF-8 holds), every Unicode digit and number character ("²",
  "①", "٣"), huge and negative integers, 100,000-character strings, JSON nested 100,000
  deep, dates from year 1 to 9999, times across the daylight-saving changes of
  Europe/Brussels, and the ids of real rows; plus random text;
- path parameters as well: real ids, ids of nothing, ids past a bigint.

Each case runs in a transaction that is rolled back, so every case meets the same world and a
failure replays. A case fails on any 5xx; `test_the_harness_finds_...` shows that it does, on
views with the bugs of issue 15 put back.
"""

from __future__ import annotations

import logging
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import quote_from_bytes

import pytest
from django import forms as django_forms
from django.core.cache import cache
from django.db import transaction
from django.http import QueryDict
from django.test import Client
from django.urls import URLPattern, reverse
from django.utils.datastructures import MultiValueDict
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from sessions_app.models import (
    Attachment,
    Event,
    GridChange,
    Participant,
    Room,
    Session,
    SignInLink,
    Slot,
    Theme,
)
from tests.factories import make_event, make_participant, make_session, make_slot, make_theme
from tests.security.payloads import PAYLOADS
from tests.security.test_csrf import patterns, url_for, values_for
from tests.security.test_form_fuzz import FIELD_NAMES
from tests.security.world import World, build_world

# ---- the values -------------------------------------------------------------------------------

SURROGATES = ["\ud800", "\udfff", "a\udc80b"]
NUMBER_CHARS = st.characters(categories=["Nd", "Nl", "No"])
HUGE = [
    "2147483648", "-2147483649", "9223372036854775807", "9223372036854775808",
    "-9223372036854775809", "99999999999999999999999999", "1" * 5000, "-0", "+1", "0",
    "1e309", "NaN", "Infinity", "0x10", "1_000", " 1", "1\n",
]  # fmt: skip
LONG = ["a" * 100_000, "9" * 100_000, "é" * 100_000, "a " * 50_000]
DEEP = ["[" * 100_000 + "]" * 100_000, '{"a":' * 50_000 + "1" + "}" * 50_000, "[" * 100_000]
CALENDAR_EDGES = [
    "0001-01-01", "9999-12-31", "0001-01-01T00:00", "9999-12-31T23:59", "9999-12-31 23:59:59",
    "0000-01-01", "10000-01-01", "2026-02-30", "2026-13-01", "24:00", "23:59:60", "00:00",
]  # fmt: skip
DST = [  # Europe/Brussels: 02:00-03:00 does not exist on 29 March, happens twice on 25 October
    "2026-03-29 02:30", "2026-03-29T02:30", "2026-10-25 02:30", "2026-10-25T02:30",
    "2026-03-29", "2026-10-25", "02:30", "02:00", "03:00", "01:59",
]  # fmt: skip
KINDS = {
    "nul": ["\x00", "a\x00b", "1\x00", "\x00" * 10],
    "surrogate": SURROGATES,
    "huge": HUGE,
    "long": LONG,
    "deep": DEEP,
    "calendar": CALENDAR_EDGES,
    "dst": DST,
    "attack": [p.text for p in PAYLOADS[:20]],
    "digits": ["²", "①", "٣", "¹²", "⁰", "𝟙", "৪", "Ⅻ", "½", "-²", "1²"],
    "ids": [],  # filled with the ids of real rows
}
FIELD_SET = set(FIELD_NAMES)


def value_strategy() -> st.SearchStrategy[str]:
    odd_text = st.text(
        st.one_of(
            st.characters(),
            st.characters(categories=["Cs"]),  # lone surrogates
            st.sampled_from(["\x00", "\n", "\r", "\t", "\u2028", "\ufeff"]),
        ),
        max_size=20,
    )
    return st.one_of(
        *[st.sampled_from(values) for kind, values in KINDS.items() if values],
        st.text(NUMBER_CHARS, min_size=1, max_size=4),  # "²", "①", "٣", "Ⅻ"
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.dates().map(lambda d: d.isoformat().rjust(10, "0")),
        st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M").rjust(16, "0")),
        st.times().map(lambda t: t.strftime("%H:%M")),
        odd_text,
    )


# ---- the requests -----------------------------------------------------------------------------


def _quote(text: str) -> str:
    """Percent-encoded UTF-8 bytes; a lone surrogate goes as the bytes a broken client sends."""
    return quote_from_bytes(text.encode("utf-8", "surrogatepass"), safe="")


def query_string(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{_quote(key)}={_quote(value)}" for key, value in pairs)


BOUNDARY = "fuzzfuzzfuzzBoundary"


def multipart(pairs: list[tuple[str, str]]) -> bytes:
    """A multipart body by hand (the test client cannot encode a lone surrogate)."""
    out = b""
    for key, value in pairs:
        name = "".join(c for c in key if c not in '"\r\n').encode("utf-8", "surrogatepass")
        out += b"--" + BOUNDARY.encode() + b"\r\n"
        out += b'Content-Disposition: form-data; name="' + name + b'"\r\n\r\n'
        out += value.encode("utf-8", "surrogatepass") + b"\r\n"
    return out + b"--" + BOUNDARY.encode() + b"--\r\n"


@dataclass(frozen=True)
class Case:
    method: str  # GET, POST (form-encoded) or MULTIPART
    url: str
    query: tuple[tuple[str, str], ...] = ()
    body: tuple[tuple[str, str], ...] = ()
    htmx: bool = False

    def short(self) -> str:
        def cut(pairs):
            return [(k[:30], v[:30] + ("…" if len(v) > 30 else "")) for k, v in pairs]

        return f"{self.method} {self.url} query={cut(self.query)} body={cut(self.body)}"


def send(client: Client, case: Case):
    headers = {"HX-Request": "true"} if case.htmx else {}
    url = case.url + ("?" + query_string(list(case.query)) if case.query else "")
    if case.method == "GET":
        return client.get(url, headers=headers)
    if case.method == "POST":
        body = query_string(list(case.body))
        return client.post(
            url, body, content_type="application/x-www-form-urlencoded", headers=headers
        )
    return client.post(
        url,
        multipart(list(case.body)),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        headers=headers,
    )


@dataclass
class Tally:
    """What a run tried and saw: the figures the closing note of issue 15 quotes."""

    cases: int = 0
    statuses: Counter = field(default_factory=Counter)
    kinds: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    def record(self, case: Case, response) -> None:
        self.cases += 1
        self.statuses[response.status_code] += 1
        if response.status_code == 503 and not is_server_error(response):
            self.statuses["503 Retry-After"] += 1
        exc_info = getattr(response, "exc_info", None)
        for _key, value in case.query + case.body:
            for kind, values in KINDS.items():
                if value in values:
                    self.kinds[kind] += 1
        if broken_header(response):
            self.statuses["control character in a header"] += 1
        if is_server_error(response) and len(self.failures) < 8:
            trace = "".join(traceback.format_exception(*exc_info)[-3:]) if exc_info else ""
            self.failures.append(f"{response.status_code} for {case.short()}\n{trace}")

    def server_errors(self) -> int:
        """5xx answers (but the 503s by design) and answers with a broken header."""
        fives = sum(n for code, n in self.statuses.items() if isinstance(code, int) and code >= 500)
        by_design = self.statuses["503 Retry-After"]
        return fives - by_design + self.statuses["control character in a header"]


def is_server_error(response) -> bool:
    """Any 5xx, except the one answer that is one by design: the event report's "being built,
    come back in N seconds" (503 with Retry-After, and no exception behind it); and any answer
    with a control character in a header (a NUL carried into a redirect's Location), which
    gunicorn would refuse to send."""
    by_design = (
        response.status_code == 503
        and response.has_header("Retry-After")
        and not getattr(response, "exc_info", None)
    )
    return (response.status_code >= 500 and not by_design) or broken_header(response)


def broken_header(response) -> bool:
    return any(
        ord(char) < 32 and char != "\t" for value in response.headers.values() for char in value
    )


# ---- who asks ---------------------------------------------------------------------------------


def visitor_client(world: World, visitor: str) -> Callable[[], Client]:
    """A client for `visitor` that has only its first cookies before each case: a case may sign
    out or switch the language, and its session row comes back with the rollback."""
    user = {
        "anonymous": None,
        "participant": world.participant.user,
        "organiser": world.organiser.user,
    }[visitor]
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    first = SimpleCookie()
    first.update(client.cookies)

    def fresh() -> Client:
        client.cookies = SimpleCookie()
        client.cookies.update(first)
        return client

    return fresh


# ---- which keys each URL reads ----------------------------------------------------------------


@contextmanager
def recording_reads() -> Iterator[set[str]]:
    """Every key read from any QueryDict (request.GET, request.POST, the forms' data) while
    the block runs."""
    read: set[str] = set()
    originals = {name: getattr(MultiValueDict, name) for name in ("__getitem__", "get", "getlist")}
    contains = dict.__contains__

    def wrap(name):
        original = originals[name]

        def recorded(self, key, *args, **kwargs):
            if isinstance(self, QueryDict):
                read.add(key)
            return original(self, key, *args, **kwargs)

        return recorded

    class Contains:
        def __get__(self, obj, owner=None):
            def check(key):
                if isinstance(obj, QueryDict):
                    read.add(key)
                return contains(obj, key)

            return check

    for name in originals:
        setattr(MultiValueDict, name, wrap(name))
    QueryDict.__contains__ = Contains()
    try:
        yield read
    finally:
        for name, original in originals.items():
            setattr(MultiValueDict, name, original)
        del QueryDict.__contains__


# ---- the URLs ---------------------------------------------------------------------------------


@dataclass
class Target:
    name: str
    pattern: URLPattern
    keys: list[str]  # the keys its view reads, found by recording
    methods: list[str]  # the methods some visitor gets an answer other than 405 to


def path_values(world: World) -> dict[str, list[str]]:
    """For each path parameter, as it stands in the address (percent-encoded): the real value
    first, then others worth trying."""
    real = {key: str(value) for key, value in values_for(world).items()}
    other_event = world.other_events[0]
    far = ["0", str(2**31), str(2**63), "9" * 30]
    odd = ["%00", "%ED%A0%80", "%D9%A3", "%C2%B2", "a" * 300]  # NUL, surrogate, "٣", "²"
    return {
        "slug": [real["slug"], other_event.slug, "a" * 200, "organise"],
        "pk": [real["pk"], *[str(s.pk) for s in world.sessions[1:4]], *far],
        "attachment_pk": [real["attachment_pk"], *far],
        "room_id": [real["room_id"], *far],
        "event_id": [real["event_id"], str(other_event.pk), *far],
        "token": [real["token"], *odd, "x" * 5000, "..", "%20"],
        "kind": [real["kind"], "zip", "exe", *odd],
        "name": [real["name"], "..%2F..%2Fsettings.py", "%00.png", "%ED%A0%80.png"],
        "uidb64": [real["uidb64"], *odd],
    }


def url_with(name: str, pattern: URLPattern, segments: dict[str, str]) -> str:
    """The URL of `pattern` with each path parameter written as the given (encoded) text,
    even text its converter would not reverse: that is how a crafted request arrives."""
    keys = list(pattern.pattern.converters)
    sentinels = {key: 900_000_001 + i for i, key in enumerate(keys)}  # fit every converter
    url = url_for(name, pattern, sentinels)
    for key in keys:
        url = url.replace(str(sentinels[key]), segments[key], 1)
    return url


PATH_VALUES_CACHE: dict[str, list[str]] = {}

SKIP = {"admin-login"}  # Django's admin: its patterns are regexes, walked by test_csrf


def discover(
    world: World, clients: dict[str, Callable[[], Client]], only: set[str] | None = None
) -> list[Target]:
    """Each URL pattern with the keys its view reads from a plain GET and a POST (of one key
    that nothing reads), and the methods it answers the most privileged visitor."""
    PATH_VALUES_CACHE.clear()
    PATH_VALUES_CACHE.update(path_values(world))
    real = {key: values[0] for key, values in PATH_VALUES_CACHE.items()}
    targets = []
    for name, pattern in patterns():
        if name in SKIP or (only is not None and name not in only):
            continue
        url = url_with(name, pattern, real)
        methods = set()
        # the least and the most privileged visitor: between them every view reads its keys
        with recording_reads() as read:
            for fresh in dict.fromkeys([list(clients.values())[0], list(clients.values())[-1]]):
                # one key, so that `request.GET or None` and `request.POST or None` read on
                for case in (
                    Case("GET", url, query=(("_", "1"),)),
                    Case("POST", url, body=(("_", "1"),)),
                ):
                    with rolled_back():
                        status = send(fresh(), case).status_code
                    if status != 405 and fresh is list(clients.values())[-1]:
                        methods.add(case.method)
        if "POST" in methods:
            methods.add("MULTIPART")  # the same view, its body read another way
        keys = sorted(k for k in read if isinstance(k, str) and k != "_")
        targets.append(Target(name, pattern, keys, sorted(methods)))
    return targets


@contextmanager
def rolled_back() -> Iterator[None]:
    """The case changes nothing that the next one sees."""
    cache.clear()
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


# ---- the harness ------------------------------------------------------------------------------


def real_ids() -> list[str]:
    ids = [
        str(pk)
        for model in (Room, Slot, Theme, Attachment, Participant, GridChange, Event)
        for pk in model.objects.values_list("pk", flat=True)[:4]
    ]
    return ids + [str(pk) for pk in Session.objects.values_list("pk", flat=True)[:6]]


def fuzz(
    world: World,
    clients: dict[str, Callable[[], Client]],
    targets: list[Target],
    *,
    examples: int,
    sweep_width: int | None = None,
) -> Tally:
    """Run the cases; return what was seen (no assertion: the caller asserts)."""
    tally = Tally()
    KINDS["ids"] = real_ids()
    values = value_strategy()
    visitors = sorted(clients)

    def run(visitor: str, case: Case) -> None:
        with rolled_back():
            response = send(clients[visitor](), case)
        tally.record(case, response)

    # 1. the sweep: every URL, every method it takes, with `sweep_width` bad values (all of
    # them if None) of different kinds in turn, each in every key it reads (and every form
    # field name), by each visitor in turn
    real = {key: values[0] for key, values in PATH_VALUES_CACHE.items()}
    sweep_values = [kind[i % len(kind)] for i in range(3) for kind in KINDS.values() if kind]
    turn = 0
    for target in targets:
        url = url_with(target.name, target.pattern, real)
        for method in target.methods:
            for _ in range(sweep_width or len(sweep_values)):
                value = sweep_values[turn % len(sweep_values)]
                # a body over Django's 2.5 MB refusal, or an address over 4096 characters,
                # would test only that refusal: long values and queries in the view's own keys
                names = set(target.keys) or {"q", "page", "next"}
                if method != "GET" and len(value) <= 1000:
                    names |= FIELD_SET
                pairs = tuple((key, value) for key in sorted(names))
                own = tuple((key, value) for key in target.keys)
                # a POST's query too (a view may read request.GET while it handles a POST)
                query = pairs if method == "GET" else (own if len(value) <= 200 else ())
                body = pairs if method != "GET" else ()
                run(visitors[turn % len(visitors)], Case(method, url, query, body))
                turn += 1

    # 2. hypothesis: random URLs (with odd path parameters), keys, values, methods, visitors
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: the case is printed whole
        suppress_health_check=list(HealthCheck),
    )
    @given(cases(targets, visitors, values))
    def random_cases(drawn: tuple[str, Case]) -> None:
        run(*drawn)

    random_cases()
    return tally


@contextmanager
def quiet() -> Iterator[None]:
    """No log lines for the thousands of refusals (each 4xx is logged as a warning)."""
    logging.disable(logging.CRITICAL)
    try:
        yield
    finally:
        logging.disable(logging.NOTSET)


@st.composite
def cases(draw, targets: list[Target], visitors: list[str], values) -> tuple[str, Case]:
    """A visitor and a request: a URL (its path parameters sometimes odd), a method, and
    pairs of keys (mostly those the view reads) and values, in the query and the body."""
    target = draw(st.sampled_from(targets))
    path = {
        key: draw(st.sampled_from(choices)) if draw(st.booleans()) else choices[0]
        for key, choices in PATH_VALUES_CACHE.items()
    }
    url = url_with(target.name, target.pattern, path)
    own = target.keys or ["q"]
    key = st.one_of(
        st.sampled_from(own), st.sampled_from(own), st.sampled_from(FIELD_NAMES), st.text()
    )
    pairs = st.lists(st.tuples(key, values), max_size=6).map(tuple)
    method = draw(st.sampled_from(["GET", "POST", "MULTIPART"]))
    query = draw(pairs)
    body = draw(pairs) if method != "GET" else ()
    case = Case(method, url, query, body, htmx=draw(st.booleans()))
    return draw(st.sampled_from(visitors)), case


def report(label: str, tally: Tally, targets: list[Target]) -> str:
    read = sum(len(t.keys) for t in targets)
    return (
        f"\ninput fuzz ({label}): {tally.cases} cases on {len(targets)} URL patterns "
        f"({read} keys read by views, {len(FIELD_NAMES)} form field names); "
        f"bad values sent by kind {dict(sorted(tally.kinds.items()))}; "
        f"statuses {dict(sorted(tally.statuses.items(), key=str))}; {tally.server_errors()} server errors"
    )


# ---- the tests --------------------------------------------------------------------------------

RANDOM_CASES = 150  # per phase of the event, spread over the three visitors


@pytest.mark.django_db
def test_no_input_of_any_shape_gives_a_server_error() -> None:
    """While proposals and votes are open (the proposal forms take input), then with the grid
    published (the grid pages and feeds show it)."""
    world = build_world(["Plain title", "Gent", "Zaal 1", "Ruimte 2"], phase=Event.Phase.VOTING)
    clients = {
        visitor: visitor_client(world, visitor)
        for visitor in ("anonymous", "participant", "organiser")
    }
    with quiet():
        targets = discover(world, clients)
        voting = fuzz(world, clients, targets, examples=RANDOM_CASES, sweep_width=2)
        Event.objects.filter(pk=world.event.pk).update(phase=Event.Phase.PUBLISHED)
        published = fuzz(world, clients, targets, examples=RANDOM_CASES, sweep_width=1)

    label = "signed out / participant and host / organiser"
    print(report(f"voting open, {label}", voting, targets))
    print(report(f"grid published, {label}", published, targets))
    failures = voting.failures + published.failures
    assert failures == [], "\n\n".join(failures)
    assert voting.server_errors() + published.server_errors() == 0


# ---- the counter-checks: the same harness finds the bugs of issue 15 when they are back -------


def _old_selected_id(request):  # the grid editor before issue 15
    value = request.GET.get("select", "")
    return int(value) if value.isdigit() else None


def _old_check_values(self, value):  # the multiple-choice fields before issue 15
    for pk in value:
        text = str(pk)
        if not text.isdigit() or int(text) >= 2**63:
            from django.core.exceptions import ValidationError

            raise ValidationError("invalid", code="invalid_pk_value")
    return django_forms.ModelMultipleChoiceField._check_values(self, value)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("bug", "url_names"),
    [
        ("query parameter read with isdigit()", {"organiser:grid"}),
        ("choice field read with isdigit()", {"participant:propose"}),
    ],
)
def test_the_harness_finds_the_bugs_of_issue_15_when_they_are_put_back(
    monkeypatch, bug, url_names
) -> None:
    from sessions_app import forms as app_forms
    from sessions_app.views.organiser import grid_editor as grid_views

    if bug.startswith("query"):
        monkeypatch.setattr(grid_views, "_selected_id", _old_selected_id)
    else:
        monkeypatch.setattr(app_forms.ChoicesOfEvent, "_check_values", _old_check_values)
    world = build_world(["Plain title", "Gent", "Zaal 1", "Ruimte 2"], phase=Event.Phase.VOTING)
    clients = {"organiser": visitor_client(world, "organiser")}
    with quiet():
        targets = discover(world, clients, only=url_names)
        tally = fuzz(world, clients, targets, examples=10)  # every sweep value, then 10

    print(report(f"counter-check, {bug}", tally, targets))
    assert tally.server_errors() > 0, "the harness did not find a bug put back on purpose"
    assert "ValueError" in "".join(tally.failures)


# ---- each failure issue 15 found, as a visitor meets it ---------------------------------------


def _signed_in(participant: Participant) -> Client:
    client = Client(headers={"accept-language": "nl"})
    client.force_login(participant.user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("digit", ["²", "①", "٣", "𝟙", "9" * 30])
@pytest.mark.parametrize("editing", [False, True], ids=["propose", "edit"])
def test_a_number_character_in_a_choice_field_is_a_form_error_in_dutch(digit, editing) -> None:
    event = make_event(phase=Event.Phase.VOTING)
    theme = make_theme(event, name="Jeugd")
    make_slot(event, "10:00", "10:45")  # else the form has no slot field to send it to
    me = make_participant(event, name="An")
    session = make_session(event, [me], title="Vaders bereiken", description="Oud")
    form = {"title": "Ouders", "kind": "discussion", "description": "Nieuw", "version": 0}
    before = list(Session.objects.values_list("pk", "title", "description").order_by("pk"))
    url = (
        reverse("participant:edit-session", args=[event.slug, session.pk])
        if editing
        else reverse("participant:propose", args=[event.slug])
    )

    for name in ("themes", "cohosts", "unavailable_slots"):
        response = _signed_in(me).post(url, form | {name: [str(theme.pk), digit]})

        assert response.status_code == 200
        assert f"‘{digit}’ is geen geldige waarde." in response.content.decode()
    assert list(Session.objects.values_list("pk", "title", "description").order_by("pk")) == before


@pytest.mark.django_db
@pytest.mark.parametrize("select", ["²", "①", "٣", "-1", "9" * 30, "\u00b9\u00b2"])
def test_a_number_character_in_the_grid_editors_query_selects_nothing(select) -> None:
    event = make_event()
    organiser = make_participant(event, role=Participant.Role.ORGANISER)

    response = _signed_in(organiser).get(
        reverse("organiser:grid", args=[event.slug]), {"select": select}
    )

    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    ["event=%00", "event=a%00b", "event=%ED%A0%80", "%00=1", "next=%00"],
)
def test_a_nul_or_lone_surrogate_in_the_address_is_refused_in_words(query) -> None:
    event = make_event(slug="kamp")
    links = SignInLink.objects.count()
    client = Client(headers={"accept-language": "nl"})

    response = client.post(
        f"{reverse('public:sign-in-request')}?{query}", {"email": "an@example.org"}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "<h1>Dit verzoek kunnen we niet lezen</h1>" in page
    assert "Er is niets opgeslagen of veranderd" in page
    assert SignInLink.objects.count() == links
    assert Event.objects.get(pk=event.pk).slug == "kamp"


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["a\x00b", "\ud800", "x\udfffy"])
def test_a_nul_or_lone_surrogate_in_a_form_is_refused_in_words(value) -> None:
    event = make_event(phase=Event.Phase.VOTING)
    me = make_participant(event)
    sessions = Session.objects.count()
    body = "title=" + quote_from_bytes(value.encode("utf-8", "surrogatepass")) + "&kind=discussion"

    response = _signed_in(me).post(
        reverse("participant:propose", args=[event.slug]),
        body,
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400
    assert "<h1>Dit verzoek kunnen we niet lezen</h1>" in response.content.decode()
    assert Session.objects.count() == sessions


@pytest.mark.django_db
def test_a_session_cookie_holding_a_nul_signs_the_visitor_out_instead_of_failing() -> None:
    client = Client()
    client.cookies["sessionid"] = "abc\x00defghijklmnop"

    response = client.get(reverse("public:home"))

    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("rows", DEEP + ["1" * 5000, '[["\\ud800", 1, 1, true]]', '"\\u0000"'])
def test_a_grid_of_deep_or_odd_json_is_refused_and_changes_nothing(rows) -> None:
    world = build_world(["Plain title", "Gent", "Zaal 1", "Ruimte 2"])
    event = world.event
    Event.objects.filter(pk=event.pk).update(language=Event.Language.DUTCH)
    placements = list(event.sessions.values_list("pk", "placement__room", "placement__slot"))
    changes = GridChange.objects.count()

    response = _signed_in(world.organiser).post(
        reverse("organiser:accept-grid", args=[event.slug]),
        {"rows": rows, "version": event.grid_version},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 400
    assert "laad de pagina opnieuw" in response.content.decode()
    assert GridChange.objects.count() == changes
    assert list(event.sessions.values_list("pk", "placement__room", "placement__slot")) == (
        placements
    )


def test_every_id_number_and_json_field_of_the_forms_reads_strictly() -> None:
    """The kind, not the example: every field of sessions_app.forms that reads an id, a number
    or JSON from a client is one of client_input's strict fields (ASCII digits, bounded)."""
    from sessions_app import client_input
    from tests.security.test_form_fuzz import FORM_CLASSES

    strict = {
        django_forms.ModelChoiceField: (client_input.IdChoiceField, client_input.IdsChoiceField),
        django_forms.IntegerField: (client_input.StrictIntegerField,),
        django_forms.JSONField: (client_input.BoundedJSONField,),
    }
    lax = [
        f"{form.__name__}.{name}: {type(field).__name__}"
        for form in FORM_CLASSES
        for name, field in form.base_fields.items()
        for kind, fields in strict.items()
        if isinstance(field, kind) and not isinstance(field, fields)
    ]
    checked = sum(len(form.base_fields) for form in FORM_CLASSES)
    print(f"\nforms: {checked} fields of {len(FORM_CLASSES)} forms checked, lax: {lax}")
    assert lax == []
    # and the parsing they share takes ASCII digits only
    for text in ["²", "①", "٣", "𝟙", " 1", "1\n", "+", "", "9" * 19, "1e3", "0x1"]:
        assert client_input.parse_id(text) is None, text
    assert [client_input.parse_id(t) for t in ["1", "42", str(2**63 - 1)]] == [1, 42, 2**63 - 1]


# The headers a view reads (the query parameters and form fields are found by `discover`).
# `Idempotency-Key`: the key of an action sent from a phone's outbox (requests.idempotency_key).
HEADER_URLS = {"Idempotency-Key": ["participant:vote", "participant:follow"]}


@pytest.mark.django_db
@pytest.mark.parametrize("phase", [Event.Phase.VOTING, Event.Phase.PUBLISHED])
@pytest.mark.parametrize("header", sorted(HEADER_URLS))
def test_no_value_of_a_header_a_view_reads_gives_a_server_error(header, phase) -> None:
    """Every value of every kind, and keys that are nearly UUIDs, in the header; each send with
    both words of the button (a key seen before, sent again, is a replay)."""
    event = make_event(phase=phase)
    session = make_session(event, [make_participant(event, "Host")])
    client = _signed_in(make_participant(event, "Fuzz"))
    client.raise_request_exception = False
    uuid_text = "0f8fad5b-d9cb-469f-a165-70867728950e"
    nearly = [uuid_text, uuid_text.upper(), "{" + uuid_text + "}", "urn:uuid:" + uuid_text,
              uuid_text.replace("-", ""), uuid_text[:-1], uuid_text + "0", "٣" * 32, " " * 64]  # fmt: skip
    values = [v for kind, vs in KINDS.items() for v in vs if kind != "surrogate"] + nearly
    statuses: Counter = Counter()
    with quiet():
        for name in HEADER_URLS[header]:
            url = reverse(name, args=[event.slug, session.pk])
            for value in values:
                for word in ("1", "0", "x"):
                    for htmx in (True, False):
                        headers = {header: value} | ({"HX-Request": "true"} if htmx else {})
                        field = "vote" if name.endswith("vote") else "follow"
                        response = client.post(url, {field: word}, headers=headers)
                        statuses[response.status_code] += 1
                        assert not is_server_error(response), (name, value[:40], word)
    assert set(statuses) <= {200, 302, 409}, statuses


@pytest.mark.postgres
@pytest.mark.django_db
def test_without_the_middleware_a_nul_in_the_query_is_a_server_error_on_postgresql(
    settings,
) -> None:
    """The counter-check of the NUL tests above: PostgreSQL refuses NUL in text, so without
    ClientInputMiddleware the sign-in request of issue 15 fails again."""
    settings.MIDDLEWARE = [
        m for m in settings.MIDDLEWARE if not m.endswith("ClientInputMiddleware")
    ]
    client = Client(raise_request_exception=False)

    with quiet():
        response = client.post(
            f"{reverse('public:sign-in-request')}?event=%00", {"email": "an@example.org"}
        )

    assert response.status_code == 500
