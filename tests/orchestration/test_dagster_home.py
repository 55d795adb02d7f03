"""DAGSTER_HOME gets the project's dagster.yaml (a server's when ETABLERER_DAGSTER_YAML names it),
also over an older copy."""

from __future__ import annotations

import click
import pytest
import yaml

from orchestration.cli import (
    DAGSTER_YAML,
    DEPLOY_DAGSTER_YAML,
    ensure_environment,
    install_dagster_yaml,
)


def test_a_new_home_gets_the_project_file(tmp_path):
    install_dagster_yaml(tmp_path)
    assert (tmp_path / "dagster.yaml").read_bytes() == DAGSTER_YAML.read_bytes()
    assert not (tmp_path / "dagster.yaml.bak").exists()


def test_an_older_copy_is_replaced_and_kept_beside(tmp_path, capsys):
    old = b"telemetry:\n  enabled: false\n"  # from before the writer pool
    (tmp_path / "dagster.yaml").write_bytes(old)
    install_dagster_yaml(tmp_path)
    assert (tmp_path / "dagster.yaml").read_bytes() == DAGSTER_YAML.read_bytes()
    assert (tmp_path / "dagster.yaml.bak").read_bytes() == old
    assert "dagster.yaml.bak" in capsys.readouterr().err


def test_the_same_copy_is_left_alone(tmp_path, capsys):
    install_dagster_yaml(tmp_path)
    install_dagster_yaml(tmp_path)
    assert not (tmp_path / "dagster.yaml.bak").exists()
    assert capsys.readouterr().err == ""


def test_etablerer_dagster_yaml_names_the_file_a_server_gets(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    monkeypatch.setenv("ETABLERER_DAGSTER_YAML", "deploy/dagster.yaml")
    ensure_environment()
    assert (tmp_path / "dagster.yaml").read_bytes() == DEPLOY_DAGSTER_YAML.read_bytes()

    monkeypatch.delenv("ETABLERER_DAGSTER_YAML")  # a checkout's default, SQLite
    ensure_environment()
    assert (tmp_path / "dagster.yaml").read_bytes() == DAGSTER_YAML.read_bytes()
    assert (tmp_path / "dagster.yaml.bak").read_bytes() == DEPLOY_DAGSTER_YAML.read_bytes()


def test_a_missing_file_named_is_refused_with_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    monkeypatch.setenv("ETABLERER_DAGSTER_YAML", "deploy/dagster.yml")
    with pytest.raises(click.ClickException, match="deploy/dagster.yaml på en server"):
        ensure_environment()
    assert not (tmp_path / "dagster.yaml").exists()


def test_the_deployed_instance_keeps_the_checkouts_pool_and_frees_a_dead_runs_slot():
    checkout = yaml.safe_load(DAGSTER_YAML.read_text())
    deployed = yaml.safe_load(DEPLOY_DAGSTER_YAML.read_text())
    assert deployed["concurrency"] == checkout["concurrency"]
    assert deployed["concurrency"]["pools"]["default_limit"] == 1  # duckdb_writer
    assert deployed["telemetry"] == checkout["telemetry"] == {"enabled": False}
    assert set(deployed["storage"]) == {"postgres"}
    # Without this a run whose worker was killed keeps its slot, and every later run waits
    # (Dagster fails the run, but frees slots of ended runs only when this is set).
    for config in (checkout, deployed):
        assert config["run_monitoring"]["enabled"] is True
        assert config["run_monitoring"]["free_slots_after_run_end_seconds"] > 0
