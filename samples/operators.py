"""Deterministic synthetic operator exports: the clean bundled sample and the dirty test set.

Rows are produced as generators and written as they come, so a national-scale benchmark can call
`write_region_year` with large counts without holding activities in memory. All people are
synthetic: fødselsnumre are test numbers (month + 80 or + 40) with valid check digits, e-mail
addresses are @example.no.

    python -m samples.operators --out data/sample/operators
"""

from __future__ import annotations

import argparse
import csv
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from ingestion.operators.contract import (
    REGIONS,
    Schema,
    detect_kind,
    municipalities,
    normalise_name,
    schema_for,
)
from ingestion.operators.identifiers import (
    FNR_K1_WEIGHTS,
    FNR_K2_WEIGHTS,
    national_id_check_digits,
    org_number_check_digit,
)
from ingestion.operators.readers import read_table
from ingestion.operators.writers import pretty_header, write_xlsx

SEED = 20260101
YEARS = (2025, 2026)
# Ringeriksregionen ~250 clients and ~1200 activities a year; others scaled by population.
REGION_SCALE = {
    "ringeriksregionen": 1.0,
    "drammensregionen": 1.6,
    "kongsberg_numedal": 0.6,
    "hallingdal": 0.4,
    "midt_buskerud": 0.12,
}
REGION_PREFIX = {
    "ringeriksregionen": "RR",
    "drammensregionen": "DR",
    "kongsberg_numedal": "KN",
    "hallingdal": "HD",
    "midt_buskerud": "MB",
}

FIRST_NAMES_F = (
    "Kari",
    "Ingrid",
    "Sofie",
    "Nora",
    "Amina",
    "Fatima",
    "Marte",
    "Åse",
    "Hanne",
    "Linnea",
    "Maja",
    "Sara",
    "Tone",
    "Bjørg",
    "Zahra",
    "Olga",
    "Ewa",
    "Sunniva",
)
FIRST_NAMES_M = (
    "Ola",
    "Per",
    "Jonas",
    "Ahmed",
    "Mohammed",
    "Lars",
    "Øyvind",
    "Håkon",
    "Emil",
    "Tomasz",
    "Ali",
    "Erik",
    "Sindre",
    "Knut",
    "Yonas",
    "Jørgen",
    "Mats",
    "Bjørn",
)
LAST_NAMES = (
    "Hansen",
    "Johansen",
    "Olsen",
    "Larsen",
    "Andersen",
    "Pedersen",
    "Nilsen",
    "Berg",
    "Haugen",
    "Bakken",
    "Sæther",
    "Ødegård",
    "Kowalski",
    "Hussein",
    "Ali",
    "Dahl",
    "Lie",
    "Strand",
    "Solberg",
    "Eriksen",
    "Kristiansen",
    "Grønli",
    "Nguyen",
    "Tesfaye",
)
NACE_CODES = (
    "62.010",
    "47.910",
    "56.101",
    "96.021",
    "74.100",
    "43.320",
    "85.599",
    "90.012",
    "01.130",
    "49.320",
    "70.220",
    "86.909",
    "73.110",
    "55.101",
    "47.710",
)
COURSE_TITLES = (
    "Markedsføring i sosiale medier",
    "Budsjett og regnskap",
    "Skatt og mva",
    "Salg og kundebehandling",
    "Prising",
    "Digital synlighet",
    "Søknad om støtte",
    "Forretningsmodell",
    "Jus for små bedrifter",
    "Ansette første medarbeider",
)


@dataclass(frozen=True)
class FileFormat:
    """How one operator's system exports a file."""

    encoding: str = "cp1252"  # cp1252 | utf-8 | utf-8-sig | xlsx
    separator: str = ";"
    iso_dates: bool = False
    decimal_comma: bool = True
    headers: str = "pretty"  # pretty | no | alias

    @property
    def suffix(self) -> str:
        return ".xlsx" if self.encoding == "xlsx" else ".csv"


REGION_FORMATS: dict[str, dict[str, FileFormat]] = {
    "ringeriksregionen": {
        "default": FileFormat("cp1252", ";"),
        "finance": FileFormat("xlsx"),
        "activity_plan": FileFormat("xlsx"),
    },
    "drammensregionen": {"default": FileFormat("utf-8-sig", ";", headers="no")},
    "kongsberg_numedal": {"default": FileFormat("xlsx")},
    "hallingdal": {"default": FileFormat("cp1252", ";", headers="alias")},
    "midt_buskerud": {"default": FileFormat("utf-8", ",", iso_dates=True, headers="no")},
}


