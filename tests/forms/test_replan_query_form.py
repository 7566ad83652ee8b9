"""The re-plan page's query string read by its form: what is right counts, what is wrong is
left out with a message in the order it came, and a disruption given twice counts once."""

import pytest
from django.http import QueryDict
from django.utils import translation

from sessions_app import replanning
from sessions_app.forms import ReplanQueryForm
from sessions_app.scheduling import Setting
from tests.views.organiser.test_replan import Day, build_day

pytestmark = pytest.mark.django_db


@pytest.fixture
def day() -> Day:
    return build_day()


def read(day: Day, query: str) -> ReplanQueryForm:
    with translation.override("en"):
        form = ReplanQueryForm(QueryDict(query), names=replanning.Names(day.event))
        form.is_valid()
    return form


def test_the_form_reads_each_kind_of_disruption_and_the_stability(day: Day) -> None:
    form = read(
        day,
        f"closed={day.boven.pk}@2026-06-13T13:00&absent_host={day.organiser.pk}"
        f"&absent_from=2026-06-13T14:30&cancel_session={day.bikes.pk}&setting=balanced",
    )

    assert form.is_valid()
    assert [(d.kind, d.value, d.text) for d in form.disruptions] == [
        ("closed", f"{day.boven.pk}@2026-06-13T13:00", "Bovenzaal closed from 13:00"),
        ("absent", f"{day.organiser.pk}@2026-06-13T14:30", "Olga absent from 14:30"),
        ("cancel", str(day.bikes.pk), "“Fietsen in de stad” cancelled"),
    ]
    # from the slot that runs then on (14:05-14:50 is still on at 14:30); a cancel has none
    assert [d.first_slot for d in form.disruptions] == [day.two.pk, day.two.pk, None]
    assert form.setting == Setting.BALANCED


def test_a_wrong_disruption_is_left_out_with_its_message_and_the_rest_still_count(
    day: Day,
) -> None:
    form = read(
        day,
        f"closed=999999@2026-06-13T13:00&closed={day.boven.pk}@2026-06-13T13:00"
        f"&closed={day.boven.pk}@2026-06-13T15:00&absent={day.organiser.pk}@noon"
        "&cancel=-1&setting=everything",
    )

    assert not form.is_valid()
    assert [d.text for d in form.disruptions] == ["Bovenzaal closed from 13:00"]
    assert list(form.non_field_errors()) == [
        "That room is not in this event.",
        "“noon” is not a date and time like 2026-06-13T13:00.",
        "That session is not on this event's board.",
        "Choose one of the three ways to re-plan.",
    ]
    assert form.setting is None
