"""The vote button and the votes left, written in Python (sessions_app/vote_html.py), are the
HTML the templates wrote (`REFERENCE`, the template before the change), up to the whitespace
between tags: for a participant who voted or not, the pitch round's copy and its twin, someone
who has not joined, voting closed, an error, plurals, in English and Dutch; titles and paths
are escaped wherever they appear. A tap's answer is held to it too."""

import re

import pytest
from django.middleware.csrf import get_token
from django.template import Context, RequestContext, Template
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from sessions_app.models import Event
from tests.factories import make_event, make_participant, make_session, make_vote

pytestmark = pytest.mark.django_db

# templates/includes/vote_button.html and votes_left.html as they were (at bcf99cd)
VOTES_LEFT = (
    '<p id="votes-left" class="votes-left" role="status"{% if oob %} hx-swap-oob="innerHTML"'
    "{% endif %}>{% if votes_left is not None and event.voting_open %}{% blocktranslate count "
    "left=votes_left %}You have {{ left }} vote left.{% plural %}You have {{ left }} votes left."
    "{% endblocktranslate %}{% endif %}</p>"
)
REFERENCE = (
    """{% load i18n %}
{% translate "Something went wrong with this button; please try again." as lost %}
{% with n=session.vote_count|default:0 prefix=vote_prefix|default:"" %}
<div class="vote" id="{{ prefix }}vote-{{ session.pk }}" data-twin="{% if prefix %}vote-{% else %}pitch-vote-{% endif %}{{ session.pk }}"{% if swap_oob %} hx-swap-oob="true"{% endif %}>
  {% if participant and event.voting_open %}
    {% if voted or session.pk in my_votes %}
      <form method="post" action="{% url 'participant:vote' event.slug session.pk %}" hx-post="{% url 'participant:vote' event.slug session.pk %}" hx-target="#{{ prefix }}vote-{{ session.pk }}" hx-swap="outerHTML" data-lost="{{ lost }}" data-outbox="vote" data-outbox-title="{{ session.title }}">
        {% csrf_token %}
        <input type="hidden" name="next" value="{{ next|default:request.get_full_path }}">
        {% if prefix %}<input type="hidden" name="prefix" value="{{ prefix }}">{% endif %}
        <button type="submit" name="vote" value="0" class="vote-button voted" id="{{ prefix }}vote-button-{{ session.pk }}">✓ {% translate "Voted" %}<span class="visually-hidden"> — {% translate "press to take your vote back" %}</span></button>
      </form>
    {% else %}
      <form method="post" action="{% url 'participant:vote' event.slug session.pk %}" hx-post="{% url 'participant:vote' event.slug session.pk %}" hx-target="#{{ prefix }}vote-{{ session.pk }}" hx-swap="outerHTML" data-lost="{{ lost }}" data-outbox="vote" data-outbox-title="{{ session.title }}">
        {% csrf_token %}
        <input type="hidden" name="next" value="{{ next|default:request.get_full_path }}">
        {% if prefix %}<input type="hidden" name="prefix" value="{{ prefix }}">{% endif %}
        <button type="submit" name="vote" value="1" class="vote-button" id="{{ prefix }}vote-button-{{ session.pk }}">+1 {% translate "Vote" %}<span class="visually-hidden">: {{ session.title }}</span></button>
      </form>
    {% endif %}
  {% elif not participant and event.voting_open %}
    <a class="small" href="{% url 'public:join' event.slug %}?next={{ request.get_full_path|urlencode }}">{% translate "Join to vote" %}</a>
  {% endif %}
  <span class="vote-count">{% blocktranslate count n=n %}{{ n }} vote{% plural %}{{ n }} votes{% endblocktranslate %}</span>
  {% if error %}<p class="vote-error" role="alert">{{ error }}</p>{% endif %}
</div>
{% endwith %}
{% if oob %}"""
    + VOTES_LEFT
    + "{% endif %}"
)
NEW = "{% load votes %}{% vote_button %}"


TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def same(html: str) -> str:
    """The HTML with the whitespace between tags and in runs taken out, and the CSRF token
    (masked anew for every form) marked."""
    html = re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()
    return TOKEN.sub('name="csrfmiddlewaretoken" value="TOKEN"', html)


