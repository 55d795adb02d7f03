"""dbt models as Dagster assets, one asset per model, partitioned by year × region."""

import json
import os
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from orchestration.defs.common.partitions import (
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


# dagster-dbt gives every dbt command its own folder under target/ (manifest, compiled SQL, logs:
# about 10 MB); these many are kept, newest first, for looking into a recent run.
KEPT_DBT_RUN_FOLDERS = 5


def prune_dbt_run_folders(target_dir: Path, keep: int = KEPT_DBT_RUN_FOLDERS) -> list[Path]:
    """Remove all but the newest `keep` run folders of `dbt_models`; returns those removed."""
    folders = sorted(
        (p for p in target_dir.glob("dbt_models-*") if p.is_dir()),
        key=lambda p: p.stat().st_mtime_ns,
        reverse=True,
    )
    for old in folders[keep:]:
        shutil.rmtree(old, ignore_errors=True)
    return folders[keep:]


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


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    partitions_def=year_region_partitions,
    backfill_policy=ONE_RUN_PER_BACKFILL,
    dagster_dbt_translator=EtablererDbtTranslator(),
    pool=DUCKDB_WRITER_POOL,
)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    # dbt's unit tests test the SQL on fixtures, not the data: they run in `make test`
    # (tests/e2e/dbt), and dbt advises leaving them out of production builds.
    args = ["build", "--exclude-resource-type", "unit_test"]
    with environment(DBT_SCOPE_ENV, json.dumps(dbt_scope(context))):
        invocation = dbt.cli(args, context=context)
    try:
        yield from invocation.stream()
    finally:
        keep_partial_parse(invocation.target_path, dbt_project.project_dir / "target")
        prune_dbt_run_folders(dbt_project.project_dir / "target")