def format_for(region_id: str, kind: str) -> FileFormat:
    formats = REGION_FORMATS.get(region_id, {"default": FileFormat()})
    return formats.get(kind, formats["default"])


# --- identifiers --------------------------------------------------------------------------


def synthetic_national_id(rng: random.Random, birth: date, *, d_number: bool = False) -> str:
    """A synthetic test number: month + 80 (or + 40), valid check digits by the pre-2032 rule."""
    month = birth.month + rng.choice((80, 80, 40))
    day = birth.day + (40 if d_number else 0)
    low, high = (500, 999) if birth.year >= 2000 else (0, 499)
    while True:
        first_nine = f"{day:02d}{month:02d}{birth.year % 100:02d}{rng.randint(low, high):03d}"
        checks = national_id_check_digits(first_nine)
        if checks is not None:
            return first_nine + checks


def synthetic_org_number(rng: random.Random) -> str:
    while True:
        first_eight = "9" + "".join(str(rng.randint(0, 9)) for _ in range(7))
        check = org_number_check_digit(first_eight)
        if check is not None:
            return f"{first_eight}{check}"


def _ascii(text: str) -> str:
    return normalise_name(text).replace("_", "")


# --- people and records -------------------------------------------------------------------


@dataclass
class Person:
    client_id: str
    national_id: str | None
    name: str
    email: str | None
    phone: str | None
    municipality_code: str
    sex: str
    birth_year: int
    immigrant_background: bool
    first_contact_date: date
    referred_by: str


