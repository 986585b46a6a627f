from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_scopes import scope

from alianza.core.lockdown import organization_is_locked
from alianza.core.models import Organization
from alianza.people.import_reading import ImportFileError
from alianza.people.importing import import_job_create, import_job_run, import_job_start
from alianza.people.models import ImportJob


class Command(BaseCommand):
    help = (
        "Import people from a CSV or XLSX file into an organization, with the columns matched by their "
        "names (or the organization's remembered choices). "
        "Example: alianza import-people list.csv --org comunidad-unida"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--org", required=True, help="the organization's short name")
        parser.add_argument(
            "--on-match",
            choices=ImportJob.OnMatch.values,
            default=ImportJob.OnMatch.SKIP,
            help="what to do with people already there (same e-mail or phone)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organization = Organization.objects.filter(slug=options["org"]).first()
        if organization is None:
            raise CommandError(f"No organization with the short name {options['org']!r}")
        if organization_is_locked(organization):
            raise CommandError(
                f"{organization.name} is locked down: imports are refused until two admins lift it "
                f"(alianza lockdown --org {organization.slug} --status)."
            )
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file {path}")

        def chunks() -> Any:
            with open(path, "rb") as fh:
                while chunk := fh.read(1 << 20):
                    yield chunk

        try:
            job = import_job_create(
                organization=organization,
                actor=None,
                file_name=path.name,
                chunks=chunks(),
                on_match=options["on_match"],
            )
            with scope(organization=organization):
                for index, field in job.mapping.items():
                    self.stdout.write(f"  column {job.headers[int(index)]!r} → {field}")
                job = import_job_start(job=job, actor=None, mapping=job.mapping, enqueue=False)
                job = import_job_run(job=job)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{job.rows_total} rows: {job.created} created, {job.updated} updated, {job.skipped} skipped, "
            f"{job.rejected} rejected"
        )
        if job.rejected:
            self.stdout.write(f"Rejected rows and reasons: /staff/{organization.slug}/people/import/{job.pk}/")
