"""The guard that only actions write (tests/write_guard.py): which statements count as writes,
and whose frame on the stack decides, shown on made-up stacks (innermost frame first)."""

import pytest
from django.db import connections

from sessions_app.models import Event
from tests.write_guard import GUARD, ROOT, Place, WriteGuard, offence, verb

LIBRARY = "/usr/lib/python3/site-packages"


def app(path: str, line: int = 10, function: str = "f") -> Place:
    return Place(str(ROOT / "sessions_app" / path), line, function)


def in_tests(path: str = "test_x.py") -> Place:
    return Place(str(ROOT / "tests" / path), 5, "test_x")


def django(path: str, function: str = "save") -> Place:
    return Place(f"{LIBRARY}/django/{path}", 1, function)


ORM = [django("db/backends/utils.py", "execute"), django("db/models/base.py", "save")]
REQUEST = [  # from the view out to the test that made the request
    django("core/handlers/base.py", "_get_response"),
    app("second_factor.py", 130, "__call__"),
    django("utils/deprecation.py", "__call__"),
    app("middleware.py", 53, "__call__"),
    django("test/client.py", "request"),
    in_tests(),
]


@pytest.mark.parametrize(
    ("sql", "kind"),
    [
        ('INSERT INTO "x" VALUES (1)', "INSERT"),
        ('  update "x" SET a = 1', "UPDATE"),
        ('DELETE FROM "x"', "DELETE"),
        ('SELECT * FROM "x" WHERE id = 1 FOR UPDATE', "SELECT FOR UPDATE"),
        ('SELECT * FROM "x" FOR NO KEY UPDATE', "SELECT FOR NO KEY UPDATE"),
        ('SELECT * FROM "x" FOR KEY SHARE', "SELECT FOR KEY SHARE"),
        ('SELECT * FROM "x" FOR SHARE', "SELECT FOR SHARE"),
        ('WITH moved AS (DELETE FROM "x" RETURNING id) SELECT 1', "DELETE"),
        ("SELECT * FROM \"x\" WHERE note = 'update'", None),
        ('SELECT "x"."id" FROM "x"', None),
        ('SAVEPOINT "s1"', None),
        ("PRAGMA foreign_keys", None),
    ],
)
def test_the_statements_that_count_as_writes(sql, kind):
    assert verb(sql) == kind


def test_a_view_that_saves_a_model_is_named_with_its_line():
    stack = [*ORM, app("views/public.py", 125, "join"), *REQUEST]
    assert offence(stack) == "sessions_app/views/public.py:125"


def test_an_action_writes_whoever_called_it():
    stack = [*ORM, app("actions/votes.py", 60), app("views/participant.py", 80), *REQUEST]
    assert offence(stack) is None


def test_jobs_and_migrations_write():
    assert offence([*ORM, app("jobs/report_builds.py"), in_tests()]) is None
    assert offence([*ORM, app("migrations/0002_data.py")]) is None


def test_a_model_method_is_judged_by_its_caller():
    writes = [*ORM, app("models.py", 300, "save")]
    assert offence([*writes, app("actions/people.py"), *REQUEST]) is None
    assert (
        offence([*writes, app("views/public.py", 40), *REQUEST])
        == "sessions_app/views/public.py:40"
    )


def test_a_compiled_read_that_locks_is_judged_by_its_caller():
    """prepared.py runs querysets its callers compiled: the event locked for a grid change is
    the action's lock; the same read from a view would be the view's."""
    locks = [django("db/backends/utils.py", "execute"), app("prepared.py", 73, "_fetch")]
    assert offence([*locks, app("actions/grid.py", 50, "_locked_event"), *REQUEST]) is None
    assert (
        offence([*locks, app("views/organiser/grid_editor.py", 99), *REQUEST])
        == "sessions_app/views/organiser/grid_editor.py:99"
    )


