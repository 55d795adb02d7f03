"""Enhetsregisteret: every linked business observed in the register, or in the bundled synthetic
snapshots, and loaded raw as dated observations (`ingestion.brreg.refresh_units`).

The refresh reads the linkage store, which the establishments' ingest fills: the asset depends on
raw_operators__establishments, so a run that loads establishments observes them too."""

import os
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import dagster as dg

from ingestion.brreg import RefreshResult, refresh_units
from ingestion.brreg.load import create_units_table, newest_observed_on
from orchestration.defs.common.resources import DUCKDB_WRITER_POOL, WarehouseResource

BRREG_ONLINE_ENV = "ETABLERER_BRREG_ONLINE"
OSLO = ZoneInfo("Europe/Oslo")
# The metadata key Dagster's freshness checks read as the time the data is from.
LAST_UPDATED_KEY = "dagster/last_updated_timestamp"


class BrregRefreshConfig(dg.Config):
    """`offline: true` loads the bundled synthetic snapshots (data/sample/brreg, or the folder
    ETABLERER_BRREG_SNAPSHOT_DIR names), one observation per snapshot date. Left unset, the asset
    goes online only when ETABLERER_BRREG_ONLINE=1, as SSB does with ETABLERER_SSB_ONLINE, so
    nothing reaches the internet by default."""

    offline: bool | None = None


def observed_timestamp(day: date) -> float:
    """The start of the day the register was read, in Oslo: the data's own time for the freshness
    check (a synthetic snapshot is dated; its load time says nothing of its age)."""
    return datetime.combine(day, time(), tzinfo=OSLO).timestamp()


def observations_table(result: RefreshResult) -> str:
    rows = [
        "| observert | rader | funnet | herav slettet | ikke funnet (404) | fjernet (410) "
        "| ikke i øyeblikksbildet |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    rows += [
        f"| {o.observed_on} | {o.rows} | {o.found} | {o.deleted} | {o.not_found} | {o.removed} "
        f"| {o.not_covered} |"
        for o in result.observations
    ]
    return "\n".join(rows)


def refresh_metadata(
    result: RefreshResult, *, offline: bool, newest: date | None, today: date
) -> dict:
    """What the UI shows of a refresh: counts per observation day and for the newest, what the data
    rests on, and the newest day the table holds (what the freshness check measures): an offline
    refresh that covers none of the linked numbers leaves the last online observation newest."""
    metadata: dict = {
        **result.as_metadata(),
        "mode": "offline snapshot" if offline else "online",
        "data_standing": "synthetic" if result.is_synthetic else "measured",
        "per_observation": dg.MetadataValue.md(observations_table(result)),
    }
    if newest is not None:
        metadata["newest_observed_on"] = newest.isoformat()
        metadata["register_age_days"] = (today - newest).days
        metadata[LAST_UPDATED_KEY] = dg.MetadataValue.timestamp(observed_timestamp(newest))
    return metadata


@dg.asset(
    key="raw_brreg__units",
    group_name="raw",
    kinds={"python", "duckdb"},
    deps=["raw_operators__establishments"],
    pool=DUCKDB_WRITER_POOL,
    description=(
        "raw.brreg_units: de koblede foretakene slik Enhetsregisteret viste dem, én datert "
        "observasjon per oppslag (virksomhetsnøkkel, aldri organisasjonsnummeret)."
    ),
)
def raw_brreg__units(
    context: dg.AssetExecutionContext, config: BrregRefreshConfig, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    offline = config.offline
    if offline is None:
        offline = os.environ.get(BRREG_ONLINE_ENV) != "1"
    result = refresh_units(
        warehouse.db_path, offline=offline, archive_dir=warehouse.archive_dir / "brreg"
    )
    if not result.observations:
        # dbt's views on the table are built in this run all the same.
        create_units_table(warehouse.db_path)
        context.log.info(
            f"Enhetsregisteret: {result.linked} koblede foretak, ingenting observert "
            f"({'offline' if offline else 'online'})."
        )
    for o in result.observations:
        context.log.info(
            f"Enhetsregisteret {o.observed_on}: {o.found} funnet ({o.deleted} slettet), "
            f"{o.not_found} ikke funnet, {o.removed} fjernet"
            + (f", {o.not_covered} ikke i øyeblikksbildet" if o.not_covered else "")
        )
    newest = newest_observed_on(warehouse.db_path)
    return dg.MaterializeResult(
        metadata=refresh_metadata(
            result, offline=offline, newest=newest, today=datetime.now(OSLO).date()
        )
    )
