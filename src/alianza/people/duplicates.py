"""Finding people who may be the same person, within one organization.

People are compared within blocks that share a ZIP code (or, without one, a city), on their
names normalised across scripts and accents (NFKD without combining marks, case-folded), with
rapidfuzz's token-sort ratio, so "José Luis Pérez" matches "Perez, Jose Luis" and Vietnamese,
Chinese, Korean or Arabic names compare as written. Rows that an import added as possible
duplicates (same e-mail or phone) are paired there directly. Pairs once dismissed stay
dismissed.

A similar name is not always a lead: where many people share a name, two of them in one ZIP
code are more likely namesakes than one person twice. So the street address decides too
(``pair_decision``), and each person has at most ``MAX_OPEN_PER_PERSON`` pairs waiting for
review, the likeliest first. How these numbers were chosen (recall and precision on planted
duplicates, ``bench/scans.py``) is in docs/performance.md.
"""

from __future__ import annotations

import json
import re
import unicodedata
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterator

from django.db import transaction
from django.utils import timezone
from django_scopes import scope
from rapidfuzz import fuzz, process

from alianza.core.audit import log_action
from alianza.core.bulk_insert import insert_rows
from alianza.core.models import Organization, User

from .models import DuplicatePair, Person

NAME_THRESHOLD = 88  # token-sort ratio, 0 to 100: alike names, when the address does not say more
SAME_ADDRESS_THRESHOLD = 80  # ... enough when both records give the same street address
# A name is *common* in a block when more than this many namesakes would be there by chance
# (the other people of the organization with that name, spread over the blocks as people are);
# two people with a common name are paired only if their street addresses agree.
COMMON = 0.1
# ... and *rare* below this: then even different street addresses (a move) do not rule a pair out.
RARE = 0.01
# Below this many other people with the name in the whole organization, it is never common: in a
# small organization, or for a rare name, how often it appears says nothing.
COMMON_MIN_OTHERS = 10
MAX_OPEN_PER_PERSON = 5  # pairs waiting for review per person; the likeliest are kept


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


_HOUSE = re.compile(r"\W*(\d+)")
_LETTER = re.compile(r"[^\W\d_]")


def address_key(street: str) -> str | None:
    """The house number and the first three letters after it ("12 Main St" and "12 MAIN
    STREET, Apt 3" give "12mai"), or None for a street without a leading house number."""
    text = street.casefold()
    match = _HOUSE.match(text)
    if match is None:
        return None
    letters = "".join(_LETTER.findall(text, match.end(), match.end() + 24)[:3])
    if not letters.isascii():
        letters = "".join(ch for ch in unicodedata.normalize("NFKD", letters) if not unicodedata.combining(ch))
    return match.group(1) + letters


def pair_decision(*, score: int, address: str, expected_namesakes: float) -> bool:
    """Whether two people of one block whose names score ``score`` are worth a review.
    ``address``: "same" (same house number and street), "differ", or "unknown" (one of them
    gives no street address); ``expected_namesakes``: how many other people with that name the
    block would hold by chance (0 for a name that is never common)."""
    if address == "same":
        return score >= SAME_ADDRESS_THRESHOLD
    if score < NAME_THRESHOLD:
        return False
    if address == "unknown":
        return expected_namesakes <= COMMON
    return expected_namesakes <= RARE


def pair_record(*, organization: Organization, ids: tuple[int, int], score: int, reasons: list[str]) -> bool:
    """Store a pair unless it is already known (open or dismissed). Returns whether it is new."""
    a, b = sorted(ids)
    _pair, created = DuplicatePair.objects.get_or_create(
        organization=organization, person_a_id=a, person_b_id=b, defaults={"score": score, "reasons": reasons}
    )
    return created


# Pairs are written in chunks of this many (memory stays bounded however many are found).
PAIR_CHUNK = 20_000

# One block's people: (name key, address key or None, person id).
Block = list[tuple[str, str | None, int]]
# A group of people: address key (None: no street) → person ids.
Group = dict[str | None, list[int]]
# (lower id, higher id, score, how the addresses compare: "same", "unknown" or "differ").
Candidate = tuple[int, int, int, str]


