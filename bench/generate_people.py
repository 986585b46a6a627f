"""A deterministic generator of messy, multilingual people CSV files for the import benchmark.

    python bench/generate_people.py --rows 100000 --out /tmp/people.csv [--seed 42]

Rows are written as they are made (memory stays flat). The same seed and row count always give
the same bytes. Every data row belongs to exactly one *kind*, which says what a correct importer
(on-match "skip") should do with it:

- ``new``: a new person with a valid e-mail and/or phone → created;
- ``duplicate``: the same e-mail or phone as an earlier ``new`` row, written differently
  (case, spaces, another phone format) → skipped;
- ``bad_email``, ``bad_phone``, ``no_contact``, ``unknown_language`` → rejected.

Blank lines (empty, or only commas) are sprinkled in; they are not rows. The counts of each kind
are returned by ``generate`` (and printed by the command line), so a benchmark can compare them
with what the importer reports.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path

HEADER = [
    "First Name",
    "Last Name",
    "Email",
    "Phone",
    "Street",
    "City",
    "County",
    "State",
    "ZIP",
    "Language",
    "Tags",
    "Notes",
]


@dataclass(frozen=True)
class Culture:
    given: list[str]
    family: list[str]
    languages: list[str]  # how people write their language: names, local names, codes
    country: str  # the international numbers some of them give ("" for none)
    weight: float
    latin: bool = True
    double_family: bool = False  # two family names, often
    syllables: str = ""  # given names built from these, instead of ``given``
    syllable_counts: tuple[int, ...] = (1, 2)


CULTURES: dict[str, Culture] = {
    "english": Culture(
        given=["James", "Mary", "Michael", "Jennifer", "Robert", "Linda", "David", "Ashley", "Tyrone", "Keisha"],
        family=["Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "O'Brien", "Washington"],
        languages=["English", "english", "en", "EN", "Eng", ""],
        country="",
        weight=0.20,
    ),
    "spanish": Culture(
        given=["María", "José", "Juan Carlos", "Guadalupe", "Luis", "Ana Sofía", "Jesús", "Xóchitl", "Ángel"],
        family=["García", "Hernández", "López", "Martínez", "Pérez", "Núñez", "Peña", "de la Cruz", "Ramírez Ortiz"],
        languages=["Spanish", "español", "Español", "espanol", "es", "ES", "es-MX", "Castellano", ""],
        country="52",
        weight=0.34,
        double_family=True,
    ),
    "portuguese": Culture(
        given=["João", "Maria José", "Ana", "Thiago", "Conceição", "Luíza", "Gonçalo", "Wellington"],
        family=["Silva", "Santos", "Oliveira", "Souza", "Conceição", "Araújo", "Gonçalves", "Magalhães"],
        languages=["Portuguese", "português", "Portugues", "pt", "pt-BR", "PT"],
        country="",
        weight=0.10,
        double_family=True,
    ),
    "haitian": Culture(
        given=["Jean-Baptiste", "Marie-Claude", "Wisly", "Fabiola", "Jean Robert", "Nadège", "Lovely", "Dieuseul"],
        family=["Pierre", "Jean-Louis", "Joseph", "Charles", "Dorvil", "Célestin", "Saint-Fleur", "Exantus"],
        languages=["Haitian Creole", "Kreyòl", "kreyol", "Creole", "ht", "Kreyòl ayisyen", "French", "fr"],
        country="509",
        weight=0.12,
    ),
    "vietnamese": Culture(
        given=["Văn An", "Thị Hoa", "Minh", "Thu Trang", "Quốc Bảo", "Ngọc Ánh", "Đức", "Hương"],
        family=["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi"],
        languages=["Vietnamese", "Tiếng Việt", "tieng viet", "vi", "VI"],
        country="84",
        weight=0.08,
    ),
    "chinese": Culture(
        given=["伟", "芳", "秀英", "建国", "丽娟", "志强", "美玲"],
        family=["王", "李", "张", "刘", "陈", "黄", "周"],
        languages=["Chinese", "Mandarin", "Cantonese", "zh-hans", "zh-Hant", "中文"],
        country="",
        weight=0.06,
        latin=False,
        syllables="伟芳英建国丽娟志强美玲明华军平刚桂兰秀霞敏静德海燕",
    ),
    "korean": Culture(
        given=["민준", "서연", "지훈", "하은", "현우"],
        family=["김", "이", "박", "최", "정"],
        languages=["Korean", "ko", "KO", "한국어"],
        country="",
        weight=0.04,
        latin=False,
        syllables="민준서연지훈하은현우수영정성호예진도윤",
        syllable_counts=(2,),
    ),
    "arabic": Culture(
        given=["محمد", "فاطمة", "أحمد", "مريم", "يوسف"],
        family=["الحسن", "عبد الله", "حداد", "الخطيب", "منصور"],
        languages=["Arabic", "ar", "AR", "العربية"],
        country="",
        weight=0.06,
        latin=False,
    ),
}
ROMANIZED = ["wei", "fang", "li", "minjun", "seoyeon", "jihun", "mohamed", "fatima", "ahmed", "maryam", "chen"]
DOMAINS = [
    "gmail.com",
    "yahoo.com",
    "hotmail.com",
    "outlook.com",
    "icloud.com",
    "aol.com",
    "comcast.net",
    "yahoo.com.mx",
    "hotmail.es",
    "uol.com.br",
]
# Real US area codes of the places below (invented numbers in them are valid for libphonenumber).
AREA_CODES = [
    "212", "718", "917", "347", "646", "305", "786", "954", "561", "407", "321", "617", "857", "781", "978",
    "508", "713", "832", "281", "214", "469", "404", "678", "770", "312", "773", "202", "301", "240", "703",
    "571", "215", "267", "201", "973", "862", "510", "415", "408", "213", "323", "818", "626", "619", "503",
    "206", "512", "210",
]  # fmt: skip
EXCHANGES = [f"{n:03d}" for n in range(200, 1000) if n % 100 != 11 and n not in (555, 950, 958, 959, 976)]
PLACES = [  # city, county spellings, state spellings, ZIP prefix
    ("Miami", ["Miami-Dade", "Miami Dade County", "miami-dade"], ["FL", "Florida", "Fla.", "fl"], "331"),
    ("Homestead", ["Miami-Dade", "Miami-Dade County"], ["FL", "Florida"], "330"),
    ("Boston", ["Suffolk", "Suffolk County"], ["MA", "Mass.", "Massachusetts"], "021"),
    ("Chelsea", ["Suffolk"], ["MA", "ma"], "021"),
    ("Lawrence", ["Essex", "Essex County"], ["MA"], "018"),
    ("Framingham", ["Middlesex"], ["MA", "Massachusetts"], "017"),
    ("Orlando", ["Orange", "Orange County"], ["FL"], "328"),
    ("Houston", ["Harris", "Harris County"], ["TX", "Texas"], "770"),
    ("Queens", ["Queens", "Queens County"], ["NY", "New York"], "113"),
    ("Brooklyn", ["Kings", "Kings County"], ["NY"], "112"),
    ("Newark", ["Essex", "Essex County"], ["NJ", "New Jersey"], "071"),
    ("Los Angeles", ["Los Angeles", "LA County"], ["CA", "California", "Calif."], "900"),
    ("San José", ["Santa Clara"], ["CA"], "951"),
]
STREETS = ["Main St", "Calle Ocho", "Washington Ave", "Broadway", "Blue Hill Ave", "NW 7th St", "Elm Street"]
UNITS = ["", "", "", " Apt 3", " Apt. 2B", " #12", " Unit 4", " Piso 2"]
TAGS = [
    "volunteer",
    "Volunteer",
    "canvass 2024",
    "rapid response",
    "ESL",
    "parent",
    "DACA clinic",
    "tenant union",
    "voluntario",
    "padres",
    "Kreyòl class",
    " youth ",
    "food bank",
    "lớp tiếng Anh",
]
NOTES = [
    "Needs a ride to meetings",
    "Prefers texts after 6pm; works nights",
    "Attended Know Your Rights training\nFollow up in Spanish",
    "Habla poco inglés",
    "Li pa gen machin",
    'Said "call my daughter first"',
    "Cần thông dịch viên",
]
UNKNOWN_LANGUAGES = ["Mam", "K'iche'", "Q'anjob'al", "Tagalog", "Russian", "Somali", "Quechua"]
BAD_EMAILS = [
    "{n}maria.gomez@gmail",
    "juan{n}@@yahoo.com",
    "ana gomez{n}@gmail.com",
    "pedro{n}@gmail..com",
    "jose{n}.@hotmail.com",
    "rosa{n}@",
    "luis{n}(at)yahoo.com",
    "carmen{n}@hotmail,com",
    "josé{n}@correo.mx",
    "no tiene",
    "n/a",
    "@gmail.com",
]
BAD_PHONES = [
    "123",
    "555-1234",
    "(999) 999-9999",
    "000-000-0000",
    "n/a",
    "none",
    "+1 (123) 456-7890",
    "12345678901234",
    "(212) 555-12",
    "+509 12",
    "+84 12 345",
    "llamar a su hija",
]
KINDS = {  # kind → share of the data rows
    "duplicate": 0.05,
    "bad_email": 0.015,
    "bad_phone": 0.015,
    "no_contact": 0.005,
    "unknown_language": 0.005,
}
BLANK_LINE_SHARE = 0.004
RESERVOIR = 20_000  # earlier new rows a duplicate can copy
PRIME = 1_000_003  # coprime with every numbering-space size below


@dataclass
class Phone:
    country: str  # "1" for NANP
    national: str  # digits


@dataclass
class Stats:
    rows: int = 0  # data rows (not blank lines)
    blank_lines: int = 0
    kinds: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str) -> None:
        self.rows += 1
        self.kinds[kind] = self.kinds.get(kind, 0) + 1

    def expected(self) -> dict[str, int]:
        """What an importer run with on-match "skip" should report."""
        k = self.kinds
        rejected = sum(k.get(name, 0) for name in ("bad_email", "bad_phone", "no_contact", "unknown_language"))
        return {"created": k.get("new", 0), "updated": 0, "skipped": k.get("duplicate", 0), "rejected": rejected}


def _ascii(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text).lower() if c.isascii() and c.isalnum())


def _serial(n: int) -> str:
    """A short base-36 tag that makes the n-th generated address unique."""
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if not n:
            return out


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - test data, not secrets
        self.cultures = list(CULTURES.values())
        self.weights = [c.weight for c in self.cultures]
        self.reservoir: list[tuple[str, Phone | None]] = []
        self.new_rows = 0
        self.phone_serial = 0
        self.email_serial = 0

    # --- contact points -----------------------------------------------------------------

    def _phone(self, culture: Culture) -> Phone:
        """A number no earlier call returned: serial * a prime, modulo the size of the numbering
        space, is a permutation of that space."""
        self.phone_serial += 1
        serial = self.phone_serial
        if culture.country and self.rng.random() < 0.12:
            if culture.country == "52":  # Mexico: 10 digits, area 55/33/81
                m = serial * PRIME % (3 * 10**8)
                return Phone("52", f"{['55', '33', '81'][m % 3]}{m // 3:08d}")
            if culture.country == "509":  # Haiti: 8 digits, mobiles start with 3 or 4
                m = serial * PRIME % (2 * 10**7)
                return Phone("509", f"{3 + m % 2}{m // 2:07d}")
            m = serial * PRIME % (6 * 10**7)  # Viet Nam mobiles
            return Phone("84", f"{['90', '91', '93', '98', '97', '86'][m % 6]}{m // 6:07d}")
        m = serial * PRIME % (len(AREA_CODES) * len(EXCHANGES) * 10_000)
        m, area = divmod(m, len(AREA_CODES))
        line, exchange = divmod(m, len(EXCHANGES))
        return Phone("1", f"{AREA_CODES[area]}{EXCHANGES[exchange]}{line:04d}")

    def _format_phone(self, phone: Phone) -> str:
        d = phone.national
        if phone.country == "1":
            a, e, s = d[:3], d[3:6], d[6:]
            formats = [
                f"({a}) {e}-{s}",
                f"{a}-{e}-{s}",
                f"{a}.{e}.{s}",
                f"{a}{e}{s}",
                f"1-{a}-{e}-{s}",
                f"+1 {a} {e} {s}",
                f"+1{a}{e}{s}",
                f"{a} {e} {s}",
                f"({a}){e}-{s}",
                f" {a}-{e}-{s} ",
                f"{a}-{e}-{s} ext. {self.rng.randint(1, 99)}",
            ]
            return self.rng.choices(formats, weights=[30, 25, 8, 10, 5, 5, 5, 5, 4, 2, 1])[0]
        c = phone.country
        if c == "52":
            formats = [f"+52 {d[:2]} {d[2:6]} {d[6:]}", f"+52{d}", f"+52 ({d[:2]}) {d[2:6]}-{d[6:]}", f"011 52 {d}"]
        elif c == "509":
            formats = [f"+509 {d[:4]} {d[4:]}", f"+509 {d[:2]}-{d[2:4]}-{d[4:]}", f"+509{d}", f"011509{d}"]
        else:
            formats = [f"+84 {d[:2]} {d[2:5]} {d[5:]}", f"+84 {d[:3]} {d[3:6]} {d[6:]}", f"+84{d}", f"+84-{d}"]
        return self.rng.choice(formats)

    def _email(self, given: str, family: str) -> str:
        self.email_serial += 1
        first = _ascii(given.split(" ")[0]) or self.rng.choice(ROMANIZED)
        last = _ascii(family.replace(" ", "")) or self.rng.choice(ROMANIZED)
        local = self.rng.choice([f"{first}.{last}", f"{first}{last}", f"{first[:1]}{last}", f"{first}_{last}"])
        return f"{local}{self.email_serial}@{self.rng.choice(DOMAINS)}"  # names have no digits: unique

    def _mess_email(self, email: str) -> str:
        r = self.rng.random()
        if r < 0.15:
            email = email.upper()
        elif r < 0.35:
            local, _at, domain = email.partition("@")
            email = f"{local.title()}@{domain.capitalize()}"
        if self.rng.random() < 0.1:
            email = f" {email}  "
        return email

    # --- the other columns ---------------------------------------------------------------

    def _name(self, culture: Culture) -> tuple[str, str]:
        # As varied as a real list: a second given name, two family names (as many Spanish and
        # Portuguese speakers write them), Chinese and Korean given names built from syllables.
        # (With one name from a short list, a ZIP code of 600 people holds the same name many
        # times over, and the duplicate scan pairs them all.)
        if culture.syllables:
            given = "".join(self.rng.sample(culture.syllables, self.rng.choice(culture.syllable_counts)))
        else:
            given = self.rng.choice(culture.given)
            if self.rng.random() < 0.4:
                given = f"{given} {self.rng.choice(culture.given)}"
        family = self.rng.choice(culture.family)
        if culture.double_family and self.rng.random() < 0.5:
            family = f"{family} {self.rng.choice(culture.family)}"
        if culture.latin:
            r = self.rng.random()
            if r < 0.05:
                given, family = given.upper(), family.upper()
            elif r < 0.08:
                given, family = given.lower(), family.lower()
            elif r < 0.18:  # decomposed accents, as some Mac and phone exports write them
                given, family = unicodedata.normalize("NFD", given), unicodedata.normalize("NFD", family)
            if self.rng.random() < 0.05:
                given = f"  {given} "
        if self.rng.random() < 0.03:  # the whole name in the first column
            given, family = f"{given} {family}", ""
        return given, family

    def _place(self) -> list[str]:
        city, counties, states, prefix = self.rng.choice(PLACES)
        zip_code = f"{prefix}{self.rng.randint(0, 99):02d}"
        r = self.rng.random()
        if r < 0.1:
            zip_code = f"{zip_code}-{self.rng.randint(0, 9999):04d}"
        elif r < 0.15 and zip_code.startswith("0"):
            zip_code = zip_code.lstrip("0")  # a spreadsheet ate the leading zero
        elif r < 0.18:
            zip_code = ""
        if self.rng.random() < 0.1:
            city = city.upper()
        street = f"{self.rng.randint(1, 9999)} {self.rng.choice(STREETS)}{self.rng.choice(UNITS)}"
        if self.rng.random() < 0.2:
            street = ""
        county = self.rng.choice(counties) if self.rng.random() < 0.7 else ""
        return [street, city, county, self.rng.choice(states), zip_code]

    def _tags(self) -> str:
        if self.rng.random() < 0.5:
            return ""
        return self.rng.choice([", ", ",", " , "]).join(self.rng.sample(TAGS, self.rng.randint(1, 3)))

    # --- rows ----------------------------------------------------------------------------

    def row(self) -> tuple[str, list[str]]:
        kind = self.rng.choices([*KINDS, "new"], weights=[*KINDS.values(), 1 - sum(KINDS.values())])[0]
        if kind == "duplicate" and not self.reservoir:
            kind = "new"
        culture = self.rng.choices(self.cultures, weights=self.weights)[0]
        given, family = self._name(culture)
        language = self.rng.choice(culture.languages)
        email, phone = "", ""
        if kind == "duplicate":
            old_email, old_phone = self.rng.choice(self.reservoir)
            use_email = bool(old_email) and (old_phone is None or self.rng.random() < 0.5)
            if use_email:
                email = self._mess_email(old_email)
                if self.rng.random() < 0.3:
                    phone = self._format_phone(self._phone(culture))
            else:
                assert old_phone is not None
                phone = self._format_phone(old_phone)
                if self.rng.random() < 0.3:  # a relative sharing the family phone
                    email = self._mess_email(self._email(given, family))
        elif kind == "no_contact":
            pass
        else:
            has_email = self.rng.random() < 0.75
            has_phone = not has_email or self.rng.random() < 0.75
            clean_email = self._email(given, family) if has_email else ""
            phone_obj = self._phone(culture) if has_phone else None
            email = self._mess_email(clean_email) if clean_email else ""
            phone = self._format_phone(phone_obj) if phone_obj else ""
            if kind == "bad_email":
                email = self.rng.choice(BAD_EMAILS).format(n=_serial(self.rng.randint(0, 10**6)))
            elif kind == "bad_phone":
                phone = self.rng.choice(BAD_PHONES)
            elif kind == "unknown_language":
                language = self.rng.choice(UNKNOWN_LANGUAGES)
            else:  # new: remembered (reservoir sampling) so later rows can duplicate it
                self.new_rows += 1
                entry = (clean_email, phone_obj)
                if len(self.reservoir) < RESERVOIR:
                    self.reservoir.append(entry)
                else:
                    slot = self.rng.randrange(self.new_rows)
                    if slot < RESERVOIR:
                        self.reservoir[slot] = entry
        notes = self.rng.choice(NOTES) if self.rng.random() < 0.03 else ""
        return kind, [given, family, email, phone, *self._place(), language, self._tags(), notes]


def generate(rows: int, out: Path, seed: int = 42) -> Stats:
    """Write ``rows`` data rows (plus a header and some blank lines) to ``out``."""
    generator = Generator(seed)
    stats = Stats()
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8-sig", newline="") as fh:  # with a BOM, as Excel writes it
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        while stats.rows < rows:
            if generator.rng.random() < BLANK_LINE_SHARE:
                writer.writerow([] if generator.rng.random() < 0.5 else [""] * len(HEADER))
                stats.blank_lines += 1
                continue
            kind, cells = generator.row()
            writer.writerow(cells)
            stats.count(kind)
    return stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, required=True, help="data rows to write (blank lines not counted)")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    stats = generate(args.rows, args.out, args.seed)
    print(json.dumps({**asdict(stats), "expected": stats.expected()}, ensure_ascii=False))


if __name__ == "__main__":
    main()
