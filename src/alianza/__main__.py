"""`alianza <command>`: Django's management commands for operators (same as manage.py)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alianza.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    # `alianza rotate-keys` is `manage.py rotate_keys` (also after `help`); options stay as typed.
    position = 2 if len(argv) > 2 and argv[1] == "help" else 1
    if len(argv) > position and not argv[position].startswith("-"):
        argv[position] = argv[position].replace("-", "_")
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
