"""`etablerer ssb fetch`. The funding basis itself (and the error naming a municipality without
population) is dbt's: see dbt_project/tests/assert_missing_population_is_named.sql."""

from __future__ import annotations

from click.testing import CliRunner

from ingestion.ssb import read_enterprise_survival, read_population
from ingestion.ssb.cli import ssb


def test_cli_fetch_offline_archives_and_loads_twice_without_change(tmp_path, monkeypatch):
    monkeypatch.setenv("ETABLERER_ARCHIVE_DIR", str(tmp_path / "archive"))
    db_path = tmp_path / "etablerer.duckdb"
    runner = CliRunner()
    first = runner.invoke(ssb, ["fetch", "--offline", "--db", str(db_path)])
    assert first.exit_code == 0, first.output
    assert "13\u00a0072 rader i 29 nye eller endrede perioder, 0 perioder uendret" in first.output
    assert "Overlevelse: 576 rader i 8 nye eller endrede etableringsår" in first.output
    assert "SYNTETISKE" in first.output
    assert len(list((tmp_path / "archive" / "ssb" / "01222").glob("*.meta.json"))) == 1
    second = runner.invoke(ssb, ["fetch", "--offline", "--db", str(db_path)])
    assert "0 rader i 0 nye eller endrede perioder, 29 perioder uendret" in second.output
    assert "0 rader i 0 nye eller endrede etableringsår, 8 etableringsår uendret" in second.output
    assert read_population(db_path).height == 13_072
    assert read_enterprise_survival(db_path).height == 576


def test_cli_reports_a_broken_snapshot_in_norwegian(tmp_path, monkeypatch):
    monkeypatch.setenv("ETABLERER_ARCHIVE_DIR", str(tmp_path / "archive"))
    monkeypatch.setattr("ingestion.ssb.fetch.SSB_SNAPSHOT_DIR", tmp_path / "nowhere")
    result = CliRunner().invoke(ssb, ["fetch", "--offline", "--db", str(tmp_path / "x.duckdb")])
    assert result.exit_code == 1
    assert "Fant ikke et lesbart øyeblikksbilde" in result.output
