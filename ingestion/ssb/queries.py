"""The SSB queries, as configuration (`queries.yaml` beside this file)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

DEFAULT_QUERIES_PATH = Path(__file__).with_name("queries.yaml")


class QueryConfigError(ValueError):
    """The queries file is malformed. The message names the file and the entry."""


@dataclass(frozen=True)
class PopulationQuery:
    name: str
    table_id: str
    value_codes: dict[str, list[str] | str]
    snapshot_file: str
    description: str = ""


@dataclass(frozen=True)
class QueryConfig:
    base_url: str
    lang: str
    queries: tuple[PopulationQuery, ...]
    path: Path


def load_queries(path: Path | None = None) -> QueryConfig:
    path = path or DEFAULT_QUERIES_PATH
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise QueryConfigError(f"Kunne ikke lese SSB-spørringene i {path}: {exc}") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("queries"), list):
        raise QueryConfigError(f"{path}: mangler listen «queries».")

    queries = tuple(_query(path, i, entry) for i, entry in enumerate(raw["queries"], start=1))
    names = [q.name for q in queries]
    if len(set(names)) != len(names):
        raise QueryConfigError(f"{path}: to spørringer har samme navn ({names}).")
    tables = [q.table_id for q in queries]
    if len(set(tables)) != len(tables):
        # Loads replace whole (table, period) pairs: two queries on a table would erase each other.
        raise QueryConfigError(
            f"{path}: hver tabell kan bare ha én spørring, men tabellene er {tables}."
        )
    return QueryConfig(
        base_url=str(raw.get("base_url") or "https://data.ssb.no/api/pxwebapi/v2"),
        lang=str(raw.get("lang") or "no"),
        queries=queries,
        path=path,
    )


def _query(path: Path, number: int, entry: Any) -> PopulationQuery:
    where = f"{path}, spørring nr. {number}"
    if not isinstance(entry, dict):
        raise QueryConfigError(f"{where}: må være et objekt.")
    missing = [
        key for key in ("name", "table_id", "value_codes", "snapshot_file") if key not in entry
    ]
    if missing:
        raise QueryConfigError(f"{where}: mangler {', '.join(missing)}.")
    if not isinstance(entry["table_id"], str):
        raise QueryConfigError(f'{where}: table_id må stå i anførselstegn, f.eks. "01222".')
    value_codes: dict[str, list[str] | str] = {}
    raw_codes = entry["value_codes"]
    if not isinstance(raw_codes, dict) or not raw_codes:
        raise QueryConfigError(f"{where}: value_codes må være et objekt med minst én variabel.")
    for variable, codes in raw_codes.items():
        if isinstance(codes, str):
            value_codes[str(variable)] = codes
        elif isinstance(codes, list) and codes and all(isinstance(c, str) for c in codes):
            value_codes[str(variable)] = list(codes)
        else:
            raise QueryConfigError(
                f"{where}: verdiene for «{variable}» må være tekst eller en liste med tekst "
                "(sett kodene i anførselstegn)."
            )
    return PopulationQuery(
        name=str(entry["name"]),
        table_id=entry["table_id"],
        value_codes=value_codes,
        snapshot_file=str(entry["snapshot_file"]),
        description=str(entry.get("description") or "").strip(),
    )
