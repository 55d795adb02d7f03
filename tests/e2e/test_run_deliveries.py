"""`etablerer run` from the command line as a user types it: the operator's delivery is what a run
loads, bad arguments are refused before anything runs, and the README's commands work as written
(issue 23, points 2 and 4)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from ingestion.paths import OPERATOR_SAMPLE_DIR
from tests.helpers import PROJECT_ROOT, copy_of_sample_run, isolated_env, run_etablerer

REGION = "hallingdal"


def _clients(db: Path) -> tuple[int, str]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "select count(*), any_value(source_file) from raw.clients "
            "where region_id = ? and year = 2026",
            [REGION],
        ).fetchall()[0]


def _run_count(dagster_home: Path) -> int:
    """Runs in the instance at `dagster_home`, read as `etablerer` reads it (DAGSTER_HOME)."""
    count = "import dagster as dg; print(len(dg.DagsterInstance.get().get_run_records()))"
    env = {**os.environ, "DAGSTER_HOME": str(dagster_home)}
    read = subprocess.run(
        [sys.executable, "-c", count], env=env, capture_output=True, text=True, check=True
    )
    return int(read.stdout.strip().splitlines()[-1])


def test_a_sensor_loaded_delivery_survives_runs_of_its_region(
    sample_pipeline, tmp_path, monkeypatch
):
    """The landing sensor loads an operator's clients.csv (60 rows). `etablerer run --region`
    reloaded the bundled sample's 100 over it; so would a payout schedule. Now the run takes the
    delivery, and a run with --sample, after the operator has emptied the landing folder, keeps
    it."""
    from orchestration.defs.common.resources import WarehouseResource
    from orchestration.defs.operators.assets import raw_operators
    from orchestration.defs.operators.sensors import delivery_run_request

    root, _ = copy_of_sample_run(sample_pipeline, tmp_path)
    env = isolated_env(root)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    db = root / "warehouse" / "etablerer.duckdb"
    lines = (OPERATOR_SAMPLE_DIR / REGION / "2026" / "clients.csv").read_bytes().splitlines(True)
    delivery = root / "landing" / REGION / "2026" / "klienter.csv"
    delivery.parent.mkdir(parents=True)
    delivery.write_bytes(b"".join(lines[:61]))

    # What the sensor's run does: the request for the file, materialised in the instance.
    with dg.DagsterInstance.from_config(env["DAGSTER_HOME"]) as instance:
        request = delivery_run_request(instance, delivery, "0" * 64, "settings", now=0.0)
        loaded = dg.materialize(
            [raw_operators],
            partition_key=request.partition_key,
            instance=instance,
            tags=request.tags,
            resources={"warehouse": WarehouseResource()},
        )
    assert loaded.success
    assert _clients(db) == (60, "klienter.csv")

    as_in_readme = run_etablerer(["run", "--year", "2026", "--region", REGION, "--skip-ssb"], env)
    assert as_in_readme.returncode == 0, as_in_readme.stdout + as_in_readme.stderr
    assert _clients(db) == (60, "klienter.csv")

    delivery.unlink()
    with_sample = run_etablerer(
        ["run", "--year", "2026", "--region", REGION, "--skip-ssb", "--sample"], env
    )
    assert with_sample.returncode == 0, with_sample.stdout + with_sample.stderr
    assert "Bruker det syntetiske eksempelet" in with_sample.stderr
    assert _clients(db) == (60, "klienter.csv")
    with duckdb.connect(str(db), read_only=True) as con:
        kept = con.execute(
            "select status, origin from raw.load_log where region_id = ? and kind = 'clients' "
            "order by loaded_at desc limit 1",
            [REGION],
        ).fetchall()
    assert kept == [("kept", "sample")]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "1999"], "1999 er ikke et rapportår. Rapportårene er 2025–"),
        (["--year", "2030", "--region", REGION], "2030 er ikke et rapportår."),
        (["--year", "2026", "--region", "nowhere"], "nowhere er ikke en region."),
    ],
)
def test_bad_arguments_are_refused_before_anything_runs(sample_pipeline, tmp_path, args, message):
    """`--year 1999` fetched SSB, then ended in a CheckError traceback; `--year 2030 --region
    hallingdal` in a DagsterUnknownPartitionError; both left failed runs in the instance."""
    root, _ = copy_of_sample_run(sample_pipeline, tmp_path)
    env = isolated_env(root)
    runs = _run_count(root / "dagster_home")
    completed = run_etablerer(["run", *args], env)
    assert completed.returncode == 2
    assert completed.stderr.startswith(f"Ikke startet: {message}")
    assert "Traceback" not in completed.stderr + completed.stdout
    assert _run_count(root / "dagster_home") == runs > 0


def test_a_key_that_cannot_load_the_deliveries_is_refused_before_anything_runs(
    sample_pipeline, tmp_path
):
    """With no key configured the CLI uses the demo key, which may not pseudonymise a real
    delivery. It ran and failed with PseudonymKeyMissing after seven lines of Dagster's."""
    root, _ = copy_of_sample_run(sample_pipeline, tmp_path)
    landing = root / "landing" / REGION / "2026"
    landing.mkdir(parents=True)
    shutil.copyfile(OPERATOR_SAMPLE_DIR / REGION / "2026" / "clients.csv", landing / "clients.csv")
    env = isolated_env(root)
    del env["ETABLERER_PSEUDONYM_KEY"], env["ETABLERER_SYNTHETIC_DATA"]
    runs = _run_count(root / "dagster_home")
    completed = run_etablerer(["run", "--year", "2026", "--region", REGION, "--skip-ssb"], env)
    assert completed.returncode == 2
    first = completed.stderr.splitlines()[0]
    assert first.startswith("Ikke startet: Demonøkkelen for pseudonymer er offentlig")
    assert "ETABLERER_PSEUDONYM_KEY_FILE" in first
    assert _run_count(root / "dagster_home") == runs

    env["ETABLERER_PSEUDONYM_KEY_FILE"] = str(tmp_path / "key")
    env["ETABLERER_PSEUDONYM_KEY"] = "another"
    both = run_etablerer(["run", "--year", "2026", "--region", REGION, "--skip-ssb"], env)
    assert both.returncode == 2
    assert both.stderr.startswith("Ikke startet: Både ETABLERER_PSEUDONYM_KEY og")
    assert _run_count(root / "dagster_home") == runs


def readme_commands() -> list[str]:
    """The commands of the README's «Command line» block, in order."""
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Command line\s+```bash\n(.*?)```", text, re.S)
    assert block is not None, "README.md has no «Command line» block"
    return [line.split("  #")[0].strip() for line in block[1].splitlines() if line.strip()]


def test_the_readme_command_line_block_runs_as_written(tmp_path):
    """A newcomer's checkout: no warehouse, no run history, no key in the environment, no .env.
    Each command of the block runs as written, in order, and exits 0. Before, the second one
    exited 1 with PseudonymKeyMissing, as only the Makefile set the demo key."""
    env = isolated_env(tmp_path)
    for name in ("ETABLERER_PSEUDONYM_KEY", "ETABLERER_SYNTHETIC_DATA"):
        del env[name]
    commands = readme_commands()
    assert len(commands) >= 5 and all(c.startswith(".venv/bin/etablerer ") for c in commands)
    for command in commands:
        completed = run_etablerer(shlex.split(command)[1:], env)
        assert completed.returncode == 0, (command, completed.stdout[-3000:], completed.stderr)
    assert Path(env["ETABLERER_DUCKDB_PATH"]).is_file()
