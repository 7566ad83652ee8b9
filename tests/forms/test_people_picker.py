"""The people picker's server side (issue 14, defect 11): co-hosts and note-takers are a plain
`<select multiple>` that static/js/picker.js enhances; the select carries the picker's words in
the page's language and points at the hint that only the plain select needs."""

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from sessions_app.forms import NoteTakersForm, PeoplePicker, ProposalForm
from tests.factories import make_participant, make_session

pytestmark = pytest.mark.django_db


def rendered(field) -> str:
    return render_to_string("includes/field.html", {"field": field})


@pytest.mark.parametrize("field", ["cohosts", "note_takers"])
def test_every_choice_of_people_is_a_people_picker(event, participant, field):
    session = make_session(event, [participant])
    form = (
        ProposalForm(event=event, by=participant)
        if field == "cohosts"
        else NoteTakersForm(session=session)
    )

    assert isinstance(form.fields[field].widget, PeoplePicker)


def test_the_plain_select_has_the_hint_and_the_pickers_words_in_dutch(event, participant):
    make_participant(event, name="Jan D'Hondt", organisation="Gemeente Sint-Niklaas")
    form = ProposalForm(event=event, by=participant)

    with translation.override("nl"):
        html = rendered(form["cohosts"])

    assert "<select" in html and " multiple" in html and "data-picker" in html
    assert 'aria-describedby="id_cohosts_helptext id_cohosts_hint"' in html
    assert 'id="id_cohosts_hint"' in html
    assert "Ctrl-klik op elke naam" in html
    assert 'data-picker-remove="Verwijder %s"' in html
    assert 'data-picker-placeholder="Typ een naam of organisatie"' in html
    assert "Jan D&#x27;Hondt (Gemeente Sint-Niklaas)" in html


def test_the_note_takers_help_no_longer_says_hold_ctrl(event, participant):
    session = make_session(event, [participant])
    form = NoteTakersForm(session=session)

    with translation.override("en"):
        html = rendered(form["note_takers"])

    assert form.fields["note_takers"].help_text == "They may write this report too."
    assert 'aria-describedby="id_note_takers_helptext id_note_takers_hint"' in html
    assert "To pick several: Ctrl-click each name" in html  # in the hint JavaScript removes
