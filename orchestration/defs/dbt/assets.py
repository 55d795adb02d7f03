"""dbt models as Dagster assets, one asset per model, in two groups of dbt commands:

- `dbt_models`, partitioned by year × region: every node that reads the operators' data
  (`source:operators+`) or the register (`source:raw_brreg+`, which the year's run refreshes
  after loading the establishments), and the incremental marts. A region-year run builds these,
  in one dbt command for its range of region-years, and no seed.
- `dbt_shared_models`, not partitioned: the seeds, and the models built from the seeds, SSB and
  the agreements only (their views, the dims). They are built when missing or when their code
  changes (`SHARED_MODELS_CONDITION`; `etablerer run` asks the same of the instance). Their tables
  read only seeds, and a view holds no data, so new operator, SSB or agreement data does not make
  them stale; the data is checked where it lands (the GX suites) and in the marts' tests.

The UI's asset graph is one lineage: SSB and operator sources → staging → marts → reports.
"""

import functools
import hashlib
import json
import os
import shutil
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from orchestration.defs.common.partitions import (
    ALL_REGIONS_OF_YEAR,
    ONE_RUN_PER_BACKFILL,
    RegionYearScope,
    year_region_partitions,
)
from orchestration.defs.common.resources import DUCKDB_WRITER_POOL
from orchestration.defs.dbt.resources import dbt_project


class EtablererDbtTranslator(DagsterDbtTranslator):
    """Assets are named after their models (`fct_funding`), groups after the model's folder
    (staging, intermediate, marts, seeds). Source keys come from `meta.dagster.asset_key` in the
    sources yml, which the default translator honours."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return super().get_asset_key(dbt_resource_props)
        return dg.AssetKey(dbt_resource_props["name"])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "seeds"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else None

    def get_code_version(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        """The node's SQL (a seed's file checksum), the project's macros it calls, its config and
        its columns' types: dagster-dbt's default hashes the SQL alone, so an edited macro, a
        seed's new column type or a changed materialisation would not count as new code."""
        node = {
            "code": dbt_resource_props.get("raw_code") or dbt_resource_props.get("checksum"),
            "macros": _project_macros(dbt_resource_props.get("depends_on", {}).get("macros", [])),
            "config": dbt_resource_props.get("config"),
            "columns": {
                name: column.get("data_type")
                for name, column in (dbt_resource_props.get("columns") or {}).items()
            },
        }
        return hashlib.sha1(json.dumps(node, sort_keys=True, default=str).encode()).hexdigest()


@functools.cache
def _manifest_macros() -> dict[str, dict]:
    manifest = json.loads(dbt_project.manifest_path.read_text(encoding="utf-8"))
    return manifest["macros"]


def _project_macros(called: list[str]) -> list[str]:
    """The SQL of the project's macros that `called` reach, and of those they call in turn (dbt's
    own macros change only with dbt's version, which the lock pins)."""
    macros, seen, todo = _manifest_macros(), set(), list(called)
    while todo:
        unique_id = todo.pop()
        if unique_id in seen or not unique_id.startswith(f"macro.{dbt_project.name}."):
            continue
        seen.add(unique_id)
        todo += macros[unique_id].get("depends_on", {}).get("macros", [])
    return [macros[unique_id]["macro_sql"] for unique_id in sorted(seen)]


# The nodes a region-year run builds: what reads the operators' data, and the incremental marts.
# dbt's own selection syntax, so `dbt ls --select` shows the same split.
REGION_YEAR_SELECT = "source:operators+ config.materialized:incremental"
# The register's own models (its staging view, the history and each day's state as tables), built
# from raw.brreg_units as it stands: after the refresh in the runs that refresh it (the weekly
# brreg_units_job, the year's and the annual report's runs), and in every run whose models read
# them (payouts and plans read the register as last refreshed). Dagster orders a run's steps only
# by edges between the assets it holds: this step follows raw_brreg__units, and the region-year
# step, whose outcome marts and compliance rule read these tables, follows this one. Tables, so
# what reads them does not compute every observation day's state again (docs/performance.md).
REGISTER_SELECT = "source:raw_brreg+"
# A shared model is built when it is missing or its code changed, once the SSB and agreement
# tables its views read exist: the daemon's automation sensor evaluates this, and `etablerer run`
# asks the same of the instance (shared_models_to_build) after its SSB and agreement jobs.
SHARED_MODELS_CONDITION = (
    dg.AutomationCondition.on_missing() | dg.AutomationCondition.code_version_changed()
) & ~dg.AutomationCondition.any_deps_missing()


class SharedModelsTranslator(EtablererDbtTranslator):
    def get_automation_condition(
        self, dbt_resource_props: Mapping[str, Any]
    ) -> dg.AutomationCondition | None:
        return SHARED_MODELS_CONDITION


# dagster-dbt gives every dbt command its own folder under target/ (manifest, compiled SQL, logs:
# about 10 MB); these many are kept, newest first, for looking into a recent run.
KEPT_DBT_RUN_FOLDERS = 5


def prune_dbt_run_folders(target_dir: Path, keep: int = KEPT_DBT_RUN_FOLDERS) -> list[Path]:
    """Remove all but the newest `keep` run folders of each dbt asset; returns those removed."""
    removed = []
    for asset_name in ("dbt_models", "dbt_register_models", "dbt_shared_models"):
        folders = sorted(
            (p for p in target_dir.glob(f"{asset_name}-*") if p.is_dir()),
            key=lambda p: p.stat().st_mtime_ns,
            reverse=True,
        )
        for old in folders[keep:]:
            shutil.rmtree(old, ignore_errors=True)
        removed += folders[keep:]
    return removed