def duplicates_scan(*, organization: Organization, actor: User | None) -> int:
    """Look through all of an organization's people; returns how many new pairs were found.

    People are grouped by block (ZIP code, else city); ``_block_pairs`` finds a block's
    candidates, the likeliest first. A pair is kept when ``pair_decision`` says so, at most
    ``MAX_OPEN_PER_PERSON`` open pairs per person counting those already in the queue (each
    person's likeliest first, and everyone's first pair before anyone's second); known pairs
    (open or dismissed) are never proposed again."""
    with transaction.atomic(), scope(organization=organization):
        blocks: dict[str, Block] = defaultdict(list)
        keys: dict[tuple[str, str, str], str] = {}
        addresses: dict[str, str | None] = {}
        frequency: Counter[str] = Counter()
        rows = (
            Person.objects.filter(organization=organization)
            .order_by()
            .values_list("pk", "given_name", "family_name", "preferred_name", "zip_code", "city", "street")
            .iterator(chunk_size=10_000)
        )
        for pk, given, family, preferred, zip_code, city, street in rows:
            block = _block(zip_code, city)
            if block is None:
                continue
            names = (given, family, preferred)
            key = keys.get(names)
            if key is None:
                if len(keys) > 200_000:  # names repeat a lot; the memo stays bounded when they do not
                    keys.clear()
                key = keys[names] = " ".join(sorted(name_key(given, family, preferred).split()))
            if not key:
                continue
            try:
                address = addresses[street]
            except KeyError:
                if len(addresses) > 200_000:  # so do streets (the same building, the same street)
                    addresses.clear()
                address = addresses[street] = address_key(street)
            blocks[block].append((key, address, pk))
            frequency[key] += 1
        del keys, addresses
        people = frequency.total()
        known: set[tuple[int, int]] = set()
        open_pairs: Counter[int] = Counter()
        for a, b, status in DuplicatePair.objects.values_list("person_a_id", "person_b_id", "status"):
            known.add((a, b))
            if status == DuplicatePair.Status.OPEN:
                open_pairs[a] += 1
                open_pairs[b] += 1
        found = 0
        pending: list[tuple[int, int, int, list[str]]] = []
        while blocks:
            block, members = blocks.popitem()
            where = "ZIP code" if block.startswith("zip:") else "city"
            candidates = _block_pairs(members, frequency=frequency, block_share=len(members) / people)
            # Twice through, the likeliest first: the first time only pairs that give someone
            # their first pair (so that no one is left out because their namesakes filled
            # the queue), the second time the others while there is room.
            for first in (True, False):
                for a, b, score, address in candidates:
                    if (a, b) in known or max(open_pairs[a], open_pairs[b]) >= MAX_OPEN_PER_PERSON:
                        continue
                    if first and open_pairs[a] and open_pairs[b]:
                        continue
                    known.add((a, b))
                    open_pairs[a] += 1
                    open_pairs[b] += 1
                    reasons = [f"similar name ({score})", f"same {where}", _ADDRESS_REASONS[address]]
                    pending.append((a, b, score, reasons))
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


# Stored in the pair (shown in the review queue as they are, in English, like the other reasons).
_ADDRESS_REASONS = {
    "same": "same street address",
    "unknown": "no street address to compare",
    "differ": "another street address, a rare name",
}


