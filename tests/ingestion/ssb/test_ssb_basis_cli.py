"""The funding basis lookup, and `etablerer ssb fetch`."""

from __future__ import annotations

import polars as pl
import pytest
from click.testing import CliRunner

from ingestion.ssb import (
    MissingPopulationError,
    fetch_population,
    load_population,
    population_basis,
    read_population,
)
from ingestion.ssb.cli import ssb


@pytest.fixture(scope="module")
def population(tmp_path_factory) -> pl.DataFrame:
    root = tmp_path_factory.mktemp("basis")
    db_path = root / "etablerer.duckdb"
    load_population(db_path, fetch_population(offline=True, archive_dir=root / "ssb"))
    return read_population(db_path)


def test_basis_of_the_ringerike_agreement_is_46790(population):
    basis = population_basis(population, ["3305", "3310", "3318"], "2025K1")
    assert basis == {"3305": 37_240, "3310": 7_180, "3318": 2_370}
    assert sum(basis.values()) == 46_790


def test_a_municipality_without_population_in_the_basis_period_is_named(population):
    without_modum = population.filter(
        ~((pl.col("region_code") == "3316") & (pl.col("period") == "2025K1"))
    )
    with pytest.raises(MissingPopulationError) as raised:
        population_basis(without_modum, ["3305", "3310", "3316", "3318"], "2025K1")
    assert raised.value.period == "2025K1"
    assert raised.value.municipalities == [("3316", "Modum")]
    assert str(raised.value).startswith("Kommunen 3316 Modum mangler folketall for 2025K1")


def test_a_basis_period_outside_the_data_names_every_municipality(population):
    with pytest.raises(MissingPopulationError) as raised:
        population_basis(population, ["3305", "3236"], "2019K4")
    assert raised.value.municipalities == [("3305", "Ringerike"), ("3236", "Jevnaker")]
    assert "3305 Ringerike, 3236 Jevnaker mangler folketall for 2019K4" in str(raised.value)


def test_a_figure_ssb_marks_missing_counts_as_missing(population):
    marked = population.with_columns(
        value=pl.when((pl.col("region_code") == "3318") & (pl.col("period") == "2025K1"))
        .then(None)
        .otherwise(pl.col("value")),
        status=pl.when((pl.col("region_code") == "3318") & (pl.col("period") == "2025K1"))
        .then(pl.lit(".."))
        .otherwise(pl.col("status")),
    )
    with pytest.raises(MissingPopulationError, match=r"3318 Krødsherad \(SSB: «\.\.», mangler\)"):
        population_basis(marked, ["3305", "3310", "3318"], "2025K1")


def test_cli_fetch_offline_archives_and_loads_twice_without_change(tmp_path, monkeypatch):
    monkeypatch.setenv("ETABLERER_ARCHIVE_DIR", str(tmp_path / "archive"))
    db_path = tmp_path / "etablerer.duckdb"
    runner = CliRunner()
    first = runner.invoke(ssb, ["fetch", "--offline", "--db", str(db_path)])
    assert first.exit_code == 0, first.output
    assert "13\u00a0072 rader i 29 nye eller endrede perioder, 0 perioder uendret" in first.output
    assert "SYNTETISKE" in first.output
    assert len(list((tmp_path / "archive" / "ssb" / "01222").glob("*.meta.json"))) == 1
    second = runner.invoke(ssb, ["fetch", "--offline", "--db", str(db_path)])
    assert "0 rader i 0 nye eller endrede perioder, 29 perioder uendret" in second.output
    assert read_population(db_path).height == 13_072


def test_cli_reports_a_broken_snapshot_in_norwegian(tmp_path, monkeypatch):
    monkeypatch.setenv("ETABLERER_ARCHIVE_DIR", str(tmp_path / "archive"))
    monkeypatch.setattr("ingestion.ssb.fetch.SSB_SNAPSHOT_DIR", tmp_path / "nowhere")
    result = CliRunner().invoke(ssb, ["fetch", "--offline", "--db", str(tmp_path / "x.duckdb")])
    assert result.exit_code == 1
    assert "Fant ikke et lesbart øyeblikksbilde" in result.output