@pytest.fixture
def camp(db):
    event = make_event(slug="buurtcamp", language="en", phase=Event.Phase.VOTING)
    fien = make_participant(event, "Fien")
    title = """<script>alert("x")</script> & 'Vaders' bereiken"""
    session = make_session(event, title=title)
    return event, fien, session


def request_at(path: str, fien=None):
    request = RequestFactory().get(path)
    request.user = fien.user if fien else None
    get_token(request)  # as on a page with a form
    return request


CASES = {
    "voted": {"voted": True, "vote_count": 1},
    "not voted, in my_votes": {"my_votes": {"pk"}, "vote_count": 2},
    "not voted": {"vote_count": 0},
    "pitch copy": {"vote_prefix": "pitch-", "vote_count": 5},
    "twin": {"vote_prefix": "", "swap_oob": True, "voted": True, "vote_count": 1},
    "with next": {"next": "/buurtcamp/proposals/?page=2&q=a b&r=<x>"},
    "error": {"error": "Voting is closed <now>.", "vote_count": 3},
    "not joined": {"participant": None},
    "voting closed": {"phase": Event.Phase.PUBLISHED, "vote_count": 7},
    "not joined, voting closed": {"participant": None, "phase": Event.Phase.PUBLISHED},
}


@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize("case", CASES)
def test_the_button_is_the_html_the_template_wrote(camp, case, language):
    event, fien, session = camp
    values = dict(CASES[case])
    if "phase" in values:
        event.phase = values.pop("phase")
    session.vote_count = values.pop("vote_count", None)
    if values.get("my_votes") == {"pk"}:
        values["my_votes"] = {session.pk}
    context = {"event": event, "session": session, "participant": fien} | values
    request = request_at('/buurtcamp/sessions/?q=Vaders bereiken&x=<y>&z="q"', fien)
    with translation.override(language):
        before = Template(REFERENCE).render(RequestContext(request, context))
        after = Template(NEW).render(RequestContext(request, context))

    assert same(after) == same(before)
    assert "<script>" not in after


@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize("left", [None, 0, 1, 3])
def test_the_votes_left_are_the_html_the_template_wrote(camp, left, language):
    event, _, _ = camp
    for phase in (Event.Phase.VOTING, Event.Phase.PUBLISHED):
        event.phase = phase
        context = Context({"event": event, "votes_left": left})
        with translation.override(language):
            before = Template("{% load i18n %}" + VOTES_LEFT).render(context)
            after = Template("{% load votes %}{% votes_left %}").render(context)
        assert after == before


@pytest.mark.parametrize("twin", [False, True])
def test_a_taps_answer_is_the_html_the_template_wrote(camp, twin):
    event, fien, session = camp
    event.votes_per_participant = 3
    event.save()
    other = make_session(event, title="Buurtwerk")
    make_vote(fien, other)
    client = Client(headers={"accept-language": "en", "HX-Request": "true"})
    client.force_login(fien.user)
    page = f"/{event.slug}/proposals/"
    client.get(page)  # the CSRF cookie, as the page gives it
    token = client.cookies["csrftoken"].value
    data = {"vote": "1", "prefix": "pitch-"} | ({"twin": "1"} if twin else {})
    url = reverse("participant:vote", args=[event.slug, session.pk])

    answer = client.post(
        url, data, HTTP_X_CSRFTOKEN=token, HTTP_HX_CURRENT_URL="http://testserver" + page
    )

    assert answer.status_code == 200
    html = answer.content.decode()
    session.vote_count = 1
    request = RequestFactory().post(url)
    request.META["CSRF_COOKIE"] = token
    context = {
        "event": event,
        "session": session,
        "participant": fien,
        "voted": True,
        "votes_left": 1,
        "oob": True,
        "vote_prefix": "pitch-",
        "next": answer.wsgi_request.POST.get("next") or session.get_absolute_url(),
    }
    with translation.override("en"):
        expected = Template(REFERENCE).render(RequestContext(request, context))
        if twin:
            twin_context = context | {"vote_prefix": "", "swap_oob": True, "oob": False}
            expected += Template(REFERENCE).render(RequestContext(request, twin_context))
    assert same(html) == same(expected)
    assert "You have 1 vote left." in html
