"""Fail when a complete language (English, Spanish) has an untranslated or fuzzy string, or
when a catalog does not compile. Other languages may be partial: they fall back to English."""

import subprocess
import sys
from pathlib import Path

LOCALE = Path(__file__).resolve().parent.parent / "src/alianza/locale"
COMPLETE = ["es"]


def count(args: list[str], po: Path) -> int:
    out = subprocess.run(["msgattrib", *args, str(po)], check=True, capture_output=True, text=True).stdout
    return sum(1 for line in out.splitlines() if line.startswith("msgid ")) - (1 if out else 0)  # minus header


def main() -> int:
    failed = False
    for po in sorted(LOCALE.glob("*/LC_MESSAGES/django.po")):
        result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)], capture_output=True, text=True)
        if result.returncode:
            print(f"{po}: does not compile\n{result.stderr}", file=sys.stderr)
            failed = True
    for lang in COMPLETE:
        po = LOCALE / lang / "LC_MESSAGES/django.po"
        untranslated, fuzzy = count(["--untranslated"], po), count(["--only-fuzzy"], po)
        if untranslated or fuzzy:
            print(
                f"{po}: {untranslated} untranslated and {fuzzy} fuzzy strings (run `make messages`, then translate)",
                file=sys.stderr,
            )
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
