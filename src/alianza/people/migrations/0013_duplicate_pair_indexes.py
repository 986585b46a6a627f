"""The duplicate pair table keeps only the indexes its queries use (docs/performance.md,
"Duplicate scan"): the review queue's (organization, status, -score, id) replaces the
organization-only index; the unique (person_a, person_b) index serves person_a, which loses its
own; decided_by (read only when a user is deleted, which PROTECT then refuses) loses its index.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0008_retention_limits'),
        ('people', '0012_subject_request_phone'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='duplicatepair',
            name='decided_by',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='duplicatepair',
            name='organization',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.organization'),
        ),
        migrations.AlterField(
            model_name='duplicatepair',
            name='person_a',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='people.person'),
        ),
        migrations.AddIndex(
            model_name='duplicatepair',
            index=models.Index(fields=['organization', 'status', '-score', 'id'], name='people_duplicatepair_queue'),
        ),
    ]
