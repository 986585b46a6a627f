import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from alianza.core import schedule


class Command(BaseCommand):
    help = (
        "Enqueue the periodic tasks that are due (commitment reminders, ...). Run it from cron every few "
        "minutes, or once with --loop to keep running. A task worker runs what it enqueues."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="keep running: check again every --interval seconds")
        parser.add_argument("--interval", type=float, default=60.0, help="seconds between checks with --loop (60)")
        parser.add_argument("--iterations", type=int, default=0, help="with --loop, stop after this many checks")

    def handle(self, *args: Any, **options: Any) -> None:
        self.verbosity = options["verbosity"]
        if not options["loop"]:
            self._run_once()
            return
        done = 0
        try:
            while True:
                try:
                    self._run_once()
                except Exception as exc:  # noqa: BLE001 — a database hiccup must not stop the scheduler; it tries again
                    self.stderr.write(f"schedule: {type(exc).__name__}: {exc}")
                done += 1
                if options["iterations"] and done >= options["iterations"]:
                    return
                close_old_connections()
                time.sleep(options["interval"])
        except KeyboardInterrupt:
            return

    def _run_once(self) -> None:
        names = schedule.run_due()
        if names:
            self.stdout.write("enqueued: " + ", ".join(names))
        elif self.verbosity >= 2:
            self.stdout.write("nothing due")