def _random_date(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _old_code(current: str) -> str:
    for m in municipalities():
        if m.current_code == current and m.code.startswith("30"):
            return m.code
    return current


def make_person(
    region_id: str,
    index: int,
    first_year: int,
    municipality_codes: tuple[str, ...],
    seed: int = SEED,
) -> Person:
    rng = random.Random(f"{seed}:{region_id}:person:{index}")
    sex = rng.choices(("K", "M", "U"), weights=(46, 51, 3))[0]
    immigrant = rng.random() < 0.27
    first = rng.choice(FIRST_NAMES_F if sex == "K" else FIRST_NAMES_M)
    last = rng.choice(LAST_NAMES)
    birth = _random_date(rng, date(1958, 1, 1), date(2005, 12, 31))
    national_id = None
    if rng.random() < 0.85:
        national_id = synthetic_national_id(rng, birth, d_number=immigrant and rng.random() < 0.3)
    email = f"{_ascii(first)}.{_ascii(last)}{index}@example.no" if rng.random() < 0.9 else None
    phone = None
    if rng.random() < 0.85:
        digits = f"{rng.choice('49')}{rng.randint(0, 9999999):07d}"
        phone = rng.choice((digits, f"{digits[:3]} {digits[3:5]} {digits[5:]}", f"+47 {digits}"))
    contact_year = first_year - 1 if rng.random() < 0.1 else first_year
    return Person(
        client_id=f"{REGION_PREFIX.get(region_id, 'XX')}-{index + 1:05d}",
        national_id=national_id,
        name=f"{first} {last}",
        email=email,
        phone=phone,
        municipality_code=rng.choices(
            municipality_codes, weights=[3 if i == 0 else 1 for i in range(len(municipality_codes))]
        )[0],
        sex=sex,
        birth_year=birth.year,
        immigrant_background=immigrant,
        first_contact_date=_random_date(rng, date(contact_year, 1, 2), date(contact_year, 11, 30)),
        referred_by=rng.choices(
            ("selv", "nav", "kommune", "innovasjon_norge", "bank", "regnskapsforer", "annet"),
            weights=(45, 15, 12, 8, 6, 6, 8),
        )[0],
    )


@dataclass
class RegionYear:
    """Everything generated for one (region, year), except activities, which stream."""

    region_id: str
    year: int
    municipality_codes: tuple[str, ...]
    clients: list[Person]
    courses: list[dict]
    n_activities: int
    seed: int = SEED
    old_code_share: float = 0.0
    scale: float = 1.0
    extra: dict = field(default_factory=dict)


def build_region_year(
    region_id: str,
    year: int,
    *,
    municipality_codes: tuple[str, ...] | None = None,
    n_clients: int | None = None,
    n_activities: int | None = None,
    seed: int = SEED,
    first_year: int = YEARS[0],
) -> RegionYear:
    """Clients served in `year`: about 30 % carried over from the year before, the rest new."""
    codes = municipality_codes or REGIONS[region_id]
    scale = REGION_SCALE.get(region_id, 1.0)
    n_clients = n_clients if n_clients is not None else max(8, round(250 * scale))
    n_activities = n_activities if n_activities is not None else max(30, round(1200 * scale))
    offset = round(0.7 * n_clients) * (year - first_year)
    clients = [
        make_person(
            region_id,
            i,
            first_year + (i // max(1, n_clients)) if i >= n_clients else first_year,
            codes,
            seed,
        )
        for i in range(offset, offset + n_clients)
    ]
    for person in clients:
        if person.first_contact_date.year > year:
            person.first_contact_date = person.first_contact_date.replace(year=year)
    rng = random.Random(f"{seed}:{region_id}:{year}:courses")
    prefix = REGION_PREFIX.get(region_id, "XX")
    courses = []
    n_basic, n_theme = max(1, round(6 * scale)), max(1, round(10 * scale))
    for i in range(n_basic + n_theme):
        basic = i < n_basic
        start = _random_date(rng, date(year, 1, 10), date(year, 11, 30))
        courses.append(
            {
                "course_id": f"{prefix}-KURS-{year}-{i + 1:02d}",
                "course_type": "grunnkurs" if basic else "temakurs",
                "title": "Grunnkurs for etablerere" if basic else rng.choice(COURSE_TITLES),
                "start_date": start,
                "end_date": start + timedelta(days=rng.choice((0, 0, 1, 2))),
                "fee_nok": Decimal("0.00") if basic else Decimal(rng.choice((0, 250, 500, 750))),
                "target_group": rng.choices(
                    ("alle", "innvandrere", "kvinner", "ungdom"), weights=(70, 12, 10, 8)
                )[0],
                "municipality_code": codes[0] if rng.random() < 0.7 else rng.choice(codes),
                "channel": "digital" if rng.random() < 0.3 else "fysisk",
            }
        )
    old_share = 0.1 if region_id == "hallingdal" and year == YEARS[0] else 0.0
    return RegionYear(
        region_id, year, codes, clients, courses, n_activities, seed, old_share, scale
    )


def client_rows(ry: RegionYear) -> Iterator[dict]:
    rng = random.Random(f"{ry.seed}:{ry.region_id}:{ry.year}:clients")
    for p in ry.clients:
        code = p.municipality_code
        if ry.old_code_share and rng.random() < ry.old_code_share:
            code = _old_code(code)
        yield {
            "client_id": p.client_id,
            "national_id": p.national_id,
            "name": p.name,
            "email": p.email,
            "phone": p.phone,
            "municipality_code": code,
            "sex": p.sex,
            "birth_year": p.birth_year,
            "immigrant_background": p.immigrant_background,
            "first_contact_date": p.first_contact_date,
            "referred_by": p.referred_by,
        }


def network_events(ry: RegionYear) -> list[tuple[str, date]]:
    """The region's network events of the year, (event id, date): the second Thursday of each
    month from February to June and September to November, and a Christmas event on 10
    December. Fixed dates, so that drawing them leaves the activities' random stream as it was."""
    prefix = REGION_PREFIX.get(ry.region_id, "XX")
    days = [_second_thursday(ry.year, month) for month in (2, 3, 4, 5, 6, 9, 10, 11)]
    days.append(date(ry.year, 12, 10))
    return [(f"{prefix}-NETT-{ry.year}-{n:02d}", day) for n, day in enumerate(days, start=1)]


def _second_thursday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(3 - first.weekday()) % 7 + 7)


def _event_for(events: list[tuple[str, date]], drawn: date, earliest: date) -> tuple[str, date]:
    """The first event on or after the drawn date; after the last, the last one the client
    could attend (every client's first contact is before 10 December)."""
    for event in events:
        if event[1] >= drawn:
            return event
    return [event for event in events if event[1] >= earliest][-1]


def activity_rows(ry: RegionYear) -> Iterator[dict]:
    rng = random.Random(f"{ry.seed}:{ry.region_id}:{ry.year}:activities")
    prefix = REGION_PREFIX.get(ry.region_id, "XX")
    year_start, year_end = date(ry.year, 1, 1), date(ry.year, 12, 31)
    types = ("veiledning", "kurs", "nettverk", "henvisning", "naeringsfaglig_vurdering", "mentor")
    events = network_events(ry)
    for n in range(ry.n_activities):
        person = ry.clients[rng.randrange(len(ry.clients))]
        kind = rng.choices(types, weights=(55, 20, 10, 7, 5, 3))[0]
        earliest = max(year_start, person.first_contact_date)
        row = {
            "activity_id": f"{prefix}-A{ry.year}-{n + 1:07d}",
            "client_id": person.client_id,
            "activity_date": _random_date(rng, earliest, year_end),
            "activity_type": kind,
            "channel": "digital" if rng.random() < 0.35 else "fysisk",
            "hours": Decimal(rng.choice(("0.5", "1", "1", "1.5", "1.5", "2", "2.5", "3"))),
            "course_id": None,
            "event_id": None,
            "course_completed": None,
            "referred_to": None,
            "assessment_completed_date": None,
        }
        if kind == "kurs" and ry.courses:
            course = ry.courses[rng.randrange(len(ry.courses))]
            row.update(
                course_id=course["course_id"],
                activity_date=course["start_date"],
                hours=Decimal(rng.choice(("3", "6", "6", "12"))),
                course_completed=rng.random() < 0.85,
                channel=course["channel"],
            )
        elif kind == "nettverk":
            event_id, held = _event_for(events, row["activity_date"], earliest)
            row.update(hours=Decimal("2"), event_id=event_id, activity_date=held)
        elif kind == "henvisning":
            row.update(
                hours=Decimal("0.5"),
                referred_to=rng.choices(
                    ("innovasjon_norge", "nav", "naeringsliv", "annet"), weights=(45, 25, 20, 10)
                )[0],
            )
        elif kind == "naeringsfaglig_vurdering":
            row["assessment_completed_date"] = row["activity_date"] + timedelta(
                days=rng.randint(2, 40)
            )
        yield row


def establishment_rows(ry: RegionYear) -> Iterator[dict]:
    rng = random.Random(f"{ry.seed}:{ry.region_id}:{ry.year}:establishments")
    for p in ry.clients:
        if rng.random() >= 0.3:
            continue
        registered = p.first_contact_date + timedelta(days=rng.randint(-20, 330))
        if registered.year != ry.year:
            continue
        ceased = None
        if rng.random() < 0.06:
            ceased = registered + timedelta(days=rng.randint(60, 300))
            ceased = ceased if ceased.year == ry.year else None
        yield {
            "client_id": p.client_id,
            "org_number": synthetic_org_number(rng),
            "registration_date": registered,
            "org_form": rng.choices(
                ("ENK", "AS", "ANS", "DA", "SA", "NUF"), weights=(62, 30, 3, 2, 1, 2)
            )[0],
            "nace_code": rng.choice(NACE_CODES),
            "ceased_date": ceased,
        }


def survey_rows(ry: RegionYear) -> Iterator[dict]:
    rng = random.Random(f"{ry.seed}:{ry.region_id}:{ry.year}:survey")
    prefix = REGION_PREFIX.get(ry.region_id, "XX")
    n_responses = max(3, round(len(ry.clients) * 0.35))
    for n in range(n_responses):
        answered = _random_date(rng, date(ry.year, 2, 1), date(ry.year, 12, 15))
        questions = ["fornoyd", "anbefale", "nytte_veiledning"]
        if rng.random() < 0.4:
            questions.append("nytte_kurs")
        for question in questions:
            if question == "anbefale":
                scale, score = (
                    "0-10",
                    rng.choices(range(11), weights=(1, 1, 1, 1, 2, 3, 4, 8, 14, 18, 16))[0],
                )
            else:
                scale, score = "1-5", rng.choices(range(1, 6), weights=(2, 4, 10, 20, 18))[0]
            yield {
                "response_id": f"{prefix}-S{ry.year}-{n + 1:05d}",
                "response_date": answered,
                "question_id": question,
                "scale": scale,
                "score": score,
            }


FINANCE_BUDGET = {  # NOK for scale 1.0 (illustrative)
    "lonn": 620000,
    "lokaler": 90000,
    "kurs": 70000,
    "markedsforing": 45000,
    "reise": 25000,
    "administrasjon": 40000,
    "annet": 15000,
    "inntekt_egenandel": 30000,
    "inntekt_tilskudd": 870000,
}


def finance_rows(ry: RegionYear) -> Iterator[dict]:
    rng = random.Random(f"{ry.seed}:{ry.region_id}:{ry.year}:finance")
    for record_type in ("budsjett", "regnskap"):
        for category, amount in FINANCE_BUDGET.items():
            value = Decimal(amount) * Decimal(str(ry.scale))
            if record_type == "regnskap":
                value = value * Decimal(str(round(rng.uniform(0.85, 1.12), 3)))
            yield {
                "record_type": record_type,
                "category": category,
                "amount_nok": value.quantize(Decimal("0.01")),
            }


PLAN_TARGETS = {
    "unike_klienter": 240,
    "nye_klienter": 170,
    "veiledningstimer": 900,
    "grunnkurs": 6,
    "temakurs": 10,
    "kursdeltakere": 140,
    "nyetableringer": 45,
    "nettverkssamlinger": 8,
    "brukerundersokelse_svar": 80,
}


def plan_rows(ry: RegionYear) -> Iterator[dict]:
    rng = random.Random(f"{ry.seed}:{ry.region_id}:{ry.year}:plan")
    submitted = _random_date(rng, date(ry.year - 1, 11, 1), date(ry.year - 1, 11, 30))
    for target, value in PLAN_TARGETS.items():
        yield {
            "target_id": target,
            "planned_value": Decimal(max(1, round(value * ry.scale))),
            "submitted_date": submitted,
        }


ROW_SOURCES = {
    "clients": client_rows,
    "activities": activity_rows,
    "courses": lambda ry: iter(ry.courses),
    "establishments": establishment_rows,
    "survey_responses": survey_rows,
    "finance": finance_rows,
    "activity_plan": plan_rows,
}


# --- writers ------------------------------------------------------------------------------


def header_for(schema: Schema, name: str, style: str) -> str:
    f = schema.field(name)
    if style == "pretty":
        return pretty_header(f.no)
    if style == "alias" and f.aliases:
        return f.aliases[0]
    return f.no


def _text(value, fmt: FileFormat) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nei"
    if isinstance(value, date):
        return value.isoformat() if fmt.iso_dates else value.strftime("%d.%m.%Y")
    if isinstance(value, Decimal):
        text = (
            format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
        )
        return text.replace(".", ",") if fmt.decimal_comma else text
    return str(value)


def write_rows(path: Path, kind: str, rows: Iterable[dict], fmt: FileFormat) -> Path:
    """Write rows the way an operator's export would look. Streams; returns the path."""
    schema = schema_for(kind)
    names = [f.name for f in schema.fields]
    headers = [header_for(schema, n, fmt.headers) for n in names]
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt.encoding == "xlsx":
        write_xlsx(path, names, headers, rows)
        return path
    with path.open("w", encoding=fmt.encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=fmt.separator, lineterminator="\r\n")
        writer.writerow(headers)
        for row in rows:
            writer.writerow([_text(row.get(n), fmt) for n in names])
    return path


def write_region_year(
    out_dir: Path,
    ry: RegionYear,
    *,
    formats: dict[str, FileFormat] | None = None,
    kinds: Iterable[str] | None = None,
) -> list[Path]:
    """Write every kind for one (region, year) to out_dir/<region_id>/<year>/<kind>.<ext>."""
    written = []
    for kind in kinds or ROW_SOURCES:
        fmt = (formats or {}).get(kind) or format_for(ry.region_id, kind)
        target = Path(out_dir) / ry.region_id / str(ry.year) / f"{kind}{fmt.suffix}"
        written.append(write_rows(target, kind, ROW_SOURCES[kind](ry), fmt))
    return written


def generate_sample(
    out_dir: Path,
    *,
    years: Iterable[int] = YEARS,
    seed: int = SEED,
    regions: dict[str, tuple[str, ...]] | None = None,
) -> list[Path]:
    """The clean bundled sample: every region, every kind, for each year."""
    written = []
    for region_id, codes in (regions or REGIONS).items():
        for year in years:
            ry = build_region_year(region_id, year, municipality_codes=codes, seed=seed)
            written += write_region_year(out_dir, ry)
    return written


# --- the dirty set ------------------------------------------------------------------------


@dataclass(frozen=True)
class Injection:
    kind: str
    row: int  # 0-based data row; the file line is row + 2
    column: str
    value: object
    reason: str

    @property
    def line(self) -> int:
        return self.row + 2


@dataclass
class DirtyFile:
    path: Path
    kind: str
    region_id: str
    year: int
    expected: list[Injection]


DIRTY_FORMATS = {
    "courses": FileFormat("utf-8", ",", iso_dates=True, headers="no"),
    "clients": FileFormat("cp1252", ";"),
    "activities": FileFormat("utf-8-sig", ",", headers="alias"),
    "establishments": FileFormat("xlsx"),
    "survey_responses": FileFormat("utf-8", ";", headers="no"),
    "finance": FileFormat("utf-8-sig", ";"),
    "activity_plan": FileFormat("xlsx"),
}

DIRTY_INJECTIONS: tuple[Injection, ...] = (
    Injection("courses", 1, "end_date", date(2025, 1, 1), "date_order"),
    Injection("courses", 2, "course_type", "gründerkurs", "invalid_code"),
    Injection("courses", 3, "fee_nok", Decimal("-100"), "negative_value"),
    Injection("courses", 4, "start_date", date(2024, 12, 1), "date_outside_year"),
    Injection("courses", 5, "title", None, "missing_required"),
    Injection("courses", 6, "municipality_code", "9999", "invalid_municipality"),
    Injection("courses", 7, "fee_nok", "12,345", "invalid_decimal"),
    Injection("clients", 1, "national_id", "01019012346", "invalid_national_id"),
    Injection("clients", 2, "national_id", "1019012345", "invalid_national_id"),
    Injection("clients", 3, "sex", "X", "invalid_code"),
    Injection("clients", 4, "birth_year", "19x0", "invalid_integer"),
    Injection("clients", 5, "birth_year", 1850, "out_of_range"),
    Injection("clients", 6, "municipality_code", None, "missing_required"),
    Injection("clients", 7, "municipality_code", "605", "invalid_municipality"),
    Injection("clients", 8, "immigrant_background", "kanskje", "invalid_boolean"),
    Injection("clients", 9, "first_contact_date", date(2026, 1, 5), "date_after_year"),
    Injection("clients", 10, "first_contact_date", "31.02.2025", "invalid_date"),
    Injection("clients", 11, "referred_by", "facebook", "invalid_code"),
    Injection("activities", 1, "client_id", "RR-99999", "unknown_reference"),
    Injection("activities", 2, "hours", Decimal("-1"), "negative_value"),
    Injection("activities", 3, "hours", Decimal("2000"), "out_of_range"),
    Injection("activities", 4, "activity_date", date(2024, 6, 1), "date_outside_year"),
    Injection("activities", 5, "activity_type", "coaching", "invalid_code"),
    Injection("activities", 6, "hours", "1,555", "invalid_decimal"),
    Injection("activities", 7, "channel", None, "missing_required"),
    Injection("establishments", 1, "org_number", "974760674", "invalid_org_number"),
    Injection("establishments", 2, "org_form", "BA", "invalid_code"),
    Injection("establishments", 3, "nace_code", "6201", "invalid_nace"),
    Injection("establishments", 4, "client_id", "RR-99998", "unknown_reference"),
    Injection("establishments", 5, "registration_date", date(2026, 2, 1), "date_after_year"),
    Injection("survey_responses", 0, "score", 7, "score_out_of_range"),
    Injection("survey_responses", 2, "score", "fem", "invalid_integer"),
    Injection("survey_responses", 3, "question_id", "hvordan", "invalid_code"),
    Injection("survey_responses", 4, "response_date", date(2026, 1, 3), "date_outside_year"),
    Injection("finance", 1, "amount_nok", Decimal("-5000"), "negative_value"),
    Injection("finance", 2, "category", "kaffe", "invalid_code"),
    Injection("finance", 3, "amount_nok", "mye", "invalid_decimal"),
    Injection("activity_plan", 1, "target_id", "fornoyde_kunder", "invalid_code"),
    Injection("activity_plan", 2, "planned_value", Decimal("-3"), "negative_value"),
    Injection("activity_plan", 3, "submitted_date", date(2023, 11, 20), "date_outside_plan_window"),
    Injection("activity_plan", 4, "submitted_date", None, "missing_required"),
)


def _dirty_rows(ry: RegionYear, kind: str) -> tuple[list[dict], list[Injection]]:
    rows = [dict(r) for r in ROW_SOURCES[kind](ry)]
    expected = []
    for inj in DIRTY_INJECTIONS:
        if inj.kind == kind:
            rows[inj.row][inj.column] = inj.value
            expected.append(inj)
    if kind == "clients":
        # Valid edge cases that must pass: a D-number, a 2032-rule number, an old Viken code.
        rows[12]["national_id"] = _d_number_example()
        rows[13]["national_id"] = _rule_2032_example()
        rows[14]["municipality_code"] = "3007"
        rows.append(dict(rows[15]))  # duplicate client_id
        expected += [
            Injection(kind, 15, "client_id", rows[15]["client_id"], "duplicate_key"),
            Injection(kind, len(rows) - 1, "client_id", rows[15]["client_id"], "duplicate_key"),
        ]
    if kind == "activities":
        kurs = next(i for i, r in enumerate(rows) if r["activity_type"] == "kurs" and i > 20)
        rows[kurs]["course_id"] = None
        henv = next(i for i, r in enumerate(rows) if i > 20 and r["activity_type"] != "kurs")
        rows[henv].update(activity_type="henvisning", referred_to=None)
        vurd = next(
            i for i, r in enumerate(rows) if i > henv and r["activity_type"] == "veiledning"
        )
        rows[vurd].update(
            activity_type="naeringsfaglig_vurdering",
            assessment_completed_date=rows[vurd]["activity_date"] - timedelta(days=3),
        )
        unknown_course = next(
            i for i, r in enumerate(rows) if i > vurd and i != kurs and r["activity_type"] == "kurs"
        )
        rows[unknown_course]["course_id"] = "RR-KURS-2025-99"
        rows.append(dict(rows[30]))
        expected += [
            Injection(kind, kurs, "course_id", None, "missing_conditional"),
            Injection(kind, henv, "referred_to", None, "missing_conditional"),
            Injection(kind, vurd, "assessment_completed_date", None, "date_order"),
            Injection(kind, unknown_course, "course_id", "RR-KURS-2025-99", "unknown_reference"),
            Injection(kind, 30, "activity_id", None, "duplicate_key"),
            Injection(kind, len(rows) - 1, "activity_id", None, "duplicate_key"),
        ]
    if kind == "survey_responses":
        anbefale = next(i for i, r in enumerate(rows) if i > 5 and r["question_id"] == "anbefale")
        rows[anbefale].update(scale="1-5", score=4)
        rows.append(dict(rows[8]))
        expected += [
            Injection(kind, anbefale, "scale", "1-5", "scale_mismatch"),
            Injection(kind, 8, "response_id", None, "duplicate_key"),
            Injection(kind, len(rows) - 1, "response_id", None, "duplicate_key"),
        ]
    if kind == "finance":
        rows.append(dict(rows[5]))
        expected += [
            Injection(kind, 5, "record_type", None, "duplicate_key"),
            Injection(kind, len(rows) - 1, "record_type", None, "duplicate_key"),
        ]
    return rows, expected


def _d_number_example() -> str:
    first_nine = "410180123"
    while national_id_check_digits(first_nine) is None:
        first_nine = first_nine[:6] + f"{int(first_nine[6:]) + 1:03d}"
    return first_nine + national_id_check_digits(first_nine)


def _rule_2032_example() -> str:
    """A number valid only by the 2032 rule (weighted K1 sum 1, 2 or 3 mod 11)."""
    for individual in range(100, 500):
        first_nine = f"150385{individual:03d}"
        nums = [int(c) for c in first_nine]
        base = sum(w * d for w, d in zip(FNR_K1_WEIGHTS[:9], nums, strict=True))
        for k1 in range(10):
            if (base + k1) % 11 in (1, 2, 3):
                s2 = sum(w * d for w, d in zip(FNR_K2_WEIGHTS[:10], [*nums, k1], strict=True))
                k2 = (11 - s2 % 11) % 11
                if k2 < 10:
                    return f"{first_nine}{k1}{k2}"
    raise AssertionError("no 2032-rule example found")


def generate_dirty(
    out_dir: Path, *, region_id: str = "ringeriksregionen", year: int = 2025, seed: int = SEED
) -> list[DirtyFile]:
    """Small files with every error class, in every encoding and with both separators. A ragged
    row (unquoted decimal comma in a `,` file) is added to activities; file-level failures are in
    `generate_unreadable`."""
    ry = build_region_year(region_id, year, n_clients=80, n_activities=120, seed=seed)
    files = []
    for kind, fmt in DIRTY_FORMATS.items():
        rows, expected = _dirty_rows(ry, kind)
        path = write_rows(
            Path(out_dir) / region_id / str(year) / f"{kind}{fmt.suffix}", kind, rows, fmt
        )
        files.append(DirtyFile(path, kind, region_id, year, expected))
    activities = next(f for f in files if f.kind == "activities")
    text = activities.path.read_bytes().decode("utf-8-sig").rstrip("\r\n").split("\r\n")
    n_fields = len(schema_for("activities").fields)
    ragged = [
        "RR-A2025-RAGGED",
        ry.clients[0].client_id,
        "2025-03-03",
        "veiledning",
        "fysisk",
        "1,5",
    ] + [""] * (n_fields - 6)
    text.append(",".join(ragged))
    activities.path.write_text("\r\n".join(text) + "\r\n", encoding="utf-8-sig")
    activities.expected.append(
        Injection("activities", len(text) - 2, "(rad)", None, "wrong_field_count")
    )
    return files


def generate_unreadable(out_dir: Path) -> dict[str, Path]:
    """Files that cannot be read as a whole (validate exits 2)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    ry = build_region_year("midt_buskerud", 2025, n_clients=8, n_activities=30)
    wrong_kind = write_rows(
        out / "aktiviteter_feil_type.csv", "activities", activity_rows(ry), FileFormat("utf-8", ";")
    )
    missing = out / "klienter_mangler_kolonne.csv"
    write_rows(missing, "clients", client_rows(ry), FileFormat("utf-8", ";", headers="no"))
    lines = missing.read_text(encoding="utf-8").splitlines()
    kjonn = lines[0].split(";").index("kjonn")
    missing.write_text(
        "\n".join(
            ";".join(c for i, c in enumerate(line.split(";")) if i != kjonn) for line in lines
        ),
        encoding="utf-8",
    )
    undecodable = out / "klienter_ugyldig_tegnsett.csv"
    undecodable.write_bytes(b"klient_id;kjonn\n" + b"K-1;\x81\x8d\xc3\n")
    corrupt = out / "klienter_odelagt.xlsx"
    corrupt.write_bytes(b"PK\x03\x04 not really a workbook")
    return {
        "wrong_kind": wrong_kind,
        "missing_columns": missing,
        "undecodable": undecodable,
        "corrupt_xlsx": corrupt,
    }


# --- identifiers for the PII scan -----------------------------------------------------------


def _files_of_kind(sample_dir: Path, kind: str) -> Iterator[Path]:
    for path in sorted(Path(sample_dir).rglob("*")):
        if path.suffix.lower() not in (".csv", ".xlsx") or not path.is_file():
            continue
        try:
            if detect_kind(path) == kind:
                yield path
        except ValueError:
            continue


def sample_org_numbers(sample_dir: Path, org_forms: tuple[str, ...] | None = ("ENK",)) -> set[str]:
    """The organisation numbers (9 digits, spaces removed) in the establishments files under
    `sample_dir` whose organisation form is one of `org_forms` (None: every form). An ENK's
    number leads, in the public register, to its owner's name: it identifies a person."""
    schema = schema_for("establishments")
    found: set[str] = set()
    for path in _files_of_kind(sample_dir, "establishments"):
        raw = read_table(path, schema)
        if "org_number" not in raw.headers:
            continue
        forms = (
            raw.frame.get_column("org_form")
            if "org_form" in raw.headers
            else [None] * raw.frame.height
        )
        for number, form in zip(raw.frame.get_column("org_number"), forms, strict=True):
            digits = "".join((number or "").split())
            form = (form or "").strip().upper()
            if len(digits) == 9 and digits.isdigit() and (org_forms is None or form in org_forms):
                found.add(digits)
    return found


def sample_identifiers(sample_dir: Path) -> set[str]:
    """Every clear identifier, name, e-mail and phone number in the client files under
    `sample_dir` (as delivered, plus phone digits without spaces), and the organisation numbers
    of its ENKs (`sample_org_numbers`), for byte scans of outputs."""
    schema = schema_for("clients")
    found: set[str] = sample_org_numbers(sample_dir)
    for path in _files_of_kind(sample_dir, "clients"):
        raw = read_table(path, schema)
        for name in ("national_id", "name", "email", "phone"):
            if name not in raw.headers:
                continue
            for value in raw.frame.get_column(name).drop_nulls().to_list():
                value = value.strip()
                if not value:
                    continue
                found.add(value)
                if name == "phone":
                    digits = "".join(ch for ch in value if ch.isdigit())
                    found.add(digits[-8:])
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the synthetic operator sample.")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--dirty", action="store_true", help="write the dirty test set instead")
    args = parser.parse_args(argv)
    if args.dirty:
        for f in generate_dirty(args.out, seed=args.seed):
            print(f.path)
    else:
        for path in generate_sample(args.out, seed=args.seed):
            print(path)


if __name__ == "__main__":
    main()

__all__ = [
    "FileFormat",
    "RegionYear",
    "build_region_year",
    "generate_dirty",
    "generate_sample",
    "generate_unreadable",
    "replace",
    "sample_identifiers",
    "sample_org_numbers",
    "write_region_year",
    "write_rows",
]
