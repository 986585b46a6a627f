from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from alianza.core.backup import BackupError, backup_restore, backup_verify


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # an operator's tool: start fast, import no views
    help = (
        "Restore an encrypted backup (from `alianza backup`) into an EMPTY database and media folder. "
        "The whole file is checked first: a wrong key or a modified or truncated file changes nothing. "
        "With --verify-only, only check that the file is complete and opens with this key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the backup file")
        parser.add_argument("--verify-only", action="store_true", help="check the file, restore nothing")
        parser.add_argument("--tmp-dir", type=Path, default=None, help="folder for the decrypted copy while restoring")

    def handle(self, *args: Any, **options: Any) -> None:
        self.verbosity = options["verbosity"]
        try:
            if options["verify_only"]:
                manifest = backup_verify(path=options["file"], tmp_dir=options["tmp_dir"])
                self.stdout.write(
                    _("The backup is complete and opens with this key (%(engine)s database, made %(created)s).")
                    % {"engine": manifest.get("engine"), "created": manifest.get("created_at")}
                )
                return
            manifest = backup_restore(path=options["file"], tmp_dir=options["tmp_dir"], progress=self._say)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("Restored the backup made %(created)s. Start the site with the same master key and key store.")
            % {"created": manifest.get("created_at")}
        )

    def _say(self, message: str) -> None:
        if self.verbosity >= 1:
            self.stderr.write(message)
