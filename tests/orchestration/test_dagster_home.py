"""DAGSTER_HOME gets the project's dagster.yaml, also over an older copy."""

from __future__ import annotations

from orchestration.cli import DAGSTER_YAML, install_dagster_yaml


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
