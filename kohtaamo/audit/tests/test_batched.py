"""`batched_access_log()`: the entries of a page's sections are appended to the chain once, at
the end of the block, and none is lost."""

import uuid

import pytest

from kohtaamo.audit.actions import (
    Actor,
    batched_access_log,
    log_access,
    log_access_many,
    verify_all,
)
from kohtaamo.audit.models import AccessLogEntry
from kohtaamo.testing.helpers import count_queries

pytestmark = pytest.mark.django_db

ACTOR = Actor.system("test")


def _log(n, code):
    log_access_many(
        ACTOR,
        [(code, "people.consent", i) for i in range(n)],
        action=AccessLogEntry.Action.VIEW,
        purpose=AccessLogEntry.Purpose.CLIENT_WORK,
    )


def test_entries_are_written_at_the_end_of_the_block_in_one_append():
    code = uuid.uuid4()
    log_access(ACTOR, person_code=code, object_type="people.person", object_ref=0)  # chain head

    with batched_access_log():
        log_access(ACTOR, person_code=code, object_type="people.person", object_ref=1)
        _log(3, code)
        with batched_access_log():  # a nested block joins the outer one
            _log(2, code)
        assert AccessLogEntry.objects.filter(person_code=code).count() == 1

    assert AccessLogEntry.objects.filter(person_code=code).count() == 1 + 1 + 3 + 2
    assert list(
        AccessLogEntry.objects.filter(person_code=code)
        .order_by("seq")
        .values_list("seq", flat=True)
    ) == list(range(1, 8))
    assert verify_all()[1] == []


def test_one_append_whatever_the_number_of_sections():
    code = uuid.uuid4()
    log_access(ACTOR, person_code=code, object_type="people.person", object_ref=0)

    def page(sections):
        with batched_access_log():
            for _ in range(sections):
                _log(2, code)

    assert count_queries(lambda: page(1)) == count_queries(lambda: page(5))


def test_an_error_inside_writes_nothing():
    code = uuid.uuid4()

    with pytest.raises(RuntimeError), batched_access_log():
        _log(2, code)
        raise RuntimeError("the page failed: nothing was shown")

    assert not AccessLogEntry.objects.filter(person_code=code).exists()
    _log(1, code)  # outside a block, entries are written at once again
    assert AccessLogEntry.objects.filter(person_code=code).count() == 1
