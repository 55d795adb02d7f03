"""Inhabitants per municipality for a basis period, to check a stated basis total.

From the configuration's `population` where it gives them, else from an SSB table 01222 response
(JSON-stat2, parsed by ingestion.ssb's parser): by default the bundled snapshot, whose figures are
synthetic, and the result says so, so a message never presents them as SSB's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ingestion.paths import SSB_SNAPSHOT_DIR

from .reference import Body

DEFAULT_POPULATION_FILE = SSB_SNAPSHOT_DIR / "01222.json"


@dataclass(frozen=True)
class PopulationLookup:
    source: str  # for messages: where the figures come from
    is_synthetic: bool
    values: dict[str, int] = field(default_factory=dict)  # body key -> inhabitants

    def of(self, body: Body) -> int | None:
        return self.values.get(body.key)


def population_from_config(values: dict[str, int], source: str) -> PopulationLookup:
    return PopulationLookup(f"konfigurasjonen ({source})", False, dict(values))


def population_from_ssb(
    municipalities: list[Body],
    period: str,
    contents_code: str = "Folketallet11",
    path: Path = DEFAULT_POPULATION_FILE,
) -> PopulationLookup | None:
    """Inhabitants at `period` («2025K1») for the municipalities, by the code each had then.
    None when the file cannot be read; a municipality or period it lacks is simply absent."""
    from ingestion.ssb.jsonstat import JsonStatError, parse_jsonstat2

    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
        cells = parse_jsonstat2(doc)
    except (OSError, ValueError, JsonStatError):
        return None
    if not {"Region", "Tid", "ContentsCode"} <= set(cells.columns):
        return None
    synthetic = bool((doc.get("extension") or {}).get("synthetic"))
    day = _first_day(period)
    wanted = {}
    for body in municipalities:
        validity = body.validity_at(day) if day else None
        # The snapshot carries today's codes for every period; SSB's own tables the code of the
        # time. Try the period's code first, then any code the municipality has had.
        codes = [validity.code] if validity and validity.code else []
        codes += [p.code for p in body.periods if p.code and p.code not in codes]
        wanted[body.key] = codes
    selected = cells.filter(
        (cells["Tid"] == period) & (cells["ContentsCode"] == contents_code)
    ).select("Region", "value")
    by_code = {row[0]: row[1] for row in selected.iter_rows() if row[1] is not None}
    values = {}
    for key, codes in wanted.items():
        found = next((by_code[c] for c in codes if c in by_code), None)
        if found is not None:
            values[key] = int(found)
    label = f"SSB tabell 01222 ({contents_code}, {period}) i {_shown(Path(path))}"
    if synthetic:
        label += ", SYNTETISKE TALL, ikke SSBs"
    return PopulationLookup(label, synthetic, values)


def _first_day(period: str) -> date | None:
    try:
        year, quarter = period.split("K")
        return date(int(year), 3 * (int(quarter) - 1) + 1, 1)
    except ValueError:
        return None


def _shown(path: Path) -> str:
    from ingestion.paths import PROJECT_ROOT

    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)
