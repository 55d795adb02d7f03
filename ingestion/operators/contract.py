"""The operator data contract: loaded from contract.yaml, plus header and code normalisation and a
file's kind from its name (`detect_kind`)."""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

import yaml

CONTRACT_PATH = Path(__file__).with_name("contract.yaml")
MUNICIPALITIES_PATH = Path(__file__).with_name("municipalities.csv")

# Load order: referenced kinds first.
KINDS: tuple[str, ...] = (
    "clients",
    "activities",
    "courses",
    "establishments",
    "survey_responses",
    "finance",
    "activity_plan",
)
LOAD_ORDER: tuple[str, ...] = (
    "courses",
    "clients",
    "activities",
    "establishments",
    "survey_responses",
    "finance",
    "activity_plan",
)
REGIONS: dict[str, tuple[str, ...]] = {
    "ringeriksregionen": ("3305", "3310", "3318", "3316", "3236"),
    "drammensregionen": ("3301", "3312", "3314"),
    "kongsberg_numedal": ("3303", "3334", "3336", "3338"),
    "hallingdal": ("3320", "3322", "3324", "3326", "3328", "3330"),
    "midt_buskerud": ("3332",),
}

_TRANSLIT = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "ae", "Ø": "o", "Å": "a"})


def normalise_name(text: str) -> str:
    """Header/code normalisation: case-, space- and diacritic-insensitive (`Første kontakt` ->
    `forste_kontakt`)."""
    text = text.strip().lower().translate(_TRANSLIT)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[^0-9a-z]+", "_", text)
    return text.strip("_")


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    required: bool
    no: str
    aliases: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    pii: str | None = None
    presence_column: str | None = None
    references: str | None = None
    required_when: dict[str, str] = field(default_factory=dict)
    not_before: str | None = None
    date_rule: str | None = None
    min: float | None = None
    max: float | None = None
    sql_type: str | None = None
    max_year_offset: int | None = None
    score_scale: str | None = None
    example: str = ""
    description: str = ""

    @property
    def header_names(self) -> tuple[str, ...]:
        """Every normalised header that maps to this field."""
        names = [self.no, self.name, *self.aliases]
        return tuple(dict.fromkeys(normalise_name(n) for n in names))

    @property
    def code_lookup(self) -> dict[str, str]:
        return {normalise_name(code): code for code in self.codes}


@dataclass(frozen=True)
class Schema:
    kind: str
    no: str
    description: str
    key: tuple[str, ...]
    fields: tuple[Field, ...]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def required_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.required)


@dataclass(frozen=True)
class Contract:
    version: int
    schemas: dict[str, Schema]


@cache
def load_contract(path: Path = CONTRACT_PATH) -> Contract:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    schemas: dict[str, Schema] = {}
    for kind, spec in raw["kinds"].items():
        fields = []
        for f in spec["fields"]:
            fields.append(
                Field(
                    name=f["name"],
                    type=f["type"],
                    required=bool(f["required"]),
                    no=f["norsk"],
                    aliases=tuple(f.get("aliases", ())),
                    codes=tuple(str(c) for c in f.get("codes", ())),
                    pii=f.get("pii"),
                    presence_column=f.get("presence_column"),
                    references=f.get("references"),
                    required_when=dict(f.get("required_when", {})),
                    not_before=f.get("not_before"),
                    date_rule=f.get("date_rule"),
                    min=f.get("min"),
                    max=f.get("max"),
                    sql_type=f.get("sql_type"),
                    max_year_offset=f.get("max_year_offset"),
                    score_scale=f.get("score_scale"),
                    example=str(f.get("example", "")),
                    description=f.get("description", ""),
                )
            )
        schemas[kind] = Schema(
            kind=kind,
            no=spec["norsk"],
            description=spec.get("description", ""),
            key=tuple(spec["key"]),
            fields=tuple(fields),
        )
    if tuple(schemas) != KINDS:
        raise ValueError(f"contract.yaml kinds {tuple(schemas)} differ from KINDS {KINDS}")
    return Contract(version=int(raw["version"]), schemas=schemas)


def schema_for(kind: str) -> Schema:
    contract = load_contract()
    if kind not in contract.schemas:
        raise ValueError(f"Ukjent type «{kind}». Gyldige typer: {', '.join(KINDS)}.")
    return contract.schemas[kind]


# File-name stems per kind, Norwegian and English. Longest match wins ("aktivitetsplan" before
# "aktivitet").
KIND_NAMES: dict[str, tuple[str, ...]] = {
    "clients": ("clients", "client", "klienter", "klient", "kunder", "klientliste"),
    "activities": ("activities", "activity", "aktiviteter", "aktivitet", "veiledning"),
    "courses": ("courses", "course", "kurs", "kursoversikt"),
    "establishments": ("establishments", "etableringer", "etablering", "foretak", "nyetableringer"),
    "survey_responses": (
        "survey_responses",
        "survey",
        "brukerundersokelse",
        "brukerundersokelser",
        "undersokelse",
        "sporreundersokelse",
    ),
    "finance": ("finance", "regnskap_budsjett", "regnskap", "budsjett", "okonomi"),
    "activity_plan": ("activity_plan", "aktivitetsplan", "plan"),
}


def detect_kind(path: Path) -> str:
    """The kind from the file name, e.g. `klienter_2025.csv` -> clients."""
    stem = normalise_name(Path(path).stem)
    best: tuple[int, str] | None = None
    for kind, names in KIND_NAMES.items():
        for name in names:
            if stem == name or stem.startswith(name) or f"_{name}" in f"_{stem}":
                if best is None or len(name) > best[0]:
                    best = (len(name), kind)
    if best is None:
        raise ValueError(
            f"Kan ikke se av filnavnet «{Path(path).name}» hva slags data det er. Gi filen et navn "
            "som klienter.csv, aktiviteter.csv, kurs.csv, etableringer.csv, "
            "brukerundersokelse.csv, "
            f"regnskap_budsjett.csv eller aktivitetsplan.csv, eller oppgi --kind."
        )
    return best[1]


@dataclass(frozen=True)
class Municipality:
    code: str
    name: str
    county_code: str
    valid_from: date
    valid_to: date | None
    current_code: str


@cache
def municipalities() -> tuple[Municipality, ...]:
    with MUNICIPALITIES_PATH.open(encoding="utf-8", newline="") as fh:
        return tuple(
            Municipality(
                code=row["code"],
                name=row["name"],
                county_code=row["county_code"],
                valid_from=date.fromisoformat(row["valid_from"]),
                valid_to=date.fromisoformat(row["valid_to"]) if row["valid_to"] else None,
                current_code=row["current_code"],
            )
            for row in csv.DictReader(fh)
        )


def valid_municipality_codes(year: int) -> frozenset[str]:
    """Codes accepted in a file for `year`: the current codes valid in that year, and every known
    older code of those municipalities (dbt maps them through its versioned seed)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    current = {
        m.code
        for m in municipalities()
        if m.valid_from <= end and (m.valid_to is None or m.valid_to >= start)
    }
    older = {
        m.code
        for m in municipalities()
        if m.valid_to is not None and m.valid_to < start and m.current_code in current
    }
    return frozenset(current | older)
