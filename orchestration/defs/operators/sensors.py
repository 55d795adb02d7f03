"""Landing-folder sensor: an operator drops a file in data/landing/<region_id>/<year>/; once the
file has stopped changing, that region-year is ingested and everything downstream of it rebuilt;
the other regions stay as they were."""

import json
import time
from pathlib import Path

import dagster as dg

from ingestion import paths
from orchestration.defs.common.partitions import (
    COUNTY_YEAR_ASSETS,
    REGION_IDS,
    report_year_partitions,
    year_region_key,
    year_region_partitions,
)
from orchestration.defs.operators.assets import raw_operators

# A file must keep its size and mtime for this long before it is taken: operators copy large
# exports over slow shares.
SETTLE_SECONDS = 30
ACCEPTED_SUFFIXES = {".csv", ".xlsx", ".txt"}

operator_records_job = dg.define_asset_job(
    name="operator_records_job",
    # The county's year-level files follow through region_years_built_sensor.
    selection=dg.AssetSelection.assets(raw_operators).downstream() - COUNTY_YEAR_ASSETS,
    partitions_def=year_region_partitions,
    description="Laster en regions filer for et år og bygger alt som avhenger av dem.",
)


def stable_landing_files(
    landing_dir: Path, previous: dict[str, list[int]], now: float, settle_seconds: int
) -> tuple[list[Path], dict[str, list[int]]]:
    """Files that have kept size and mtime since the last tick and for settle_seconds, and the new
    cursor state (size, mtime_ns) for every file seen."""
    state: dict[str, list[int]] = {}
    ready: list[Path] = []
    for path in sorted(landing_dir.glob("*/*/*")):
        if not path.is_file() or path.suffix.lower() not in ACCEPTED_SUFFIXES:
            continue
        stat = path.stat()
        key = str(path.relative_to(landing_dir))
        state[key] = [stat.st_size, stat.st_mtime_ns]
        unchanged = previous.get(key) == state[key]
        if unchanged and now - stat.st_mtime_ns / 1e9 >= settle_seconds:
            ready.append(path)
    return ready, state


@dg.sensor(
    name="landing_sensor",
    job=operator_records_job,
    minimum_interval_seconds=30,
    description="Tar inn nye operatørfiler fra data/landing/<region>/<år>/.",
)
def landing_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult:
    landing_dir = paths.landing_dir()
    previous = json.loads(context.cursor) if context.cursor else {}
    ready, state = stable_landing_files(landing_dir, previous, time.time(), SETTLE_SECONDS)
    valid_years = set(report_year_partitions.get_partition_keys())
    run_requests = []
    for path in ready:
        region_id, year = path.parent.parent.name, path.parent.name
        if year not in valid_years:
            context.log.warning(f"{path}: {year} er ikke et rapportår; filen ble ikke tatt inn.")
            continue
        if region_id not in REGION_IDS:
            context.log.warning(
                f"{path}: {region_id} er ikke en region i avtalen ({', '.join(REGION_IDS)}); "
                "filen ble ikke tatt inn."
            )
            continue
        stat = path.stat()
        run_requests.append(
            dg.RunRequest(
                # Same file, same content: one run only.
                run_key=f"{region_id}/{year}/{path.name}:{stat.st_size}:{stat.st_mtime_ns}",
                partition_key=year_region_key(year, region_id),
                run_config={"ops": {"raw_operators": {"config": {"source_dir": str(landing_dir)}}}},
                tags={"etablerer/file": path.name},
            )
        )
    return dg.SensorResult(run_requests=run_requests, cursor=json.dumps(state))
