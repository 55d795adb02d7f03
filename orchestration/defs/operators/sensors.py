"""Landing-folder sensor: an operator drops a file in data/landing/<region_id>/<year>/; once the
file has stopped changing, that region-year is ingested and everything downstream of it rebuilt;
the other regions stay as they were."""

import hashlib
import json
import os
import time
from pathlib import Path

import dagster as dg

from ingestion import paths
from ingestion.operators.api import MAX_ROW_DROP_ENV, file_sha256
from ingestion.operators.identifiers import KEY_ENV, KEY_FILE_ENV, SYNTHETIC_DATA_ENV
from orchestration.defs.common.partitions import (
    REGION_IDS,
    report_year_partitions,
    year_region_key,
)
from orchestration.defs.operators.jobs import operator_records_job

# A file must keep its size and mtime for this long before it is taken: operators copy large
# exports over slow shares.
SETTLE_SECONDS = 30
ACCEPTED_SUFFIXES = {".csv", ".xlsx", ".txt"}


def stable_landing_files(
    landing_dir: Path, previous: dict[str, list[int]], now: float, settle_seconds: int
) -> tuple[list[Path], dict[str, list[int]]]:
    """Files that have kept size and mtime since the last tick and for settle_seconds, and the new
    cursor state (size, mtime_ns) for every file seen; the sensor adds a ready file's sha256."""
    state: dict[str, list[int]] = {}
    ready: list[Path] = []
    for path in sorted(landing_dir.glob("*/*/*")):
        if not path.is_file() or path.suffix.lower() not in ACCEPTED_SUFFIXES:
            continue
        stat = path.stat()
        key = str(path.relative_to(landing_dir))
        state[key] = [stat.st_size, stat.st_mtime_ns]
        unchanged = previous.get(key, [])[:2] == state[key]
        if unchanged and now - stat.st_mtime_ns / 1e9 >= settle_seconds:
            ready.append(path)
    return ready, state


# A delivery whose run failed is requested again once the cause may have changed: at once when the
# settings a load depends on have changed (the pseudonym key, the guards), else after a back-off
# that doubles with each attempt.
RETRY_AFTER_SECONDS = 10 * 60
RETRY_AFTER_MAX_SECONDS = 24 * 60 * 60
DELIVERY_TAG = "etablerer/delivery"
ATTEMPT_TAG = "etablerer/attempt"
SETTINGS_TAG = "etablerer/settings"
RETRIED_STATUSES = (dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED)


def load_settings_fingerprint() -> str:
    """A short digest of the settings a load depends on: which pseudonym key is configured (the
    key file's path and modification time, whether a key is set; never the key itself), the
    synthetic-data flag and the delivery guard's share."""
    key_file = os.environ.get(KEY_FILE_ENV, "").strip()
    key_file_stat = Path(key_file).stat() if key_file and Path(key_file).is_file() else None
    settings = {
        "key_set": bool(os.environ.get(KEY_ENV, "").strip()),
        "key_file": key_file,
        "key_file_changed": key_file_stat.st_mtime_ns if key_file_stat else None,
        "synthetic": os.environ.get(SYNTHETIC_DATA_ENV, ""),
        "max_row_drop": os.environ.get(MAX_ROW_DROP_ENV, ""),
    }
    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:12]


def retry_after_seconds(attempt: int) -> int:
    """The back-off before attempt `attempt + 1` of a delivery whose run failed."""
    return min(RETRY_AFTER_SECONDS * 2 ** (attempt - 1), RETRY_AFTER_MAX_SECONDS)


def delivery_run_request(
    instance: dg.DagsterInstance, path: Path, sha256: str, settings: str, now: float
) -> dg.RunRequest | None:
    """The run for a landed file, keyed on its content: the first, or the next attempt when the
    last one failed and its settings have changed or its back-off has passed; None while a run
    for this content is going or has succeeded, or the back-off lasts."""
    region_id, year = path.parent.parent.name, path.parent.name
    delivery = f"{region_id}/{year}/{path.name}:{sha256}"
    records = instance.get_run_records(dg.RunsFilter(tags={DELIVERY_TAG: delivery}), limit=1)
    attempt = 1
    if records:
        last = records[0]
        if last.dagster_run.status not in RETRIED_STATUSES:
            return None
        tried = int(last.dagster_run.tags.get(ATTEMPT_TAG, "1"))
        same_settings = last.dagster_run.tags.get(SETTINGS_TAG) == settings
        ended = last.end_time or now
        if same_settings and now - ended < retry_after_seconds(tried):
            return None
        attempt = tried + 1
    return dg.RunRequest(
        # The same content again is one run per attempt (the daemon skips a run key it has seen).
        run_key=delivery if attempt == 1 else f"{delivery}#{attempt}",
        partition_key=year_region_key(year, region_id),
        tags={
            "etablerer/file": path.name,
            DELIVERY_TAG: delivery,
            ATTEMPT_TAG: str(attempt),
            SETTINGS_TAG: settings,
        },
    )


@dg.sensor(
    name="landing_sensor",
    job=operator_records_job,
    minimum_interval_seconds=30,
    description="Tar inn nye operatørfiler fra data/landing/<region>/<år>/; prøver igjen etter "
    "en feilet kjøring når innstillingene er endret, ellers etter en ventetid.",
)
def landing_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult:
    landing_dir = paths.landing_dir()
    previous = json.loads(context.cursor) if context.cursor else {}
    ready, state = stable_landing_files(landing_dir, previous, time.time(), SETTLE_SECONDS)
    valid_years = set(report_year_partitions.get_partition_keys())
    settings = load_settings_fingerprint()
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
        key = str(path.relative_to(landing_dir))
        # A ready file has kept its size and mtime since the last tick: a digest kept then holds.
        cached = previous.get(key, [])
        sha256 = cached[2] if len(cached) > 2 else file_sha256(path)
        state[key] = [*state[key], sha256]
        request = delivery_run_request(context.instance, path, sha256, settings, time.time())
        if request is not None:
            run_requests.append(request)
    return dg.SensorResult(run_requests=run_requests, cursor=json.dumps(state))
