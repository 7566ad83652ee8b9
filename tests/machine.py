"""How fast this machine runs Django now, against the machine the reliability plan's time limits
were measured on, so that a limit in seconds judges the code and not the hardware a run gets.

The same suite has run on machines three and a half times apart: the load suite's vote cost 2.8 ms
of app CPU per request on one and 10.1 ms on another, with the same code, and the event report's
300 sessions took 2.3 s on one and 6.3 s on the other. A limit written for the first fails on the
second, whatever the code does; a limit raised for the second lets a regression through on the
first. So the limits of rows 1 and 13 stay the plan's, on the plan's machine, and scale with a
yardstick measured in the same run, beside the figure it judges, as the benchmarks under bench/
put a trivial Django view beside theirs.

The yardstick is a fixed piece of the work the app does: rendering a 2 KB Django template (a
table of 40 rows with escaping, a filter, an `if` and a nested loop) 60 times, timed by the wall
clock (a neighbour who takes our core slows it as it slows the figure beside it). Its seconds are
the median of five blocks. `REFERENCE_SECONDS` is that median on the machine of the plan's
figures (2 cores, at rest): there `slowness()` is 1, and the limits are the plan's exactly. A
faster machine also gets 1: a limit is never made stricter than the plan's."""

from __future__ import annotations

import statistics
import time

# The yardstick's median on the reference machine (2 cores, load average 0.5, Python 3.11,
# 2026-12-07): the one where the load suite measured 2.8 ms of app CPU per vote and the event
# report rendered in 2.3 s.
REFERENCE_SECONDS = 0.052  # medians of four runs: 0.050-0.054

SOURCE = (
    "<table>{% for row in rows %}<tr class=\"{% cycle 'odd' 'even' %}\">"
    "<td>{{ row.title|upper }}</td><td>{% if row.hosts %}{% for h in row.hosts %}{{ h }}"
    "{% if not forloop.last %}, {% endif %}{% endfor %}{% else %}-{% endif %}</td>"
    "<td>{{ row.room }}</td><td>{{ row.votes }}</td></tr>{% endfor %}</table>"
)
ROWS = [
    {
        "title": f"Sessie {n}: ouders & <kinderen> samen",
        "hosts": [f"Gastvrouw {n}", f"Gastheer {n + 1}"][: n % 3],
        "room": f"Zaal {n % 6}",
        "votes": n * 7 % 41,
    }
    for n in range(40)
]


def yardstick_seconds(blocks: int = 5, renders: int = 60) -> float:
    """The median wall-clock seconds of `blocks` blocks of `renders` renders of the template."""
    from django.template import Context, Engine

    template = Engine().from_string(SOURCE)
    context = Context({"rows": ROWS})
    template.render(context)  # compiled and warm before the clock starts
    times = []
    for _ in range(blocks):
        started = time.perf_counter()
        for _ in range(renders):
            template.render(context)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def slowness(seconds: float | None = None) -> float:
    """How many times slower than the reference machine this one is now (never less than 1)."""
    measured = yardstick_seconds() if seconds is None else seconds
    return max(1.0, measured / REFERENCE_SECONDS)
