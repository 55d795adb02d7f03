"""Public entry points: ingest_file, ingest_directory, ingest_directories, ingest_deliveries and
delivery_files. A file's kind comes from its name (`contract.detect_kind`)."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import duckdb
import polars as pl

from ingestion.db import compact, connect_writer
from ingestion.linkage import record_links
from ingestion.paths import OPERATOR_SAMPLE_DIR

from .contract import KINDS, LOAD_ORDER, REGIONS, Schema, detect_kind, schema_for
from .identifiers import (
    SYNTHETIC_DATA_ENV,
    business_keys,
    client_keys,
    load_pseudonym_key,
    person_keys,
    pseudonymise,
    refuse_demo_key,
)
from .load import (
    CurrentLoad,
    bulk_loading,
    ensure_raw_tables,
    field_by_role,
    known_values,
    last_loaded,
    output_columns,
    partition_rows,
    replace_partition,
    write_load_log,
)
from .readers import CSV_SUFFIXES, LINE_COLUMN, XLSX_SUFFIXES, FileUnreadable
from .validation import (
    Annotated,
    ValidationReport,
    finish_report,
    raw_col,
    validate_annotated,
)

# A delivery that would take a partition's row count down by more than this share is refused,
# unless allowed (`allow_fewer_rows`); a file with no valid rows always is.
MAX_ROW_DROP_ENV = "ETABLERER_MAX_ROW_DROP"
DEFAULT_MAX_ROW_DROP = 0.5
ALLOW_FEWER_ROWS_HINT = (
    "«etablerer ingest … --allow-fewer-rows» (i Dagster: allow_fewer_rows: true i raw_operators' "
    "konfigurasjon)"
)
# Where a loaded file came from: an operator's delivery, or the bundled synthetic sample.
DELIVERY, SAMPLE = "delivery", "sample"


class IngestError(RuntimeError):
    """A file could not be loaded; the partition is unchanged. The message is Norwegian."""

    def __init__(self, message: str, result: IngestResult | None = None):
        super().__init__(message)
        self.result = result


@dataclass
class IngestResult:
    kind: str
    region_id: str
    year: int
    source_file: str
    sha256: str
    rows_in: int
    loaded: int
    rejected: int
    status: str  # loaded | unchanged | kept | refused | failed
    archived_path: Path | None = None
    report: ValidationReport | None = field(default=None, repr=False)
    origin: str = DELIVERY
    note: str = ""  # why a file was kept out or refused, in Norwegian

    def as_metadata(self) -> dict[str, str | int]:
        return {
            "kind": self.kind,
            "region_id": self.region_id,
            "year": self.year,
            "source_file": self.source_file,
            "sha256": self.sha256,
            "rows_in": self.rows_in,
            "loaded": self.loaded,
            "rejected": self.rejected,
            "status": self.status,
            "origin": self.origin,
            "archived_path": str(self.archived_path) if self.archived_path else "",
        }


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def archive_original(path: Path, sha256: str, archive_dir: Path) -> Path:
    """Copy the original, content-addressed, once. A partial copy never has the final name."""
    target = Path(archive_dir) / "operators" / sha256[:2] / f"{sha256}{Path(path).suffix.lower()}"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming_")
    os.close(fd)
    shutil.copyfile(path, tmp)
    os.replace(tmp, target)
    return target


def origin_of(path: Path) -> str:
    """`sample` for a file of the bundled synthetic sample, else `delivery`."""
    return (
        SAMPLE if Path(path).resolve().is_relative_to(OPERATOR_SAMPLE_DIR.resolve()) else DELIVERY
    )


def data_standing(origin: str) -> str:
    """What a file's rows rest on: `synthetic` for the bundled sample and for files declared
    generated (ETABLERER_SYNTHETIC_DATA=1), else `measured` (an operator's real records)."""
    synthetic = origin == SAMPLE or os.environ.get(SYNTHETIC_DATA_ENV) == "1"
    return "synthetic" if synthetic else "measured"


def max_row_drop() -> float:
    """The share of a partition's rows a delivery may drop without `allow_fewer_rows`."""
    value = os.environ.get(MAX_ROW_DROP_ENV, "").strip()
    try:
        share = float(value) if value else DEFAULT_MAX_ROW_DROP
    except ValueError:
        share = -1.0
    if not 0 <= share <= 1:
        raise ValueError(
            f"{MAX_ROW_DROP_ENV}={value!r} er ikke en andel mellom 0 og 1 (f.eks. 0.5 for 50 %)."
        )
    return share


@dataclass(frozen=True)
class LoadPolicy:
    """What a load may do to the partition it replaces.

    - `allow_fewer_rows`: a file with no valid rows, or far fewer than the partition holds, is
      loaded (on purpose) instead of refused.
    - `keep_newer`: a file already superseded by a later delivery, or a sample file where a
      delivery is loaded, leaves the partition as it is (runs choose files themselves; a file
      named on the command line is loaded as asked)."""

    allow_fewer_rows: bool = False
    keep_newer: bool = False


def _check_args(region_id: str, year: int, kind: str) -> None:
    if region_id not in REGIONS:
        raise ValueError(f"Ukjent region «{region_id}». Gyldige: {', '.join(REGIONS)}.")
    if kind not in KINDS:
        raise ValueError(f"Ukjent type «{kind}». Gyldige: {', '.join(KINDS)}.")
    if not 2000 <= int(year) <= 2100:
        raise ValueError(f"Året {year} er ikke gyldig.")


def ingest_file(
    db_path: Path,
    path: Path,
    *,
    region_id: str,
    year: int,
    kind: str,
    archive_dir: Path,
    key: bytes | None = None,
    sheet: str | None = None,
    on_step: Callable[[str], None] | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    allow_fewer_rows: bool = False,
) -> IngestResult:
    """Archive the original, validate it and replace the (kind, region_id, year) partition of
    raw.<kind> and raw.quarantine in one transaction. The same file again is a no-op. A file with
    no valid rows, or one that would drop more than `max_row_drop()` of the partition's rows, is
    refused (IngestError; logged as `refused`) unless `allow_fewer_rows`.

    The organisation numbers of an establishments file go to the linkage store
    (`ingestion.linkage`); the warehouse gets their business_key.

    `con` is a connection to `db_path` from `open_writer` (to open the warehouse once for many
    files); without it the file opens its own."""
    path = Path(path)
    _check_args(region_id, year, kind)
    secret = key if key is not None else load_pseudonym_key()
    refuse_demo_key(secret, [path])
    policy = LoadPolicy(allow_fewer_rows=allow_fewer_rows)
    result = _archived(path, region_id, year, kind, archive_dir, origin_of(path))
    prepared = partial(_prepare, path, kind, result.region_id, result.year, secret, sheet)
    if con is not None:
        current = last_loaded(con, result.region_id, result.year).get(kind)
        return _ingest(con, path, result, prepared, current, policy, on_step=on_step)
    with open_writer(Path(db_path), secret) as own, bulk_loading(own):
        current = last_loaded(own, result.region_id, result.year).get(kind)
        return _ingest(own, path, result, prepared, current, policy, on_step=on_step)


def open_writer(db_path: Path, key: bytes) -> duckdb.DuckDBPyConnection:
    """The warehouse opened for writing (`connect_writer`), its raw tables as the contract has
    them (`ensure_raw_tables`). A warehouse that still held clear organisation numbers gets
    them pseudonymised with `key`, and is then rewritten (`compact`), so no freed block of the
    file keeps them either."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    con = connect_writer(db_path)
    try:
        if ensure_raw_tables(con, key):
            compact(con, db_path)
            con.close()
            con = connect_writer(db_path)
            ensure_raw_tables(con, key)
    except BaseException:
        con.close()
        raise
    return con


def _archived(
    path: Path, region_id: str, year: int, kind: str, archive_dir: Path, origin: str
) -> IngestResult:
    """The file's sha256 and archived copy, as a result that is `failed` until loaded."""
    sha256 = file_sha256(path)
    archived = archive_original(path, sha256, archive_dir)
    return IngestResult(
        kind, region_id, int(year), path.name, sha256, 0, 0, 0, "failed", archived, origin=origin
    )


def _prepare(
    path: Path, kind: str, region_id: str, year: int, secret: bytes, sheet: str | None
) -> tuple[ValidationReport, Annotated | None]:
    """Read and validate the file and pseudonymise its identifiers: the work that needs no
    warehouse, so `ingest_directory` does it for the next file while the current one loads. The
    organisation number stays beside its business_key in the frame, for the linkage store
    (`_record_business_links`); it is not a raw column."""
    report, _raw, annotated = validate_annotated(path, kind, year, sheet=sheet)
    if annotated is None:
        return report, None
    frame = annotated.frame
    for f in annotated.schema.fields:
        if f.pii == "client_id":
            frame = frame.with_columns(pl.col(f.name).alias("__client_id"))
            frame = pseudonymise(
                frame, "__client_id", "client_key", partial(client_keys, secret, region_id)
            )
        elif f.pii == "national_id":
            frame = frame.with_columns(pl.col(f.name).alias("__national_id"))
            frame = pseudonymise(frame, "__national_id", "person_key", partial(person_keys, secret))
        elif f.pii == "org_number":
            frame = frame.with_columns(pl.col(f.name).alias("__org_number"))
            frame = pseudonymise(
                frame, "__org_number", "business_key", partial(business_keys, secret)
            )
    annotated.frame = frame
    return report, annotated


def _ingest(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    result: IngestResult,
    prepared: Callable[[], tuple[ValidationReport, Annotated | None]],
    current: CurrentLoad | None,
    policy: LoadPolicy,
    *,
    on_step: Callable[[str], None] | None,
) -> IngestResult:
    """Load one archived file into the open warehouse; `prepared` gives it validated and
    pseudonymised (see `_prepare`), unless the same file already fills the partition or `policy`
    keeps the partition's newer delivery (`current`, from `last_loaded`)."""
    kind, region_id, year, sha256 = result.kind, result.region_id, result.year, result.sha256
    now = datetime.now(UTC).replace(tzinfo=None)
    log = dict(
        region_id=region_id,
        year=year,
        kind=kind,
        source_file=path.name,
        sha256=sha256,
        loaded_at=now,
        origin=result.origin,
        data_standing=data_standing(result.origin),
    )
    if current is not None and current.sha256 == sha256:
        result.rows_in, result.loaded, result.rejected = (
            current.rows_in,
            current.loaded,
            current.rejected,
        )
        result.status = "unchanged"
        write_load_log(
            con,
            **log,
            rows_in=result.rows_in,
            loaded=result.loaded,
            rejected=result.rejected,
            status="unchanged",
        )
        return result
    kept_for = _kept_for(result, current) if policy.keep_newer else None
    if kept_for is not None:
        result.status, result.note = "kept", kept_for
        write_load_log(con, **log, rows_in=0, loaded=0, rejected=0, status="kept", note=kept_for)
        return result
    report, annotated = prepared()
    result.report = report
    if annotated is None:
        write_load_log(
            con, **log, rows_in=0, loaded=0, rejected=0, status="failed", note=report.file_error
        )
        raise IngestError(f"{path.name}: {report.file_error}", result)
    schema = annotated.schema
    for f in schema.fields:
        if f.references == "clients" and f.name in annotated.headers:
            known = known_values(con, "clients", "client_key", region_id, year)
            annotated.check_reference(f.name, "client_key", known)
        elif f.references == "courses" and f.name in annotated.headers:
            known = known_values(con, "courses", "course_id", region_id, year)
            annotated.check_reference(f.name, f.name, known)
    rejections = finish_report(report, annotated)
    counts = dict(rows_in=report.rows_in, loaded=report.valid_rows, rejected=report.rejected_rows)
    result.rows_in, result.loaded, result.rejected = counts.values()
    refusal = None if policy.allow_fewer_rows else _refusal(con, path, report, region_id, year)
    if refusal is not None:
        result.status, result.note = "refused", refusal
        write_load_log(con, **log, **dict(counts, loaded=0), status="refused", note=refusal)
        raise IngestError(refusal, result)
    rows = annotated.valid(_raw_columns(schema))
    quarantine = rejections.select(
        pl.lit(region_id).alias("region_id"),
        pl.lit(year, pl.Int32).alias("year"),
        pl.lit(kind).alias("kind"),
        pl.lit(path.name).alias("source_file"),
        pl.lit(sha256).alias("source_sha256"),
        pl.col("source_line").cast(pl.Int32),
        "column_name",
        "value_masked",
        "reason_code",
        "message",
        pl.lit(now).alias("loaded_at"),
    )
    try:
        _record_business_links(annotated, sha256)
        replace_partition(
            con,
            schema=schema,
            rows=rows,
            quarantine=quarantine,
            log=dict(**log, **counts, status="loaded"),
            on_step=on_step,
        )
    except Exception as exc:
        write_load_log(con, **log, **dict(counts, loaded=0, rejected=0), status="failed")
        raise IngestError(
            f"{path.name}: innlesingen feilet ({exc}). Forrige versjon av dataene er beholdt.",
            result,
        ) from exc
    result.status = "loaded"
    return result


def _record_business_links(annotated: Annotated, sha256: str) -> None:
    """The loaded rows' (business_key, organisation number) into the linkage store, before the
    warehouse load: a load that then fails leaves links to keys no table holds, which is
    harmless, while a link missing for a loaded key would lose the business for the register
    refresh. A file refused by validation or the delivery guard records none."""
    org_number = field_by_role(annotated.schema, "org_number")
    if org_number is None:
        return
    pairs = annotated.valid([pl.col("business_key"), pl.col(org_number.name)]).drop_nulls()
    record_links(pairs.unique().iter_rows(), source_sha256=sha256)


def _kept_for(result: IngestResult, current: CurrentLoad | None) -> str | None:
    """Why a run leaves the partition's current delivery in place rather than load `result`'s
    file, or None: a run never replaces a delivery with the sample, nor with an older delivery."""
    if current is None or current.origin != DELIVERY:
        return None
    loaded = f"«{current.source_file}», lest inn {current.loaded_at:%d.%m.%Y %H:%M} UTC"
    if result.origin == SAMPLE:
        return f"eksempelfilen er ikke lest inn: operatørens levering ({loaded}) beholdes."
    if result.sha256 in current.earlier:
        return (
            f"«{result.source_file}» er en eldre levering enn den som er lest inn ({loaded}), og "
            "er ikke lest inn på nytt. Skal den eldre filen gjelde igjen: "
            f"etablerer ingest FIL --region {result.region_id} --year {result.year}."
        )
    return None


def _refusal(
    con: duckdb.DuckDBPyConnection, path: Path, report: ValidationReport, region_id: str, year: int
) -> str | None:
    """Why the delivery guard refuses a validated file, in Norwegian, or None: a file with no
    valid rows, or with far fewer than the partition holds, would wipe out data by accident."""
    kind = report.kind
    held = partition_rows(con, kind, region_id, year)
    where = f"raw.{kind} for {region_id} {year}"
    kept = (
        f"Filen er ikke lest inn, og {where} beholder sine {held} rader."
        if held
        else f"Filen er ikke lest inn ({where} har ingen rader fra før)."
    )
    check = f"Se feilene med: etablerer validate {path.name} --kind {kind} --year {year}."
    on_purpose = f"Skal partisjonen tømmes eller krympes med vilje, bruk {ALLOW_FEWER_ROWS_HINT}."
    if report.rows_in == 0:
        return f"{path.name}: filen har ingen rader, bare overskrift. {kept} {on_purpose}"
    if report.valid_rows == 0:
        return (
            f"{path.name}: ingen av de {report.rows_in} radene ble godkjent. {kept} {check} "
            f"{on_purpose}"
        )
    share = max_row_drop()
    if held and report.valid_rows < held * (1 - share):
        dropped = 1 - report.valid_rows / held
        return (
            f"{path.name}: bare {report.valid_rows} godkjente rader mot {held} i {where} nå, "
            f"{dropped * 100:.0f} % færre (grensen er {share * 100:.0f} %, {MAX_ROW_DROP_ENV}). "
            f"{kept} "
            f"{check if report.rejected_rows else ''} {on_purpose}"
        ).replace("  ", " ")
    return None


def _raw_columns(schema: Schema) -> list[pl.Expr]:
    """The columns of raw.<kind> that vary by row, from an annotated frame: the partition and the
    file's lineage are constants that `replace_partition` adds."""
    exprs = []
    for f in schema.fields:
        if f.pii == "drop":
            if f.presence_column:
                exprs.append(pl.col(raw_col(f.name)).is_not_null().alias(f.presence_column))
        elif f.pii is None:
            exprs.append(pl.col(f.name))
    present = {name for name, _ in output_columns(schema)}
    exprs += [pl.col(c) for c in ("client_key", "person_key", "business_key") if c in present]
    exprs.append(pl.col(LINE_COLUMN).cast(pl.Int32).alias("source_line"))
    return exprs


def ingest_directory(
    db_path: Path,
    directory: Path,
    *,
    region_id: str,
    year: int,
    archive_dir: Path,
    key: bytes | None = None,
) -> list[IngestResult]:
    """Ingest every <kind>.csv/.xlsx in a folder, referenced kinds first (courses, clients)."""
    return ingest_directories(
        db_path, [(Path(directory), region_id, year)], archive_dir=archive_dir, key=key
    )


def ingest_directories(
    db_path: Path,
    folders: Iterable[tuple[Path, str, int]],
    *,
    archive_dir: Path,
    key: bytes | None = None,
    on_folder: Callable[[list[IngestResult]], None] | None = None,
    allow_fewer_rows: bool = False,
) -> list[IngestResult]:
    """Ingest (folder, region_id, year) folders in order, each as `ingest_directory` does, on one
    connection with one checkpoint at the end. A folder that raises (a failed or refused file, two
    files of one kind) stops the run there: later folders are neither archived nor loaded, as
    when each folder is ingested in turn. `on_folder` sees each folder's results once the folder
    is loaded, as the results of that folder's `ingest_directory` call."""
    region_years = []
    for directory, region_id, year in folders:
        try:
            files = _folder_files(Path(directory))
        except (ValueError, OSError) as exc:
            files = exc
        region_years.append((region_id, int(year), files))
    policy = LoadPolicy(allow_fewer_rows=allow_fewer_rows)
    return _ingest_region_years(db_path, region_years, archive_dir, key, policy, on_folder)


def delivery_files(
    landing_dir: Path, region_id: str, year: int, sample_dir: Path | None = None
) -> dict[str, Path]:
    """Per kind, in load order, the file a run loads for a region-year: the operator's delivery in
    `<landing_dir>/<region_id>/<year>/`, else, when `sample_dir` is given, the sample's file in
    `<sample_dir>/<region_id>/<year>/`. Two deliveries of one kind are refused (ValueError)."""
    found: dict[str, Path] = {}
    for root in (landing_dir, sample_dir):
        folder = Path(root) / region_id / str(year) if root is not None else None
        if folder is not None and folder.is_dir():
            found = _folder_files(folder) | found
    return {kind: found[kind] for kind in LOAD_ORDER if kind in found}


def ingest_deliveries(
    db_path: Path,
    region_years: Iterable[tuple[str, int]],
    *,
    landing_dir: Path,
    archive_dir: Path,
    sample_dir: Path | None = None,
    key: bytes | None = None,
    on_folder: Callable[[list[IngestResult]], None] | None = None,
    allow_fewer_rows: bool = False,
) -> list[IngestResult]:
    """What every run loads (the landing sensor's, `etablerer run`, the UI's and the schedules'):
    per region-year and kind, the operator's latest delivery (`delivery_files`), or the sample
    when asked for. A file that already fills its partition is `unchanged`; one that a later
    delivery has replaced, or a sample file where a delivery is loaded, is `kept` out, so a run
    never replaces a newer delivery with an older or bundled file. Otherwise as
    `ingest_directories`."""
    planned = []
    for region_id, year in region_years:
        try:
            files = delivery_files(landing_dir, region_id, year, sample_dir)
        except (ValueError, OSError) as exc:
            files = exc
        planned.append((region_id, int(year), files))
    policy = LoadPolicy(allow_fewer_rows=allow_fewer_rows, keep_newer=True)
    return _ingest_region_years(db_path, planned, archive_dir, key, policy, on_folder)


_RegionYearFiles = tuple[str, int, "dict[str, Path] | Exception"]


def _ingest_region_years(
    db_path: Path,
    region_years: list[_RegionYearFiles],
    archive_dir: Path,
    key: bytes | None,
    policy: LoadPolicy,
    on_folder: Callable[[list[IngestResult]], None] | None,
) -> list[IngestResult]:
    """Load each region-year's files (per kind, in load order; or the error that stops the run
    when that region-year is reached) on one connection, with one checkpoint at the end."""
    secret = key if key is not None else load_pseudonym_key()
    refuse_demo_key(
        secret,
        [path for *_, files in region_years if isinstance(files, dict) for path in files.values()],
    )
    # A worker thread validates and pseudonymises each folder's first file, then its largest
    # (activities), while this thread archives and loads in file order, and prepares a file itself
    # when the worker has not started it by its turn: the referenced kinds (courses, clients) are
    # read, checked and loaded while the worker is busy with the largest file. The worker runs one
    # folder ahead, so it is busy while this thread loads a folder's last files; no further, so
    # the prepared frames of at most two folders are held. DuckDB holds the loads in memory until
    # the checkpoint (its memory, against a checkpoint per folder: docs/performance.md);
    # bulk_loading's WAL threshold (1 GiB) bounds it.
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-prepare")
    results: list[IngestResult] = []
    try:
        with ExitStack() as warehouse:
            con: duckdb.DuckDBPyConnection | None = None
            ahead = _plan_folder(pool, *region_years[0], secret) if region_years else None
            for index, (region_id, year, _files) in enumerate(region_years):
                plan = ahead
                if index + 1 < len(region_years):
                    ahead = _plan_folder(pool, *region_years[index + 1], secret)
                if isinstance(plan, Exception):
                    raise plan
                if con is None:
                    # Opened also for a region-year with nothing to load: the raw tables of an
                    # older warehouse gain their new columns (and lose clear organisation
                    # numbers) before dbt reads them.
                    con = warehouse.enter_context(open_writer(Path(db_path), secret))
                    warehouse.enter_context(bulk_loading(con))
                if not plan:
                    if on_folder is not None:
                        on_folder([])
                    continue
                current = last_loaded(con, region_id, year)
                folder_results = []
                for kind, (path, prepare, future) in plan.items():
                    prepared = prepare if future.cancel() else future.result
                    result = _archived(path, region_id, year, kind, archive_dir, origin_of(path))
                    folder_results.append(
                        _ingest(
                            con, path, result, prepared, current.get(kind), policy, on_step=None
                        )
                    )
                results += folder_results
                if on_folder is not None:
                    on_folder(folder_results)
        return results
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


_Plan = dict[str, tuple[Path, Callable[[], tuple[ValidationReport, Annotated | None]], Future]]


def _plan_folder(
    pool: ThreadPoolExecutor,
    region_id: str,
    year: int,
    files: dict[str, Path] | Exception,
    secret: bytes,
) -> _Plan | Exception:
    """A region-year's files in load order, each with its preparation and the worker's future for
    it (the first file, then the largest first). A region-year that cannot be loaded gives its
    error, for the caller to raise when it is reached."""
    if isinstance(files, Exception):
        return files
    try:
        for kind in files:
            _check_args(region_id, year, kind)
        kinds = list(files)
        size = {kind: files[kind].stat().st_size for kind in kinds}
    except (ValueError, OSError) as exc:
        return exc
    prepare = {
        kind: partial(_prepare, files[kind], kind, region_id, year, secret, None) for kind in kinds
    }
    largest_first = sorted(kinds[1:], key=size.__getitem__, reverse=True)
    upcoming = {kind: pool.submit(prepare[kind]) for kind in kinds[:1] + largest_first}
    return {kind: (files[kind], prepare[kind], upcoming[kind]) for kind in kinds}


def _folder_files(directory: Path) -> dict[str, Path]:
    """Per kind, in load order, the folder's <kind>.csv/.xlsx; two files of one kind are refused."""
    by_kind: dict[str, Path] = {}
    for path in sorted(directory.iterdir()):
        if not path.is_file() or path.name.startswith((".", "~$")):
            continue
        if path.suffix.lower() not in CSV_SUFFIXES + XLSX_SUFFIXES:
            continue
        kind = detect_kind(path)
        if kind in by_kind:
            raise ValueError(
                f"To filer i {directory} gjelder {schema_for(kind).no}: «{by_kind[kind].name}» og "
                f"«{path.name}». Lever én fil per type."
            )
        by_kind[kind] = path
    return {kind: by_kind[kind] for kind in LOAD_ORDER if kind in by_kind}


__all__ = [
    "DELIVERY",
    "SAMPLE",
    "FileUnreadable",
    "IngestError",
    "IngestResult",
    "delivery_files",
    "ingest_deliveries",
    "ingest_directories",
    "ingest_directory",
    "ingest_file",
]
