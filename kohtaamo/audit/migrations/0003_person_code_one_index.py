"""The person code is found through each chain's (person_code, at) index; its own index only
made every append slower. Only the index is dropped: altering the field would make SQLite rebuild
the table and lose its append-only trigger (0002)."""

from django.db import migrations, models

TABLES = ("audit_accesslogentry", "audit_changeentry")


def _index_name(schema_editor, table):
    return schema_editor._create_index_name(table, ["person_code"])


def forwards(apps, schema_editor):
    for table in TABLES:
        name = schema_editor.quote_name(_index_name(schema_editor, table))
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def backwards(apps, schema_editor):
    for table in TABLES:
        name = schema_editor.quote_name(_index_name(schema_editor, table))
        schema_editor.execute(f"CREATE INDEX {name} ON {table} (person_code)")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_append_only_triggers"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name=model,
                    name="person_code",
                    field=models.UUIDField(blank=True, null=True),
                )
                for model in ("accesslogentry", "changeentry")
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        ),
    ]