def test_django_signing_in_from_a_view_is_the_view_writing():
    """`auth.login` notes the last sign-in on the account's row: from a view that is the view
    writing; from actions.sign_in it is allowed."""
    login = [*ORM, django("contrib/auth/models.py", "update_last_login")]
    login += [django("dispatch/dispatcher.py", "send"), django("contrib/auth/__init__.py", "login")]
    assert offence([*login, app("views/public.py", 215), *REQUEST]) == (
        "sessions_app/views/public.py:215"
    )
    assert offence([*login, app("actions/people.py"), app("views/public.py"), *REQUEST]) is None


def test_the_session_store_writes_wherever_it_is_called_from():
    store = [*ORM[:1], django("contrib/sessions/backends/db.py", "save")]
    assert offence([*store, app("second_factor.py", 250, "confirm_setup"), *REQUEST]) is None
    assert offence([*store, django("contrib/sessions/middleware.py"), *REQUEST]) is None


def test_the_middleware_hands_on_requests_to_django_s_own_views():
    """The admin saving a row: Django's view under the app's middleware, from a test."""
    assert offence([*ORM, django("contrib/admin/options.py", "save_model"), *REQUEST]) is None


def test_a_middleware_writing_itself_is_named():
    stack = [*ORM, app("middleware.py", 70, "remember"), app("middleware.py", 53, "__call__")]
    assert offence([*stack, *REQUEST]) == "sessions_app/middleware.py:70"


def test_test_code_writes_its_own_rows_but_not_through_the_app():
    assert offence([*ORM, in_tests("factories.py"), in_tests()]) is None
    assert offence([*ORM, app("pitching.py", 88), in_tests()]) == "sessions_app/pitching.py:88"


def test_the_guard_s_own_frames_do_not_count_as_test_code():
    guard = Place(str(ROOT / GUARD), 1, "__call__")
    assert offence([guard, *ORM, app("views/public.py", 9), in_tests()]) == (
        "sessions_app/views/public.py:9"
    )


def test_a_thread_without_app_or_test_frames_is_left_alone():
    assert offence([*ORM, django("core/management/commands/migrate.py", "handle")]) is None


def test_the_guard_notes_offences_without_stopping_the_statement():
    guard = WriteGuard()
    sent = []

    def execute(sql, params, many, context):
        sent.append(sql)
        return "done"

    assert guard(execute, 'SELECT 1 FROM "x"', None, False, {}) == "done"
    assert guard.offences == []  # a read is not judged
    # a write from here: this file is test code, so it is allowed
    assert guard(execute, 'UPDATE "x" SET a = 1', None, False, {}) == "done"
    assert guard.offences == []
    assert sent == ['SELECT 1 FROM "x"', 'UPDATE "x" SET a = 1']


def _made_up_module(path: str, source: str, names: dict) -> dict:
    """Functions whose frames Python files under `path` (in the app), without such a file."""
    namespace = dict(names)
    exec(compile(source, str(ROOT / path), "exec"), namespace)
    return namespace


@pytest.mark.django_db
def test_a_write_from_a_view_module_fails_the_test(only_actions_write):
    """The real thing: an UPDATE sent from a (made-up) view module is noted with its line and
    would fail this test when it ends; here the note is read and then cleared."""
    view = _made_up_module(
        "sessions_app/views/made_up.py",
        "def rename():\n    Event.objects.filter(pk=0).update(name='x')\n",
        {"Event": Event},
    )["rename"]
    view()

    assert [o.split(" ")[:2] for o in only_actions_write.offences] == [
        ["sessions_app/views/made_up.py:2:", "UPDATE"]
    ]
    only_actions_write.offences.clear()


@pytest.mark.django_db
def test_the_same_write_from_an_action_module_passes(only_actions_write):
    action = _made_up_module(
        "sessions_app/actions/made_up.py",
        "def rename():\n    Event.objects.filter(pk=0).update(name='x')\n",
        {"Event": Event},
    )["rename"]
    action()

    assert only_actions_write.offences == []


@pytest.mark.django_db
def test_a_connection_opened_during_the_test_is_watched(only_actions_write):
    """A thread's own connection (the concurrency tests) is opened after the test started: it
    gets the guard when Django opens it."""
    opened = connections.create_connection("default")
    try:
        opened.ensure_connection()
        assert opened.execute_wrappers == [only_actions_write]
    finally:
        opened.close()
