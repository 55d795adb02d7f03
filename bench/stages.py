"""Work measured by the benchmark. Each stage runs in its own process (`python -m bench.stages
<stage> <json args>`), so its wall time and peak RSS are its own; it prints one JSON line."""

from __future__ import annotations

import itertools
import json
import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path

from bench.scale import SCALE_FORMATS
from ingestion import agreements, paths
from ingestion.operators.contract import LOAD_ORDER, schema_for

_DUCKDB_TYPES = {"date": "date", "decimal": "decimal(18,2)", "integer": "integer"}


def data_rows(path: Path) -> int:
    """Data lines in a generated CSV (no quoted newlines in our files)."""
    with Path(path).open("rb") as fh:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b"")) - 1


def operator_files(
    operator_dir: Path, years: list[int] | None = None
) -> list[tuple[str, int, Path]]:
    """(region_id, year, folder) for every region-year folder, oldest year first."""
    found = []
    for folder in sorted(Path(operator_dir).glob("*/*")):
        if folder.is_dir() and folder.name.isdigit():
            if years is None or int(folder.name) in years:
                found.append((folder.parent.name, int(folder.name), folder))
    return sorted(found, key=lambda t: (t[1], t[0]))


def ingest(args: dict) -> dict:
    """The project's CSV path (ingest_directories: read, validate, pseudonymise, load) for every
    region-year, history first; the warehouse is copied to `history_copy`, and the linkage store
    the ingest fills to `history_linkage`, before the last year."""
    from ingestion.linkage import linkage_path
    from ingestion.operators import ingest_directories

    db = Path(args["db"])
    folders = operator_files(Path(args["operator_dir"]))
    last_year = max(year for _, year, _ in folders)
    seconds = {"history": 0.0, "year": 0.0}
    rows = {"history": 0, "year": 0}
    for part in ("history", "year"):
        if part == "year":
            shutil.copyfile(db, args["history_copy"])
            copy_sqlite(linkage_path(), Path(args["history_linkage"]))
        started = time.perf_counter()
        results = ingest_directories(
            db,
            [
                (folder, region_id, year)
                for region_id, year, folder in folders
                if (year == last_year) == (part == "year")
            ],
            archive_dir=Path(args["archive_dir"]),
        )
        seconds[part] += time.perf_counter() - started
        rows[part] += sum(r.rows_in for r in results)
        by_folder = itertools.groupby(results, key=lambda r: (r.region_id, r.year))
        for (region_id, year), folder_results in by_folder:
            folder_results = list(folder_results)
            if any(r.status != "loaded" or r.rejected for r in folder_results):
                bad = [(r.source_file, r.status, r.rejected) for r in folder_results if r.rejected]
                print(f"warning: {region_id}/{year}: {bad}", file=sys.stderr)
    return {"seconds": seconds, "rows": rows}


def copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite file in WAL mode (the linkage store), by its backup API."""
    import sqlite3
    from contextlib import closing

    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
    target.chmod(0o600)  # as the store itself: it holds clear organisation numbers


def settle(args: dict) -> dict:
    """Merge the row groups the bulk loads left in `db` (`bulk_loading` skips DuckDB's vacuum),
    as the first checkpoint of any later writer would. A warehouse built year by year had this
    done by each run's dbt, after that run's loads; left undone, row 3's first step (the SSB load)
    would pay for nine years of them. Row 1c shows its seconds."""
    import duckdb

    started = time.perf_counter()
    with duckdb.connect(args["db"]) as con:
        con.execute("set enable_progress_bar = false")
        # A checkpoint with nothing to write does not vacuum: give it one change.
        con.execute("create table main.bench_settle as select 1 as done")
        con.execute("drop table main.bench_settle")
        con.execute("checkpoint")
    return {"seconds": time.perf_counter() - started}


def _read_csv_sql(path: Path, kind: str, region_id: str) -> str:
    """A typed DuckDB read_csv of one generated file, with the operator's format."""
    fmt = SCALE_FORMATS[region_id]
    schema = schema_for(kind)
    comma_file = fmt.separator == ","
    columns, select = {}, []
    for f in schema.fields:
        sql_type = f.sql_type or _DUCKDB_TYPES.get(f.type, "varchar")
        if f.type == "decimal" and comma_file:  # "1,5" quoted in a comma-separated file
            columns[f.name] = "varchar"
            select.append(f"cast(replace({f.name}, ',', '.') as {sql_type}) as {f.name}")
        elif f.type == "boolean":
            columns[f.name] = "varchar"
            select.append(f"({f.name} = 'ja') as {f.name}")
        else:
            columns[f.name] = sql_type
            select.append(f.name)
    options = {
        "delim": fmt.separator,
        "header": True,
        "columns": columns,
        "dateformat": "%Y-%m-%d" if fmt.iso_dates else "%d.%m.%Y",
        "encoding": "latin-1" if fmt.encoding == "cp1252" else "utf-8",
        "quote": '"',
    }
    if not comma_file:
        options["decimal_separator"] = ","
    opts = ", ".join(f"{k} = {_sql_literal(v)}" for k, v in options.items())
    return f"select {', '.join(select)} from read_csv('{path}', {opts})"


def _sql_literal(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{" + ", ".join(f"'{k}': '{v}'" for k, v in value.items()) + "}"
    return "'" + str(value).replace("'", "''") + "'"


def read_csv_baseline(args: dict) -> dict:
    """Raw DuckDB read_csv of the same files into typed tables in a file database."""
    import duckdb

    folders = operator_files(Path(args["operator_dir"]))
    last_year = max(year for _, year, _ in folders)
    seconds = {"history": 0.0, "year": 0.0}
    rows = {"history": 0, "year": 0}
    created: set[str] = set()
    with duckdb.connect(args["db"]) as con:
        for region_id, year, folder in folders:
            part = "year" if year == last_year else "history"
            started = time.perf_counter()
            for kind in LOAD_ORDER:
                path = folder / f"{kind}.csv"
                if not path.exists():
                    continue
                select = _read_csv_sql(path, kind, region_id)
                if kind in created:
                    n = con.execute(f"insert into {kind} {select}").fetchone()[0]
                else:
                    con.execute(f"create table {kind} as {select}")
                    n = con.execute(f"select count(*) from {kind}").fetchone()[0]
                    created.add(kind)
                rows[part] += n
            seconds[part] += time.perf_counter() - started
    return {"seconds": seconds, "rows": rows}


def _topological(nodes: dict[str, dict]) -> list[str]:
    done: list[str] = []
    seen: set[str] = set()

    def visit(uid: str) -> None:
        if uid in seen or uid not in nodes:
            return
        seen.add(uid)
        for dep in nodes[uid].get("depends_on", {}).get("nodes", []):
            visit(dep)
        done.append(uid)

    for uid in sorted(nodes):
        visit(uid)
    return done


def compiled_sql(args: dict) -> dict:
    """Execute `dbt compile` output, in dependency order, in one DuckDB connection: views and
    tables as dbt would create them, then every data test as a count of failing rows. Seeds are
    copied from the dbt-built warehouse (loading eleven small CSVs is not the question here)."""
    import duckdb

    manifest = json.loads(Path(args["manifest"]).read_text())
    nodes = {
        uid: node
        for uid, node in manifest["nodes"].items()
        if node["resource_type"] in ("model", "test", "seed")
    }
    order = _topological(nodes)
    db = Path(args["db"])
    catalog = db.stem
    started = time.perf_counter()
    counts = defaultdict(int)
    failing_tests = 0
    with duckdb.connect(str(db)) as con:
        con.execute(f"attach '{args['seeds_from']}' as seeds_source (read_only)")
        for uid in order:
            node = nodes[uid]
            kind = node["resource_type"]
            if kind == "seed":
                con.execute(f"create schema if not exists {catalog}.{node['schema']}")
                con.execute(
                    f"create or replace table {node['relation_name']} as select * from "
                    f"seeds_source.{node['schema']}.{node['alias']}"
                )
            elif kind == "model":
                con.execute(f"create schema if not exists {catalog}.{node['schema']}")
                materialized = node["config"]["materialized"]
                what = "view" if materialized == "view" else "table"
                con.execute(
                    f"create or replace {what} {node['relation_name']} as\n{node['compiled_code']}"
                )
            else:
                failing_tests += bool(
                    con.execute(f"select count(*) from ({node['compiled_code']})").fetchone()[0]
                )
            counts[kind] += 1
    return {
        "seconds": time.perf_counter() - started,
        "models": counts["model"],
        "tests": counts["test"],
        "failing_tests": failing_tests,
    }


def step_timings(args: dict) -> dict:
    """Seconds per step of every run in a DAGSTER_HOME, from the event log."""
    import os

    os.environ["DAGSTER_HOME"] = args["dagster_home"]
    import dagster as dg

    instance = dg.DagsterInstance.get()
    jobs = {}
    for run in instance.get_runs():
        started, steps = {}, {}
        first = last = None
        for event in instance.all_logs(run.run_id):
            first = event.timestamp if first is None else first
            last = event.timestamp
            if event.dagster_event is None or not event.step_key:
                continue
            kind = event.dagster_event.event_type_value
            if kind == "STEP_START":
                started[event.step_key] = event.timestamp
            elif kind in ("STEP_SUCCESS", "STEP_FAILURE") and event.step_key in started:
                steps[event.step_key] = event.timestamp - started[event.step_key]
        jobs[f"{run.job_name}:{run.run_id[:8]}"] = {
            "status": run.status.value,
            "seconds": (last or 0) - (first or 0),
            "steps": steps,
        }
    return jobs


def agreement_checks(args: dict) -> dict:
    """The configured agreements' texts checked and loaded raw, as `raw_agreements` does: the
    staging views on them exist before dbt builds."""
    checks = agreements.check_configured_agreements(paths.AGREEMENTS_DIR)
    return {"findings": agreements.load_agreement_checks(Path(args["db"]), checks)}


def drop_last_line(args: dict) -> dict:
    """A changed export: the region-year's files, with the last activity removed."""
    source, target = Path(args["source"]), Path(args["target"])
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target)
    activities = target / "activities.csv"
    data = activities.read_bytes().rstrip(b"\r\n")
    activities.write_bytes(data[: data.rfind(b"\n") + 1])
    return {"rows": data_rows(activities)}


STAGES = {
    "ingest": ingest,
    "settle": settle,
    "read_csv": read_csv_baseline,
    "compiled_sql": compiled_sql,
    "step_timings": step_timings,
    "drop_last_line": drop_last_line,
    "agreement_checks": agreement_checks,
}


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    result = STAGES[argv[0]](json.loads(argv[1]) if len(argv) > 1 else {})
    print(json.dumps(result))


if __name__ == "__main__":
    main()
