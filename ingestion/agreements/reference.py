"""Reference data: the bodies an agreement may name, each with the dates it existed.

- Counties (fylkeskommuner), NAV regional units and the state bodies come from `bodies.csv` beside
  this module (SSB KLASS 104 for counties; a NAV unit carries the county name it was named after).
- Municipalities come from the dbt seed `municipalities.csv` (SSB KLASS 131), the one versioned
  list the warehouse uses too, so a renumbering is entered once.

The rules ask this module whether a body existed throughout an agreement period; no rule knows a
body's name.
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ingestion.paths import DBT_PROJECT_DIR

BODIES_CSV = Path(__file__).with_name("bodies.csv")
MUNICIPALITIES_CSV = DBT_PROJECT_DIR / "seeds" / "municipalities.csv"
MONTHS = (
    "januar februar mars april mai juni juli august september oktober november desember".split()
)
_SUFFIX = {"kommune": "kommune", "fylkeskommune": "fylkeskommune", "nav": "", "statlig": ""}


@dataclass(frozen=True)
class Validity:
    code: str | None
    valid_from: date | None  # None: since before anything this project reads
    valid_to: date | None  # None: still valid
    parent_code: str | None = None  # a municipality's county in this period

    def covers(self, start: date, end: date) -> bool:
        return (self.valid_from is None or self.valid_from <= start) and (
            self.valid_to is None or self.valid_to >= end
        )

    def overlaps(self, start: date, end: date) -> bool:
        return (self.valid_from is None or self.valid_from <= end) and (
            self.valid_to is None or self.valid_to >= start
        )


@dataclass(frozen=True)
class Body:
    kind: str  # kommune | fylkeskommune | nav | statlig
    name: str  # «Buskerud», «Ringerike», «Vest-Viken», «Innovasjon Norge»
    periods: tuple[Validity, ...]
    named_after: str | None = None  # the county a NAV unit's name comes from
    successor_codes: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.name}"

    @property
    def display(self) -> str:
        if self.kind == "nav":
            return f"NAV {self.name}"
        suffix = _SUFFIX[self.kind]
        return f"{self.name} {suffix}" if suffix else self.name

    @property
    def funds(self) -> bool:
        """Municipalities and counties are the bodies that pay under §6."""
        return self.kind in ("kommune", "fylkeskommune")

    def existed_throughout(self, start: date, end: date) -> bool:
        return any(p.covers(start, end) for p in self.periods)

    def validity_at(self, day: date) -> Validity | None:
        return next((p for p in self.periods if p.overlaps(day, day)), None)

    def lifetime(self) -> str:
        """«fra 1. januar 2020 til 31. desember 2023», for messages."""
        parts = []
        for period in self.periods:
            begin = f"fra {norwegian_date(period.valid_from)}" if period.valid_from else ""
            finish = f"til {norwegian_date(period.valid_to)}" if period.valid_to else "og fortsatt"
            code = f" (nr. {period.code})" if period.code else ""
            parts.append(" ".join(p for p in (begin, finish) if p) + code)
        return " og ".join(parts)


@dataclass(frozen=True)
class Mention:
    body: Body
    start: int
    end: int
    text: str


def norwegian_date(day: date) -> str:
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


def _date(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


class Reference:
    def __init__(self, bodies: list[Body]) -> None:
        self.bodies = {body.key: body for body in bodies}
        self.counties = [b for b in bodies if b.kind == "fylkeskommune"]
        self.municipalities = [b for b in bodies if b.kind == "kommune"]
        # Longest names first, so «Vestfold og Telemark» wins over «Telemark».
        county_names = _alternation(b.name for b in self.counties)
        self._county = re.compile(
            rf"(?<![\w-])(?P<name>{county_names})\s+(?:fylkeskommune[ns]?|fylke|fk)(?![\w-])"
        )
        self._municipality = re.compile(
            rf"(?<![\w-])(?P<name>{_alternation(b.name for b in self.municipalities)})"
            r"(?:\s+kommunes?)?(?![\w-])"
        )
        self._nav = re.compile(
            r"(?<![\w-])(?:NAV|Nav)(?: (?P<unit>[A-ZÆØÅ]\w*(?:-[A-ZÆØÅ]\w*)?(?: og [A-ZÆØÅ]\w*)?))?"
            r"(?![\w-])"
        )
        self._innovasjon_norge = re.compile(r"(?<![\w-])Innovasjon Norge(?![\w-])")
        self._unknown_county = re.compile(
            r"(?<![\w-])(?P<name>[A-ZÆØÅ][\w-]*(?: og [A-ZÆØÅ][\w-]*)?) fylkeskommune[ns]?(?![\w-])"
        )

    def get(self, kind: str, name: str) -> Body | None:
        return self.bodies.get(f"{kind}:{name}")

    def county_by_code(self, code: str) -> Body | None:
        return next((b for b in self.counties if any(p.code == code for p in b.periods)), None)

    def municipality_by_code(self, code: str) -> Body | None:
        return next(
            (b for b in self.municipalities if any(p.code == code for p in b.periods)), None
        )

    def resolve(self, label: str) -> Body | None:
        """A body from a name or code as configuration and table rows write it: «Hole»,
        «Hole kommune», «3310», «Buskerud fk», «Akershus fylkeskommune», «33», «Akershus»."""
        label = " ".join(str(label).split())
        if re.fullmatch(r"\d{4}", label):
            return self.municipality_by_code(label)
        if re.fullmatch(r"\d{2}", label):
            return self.county_by_code(label)
        county = re.fullmatch(r"(.+?)\s+(?:fylkeskommune[ns]?|fylke|fk)", label)
        if county:
            return self.get("fylkeskommune", county[1])
        name = re.sub(r"\s+kommunes?$", "", label)
        found = self.get("kommune", name) or self.get("fylkeskommune", name)
        if found is None and label.lower() in ("nav", "innovasjon norge"):
            found = self.get("statlig", "Nav" if label.lower() == "nav" else "Innovasjon Norge")
        return found

    def mentions(self, text: str, offset: int = 0) -> list[Mention]:
        """Every body named in `text` (offsets relative to the whole document via `offset`)."""
        found: list[Mention] = []
        taken: list[tuple[int, int]] = []

        def add(body: Body | None, match: re.Match[str]) -> None:
            span = match.span()
            if body is None or any(s < span[1] and span[0] < e for s, e in taken):
                return
            taken.append(span)
            found.append(Mention(body, offset + span[0], offset + span[1], match.group()))

        for match in self._county.finditer(text):
            add(self.get("fylkeskommune", match["name"]), match)
        for match in self._innovasjon_norge.finditer(text):
            add(self.get("statlig", "Innovasjon Norge"), match)
        for match in self._nav.finditer(text):
            add(self.nav_unit(match["unit"]), match)
        for match in self._municipality.finditer(text):
            add(self.get("kommune", match["name"]), match)
        return sorted(found, key=lambda m: m.start)

    def unknown_counties(self, text: str) -> list[re.Match[str]]:
        """«X fylkeskommune» where X is no county in the reference (a typo, or a new county)."""
        return [
            m
            for m in self._unknown_county.finditer(text)
            if self.get("fylkeskommune", m["name"]) is None
            and not any(self.get("fylkeskommune", w) for w in m["name"].split(" og "))
        ]

    def nav_unit(self, unit: str | None) -> Body:
        """A NAV unit by name. One named after a county («NAV Vestfold og Telemark») carries that
        county's name; any other unit («NAV Ringerike», a local office) counts as Nav itself."""
        nav = self.bodies["statlig:Nav"]
        if unit is None:
            return nav
        known = self.get("nav", unit)
        if known is not None:
            return known
        if self.get("fylkeskommune", unit) is not None:
            return Body("nav", unit, nav.periods, named_after=unit)
        return nav


def _alternation(names) -> str:
    return "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True))


@functools.cache
def load_reference(
    bodies_csv: Path = BODIES_CSV, municipalities_csv: Path = MUNICIPALITIES_CSV
) -> Reference:
    grouped: dict[tuple[str, str], list[dict[str, str]]] = {}
    with bodies_csv.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            grouped.setdefault((row["kind"], row["name"]), []).append(row)
    with municipalities_csv.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            grouped.setdefault(("kommune", row["municipality_name"]), []).append(
                {
                    "code": row["municipality_code"],
                    "valid_from": row["valid_from"],
                    "valid_to": row["valid_to"],
                    "parent_code": row["county_code"],
                }
            )
    bodies = []
    for (kind, name), rows in grouped.items():
        periods = tuple(
            Validity(
                r.get("code") or None,
                _date(r.get("valid_from", "")),
                _date(r.get("valid_to", "")),
                r.get("parent_code") or None,
            )
            for r in rows
        )
        successors = tuple(
            code for r in rows for code in (r.get("successor_codes") or "").split(";") if code
        )
        named_after = next((r["named_after"] for r in rows if r.get("named_after")), None)
        bodies.append(Body(kind, name, periods, named_after, successors))
    return Reference(bodies)
