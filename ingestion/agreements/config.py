"""The agreement's structured configuration: what the text should say, to check it against.

Two sources with the same facts (schema in docs/agreement_check.md):
- the dbt seeds (agreements, agreement_members, agreement_funders, agreement_funder_basis), for
  the agreement whose `source_document` is the file's name, or whose region the file name or the
  title names;
- a YAML file given with `--config` (a new region's agreement before it has seeds).
Bodies are written as names or codes and resolved against the reference data, so a typo is
caught here and not taken for a missing party.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from ingestion.paths import DBT_PROJECT_DIR

from .reference import Body, Reference

SEEDS_DIR = DBT_PROJECT_DIR / "seeds"
YAML_KEYS = {
    "agreement_id",
    "illustrative",
    "period",
    "parties",
    "funders",
    "basis",
    "population",
}
BASIS_KEYS = {"funder", "municipalities", "stated_total", "population_period", "contents_code"}


class ConfigError(ValueError):
    """The configuration cannot be used. The message is Norwegian and names the field."""


@dataclass(frozen=True)
class Funder:
    body: Body
    rate: Decimal | None  # kr per inhabitant; None is missing, never zero


@dataclass(frozen=True)
class Basis:
    funder: Body | None
    municipalities: tuple[Body, ...]
    stated_total: int | None
    population_period: str | None  # SSB period code, «2025K1»
    contents_code: str = "Folketallet11"


@dataclass(frozen=True)
class AgreementConfig:
    agreement_id: str
    source: str  # where it came from, for the report
    is_illustrative: bool
    period: tuple[int, int] | None
    parties: tuple[Body, ...]
    funders: tuple[Funder, ...]
    basis: Basis | None
    population: dict[str, int] = field(default_factory=dict)  # body key -> inhabitants

    def rate_of(self, body: Body) -> Decimal | None:
        return next((f.rate for f in self.funders if f.body == body), None)


def load_config_yaml(path: Path, reference: Reference) -> AgreementConfig:
    where = Path(path).name
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"Fant ikke konfigurasjonsfilen {path}.") from None
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{where} er ikke gyldig YAML: {exc}") from None
    if not isinstance(raw, dict) or not raw.get("agreement_id"):
        raise ConfigError(f"{where}: filen må være et YAML-objekt med minst «agreement_id».")
    unknown = set(raw) - YAML_KEYS
    if unknown:
        raise ConfigError(
            f"{where}: ukjente felt {', '.join(sorted(unknown))}. Gyldige felt: "
            f"{', '.join(sorted(YAML_KEYS))} (se docs/agreement_check.md)."
        )

    def body(label: Any, field_name: str) -> Body:
        found = reference.resolve(str(label))
        if found is None:
            raise ConfigError(
                f"{where}: «{label}» under {field_name} er ingen kjent kommune, fylkeskommune "
                "eller etat. Skriv navnet som i SSBs kommuneliste, eller kommunenummeret."
            )
        return found

    funders = tuple(
        Funder(body(f.get("name") or f.get("code"), "funders"), _rate(f.get("rate"), where))
        for f in _list(raw, "funders", where)
    )
    basis_raw = raw.get("basis") or {}
    if set(basis_raw) - BASIS_KEYS:
        raise ConfigError(
            f"{where}: ukjente felt under basis: {', '.join(sorted(set(basis_raw) - BASIS_KEYS))}."
        )
    basis = None
    if basis_raw:
        basis = Basis(
            funder=body(basis_raw["funder"], "basis.funder") if basis_raw.get("funder") else None,
            municipalities=tuple(
                body(m, "basis.municipalities") for m in basis_raw.get("municipalities") or []
            ),
            stated_total=_int(basis_raw.get("stated_total"), "basis.stated_total", where),
            population_period=basis_raw.get("population_period"),
            contents_code=basis_raw.get("contents_code") or "Folketallet11",
        )
    population = {
        body(name, "population").key: _int(value, f"population.{name}", where)
        for name, value in (raw.get("population") or {}).items()
    }
    return AgreementConfig(
        agreement_id=str(raw["agreement_id"]),
        source=str(path),
        is_illustrative=bool(raw.get("illustrative", False)),
        period=_period(raw.get("period"), where),
        parties=tuple(body(p, "parties") for p in _list(raw, "parties", where)),
        funders=funders,
        basis=basis,
        population={k: v for k, v in population.items() if v is not None},
    )


def config_from_seeds(
    document: Path, title: str, reference: Reference, seeds_dir: Path = SEEDS_DIR
) -> AgreementConfig | None:
    """The seeds' configuration for the agreement this document is, or None when none matches."""
    agreements = _rows(seeds_dir / "agreements.csv")
    regions = {r["region_id"]: r for r in _rows(seeds_dir / "regions.csv")}
    agreement = _matching_agreement(document, title, agreements, regions)
    if agreement is None:
        return None
    agreement_id = agreement["agreement_id"]

    def of_agreement(name: str) -> list[dict[str, str]]:
        return [r for r in _rows(seeds_dir / name) if r["agreement_id"] == agreement_id]

    def body(code: str) -> Body:
        found = reference.resolve(code)
        if found is None:
            raise ConfigError(f"{name_of(seeds_dir)}: koden {code} for {agreement_id} er ukjent.")
        return found

    funder_rows = of_agreement("agreement_funders.csv")
    funders = tuple(
        Funder(body(r["funder_id"]), _rate(r["rate_nok_per_inhabitant"], "agreement_funders.csv"))
        for r in funder_rows
    )
    members = [body(r["municipality_code"]) for r in of_agreement("agreement_members.csv")]
    parties = tuple(dict.fromkeys([*members, *(f.body for f in funders)]))
    county_code = regions.get(agreement["region_id"], {}).get("county_code")
    basis_rows = [
        r for r in of_agreement("agreement_funder_basis.csv") if r["funder_id"] == county_code
    ]
    stated = agreement.get("stated_basis_population") or None
    basis = Basis(
        funder=body(county_code) if county_code else None,
        municipalities=tuple(body(r["municipality_code"]) for r in basis_rows),
        stated_total=int(stated) if stated else None,
        population_period=agreement.get("population_period") or None,
        contents_code=agreement.get("population_contents_code") or "Folketallet11",
    )
    return AgreementConfig(
        agreement_id=agreement_id,
        source=f"dbt-seeds ({name_of(seeds_dir)}/agreements.csv m.fl.)",
        is_illustrative=agreement.get("is_illustrative", "").lower() == "true",
        period=(int(agreement["valid_from_year"]), int(agreement["valid_to_year"])),
        parties=parties,
        funders=funders,
        basis=basis,
    )


