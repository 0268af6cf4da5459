"""The database's own search index: FTS5 tables on SQLite, weighted tsvector columns with GIN
indexes and a trigram (GiST) index on the vocabulary on PostgreSQL (see directory/search_index.py)."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

LANGS = ("fi", "sv", "en")


def create(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for lang in LANGS:
                cursor.execute(f"ALTER TABLE directory_service ADD COLUMN search_{lang} tsvector")
                cursor.execute(
                    f"CREATE INDEX directory_service_search_{lang} ON directory_service "
                    f"USING gin (search_{lang})"
                )
            # GiST, not GIN: it answers "nearest words" (ORDER BY word <-> 'x') from the index.
            cursor.execute(
                "CREATE INDEX directory_term_word_trgm ON directory_term USING gist (word gist_trgm_ops)"
            )
        elif connection.vendor == "sqlite":
            for lang in LANGS:
                cursor.execute(
                    f"CREATE VIRTUAL TABLE directory_fts_{lang} USING fts5("
                    "name, keywords, body, extra, tokenize = 'unicode61 remove_diacritics 0')"
                )


def drop(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP INDEX IF EXISTS directory_term_word_trgm")
            for lang in LANGS:
                cursor.execute(f"ALTER TABLE directory_service DROP COLUMN IF EXISTS search_{lang}")
        elif connection.vendor == "sqlite":
            for lang in LANGS:
                cursor.execute(f"DROP TABLE IF EXISTS directory_fts_{lang}")


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [
        TrigramExtension(),  # does nothing on SQLite
        migrations.RunPython(create, drop),
    ]
