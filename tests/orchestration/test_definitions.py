"""The Dagster definitions load from workspace.yaml and hold the expected graph."""

import importlib
import json
import os
from pathlib import Path

import dagster as dg
import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[2]

OPERATOR_TABLES = [
    "clients",
    "activities",
    "courses",
    "establishments",
    "survey_responses",
    "finance",
    "activity_plan",
    "quarantine",
    "load_log",
]


def load_defs_from_workspace() -> dg.Definitions:
    workspace = yaml.safe_load((PROJECT_ROOT / "workspace.yaml").read_text())
    (entry,) = workspace["load_from"]
    module = importlib.import_module(entry["python_module"]["module_name"])
    (defs,) = [v for v in vars(module).values() if isinstance(v, dg.Definitions)]
    return defs


def test_workspace_definitions_have_the_slice_assets(dbt_manifest):
    defs = load_defs_from_workspace()
    keys = {key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()}
    expected = {
        "raw_ssb__population",
        *(f"raw_operators__{t}" for t in OPERATOR_TABLES),
        "stg_ssb__population",
        "raw_ssb__enterprise_survival",
        "stg_ssb__enterprise_survival",
        "fct_funding",
        "annual_reports",
    }
    assert expected <= keys, expected - keys


def test_ssb_survival_is_a_shared_model_fed_by_the_ssb_step(dbt_manifest):
    """08316 is loaded by the same step as population (one multi-asset, one asset per raw table),
    and its staging view is built with the shared models, not in every region-year run."""
    from orchestration.defs.dbt.assets import dbt_models, dbt_shared_models
    from orchestration.defs.ssb.jobs import ssb_population_job

    graph = load_defs_from_workspace().resolve_asset_graph()
    survival = dg.AssetKey("stg_ssb__enterprise_survival")
    assert survival in dbt_shared_models.keys and survival not in dbt_models.keys
    assert graph.get(survival).parent_keys == {dg.AssetKey("raw_ssb__enterprise_survival")}
    ssb_step = dg.AssetSelection.assets("raw_ssb__population").required_multi_asset_neighbors()
    assert ssb_step.resolve(graph) == {
        dg.AssetKey("raw_ssb__population"),
        dg.AssetKey("raw_ssb__enterprise_survival"),
    }
    assert ssb_population_job.selection.resolve(graph) == ssb_step.resolve(graph)


