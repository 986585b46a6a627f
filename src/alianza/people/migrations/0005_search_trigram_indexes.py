"""Instant search at a million people on PostgreSQL: trigram GIN indexes under the same
expressions Django's ``icontains`` uses (``UPPER(column::text) LIKE UPPER(%s)``). SQLite has no
trigram indexes; there the same queries run as a plain scan (the documented fallback)."""

from django.db import migrations

INDEXES = [
    ("people_person_given_trgm", "people_person", "given_name"),
    ("people_person_family_trgm", "people_person", "family_name"),
    ("people_person_preferred_trgm", "people_person", "preferred_name"),
    ("people_personemail_email_trgm", "people_personemail", "email"),
    ("people_personphone_number_trgm", "people_personphone", "number"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("people", "0004_lists_segments")]

    operations = [migrations.RunPython(create, drop)]
