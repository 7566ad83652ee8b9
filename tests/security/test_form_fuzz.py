"""Row 26: form robustness. Hypothesis posts arbitrary dictionaries (the field names every form
of sessions_app.forms knows, plus junk names; values from random text, attack strings, huge
and negative numbers and ids of real rows) to every URL of the project, as an organiser who is
also a participant and host: no answer is a server error. And forms built with valid random
data render with every value escaped."""

import inspect

import pytest
from django import forms as django_forms
from django.test import Client
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import from_form

from sessions_app import forms as app_forms
from sessions_app.models import Attachment, Room, Slot, Theme
from tests.factories import make_event
from tests.security.payloads import PAYLOADS
from tests.security.test_csrf import patterns, url_for, values_for
from tests.security.test_xss import Tags
from tests.security.world import build_world

FORM_CLASSES = [
    cls
    for _, cls in inspect.getmembers(app_forms, inspect.isclass)
    if issubclass(cls, django_forms.BaseForm) and cls.__module__ == app_forms.__name__
]
FIELD_NAMES = sorted(
    {name for cls in FORM_CLASSES for name in getattr(cls, "base_fields", {})}
    | {"next", "version", "prefix", "vote", "csrfmiddlewaretoken", "x", "", "id[]"}
)
NASTY = [p.text for p in PAYLOADS[:12]] + [
    "", " ", "0", "-1", "99999999999999999999999", "1e309", "NaN", "null", "true", "\x00",
    "../../etc/passwd", "a" * 5000, "2026-02-30", "25:61", "😀" * 50, "%s%s%n", "' OR 1=1 --",
]  # fmt: skip

EXAMPLES = 300


@pytest.mark.django_db
def test_arbitrary_posts_to_every_url_never_give_a_server_error() -> None:
    world = build_world(["Plain title", "Gent", "Zaal 1", "Ruimte 2"])
    client = Client()  # Client raises the exception of any 500, which fails the example
    client.force_login(world.organiser.user)
    values = values_for(world)
    every = [url_for(name, pattern, values) for name, pattern in patterns() if name != "logout"]
    urls = [url for url in every if client.post(url, {}).status_code != 405]  # the form views
    ids = [
        str(pk)
        for model in (Room, Slot, Theme, Attachment)
        for pk in model.objects.values_list("pk", flat=True)[:3]
    ]
    ids += [str(s.pk) for s in world.sessions[:3]]
    value = st.one_of(
        st.text(max_size=40), st.sampled_from(NASTY), st.sampled_from(ids), st.integers().map(str)
    )
    statuses: dict[int, int] = {}

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(
        url=st.sampled_from(urls),
        data=st.dictionaries(
            st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=10)), value, max_size=8
        ),
        htmx=st.booleans(),
    )
    def post(url: str, data: dict[str, str], htmx: bool) -> None:
        # NUL stays in: it is refused with 400 (form-encoded) or a form error (multipart), never
        # passed on to PostgreSQL (tests/security/test_input_fuzz.py sends every other kind)
        headers = {"HX-Request": "true"} if htmx else {}
        response = client.post(url, data, headers=headers)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        assert response.status_code < 500, (url, data, response.status_code)

    post()
    print(
        f"\nfuzz: {sum(statuses.values())} arbitrary POSTs to the {len(urls)} URLs (of {len(every)}) "
        "that take POST, 0 server errors; "
        f"statuses {dict(sorted(statuses.items()))}"
    )


TEXT_FORMS = ["JoinForm", "AttachmentLinkForm", "ThemeForm", "SynthesisForm", "EventTextsForm"]


@pytest.mark.django_db
@pytest.mark.parametrize("form_name", TEXT_FORMS)
def test_valid_generated_forms_render_escaped(form_name) -> None:
    form_class = getattr(app_forms, form_name)
    form_kwargs = {"event": make_event()} if form_name == "JoinForm" else {}
    rendered = 0

    @settings(
        max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(form=from_form(form_class, form_kwargs=form_kwargs, **_text_overrides(form_class)))
    def check(form) -> None:
        nonlocal rendered
        html = str(form)
        for value in form.data.values():
            if isinstance(value, str) and "<" in value:
                # shown, and escaped (the raw value proves nothing: "<" alone is in every tag)
                assert escape(value) in html
        assert "<script" not in html
        parser = Tags()
        parser.feed(html)
        for tag, attrs in parser.found:
            assert tag not in {"script", "img", "svg", "iframe", "a"}, (tag, html)
            assert not [name for name, _ in attrs if name.startswith(("on", "hx-"))], (tag, attrs)
        rendered += 1

    check()
    print(f"\nfuzz: {rendered} generated {form_name} forms rendered, every value escaped")


def _text_overrides(form_class) -> dict:
    """Char fields get attack strings as well as random text."""
    overrides = {}
    for name, field in form_class.base_fields.items():
        if isinstance(field, app_forms.SubmissionKeyField):  # hidden; a bad one is never shown
            overrides[name] = st.uuids().map(str)
        elif isinstance(field, django_forms.IntegerField) and type(field) is not (
            django_forms.IntegerField
        ):  # the strict and version fields of client_input/forms: hypothesis knows not them
            overrides[name] = st.integers(min_value=0, max_value=10**6)
        elif type(field) is django_forms.CharField:
            max_length = field.max_length or 200
            overrides[name] = st.one_of(
                st.sampled_from([p.text[:max_length] for p in PAYLOADS]),
                st.text(min_size=1, max_size=max_length),
            )
    return overrides
