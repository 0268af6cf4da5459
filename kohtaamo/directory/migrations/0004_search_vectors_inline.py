"""PostgreSQL: keep the search vectors in the service row (uncompressed, not in TOAST), so
ranking a match reads its vector once from the heap page instead of detoasting it for every
ts_rank call. Nothing on SQLite."""

from django.db import migrations

LANGS = ("fi", "sv", "en")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("ALTER TABLE directory_service SET (toast_tuple_target = 8160)")
        for lang in LANGS:
            cursor.execute(
                f"ALTER TABLE directory_service ALTER COLUMN search_{lang} SET STORAGE MAIN"
            )
        # rewrite the vectors already stored, so they move in from TOAST
        cursor.execute(
            "UPDATE directory_service SET "
            + ", ".join(f"search_{lang} = search_{lang} || ''::tsvector" for lang in LANGS)
            + " WHERE search_fi IS NOT NULL"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("ALTER TABLE directory_service RESET (toast_tuple_target)")
        for lang in LANGS:
            cursor.execute(
                f"ALTER TABLE directory_service ALTER COLUMN search_{lang} SET STORAGE EXTENDED"
            )


class Migration(migrations.Migration):
    dependencies = [("directory", "0003_service_slug_set_index")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