def test_the_outcome_marts_are_region_year_tables_on_the_registers_tables(dbt_manifest):
    """The outcome marts read the operators' establishments, so a region-year run builds them,
    whole (every region and year). They read the register's history and each day's state, tables
    of their own step (dbt_register_models) that follows raw_brreg__units, in the weekly
    refresh's job too. All tables, so their tests do not compute every observation day again."""
    from orchestration.defs.brreg.jobs import brreg_units_job
    from orchestration.defs.dbt.assets import dbt_models, dbt_register_models

    graph = load_defs_from_workspace().resolve_asset_graph()
    register = {"stg_brreg__units", "int_brreg__unit_history", "int_brreg__units_as_of"}
    outcomes = {
        "fct_outcome_cohorts",
        "fct_outcome_startups",
        "fct_outcome_businesses",
        "fct_linkage_findings",
    }
    assert {dg.AssetKey(name) for name in outcomes} <= dbt_models.keys
    assert dbt_register_models.keys == {dg.AssetKey(name) for name in register}
    assert graph.get(dg.AssetKey("stg_brreg__units")).parent_keys == {
        dg.AssetKey("raw_brreg__units")
    }
    assert (
        dg.AssetKey("int_brreg__units_as_of")
        in graph.get(dg.AssetKey("int_client_businesses_observed")).parent_keys
    )
    assert brreg_units_job.selection.resolve(graph) == {
        dg.AssetKey("raw_brreg__units"),
        *dbt_register_models.keys,
    }
    manifest = json.loads(dbt_manifest.read_text())
    materialized = {
        node["name"]: node["config"]["materialized"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
    }
    assert {materialized[name] for name in outcomes} == {"table"}
    assert materialized["stg_brreg__units"] == "view"
    assert materialized["int_brreg__unit_history"] == "table"
    assert materialized["int_brreg__units_as_of"] == "table"


def test_lineage_runs_from_ssb_to_the_report(dbt_manifest):
    graph = load_defs_from_workspace().resolve_asset_graph()
    upstream = dg.AssetSelection.assets("annual_reports").upstream().resolve(graph)
    assert dg.AssetKey("raw_ssb__population") in upstream
    assert dg.AssetKey("stg_ssb__population") in upstream
    assert dg.AssetKey("fct_funding") in upstream


def test_every_warehouse_writer_is_in_the_single_duckdb_pool(dbt_manifest):
    defs = load_defs_from_workspace()
    graph = defs.resolve_asset_graph()
    for key in ["raw_ssb__population", "raw_operators__clients", "fct_funding", "annual_reports"]:
        node = graph.get(dg.AssetKey(key))
        assert node.pools == {"duckdb_writer"}, key


def test_only_the_newest_dbt_run_folders_are_kept(tmp_path, dbt_manifest):
    from orchestration.defs.dbt.assets import prune_dbt_run_folders

    for i in range(8):
        folder = tmp_path / f"dbt_models-run{i}"
        (folder / "compiled").mkdir(parents=True)
        os.utime(folder, ns=(i * 10**9, i * 10**9))
    (tmp_path / "manifest.json").write_text("{}")  # what etablerer prepare writes stays

    removed = prune_dbt_run_folders(tmp_path, keep=5)

    assert sorted(p.name for p in removed) == [
        "dbt_models-run0",
        "dbt_models-run1",
        "dbt_models-run2",
    ]
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == [f"dbt_models-run{i}" for i in range(3, 8)] + ["manifest.json"]


def test_a_dbt_commands_partial_parse_goes_back_to_the_project(tmp_path, dbt_manifest):
    from orchestration.defs.dbt.assets import keep_partial_parse

    run_target, project_target = tmp_path / "dbt_models-run", tmp_path / "target"
    run_target.mkdir()
    assert keep_partial_parse(run_target, project_target) is False  # a command that never parsed
    assert not (project_target / "partial_parse.msgpack").exists()

    (run_target / "partial_parse.msgpack").write_bytes(b"parsed with this profile")
    assert keep_partial_parse(run_target, project_target) is True
    assert (project_target / "partial_parse.msgpack").read_bytes() == b"parsed with this profile"


def test_the_dbt_graph_splits_into_region_year_models_and_shared_ones(dbt_manifest):
    """Seeds and what is built from seeds, SSB and the agreements alone are shared (not
    partitioned); what reads the operators' data, and every incremental mart, is a region-year
    model. The lineage stays whole: operator and SSB sources → staging → marts → reports."""
    from orchestration.defs.dbt.assets import dbt_models, dbt_shared_models

    defs = load_defs_from_workspace()
    graph = defs.resolve_asset_graph()
    shared = {key.to_user_string() for key in dbt_shared_models.keys}
    region_year = {key.to_user_string() for key in dbt_models.keys}
    assert not shared & region_year
    assert {"agreements", "payees", "regions", "dim_region", "stg_ssb__population"} <= shared
    assert {"stg_operators__clients", "fct_funding", "fct_payouts", "fct_compliance"} <= region_year
    assert all(graph.get(dg.AssetKey(name)).partitions_def is None for name in shared)
    assert all(graph.get(dg.AssetKey(name)).partitions_def is not None for name in region_year)
    for name in shared:  # built only when missing or changed, not by region-year jobs
        assert graph.get(dg.AssetKey(name)).automation_condition is not None
    for job in ("yearly_pipeline_job", "operator_records_job", "payout_job", "annual_report_job"):
        selected = defs.resolve_job_def(job).asset_layer.selected_asset_keys
        assert not {key.to_user_string() for key in selected} & shared, job
    upstream = dg.AssetSelection.assets("fct_payouts").upstream().resolve(graph)
    assert {dg.AssetKey("raw_operators__clients"), dg.AssetKey("agreements")} <= upstream


def test_shared_models_are_built_when_missing_or_changed(dbt_manifest, tmp_path):
    """`etablerer run` asks the instance and the warehouse: a model never built, built from other
    code, or gone from the warehouse file is built again; the others are not."""
    import duckdb

    from orchestration.defs.dbt.assets import (
        CODE_VERSION_TAG,
        dbt_shared_models,
        shared_models_to_build,
    )

    specs = {spec.key: spec for spec in dbt_shared_models.specs}
    instance = dg.DagsterInstance.ephemeral()
    db = tmp_path / "etablerer.duckdb"
    assert shared_models_to_build(instance, db) == list(specs)  # nothing built yet

    relations = {key: str(spec.metadata["dagster/table_name"]) for key, spec in specs.items()}
    with duckdb.connect(str(db)) as con:
        for name in relations.values():
            schema, table = name.split(".")[1:]
            con.execute(f"create schema if not exists {schema}")
            con.execute(f"create table {schema}.{table} (x integer)")
    for key, spec in specs.items():
        tags = {CODE_VERSION_TAG: spec.code_version}
        instance.report_runless_asset_event(dg.AssetMaterialization(key, tags=tags))
    assert shared_models_to_build(instance, db) == []

    changed, dropped = dg.AssetKey("payees"), dg.AssetKey("dim_region")
    instance.report_runless_asset_event(
        dg.AssetMaterialization(changed, tags={CODE_VERSION_TAG: "built from older code"})
    )
    with duckdb.connect(str(db)) as con:
        con.execute(f"drop table {relations[dropped].split('.', 1)[1]}")
    assert set(shared_models_to_build(instance, db)) == {changed, dropped}