# The tag Dagster puts on a materialization with the code version it was built from.
CODE_VERSION_TAG = "dagster/code_version"

# The run's scope reaches dbt in the environment, not as --vars: dbt reads it only while
# executing (macros/year_partition.sql), so the partial parse from `etablerer prepare` stays valid.
DBT_SCOPE_ENV = "ETABLERER_DBT_SCOPE"
PARTIAL_PARSE_FILE = "partial_parse.msgpack"


def keep_partial_parse(run_target: Path, project_target: Path) -> bool:
    """dagster-dbt starts each dbt command from the project's partial parse. dbt parses again
    in full when the profile differs from `etablerer prepare`'s (another warehouse path, as in
    tests and the benchmark); its new partial parse goes back to the project, so the next
    command starts from it."""
    parsed = run_target / PARTIAL_PARSE_FILE
    if not parsed.exists():
        return False
    project_target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(parsed, project_target / PARTIAL_PARSE_FILE)
    return True


def dbt_scope(context: dg.AssetExecutionContext) -> dict[str, Any]:
    """The run's years, and its regions unless it builds them all: one dbt build for the whole
    range of region-years, so dbt starts once per run, not once per region or year."""
    scope = RegionYearScope.from_keys(context.partition_keys)
    regions = scope.region_filter
    return {"year": scope.year_filter, **({"region_id": regions} if regions else {})}


@contextmanager
def environment(name: str, value: str) -> Iterator[None]:
    """`name=value` in this process's environment for the block, as before afterwards.
    dagster-dbt hands os.environ to the dbt subprocess it starts; runs here execute in process,
    one step at a time."""
    before = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if before is None:
            del os.environ[name]
        else:
            os.environ[name] = before


# dbt's unit tests test the SQL on fixtures, not the data: they run in `make test` (tests/e2e/dbt),
# and dbt advises leaving them out of production builds.
DBT_BUILD = ["build", "--exclude-resource-type", "unit_test"]


def run_dbt_build(context: dg.AssetExecutionContext, dbt: DbtCliResource) -> Iterator[Any]:
    """`dbt build` of the step's selection (dagster-dbt adds it), the command logged as run."""
    invocation = dbt.cli(DBT_BUILD, context=context)
    context.log.info(f"dbt: {' '.join(invocation.process.args)}")
    try:
        yield from invocation.stream()
    finally:
        keep_partial_parse(invocation.target_path, dbt_project.project_dir / "target")
        prune_dbt_run_folders(dbt_project.project_dir / "target")


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    select=REGION_YEAR_SELECT,
    partitions_def=year_region_partitions,
    backfill_policy=ONE_RUN_PER_BACKFILL,
    dagster_dbt_translator=EtablererDbtTranslator(),
    pool=DUCKDB_WRITER_POOL,
)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    with environment(DBT_SCOPE_ENV, json.dumps(dbt_scope(context))):
        yield from run_dbt_build(context, dbt)


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    select=REGISTER_SELECT,
    exclude=REGION_YEAR_SELECT,
    dagster_dbt_translator=EtablererDbtTranslator(),
    pool=DUCKDB_WRITER_POOL,
)
def dbt_register_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    yield from run_dbt_build(context, dbt)


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    exclude=f"{REGION_YEAR_SELECT} {REGISTER_SELECT}",
    dagster_dbt_translator=SharedModelsTranslator(),
    pool=DUCKDB_WRITER_POOL,
)
def dbt_shared_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    yield from run_dbt_build(context, dbt)


def shared_models_to_build(instance: dg.DagsterInstance, db_path: Path) -> list[dg.AssetKey]:
    """The shared models that are missing (from the instance's records or from the warehouse, as
    after a new warehouse file), or whose code changed since they were built, as
    SHARED_MODELS_CONDITION asks; for `etablerer run`, which runs without the daemon."""
    present = _relations(db_path)
    stale = []
    for spec in dbt_shared_models.specs:
        event = instance.get_latest_materialization_event(spec.key)
        materialization = event.asset_materialization if event else None
        built_from = materialization.tags.get(CODE_VERSION_TAG) if materialization else None
        relation = str(spec.metadata.get("dagster/table_name", "")).split(".", 1)[-1]
        if built_from != spec.code_version or (present is not None and relation not in present):
            stale.append(spec.key)
    return stale


def _relations(db_path: Path) -> set[str] | None:
    """`schema.name` of every table and view in the warehouse; None when another process holds it
    for writing (the instance's records decide then)."""
    if not db_path.exists():
        return set()
    try:
        with duckdb.connect(str(db_path), read_only=True) as con:
            found = con.execute(
                "select table_schema || '.' || table_name from information_schema.tables"
            ).fetchall()
    except duckdb.IOException:
        return None
    return {name for (name,) in found}


def year_deps(keys: Iterable[str | dg.AssetKey]) -> list[dg.AssetDep]:
    """Dependencies of a year-partitioned asset: every region of its year of a region-year model,
    and a shared or register model as it is (not partitioned)."""
    shared = set(dbt_shared_models.keys) | set(dbt_register_models.keys)
    return [
        dg.AssetDep(key)
        if dg.AssetKey.from_coercible(key) in shared
        else dg.AssetDep(key, partition_mapping=ALL_REGIONS_OF_YEAR)
        for key in keys
    ]
