"""One path through dbt (issue 20): a region-year rebuild's dbt command builds the region-year
models and no seed, and a run launched from the UI (the webserver's GraphQL, the run launcher's
subprocess) invokes dbt exactly as `etablerer run` does."""

import contextlib
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest
from dagster_graphql import DagsterGraphQLClient

from orchestration.defs.dbt.assets import (
    REGION_YEAR_SELECT,
    REGISTER_SELECT,
    dbt_models,
    dbt_register_models,
    dbt_shared_models,
)
from orchestration.defs.dbt.resources import DBT_EXECUTABLE, dbt_project
from tests.helpers import copy_of_sample_run, isolated_env, run_etablerer, running_webserver

REGION = "hallingdal"
PARTITION = f"{REGION}|2026"
JOB = "yearly_pipeline_job"
TARGET = dbt_project.project_dir / "target"
# What differs between two invocations of the same command: the run's own folder and ids.
RUN_SPECIFIC = re.compile(r"(dbt_\w*models)-[0-9a-f]{7}-[0-9a-f]{7}")
RUN_SPECIFIC_ARGS = {"invocation_command", "log_path", "target_path"}


@contextlib.contextmanager
def instance_at(home: Path) -> Iterator[dg.DagsterInstance]:
    """The instance in `home`, as the CLI and the webserver open it (from DAGSTER_HOME)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DAGSTER_HOME", str(home))
        with dg.DagsterInstance.get() as instance:
            yield instance


def _run_ids(home: Path) -> list[str]:
    with instance_at(home) as instance:
        return [r.dagster_run.run_id for r in instance.get_run_records(dg.RunsFilter(job_name=JOB))]


def _dbt_commands(home: Path, run_id: str) -> list[list[str]]:
    """The dbt commands the run's steps logged (orchestration/defs/dbt/assets.py), as argv, in
    the order they ran: the register's tables, then the region-year models."""
    with instance_at(home) as instance:
        lines = [e.user_message for e in instance.all_logs(run_id) if e.user_message]
    commands = [line.removeprefix("dbt: ") for line in lines if line.startswith("dbt: ")]
    return [RUN_SPECIFIC.sub(r"\1-<run>", command).split(" ") for command in commands]


def _run_results(run_id: str, step: str = "dbt_models") -> dict:
    (folder,) = TARGET.glob(f"{step}-{run_id[:7]}-*")
    return json.loads((folder / "run_results.json").read_text(encoding="utf-8"))


def _wait_for_run(client: DagsterGraphQLClient, run_id: str) -> dg.DagsterRunStatus:
    """The run's status once it has ended; a wide bound only for a run that never ends."""
    deadline = time.monotonic() + 900
    while (status := client.get_run_status(run_id)) not in {
        dg.DagsterRunStatus.SUCCESS,
        dg.DagsterRunStatus.FAILURE,
        dg.DagsterRunStatus.CANCELED,
    }:
        assert time.monotonic() < deadline, f"run {run_id} still {status} after 900 s"
        time.sleep(1)
    return status


@pytest.fixture(scope="module")
def region_rebuilds(sample_pipeline, tmp_path_factory):
    """A region rebuild by `etablerer run --region`, then the same job and partition launched
    through the webserver as the UI's Materialize button does (queued, then started by the
    daemon, as under `make dev`), on one copy of the sample run."""
    root, operators = copy_of_sample_run(sample_pipeline, tmp_path_factory.mktemp("paths"))
    env = {**isolated_env(root), "ETABLERER_LANDING_DIR": str(operators)}
    home = root / "dagster_home"
    before = set(_run_ids(home))
    cli = run_etablerer(["run", "--year", "2026", "--region", REGION, "--skip-ssb"], env)
    assert cli.returncode == 0, cli.stdout + cli.stderr
    (cli_run,) = set(_run_ids(home)) - before
    with running_webserver(env, daemon=True) as url:
        client = DagsterGraphQLClient("127.0.0.1", port_number=int(url.rsplit(":", 1)[1]))
        ui_run = client.submit_job_execution(
            JOB, tags={"dagster/partition": PARTITION}, repository_location_name=None
        )
        status = _wait_for_run(client, ui_run)
    assert status == dg.DagsterRunStatus.SUCCESS
    return {"home": home, "cli": cli, "cli_run": cli_run, "ui_run": ui_run}


def test_a_region_rebuild_builds_no_seed_and_no_shared_model(region_rebuilds):
    assert "shared_models_job" not in region_rebuilds["cli"].stdout  # built by the sample run
    for run_id in (region_rebuilds["cli_run"], region_rebuilds["ui_run"]):
        results = _run_results(run_id)
        built = {r["unique_id"] for r in results["results"]}
        kinds = {unique_id.split(".")[0] for unique_id in built}
        assert kinds == {"model", "test"}, kinds  # no seed
        models = {u.split(".")[-1] for u in built if u.startswith("model.")}
        assert models == {key.path[-1] for key in dbt_models.keys}
        assert not models & {key.path[-1] for key in dbt_shared_models.keys}
        assert results["args"]["select"] == REGION_YEAR_SELECT.split()
        # The register's tables, a step of their own before it: no seed either.
        register = _run_results(run_id, "dbt_register_models")
        built = {r["unique_id"] for r in register["results"]}
        assert {unique_id.split(".")[0] for unique_id in built} == {"model", "test"}
        models = {u.split(".")[-1] for u in built if u.startswith("model.")}
        assert models == {key.path[-1] for key in dbt_register_models.keys}
        assert register["args"]["select"] == REGISTER_SELECT.split()


def test_the_ui_and_the_cli_invoke_dbt_the_same_way(region_rebuilds):
    home = region_rebuilds["home"]
    cli_commands = _dbt_commands(home, region_rebuilds["cli_run"])
    ui_commands = _dbt_commands(home, region_rebuilds["ui_run"])
    assert cli_commands == ui_commands
    assert len(cli_commands) == 2  # the register's tables, the region-year models
    assert all(command[:2] == [DBT_EXECUTABLE, "build"] for command in cli_commands)
    cli_results = _run_results(region_rebuilds["cli_run"])
    ui_results = _run_results(region_rebuilds["ui_run"])

    def same_for_both(args: dict) -> dict:
        return {k: v for k, v in args.items() if k not in RUN_SPECIFIC_ARGS}

    assert same_for_both(cli_results["args"]) == same_for_both(ui_results["args"])
    # The same nodes built, over the same scope: the region's 2026 partition.
    assert sorted(r["unique_id"] for r in cli_results["results"]) == sorted(
        r["unique_id"] for r in ui_results["results"]
    )
    assert all(r["status"] in {"success", "pass"} for r in ui_results["results"])
