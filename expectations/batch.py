"""A batch: one pandas frame pulled from DuckDB and the expectations to run on it.

Suites build batches; the runner validates them. Frames never hold person keys (client_key,
person_key, activity_id, response_id, business_key): suites aggregate or drop them in SQL, so
neither results nor Data Docs can show one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb
    import pandas as pd


class MissingTableError(LookupError):
    """The table a suite reads is not in the warehouse (the step that writes it has not run)."""

    def __init__(self, table: str) -> None:
        super().__init__(table)
        self.table = table


@dataclass
class Batch:
    name: str
    """Short name, unique in its suite; becomes `<suite>.<name>` in GX and Data Docs."""
    table: str
    """The warehouse table(s) the findings point at, e.g. `raw.clients`."""
    frame: pd.DataFrame
    expectations: list[Any]
    """GX expectation objects, each with a Norwegian `description`."""
    label_column: str | None = None
    """A non-personal column that names each row (e.g. `ringeriksregionen/2026`), quoted in
    summaries next to an unexpected value."""
    notes: list[str] = field(default_factory=list)


def require_table(con: duckdb.DuckDBPyConnection, qualified_name: str) -> None:
    schema, table = qualified_name.split(".", 1)
    found = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchone()
    if not found or found[0] == 0:
        raise MissingTableError(qualified_name)


# One year or region, several, or None for all of them.
Years = int | Sequence[int] | None
RegionIds = str | Sequence[str] | None


def as_list(value: int | str | Sequence[int] | Sequence[str] | None) -> list | None:
    """None stays None (no filter); one value becomes a list of one."""
    if value is None:
        return None
    return [value] if isinstance(value, int | str) else list(value)


def in_filter(column: str, value: Years | RegionIds) -> tuple[str, list[object]]:
    """`column in (?, …)` and its parameters; `true` when `value` is None."""
    values = as_list(value)
    if values is None:
        return "true", []
    return f"{column} in ({', '.join('?' for _ in values)})", values


def region_filter(region_id: RegionIds, column: str = "region_id") -> tuple[str, list[object]]:
    return in_filter(column, region_id)


def partition_filter(
    year: Years, region_id: RegionIds, alias: str = ""
) -> tuple[str, list[object]]:
    """A `where` clause (always valid, `true` when unfiltered) and its parameters."""
    prefix = f"{alias}." if alias else ""
    year_sql, year_params = in_filter(f"{prefix}year", year)
    region_sql, region_params = in_filter(f"{prefix}region_id", region_id)
    return f"{year_sql} and {region_sql}", [*year_params, *region_params]


def fetch_frame(
    con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()
) -> pd.DataFrame:
    return con.execute(sql, list(params)).df()


def format_number(value: Any) -> str:
    """Numbers the Norwegian way (decimal comma, up to four significant digits); anything
    else as text."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, float) and math.isnan(value):
        return "mangler"
    if isinstance(value, int):
        return str(value)
    try:
        as_float = float(value)
    except (TypeError, ValueError):
        return str(value)
    if as_float.is_integer():
        return str(int(as_float))
    return f"{as_float:.4g}".replace(".", ",")
