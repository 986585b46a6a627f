"""Finding people who may be the same person, within one organization.

People are compared within blocks that share a ZIP code (or, without one, a city), on their
names normalised across scripts and accents (NFKD without combining marks, case-folded), with
rapidfuzz's token-sort ratio, so "José Luis Pérez" matches "Perez, Jose Luis" and Vietnamese,
Chinese, Korean or Arabic names compare as written. Rows that an import added as possible
duplicates (same e-mail or phone) are paired there directly. Pairs once dismissed stay
dismissed.
"""

from __future__ import annotations

import json
import unicodedata
from collections import defaultdict
from collections.abc import Iterator

from django.db import transaction
from django.utils import timezone
from django_scopes import scope
from rapidfuzz import fuzz, process

from alianza.core.audit import log_action
from alianza.core.bulk_insert import insert_rows
from alianza.core.models import Organization, User

from .models import DuplicatePair, Person

NAME_THRESHOLD = 88  # token-sort ratio, 0 to 100


def name_key(given: str, family: str, preferred: str = "") -> str:
    text = f"{given} {family}".strip() or preferred
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return " ".join(text.casefold().replace(",", " ").split())


def _block(zip_code: str, city: str) -> str | None:
    if zip_code.strip():
        return "zip:" + zip_code.strip()[:5]
    if city.strip():
        return "city:" + name_key(city, "")
    return None


def pair_record(*, organization: Organization, ids: tuple[int, int], score: int, reasons: list[str]) -> bool:
    """Store a pair unless it is already known (open or dismissed). Returns whether it is new."""
    a, b = sorted(ids)
    _pair, created = DuplicatePair.objects.get_or_create(
        organization=organization, person_a_id=a, person_b_id=b, defaults={"score": score, "reasons": reasons}
    )
    return created


# Pairs are written in chunks of this many (memory stays bounded however many are found).
PAIR_CHUNK = 20_000


def duplicates_scan(*, organization: Organization, actor: User | None) -> int:
    """Look through all of an organization's people; returns how many new pairs were found.

    People are grouped by block (ZIP code, else city) and, within a block, by their name key
    with its words sorted; a token-sort ratio is then the plain ratio of two such keys, so each
    distinct name is compared once, in rapidfuzz's C++ loop, and people with
    the very same name pair up without any comparison. New pairs are inserted in bulk; known
    ones (open or dismissed) are left as they are."""
    with transaction.atomic(), scope(organization=organization):
        blocks: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        keys: dict[tuple[str, str, str], str] = {}
        people = 0
        rows = (
            Person.objects.filter(organization=organization)
            .order_by()
            .values_list("pk", "given_name", "family_name", "preferred_name", "zip_code", "city")
            .iterator(chunk_size=10_000)
        )
        for pk, given, family, preferred, zip_code, city in rows:
            block = _block(zip_code, city)
            if block is None:
                continue
            names = (given, family, preferred)
            key = keys.get(names)
            if key is None:
                if len(keys) > 200_000:  # names repeat a lot; the memo stays bounded when they do not
                    keys.clear()
                key = keys[names] = " ".join(sorted(name_key(given, family, preferred).split()))
            if key:
                blocks[block][key].append(pk)
                people += 1
        found = 0
        pending: list[tuple[int, int, int, str]] = []
        for block, by_name in blocks.items():
            where = "ZIP code" if block.startswith("zip:") else "city"
            for a, b, score in _block_pairs(by_name):
                pending.append((a, b, score, where))
                if len(pending) >= PAIR_CHUNK:
                    found += _pairs_insert(organization, pending)
                    pending = []
        found += _pairs_insert(organization, pending)
        log_action(
            actor=actor,
            organization=organization,
            action="people.duplicates.scanned",
            data={"people": people, "new_pairs": found},
        )
    return found


def _block_pairs(by_name: dict[str, list[int]]) -> Iterator[tuple[int, int, int]]:
    """(person id, person id, score) of every pair in one block whose names reach the
    threshold: the same name (100), or two names rapidfuzz scores at or above it."""
    names = list(by_name)
    for ids in by_name.values():
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                yield a, b, 100
    if len(names) < 2:
        return
    # Each distinct name against the ones after it, in rapidfuzz's C++ loop.
    for i, name in enumerate(names[:-1]):
        for _match, score, offset in process.extract(
            name, names[i + 1 :], scorer=fuzz.ratio, score_cutoff=NAME_THRESHOLD, limit=None
        ):
            rounded = round(score)
            for a in by_name[name]:
                for b in by_name[names[i + 1 + offset]]:
                    yield a, b, rounded


def _pairs_insert(organization: Organization, pairs: list[tuple[int, int, int, str]]) -> int:
    """Insert the pairs that are not known yet; how many were new."""
    if not pairs:
        return 0
    now = timezone.now()
    rows = [
        (min(a, b), max(a, b), score, json.dumps([f"similar name ({score})", f"same {where}"]))
        for a, b, score, where in pairs
    ]
    return insert_rows(
        DuplicatePair,
        ["person_a_id", "person_b_id", "score", "reasons"],
        rows,
        constants={"organization_id": organization.pk, "found_at": now},
        skip_conflicts=True,
    )
