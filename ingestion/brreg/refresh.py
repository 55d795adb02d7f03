"""Refresh raw.brreg_units: observe every linked business in the register, one dated observation.

The numbers come from the linkage store (`ingestion.linkage.linked_org_numbers`), which only this
refresh reads. Online, each number is looked up (`/enheter/{orgnr}`); when there are many, the
bulk file is streamed and filtered instead, and only the numbers it lacks (deleted, removed or
never registered: the bulk file holds registered units only) are looked up. Every raw response is
archived first. Offline, every dated snapshot bundled in `data/sample/brreg/` (or in the folder
ETABLERER_BRREG_SNAPSHOT_DIR names) is loaded as its own observation, marked synthetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date
from pathlib import Path

import polars as pl

from ingestion import paths
from ingestion.brreg.archive import (
    SNAPSHOT,
    ArchivedResponse,
    archive_download,
    archive_file,
    archive_response,
)
from ingestion.brreg.client import BULK_JSON, BrregClient, BrregError
from ingestion.brreg.load import load_units
from ingestion.brreg.snapshot import dated_snapshots
from ingestion.brreg.units import UNIT_SCHEMA, absent_units, read_units
from ingestion.db import connect_writer
from ingestion.linkage import linked_org_numbers
from ingestion.operators.identifiers import load_pseudonym_key

# From this many linked numbers on, one bulk download beats that many look-ups.
BULK_THRESHOLD = 500
ROW_SCHEMA: dict[str, pl.DataType] = {
    **UNIT_SCHEMA,
    "source": pl.String(),
    "source_sha256": pl.String(),
    "fetched_at": pl.Datetime("us"),
}


@dataclass(frozen=True)
class ObservationSummary:
    observed_on: date
    active: int
    deleted: int
    not_found: int
    removed: int
    not_covered: int = 0

    @property
    def found(self) -> int:
        return self.active + self.deleted

    @property
    def rows(self) -> int:
        return self.active + self.deleted + self.not_found + self.removed


@dataclass(frozen=True)
class RefreshResult:
    linked: int
    observations: tuple[ObservationSummary, ...]
    is_synthetic: bool
    source: str

    @property
    def rows_loaded(self) -> int:
        return sum(o.rows for o in self.observations)

    @property
    def latest(self) -> ObservationSummary | None:
        return self.observations[-1] if self.observations else None

    def as_metadata(self) -> dict[str, int | str | bool]:
        latest = self.latest
        return {
            "linked": self.linked,
            "observations": ", ".join(o.observed_on.isoformat() for o in self.observations),
            "rows_loaded": self.rows_loaded,
            "found": latest.found if latest else 0,
            "deleted": latest.deleted if latest else 0,
            "not_found": latest.not_found if latest else 0,
            "removed": latest.removed if latest else 0,
            "is_synthetic": self.is_synthetic,
            "source": self.source,
        }


def refresh_units(
    db_path: Path,
    *,
    offline: bool,
    archive_dir: Path | None = None,
    snapshot_dir: Path | None = None,
    linkage_path: Path | None = None,
    client: BrregClient | None = None,
    key: bytes | None = None,
    observed_on: date | None = None,
    bulk_threshold: int = BULK_THRESHOLD,
) -> RefreshResult:
    """Observe every linked business and load the observation(s) into raw.brreg_units.

    With no linked business nothing is loaded (an empty load would erase an observation), nor,
    offline, a snapshot date that covers none of them."""
    archive_dir = archive_dir or paths.archive_dir() / "brreg"
    numbers = sorted(set(linked_org_numbers(linkage_path).values()))
    source = "snapshot" if offline else ("bulk" if len(numbers) >= bulk_threshold else "lookup")
    if not numbers:
        return RefreshResult(linked=0, observations=(), is_synthetic=offline, source=source)
    key = key or load_pseudonym_key()
    if offline:
        loads = _snapshot_observations(numbers, archive_dir, snapshot_dir)
    else:
        observed_on = observed_on or date.today()
        frame = _online_observation(numbers, archive_dir, client, bulk=source == "bulk")
        loads = [(observed_on, frame, False, 0)]

    summaries = []
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with connect_writer(Path(db_path)) as con:
        for day, frame, is_synthetic, not_covered in loads:
            load_units(con, frame, key=key, observed_on=day, is_synthetic=is_synthetic)
            summaries.append(_summary(day, frame, not_covered))
    return RefreshResult(
        linked=len(numbers),
        observations=tuple(summaries),
        is_synthetic=offline and any(synthetic for _, _, synthetic, _ in loads),
        source=source,
    )


# --- offline: the bundled snapshots --------------------------------------------------------


def _snapshot_observations(
    numbers: list[str], archive_dir: Path, snapshot_dir: Path | None
) -> list[tuple[date, pl.DataFrame, bool, int]]:
    linked = set(numbers)
    loads = []
    for snapshot in dated_snapshots(snapshot_dir):
        archived = archive_file(
            snapshot.path,
            archive_dir,
            kind=SNAPSHOT,
            url=snapshot.url,
            fetched_at=snapshot.fetched_at,
            is_synthetic=snapshot.is_synthetic,
            observed_on=snapshot.observed_on,
        )
        found = read_units(archived.path, org_numbers=linked)
        frame = pl.concat(
            [
                found,
                absent_units(linked & snapshot.not_found, "not_found"),
                absent_units(linked & snapshot.removed, "removed"),
            ]
        )
        # A number the snapshot was not made for (a test's own data, or real deliveries) is not
        # observed at all; a date that covers none of them is not loaded, or it would erase
        # whatever was observed online on that day.
        not_covered = len(linked) - frame.height
        if frame.is_empty():
            continue
        loads.append(
            (
                snapshot.observed_on,
                _with_origin(frame, "snapshot", archived),
                snapshot.is_synthetic,
                not_covered,
            )
        )
    return loads


# --- online: look-ups, or the bulk file and look-ups -------------------------------------


def _online_observation(
    numbers: list[str], archive_dir: Path, client: BrregClient | None, *, bulk: bool
) -> pl.DataFrame:
    owned = client is None
    client = client or BrregClient()
    try:
        frames = []
        remaining = numbers
        if bulk:
            archived = archive_download(client, archive_dir, BULK_JSON)
            in_bulk = read_units(archived.path, org_numbers=set(numbers))
            frames.append(_with_origin(in_bulk, "bulk", archived))
            remaining = sorted(set(numbers) - set(in_bulk["org_number"]))
        for number in remaining:
            response = client.lookup(number)
            archived = archive_response(response, archive_dir)
            frames.append(_with_origin(_lookup_rows(archived), "lookup", archived))
        return pl.concat(frames) if frames else pl.DataFrame(schema=ROW_SCHEMA)
    finally:
        if owned:
            client.close()


def _lookup_rows(archived: ArchivedResponse) -> pl.DataFrame:
    number = archived.org_number or ""
    if archived.status_code == 404:
        return absent_units([number], "not_found")
    if archived.status_code == 410:
        return absent_units([number], "removed")
    unit = read_units(archived.read_bytes())
    if unit["org_number"].to_list() != [number]:
        raise BrregError(
            f"Enhetsregisteret svarte med en annen enhet enn den det ble spurt om "
            f"({archived.url}); svaret ligger i {archived.path}."
        )
    return unit


def _with_origin(frame: pl.DataFrame, source: str, archived: ArchivedResponse) -> pl.DataFrame:
    fetched_at = archived.fetched_at.astimezone(UTC).replace(tzinfo=None)
    return frame.with_columns(
        pl.lit(source).alias("source"),
        pl.lit(archived.sha256).alias("source_sha256"),
        pl.lit(fetched_at, pl.Datetime("us")).alias("fetched_at"),
    ).select(pl.col(name).cast(dtype) for name, dtype in ROW_SCHEMA.items())


def _summary(day: date, frame: pl.DataFrame, not_covered: int) -> ObservationSummary:
    counts = dict(frame.group_by("status").len().iter_rows())
    return ObservationSummary(
        observed_on=day,
        active=counts.get("active", 0),
        deleted=counts.get("deleted", 0),
        not_found=counts.get("not_found", 0),
        removed=counts.get("removed", 0),
        not_covered=not_covered,
    )


__all__ = ["BULK_THRESHOLD", "ObservationSummary", "RefreshResult", "refresh_units"]
