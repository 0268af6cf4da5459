"""Database-level protection of the audit tables.

Both databases refuse UPDATE. PostgreSQL also refuses DELETE (TRUNCATE, used only by test
database flushes and by a DBA, is not row-level). SQLite cannot tell a test flush from a delete,
so there a deleted row is caught by `verify_audit` (a gap in the sequence or a head mismatch).
"""

from django.db import migrations

TABLES = ["audit_accesslogentry", "audit_changeentry"]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(
                "CREATE OR REPLACE FUNCTION kohtaamo_audit_append_only() RETURNS trigger AS $$ "
                "BEGIN RAISE EXCEPTION 'audit entries are append-only'; END; $$ LANGUAGE plpgsql"
            )
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION kohtaamo_audit_append_only()"
            )
        elif vendor == "sqlite":
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END"
            )


def backwards(apps, schema_editor):
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only" + (
            f" ON {table}" if schema_editor.connection.vendor == "postgresql" else ""))


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
