import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from kohtaamo.audit.actions import Actor, log_access, record_change, verify_all
from kohtaamo.audit.admin import ReadOnlyAdmin
from kohtaamo.audit.models import AccessLogEntry, AppendOnlyError, ChainHead, ChangeEntry

pytestmark = pytest.mark.django_db


def _entries(n=3):
    actor = Actor.system("test")
    return [
        log_access(actor, person_code=uuid.uuid4(), object_type="people.person", object_ref=i)
        for i in range(n)
    ]


def _without_trigger(sql, params):
    """Tamper with a row the way someone with database access would: past the trigger."""
    table = "audit_accesslogentry"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
            cursor.execute(sql, params)
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only")
        else:
            cursor.execute(f"DROP TRIGGER {table}_append_only")
            cursor.execute(sql, params)


def test_entries_form_a_chain():
    first, second, third = _entries()

    assert [first.seq, second.seq, third.seq] == [1, 2, 3]
    assert (
        first.prev_hash == "" and second.prev_hash == first.hash and third.prev_hash == second.hash
    )
    assert ChainHead.objects.get(name="access").last_hash == third.hash
    assert verify_all() == (3, [])


def test_verify_audit_command_passes_on_an_intact_chain(capsys):
    _entries()

    call_command("verify_audit")

    assert "3 audit entries verified" in capsys.readouterr().out


def test_verify_audit_detects_an_altered_row():
    entries = _entries()
    _without_trigger(
        "UPDATE audit_accesslogentry SET username = %s WHERE seq = %s", ["mallory", entries[1].seq]
    )

    count, problems = verify_all()

    assert count == 3
    assert [(p.seq, p.problem) for p in problems] == [(2, "contents altered")]
    with pytest.raises(CommandError, match="1 problem"):
        call_command("verify_audit")


def test_verify_audit_detects_a_removed_row():
    entries = _entries()
    _without_trigger("DELETE FROM audit_accesslogentry WHERE seq = %s", [entries[1].seq])

    _count, problems = verify_all()

    assert {p.problem for p in problems} >= {
        "missing entries before this one",
        "link to the previous entry broken",
    }


def test_verify_audit_detects_a_removed_last_row():
    entries = _entries()
    _without_trigger("DELETE FROM audit_accesslogentry WHERE seq = %s", [entries[-1].seq])

    _count, problems = verify_all()

    assert [p.problem for p in problems] == ["entries missing at the end"]


def test_model_and_queryset_refuse_changes():
    entry = _entries(1)[0]
    entry.username = "changed"

    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.all().update(username="x")
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.all().delete()


def test_the_database_refuses_an_update():
    entry = _entries(1)[0]

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_accesslogentry SET username = 'x' WHERE id = %s", [entry.pk])


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row deletes are refused by a trigger on PostgreSQL"
)
def test_postgresql_refuses_a_delete():
    entry = _entries(1)[0]

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_accesslogentry WHERE id = %s", [entry.pk])


def test_admin_cannot_add_change_or_delete(rf, administrator):
    request = rf.get("/")
    request.user = administrator
    admin = ReadOnlyAdmin(AccessLogEntry, None)

    assert not admin.has_add_permission(request)
    assert not admin.has_change_permission(request)
    assert not admin.has_delete_permission(request)


def test_change_history_chain_is_separate_and_verifiable():
    code = uuid.uuid4()
    record_change(
        Actor.system(),
        person_code=code,
        object_type="people.person",
        object_ref=1,
        action="update",
        changes={"phone": ["1", "2"]},
    )
    _entries(2)

    assert ChangeEntry.objects.get().seq == 1
    assert verify_all() == (3, [])


def test_admin_changelist_is_readable_by_a_superuser(client, administrator):
    from kohtaamo.testing.helpers import login_verified

    _entries(1)
    administrator.is_staff = administrator.is_superuser = True
    administrator.save()
    login_verified(client, administrator)

    response = client.get("/admin/audit/accesslogentry/")

    assert response.status_code == 200
    assert "people.person" in response.content.decode()