def name_of(seeds_dir: Path) -> str:
    try:
        return str(seeds_dir.relative_to(DBT_PROJECT_DIR.parent))
    except ValueError:
        return str(seeds_dir)


def _matching_agreement(
    document: Path,
    title: str,
    agreements: list[dict[str, str]],
    regions: dict[str, dict[str, str]],
) -> dict[str, str] | None:
    by_file = [a for a in agreements if a["source_document"] == document.name]
    if by_file:
        return by_file[0]
    stem = re.sub(r"[^a-zæøå0-9]+", "_", document.stem.lower())
    for agreement in agreements:
        region_id = agreement["region_id"]
        region_name = regions.get(region_id, {}).get("region_name", "")
        if region_id in stem or (region_name and region_name.lower() in title.lower()):
            return agreement
    return None


def _rows(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8") as handle:
            return list(csv.DictReader(handle))
    except OSError as exc:
        raise ConfigError(f"Kunne ikke lese {path}: {exc.strerror or exc}.") from None


def _list(raw: dict[str, Any], key: str, where: str) -> list[Any]:
    value = raw.get(key) or []
    if not isinstance(value, list):
        raise ConfigError(f"{where}: «{key}» må være en liste.")
    return value


def _rate(value: Any, where: str) -> Decimal | None:
    if value is None or str(value).strip() == "":
        return None
    try:
        return Decimal(str(value).replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        raise ConfigError(f"{where}: satsen «{value}» er ikke et tall.") from None


def _int(value: Any, field_name: str, where: str) -> int | None:
    if value is None or str(value).strip() == "":
        return None
    try:
        return int(str(value).replace(" ", "").replace("\u00a0", ""))
    except ValueError:
        raise ConfigError(f"{where}: {field_name} «{value}» er ikke et heltall.") from None


def _period(value: Any, where: str) -> tuple[int, int] | None:
    if value is None:
        return None
    if isinstance(value, dict) and {"from", "to"} <= set(value):
        return int(value["from"]), int(value["to"])
    match = re.fullmatch(r"\s*(\d{4})\s*[-–]\s*(\d{4})\s*", str(value))
    if match:
        return int(match[1]), int(match[2])
    raise ConfigError(f"{where}: period må skrives «2026-2028» eller {{from: 2026, to: 2028}}.")
