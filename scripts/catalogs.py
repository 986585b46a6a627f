"""Translation catalogs without system tools: `compile` writes the .mo files (pure Python,
so `make demo` needs nothing but Python); `check` fails when a complete language (Spanish)
has an untranslated or fuzzy string, or a translation drops a placeholder.

    python scripts/catalogs.py compile
    python scripts/catalogs.py check
"""

import re
import sys
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "src/alianza/locale"
COMPLETE = ["es"]  # other languages may be partial: they fall back to English
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w+\}")


def catalogs() -> list[Path]:
    return sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))


def compile_all() -> int:
    for po_path in catalogs():
        po = polib.pofile(str(po_path))
        po.save_as_mofile(str(po_path.with_suffix(".mo")))
    return 0


def _placeholders_match(entry: polib.POEntry) -> bool:
    """A translation keeps its source's placeholders. In plural entries the first form follows
    msgid and may leave the count out ("this person"); the other forms follow msgid_plural."""
    found = PLACEHOLDER.findall
    if not entry.msgid_plural:
        return not entry.msgstr or set(found(entry.msgstr)) == set(found(entry.msgid))
    both = set(found(entry.msgid)) | set(found(entry.msgid_plural))
    for n, text in entry.msgstr_plural.items():
        if not text:
            continue
        if int(n) == 0 and not set(found(text)) <= both:
            return False
        if int(n) > 0 and set(found(text)) != set(found(entry.msgid_plural)):
            return False
    return True


def check() -> int:
    problems: list[str] = []
    for po_path in catalogs():
        po = polib.pofile(str(po_path))
        lang = po_path.parent.parent.name
        seen: set[tuple[str | None, str]] = set()
        for entry in po:
            key = (entry.msgctxt, entry.msgid)
            if key in seen:  # gettext refuses a catalog that defines a message twice (merges do this)
                problems.append(f"{lang}: {entry.msgid!r} is defined twice")
            seen.add(key)
        for entry in po.translated_entries():
            if not _placeholders_match(entry):
                problems.append(f"{lang}: placeholders differ in {entry.msgid!r}")
        if lang in COMPLETE:
            problems += [f"{lang}: untranslated {e.msgid!r}" for e in po.untranslated_entries()]
            problems += [f"{lang}: fuzzy {e.msgid!r}" for e in po.fuzzy_entries()]
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print("Run `make messages`, translate, and run this again.", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command not in {"compile", "check"}:
        sys.exit(__doc__)
    sys.exit(compile_all() if command == "compile" else check())
