"""Indexes for the commonest segment filters, and no organization-only indexes where a unique
or composite index already starts with the organization (docs/performance.md, "Scans").

- (organization, preferred_language, zip_code): the language filter and language + ZIP prefix
  (the prefix is checked in the index), both read from the index alone.
- (organization, created_at): "added in the last N days".
- PostgreSQL only: (organization, UPPER(county::text)) INCLUDE (county), under the expression
  ``county__iexact`` generates there, covering so that the count reads the index alone. SQLite's
  ``iexact`` is ``LIKE``, which no such index serves, so SQLite does not get it (as 0005).
- The organization foreign keys of people, e-mails and phones lose their own index
  (``db_index=False``): (organization, family_name, given_name) and the unique
  (organization, email) / (organization, number) indexes serve every query by organization.
"""

import django.db.models.deletion
from django.db import migrations, models

COUNTY = "people_person_org_county"


def create_county(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS {COUNTY} ON people_person ("organization_id", (UPPER("county"::text))) '
        'INCLUDE ("county")'
    )


def drop_county(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {COUNTY}")


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0006_retention'),
        ('people', '0010_merge_record_dropped'),
    ]

    operations = [
        migrations.AlterField(
            model_name='person',
            name='organization',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='people', to='core.organization'),
        ),
        migrations.AlterField(
            model_name='personemail',
            name='organization',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.organization'),
        ),
        migrations.AlterField(
            model_name='personphone',
            name='organization',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.organization'),
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(fields=['organization', 'preferred_language', 'zip_code'], name='people_person_org_lang_zip'),
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(fields=['organization', 'created_at'], name='people_person_org_created'),
        ),
        migrations.RunPython(create_county, drop_county),
    ]
