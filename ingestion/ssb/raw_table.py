"""What the SSB raw tables share: loading archived JSON-stat2 responses a slice at a time.

`raw.ssb_population` (ingestion/ssb/load.py) is sliced by (table_id, period), and
`raw.ssb_enterprise_survival` (ingestion/ssb/survival.py) by (table_id, cohort_year). Each slice
in a response is written in its own transaction: its rows are deleted and the response's
inserted. A slice whose rows would not change is left untouched, so loading the same response
twice changes nothing, and a corrected response replaces exactly the slices it covers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

import duckdb
import polars as pl

from ingestion.db import connect_writer
from ingestion.ssb.archive import ArchivedResponse


class SliceCounts(NamedTuple):
    """What one load did: rows written, slices replaced, slices left as they were."""

    rows_loaded: int
    replaced: int
    unchanged: int


@dataclass(frozen=True)
class RawTable:
    """A raw table loaded a slice, (table_id, `slice_column`), at a time.

    `value_decimals` is the scale of a `value` kept as a decimal, read back as a double and
    compared at that scale; None when `value` is kept as it comes."""

    name: str
    schema: Mapping[str, pl.DataType]
    key_columns: Sequence[str]
    content_columns: Sequence[str]
    create_sql: str
    slice_column: str
    incoming_view: str
    value_decimals: int | None = None

    def typed(self, cells: pl.DataFrame, columns: Mapping[str, pl.Expr]) -> pl.DataFrame:
        """The table's rows from parsed cells: each column's expression, cast to its type."""
        return cells.select(
            expression.cast(self.schema[name]).alias(name) for name, expression in columns.items()
        )

    def load(self, db_path: Path, incoming: Sequence[pl.DataFrame]) -> SliceCounts:
        """Write each frame's slices in turn, one transaction per slice; create the table first
        if it is missing."""
        db_path.parent.mkdir(parents=True, exist_ok=True)
        rows_loaded = replaced = unchanged = 0
        with connect_writer(Path(db_path)) as connection:
            connection.execute(self.create_sql)
            for rows in incoming:
                for (table_id, slice_value), slice_rows in sorted(
                    rows.group_by(["table_id", self.slice_column]), key=lambda group: group[0]
                ):
                    if self._unchanged(connection, table_id, slice_value, slice_rows):
                        unchanged += 1
                        continue
                    self._replace(connection, table_id, slice_value, slice_rows)
                    replaced += 1
                    rows_loaded += slice_rows.height
        return SliceCounts(rows_loaded, replaced, unchanged)

    def read(self, db_path: Path) -> pl.DataFrame:
        """The whole table, in key order (for checks and tests; dbt reads it through source())."""
        with duckdb.connect(str(db_path), read_only=True) as connection:
            frame = connection.sql(
                f"select {self._columns} from {self.name} order by {', '.join(self.key_columns)}"
            ).pl()
        return frame.cast(dict(self.schema))

    @property
    def _columns(self) -> str:
        """The select list that reads a row back in the types of `schema`."""
        if self.value_decimals is None:
            return "*"
        return "* replace (cast(value as double) as value)"

    def _sorted_content(self, frame: pl.DataFrame) -> pl.DataFrame:
        """The columns that make two slices the same data, in key order."""
        return frame.select(self.content_columns).sort(self.key_columns, nulls_last=True)

    def _unchanged(
        self,
        connection: duckdb.DuckDBPyConnection,
        table_id: str,
        slice_value: Any,
        slice_rows: pl.DataFrame,
    ) -> bool:
        """Whether the table already holds exactly these rows for the slice."""
        existing = connection.sql(
            f"select {self._columns} from {self.name} "
            f"where table_id = ? and {self.slice_column} = ?",
            params=[table_id, slice_value],
        ).pl()
        if existing.height != slice_rows.height:
            return False
        existing = existing.select(self.content_columns).cast(
            {c: self.schema[c] for c in self.content_columns}
        )
        if self.value_decimals is not None:
            # The table keeps `value_decimals` decimals; compare what it would hold.
            slice_rows = slice_rows.with_columns(pl.col("value").round(self.value_decimals))
        return self._sorted_content(existing).equals(self._sorted_content(slice_rows))

    def _replace(
        self,
        connection: duckdb.DuckDBPyConnection,
        table_id: str,
        slice_value: Any,
        slice_rows: pl.DataFrame,
    ) -> None:
        """Delete the slice's rows and insert `slice_rows`, in one transaction."""
        connection.execute("begin transaction")
        try:
            connection.execute(
                f"delete from {self.name} where table_id = ? and {self.slice_column} = ?",
                [table_id, slice_value],
            )
            connection.register(self.incoming_view, slice_rows.to_arrow())
            columns = ", ".join(self.schema)
            connection.execute(
                f"insert into {self.name} ({columns}) select {columns} from {self.incoming_view}"
            )
            connection.unregister(self.incoming_view)
            connection.execute("commit")
        except Exception:
            connection.execute("rollback")
            raise


def response_place(response: ArchivedResponse) -> str:
    """How an error names an archived response: its table and file."""
    return f"SSB-svaret for tabell {response.table_id} ({response.path.name})"


def refuse_another_table(doc: dict, table_id: str, where: str, error: type[Exception]) -> None:
    """Raise `error` when the document says it is another table than the one it was fetched as."""
    px = (doc.get("extension") or {}).get("px") or {}
    declared = px.get("tableid")
    if declared is not None and str(declared) != table_id:
        raise error(f"{where} sier selv at det er tabell {declared}.")


def fetched_at_utc(response: ArchivedResponse) -> datetime:
    """When the response was fetched, in UTC without a zone (the raw tables' timestamp)."""
    return response.fetched_at.astimezone(UTC).replace(tzinfo=None)