def _block_pairs(members: Block, *, frequency: Counter[str], block_share: float) -> list[Candidate]:
    """The pairs of one block that ``pair_decision`` keeps, the likeliest first (the same
    address first, then by score). Three passes, each only over what it can keep, so that a
    name many people share costs as many pairs as share an address, not the square of its count:

    1. people with the same name key (score 100);
    2. different names at the same address key, compared with rapidfuzz down to
       ``SAME_ADDRESS_THRESHOLD``;
    3. different names at other or unknown addresses: ``pair_decision`` keeps those only for
       names that are not common in the block, so only those names are compared with each
       other, down to ``NAME_THRESHOLD``, each distinct name once, in rapidfuzz's C++ loop
       (the token-sort ratio is the plain ratio of keys with sorted words)."""
    by_name: dict[str, Group] = defaultdict(lambda: defaultdict(list))
    by_address: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for key, address, pk in members:
        by_name[key][address].append(pk)
        if address is not None:
            by_address[address][key].append(pk)
    pairs: list[Candidate] = []
    for name, group in by_name.items():
        if sum(len(ids) for ids in group.values()) > 1:
            expected = _namesakes(frequency[name] - 2, block_share)
            pairs.extend(_group_pairs(group, group, 100, expected, ("same", "unknown", "differ")))
    for here in by_address.values():
        if len(here) < 2:
            continue
        names = list(here)
        for i, name in enumerate(names[:-1]):
            for _match, score, offset in process.extract(
                name, names[i + 1 :], scorer=fuzz.ratio, score_cutoff=SAME_ADDRESS_THRESHOLD, limit=None
            ):
                if pair_decision(score=round(score), address="same", expected_namesakes=0.0):
                    pairs.extend(
                        (min(a, b), max(a, b), round(score), "same")
                        for a in here[name]
                        for b in here[names[i + 1 + offset]]
                    )
    expected_of = {name: _namesakes(frequency[name] - 1, block_share) for name in by_name}
    # Shortest first: a name is compared only with the names after it that are short enough to
    # reach the threshold (a ratio is at most 2 * shorter / (shorter + longer)).
    names = sorted((name for name, expected in expected_of.items() if expected <= COMMON), key=len)
    lengths = [len(name) for name in names]
    reach = 200 / NAME_THRESHOLD - 1
    for i, name in enumerate(names[:-1]):
        longest = bisect_right(lengths, int(lengths[i] * reach + 1e-9), lo=i + 1)
        if longest <= i + 1:
            continue
        for _match, score, offset in process.extract(
            name, names[i + 1 : longest], scorer=fuzz.ratio, score_cutoff=NAME_THRESHOLD, limit=None
        ):
            other = names[i + 1 + offset]
            expected = max(expected_of[name], expected_of[other])
            pairs.extend(_group_pairs(by_name[name], by_name[other], round(score), expected, ("unknown", "differ")))
    pairs.sort(key=lambda pair: (pair[3] != "same", -pair[2], pair[0], pair[1]))
    return pairs


def _namesakes(others: int, block_share: float) -> float:
    """How many of ``others`` people with a name (the organization's, besides the pair) the
    block would hold by chance, if names were spread over blocks as people are; 0 when they
    are fewer than ``COMMON_MIN_OTHERS``."""
    return others * block_share if others >= COMMON_MIN_OTHERS else 0.0


def _group_pairs(one: Group, other: Group, score: int, expected: float, looked_at: tuple[str, ...]) -> list[Candidate]:
    """The pairs between two name groups (the same group twice for one name) that the decision
    keeps, among the address comparisons ``looked_at``. When it keeps only the same address,
    only people with the same address key are looked at (a common name's group is not squared)."""
    allowed = {
        address for address in looked_at if pair_decision(score=score, address=address, expected_namesakes=expected)
    }
    if allowed == {"same"}:
        combinations: Iterator[tuple[list[int], list[int], str]] = (
            (ids, other[key], "same") for key, ids in one.items() if key is not None and key in other
        )
    elif allowed:
        combinations = _address_combinations(one, other)
    else:
        return []
    pairs: list[Candidate] = []
    for xs, ys, address in combinations:
        if address not in allowed:
            continue
        if xs is ys:
            pairs.extend((min(a, b), max(a, b), score, address) for i, a in enumerate(xs) for b in xs[i + 1 :])
        else:
            pairs.extend((min(a, b), max(a, b), score, address) for a in xs for b in ys)
    return pairs


def _address_combinations(one: Group, other: Group) -> Iterator[tuple[list[int], list[int], str]]:
    """Every two address groups of two name groups (each unordered combination once when they
    are the same name group), with how the addresses compare."""
    same_group = one is other
    others = list(other.items())
    for i, (key, ids) in enumerate(one.items()):
        for j, (other_key, other_ids) in enumerate(others):
            if same_group and j < i:
                continue
            if key is None or other_key is None:
                yield ids, other_ids, "unknown"
            else:
                yield ids, other_ids, "same" if key == other_key else "differ"


def _pairs_insert(organization: Organization, pairs: list[tuple[int, int, int, list[str]]]) -> int:
    """Insert the pairs that are not known yet; how many were new."""
    if not pairs:
        return 0
    return insert_rows(
        DuplicatePair,
        ["person_a_id", "person_b_id", "score", "reasons"],
        [(a, b, score, json.dumps(reasons)) for a, b, score, reasons in pairs],
        constants={"organization_id": organization.pk, "found_at": timezone.now()},
        skip_conflicts=True,
    )
