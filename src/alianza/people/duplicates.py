"""Finding people who may be the same person, within one organization.

People are compared within blocks that share a ZIP code (or, without one, a city), on their
names normalised across scripts and accents (NFKD without combining marks, case-folded), with
rapidfuzz's token-sort ratio, so "José Luis Pérez" matches "Perez, Jose Luis" and Vietnamese,
Chinese, Korean or Arabic names compare as written. Rows that an import added as possible
duplicates (same e-mail or phone) are paired there directly. Pairs once dismissed stay
dismissed.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict

from django.db import transaction
from django_scopes import scope
from rapidfuzz import fuzz, process

from alianza.core.audit import log_action
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


def duplicates_scan(*, organization: Organization, actor: User | None) -> int:
    """Look through all of an organization's people; returns how many new pairs were found."""
    with transaction.atomic(), scope(organization=organization):
        blocks: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for pk, given, family, preferred, zip_code, city in Person.objects.values_list(
            "pk", "given_name", "family_name", "preferred_name", "zip_code", "city"
        ).iterator(chunk_size=5000):
            block = _block(zip_code, city)
            key = name_key(given, family, preferred)
            if block and key:
                blocks[block].append((pk, key))
        found = 0
        for block, members in blocks.items():
            if len(members) < 2:
                continue
            names = [name for _pk, name in members]
            where = "ZIP code" if block.startswith("zip:") else "city"
            for i, name in enumerate(names[:-1]):
                # Each name against the ones after it, in rapidfuzz's C++ loop.
                for _match, score, offset in process.extract(
                    name, names[i + 1 :], scorer=fuzz.token_sort_ratio, score_cutoff=NAME_THRESHOLD, limit=None
                ):
                    reasons = [f"similar name ({round(score)})", f"same {where}"]
                    found += pair_record(
                        organization=organization,
                        ids=(members[i][0], members[i + 1 + offset][0]),
                        score=round(score),
                        reasons=reasons,
                    )
        log_action(
            actor=actor,
            organization=organization,
            action="people.duplicates.scanned",
            data={"people": sum(len(m) for m in blocks.values()), "new_pairs": found},
        )
    return found
