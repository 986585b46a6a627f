from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from alianza.core.backup import BackupError, backup_create


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # an operator's tool: start fast, import no views
    help = (
        "Write one encrypted backup file with the whole database and the uploaded files "
        "(key: ALIANZA_BACKUP_KEY or ALIANZA_BACKUP_KEY_FILE). The master key and the key store "
        "are not in it: keep them separately. See docs/backups.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, type=Path, help="the backup file to create (must not exist)")
        parser.add_argument(
            "--tmp-dir", type=Path, default=None, help="folder for the SQLite snapshot while it is encrypted"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.verbosity = options["verbosity"]
        try:
            result = backup_create(out=options["out"], tmp_dir=options["tmp_dir"], progress=self._say)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("Backup written: %(path)s (%(size)s, %(engine)s database, %(media)s uploaded file(s)).")
            % {
                "path": result.path,
                "size": filesizeformat(result.size),
                "engine": result.engine,
                "media": result.media_files,
            }
        )

    def _say(self, message: str) -> None:
        if self.verbosity >= 1:
            self.stderr.write(message)
