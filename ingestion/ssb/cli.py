"""`etablerer ssb fetch [--offline] [--db PATH]`: fetch the SSB tables, archive them, load raw."""

from __future__ import annotations

from pathlib import Path

import click

from ingestion import paths
from ingestion.cli import count, reported_without_traceback, warehouse_option
from ingestion.ssb.archive import ArchiveError
from ingestion.ssb.client import SsbError
from ingestion.ssb.fetch import SnapshotError, fetch_population
from ingestion.ssb.jsonstat import JsonStatError
from ingestion.ssb.load import PopulationLoadError, load_ssb
from ingestion.ssb.queries import QueryConfigError
from ingestion.ssb.survival import SurvivalLoadError

EXPECTED_ERRORS = (
    SsbError,
    SnapshotError,
    PopulationLoadError,
    SurvivalLoadError,
    JsonStatError,
    QueryConfigError,
    ArchiveError,
)


@click.group(
    help="Folketall (tabell 01222 og 07459) og nyetablerte foretaks overlevelse (08316) fra SSB."
)
def ssb() -> None:
    pass


@ssb.command(
    help="Hent tabellene fra SSB, arkiver svarene og last dem inn i raw.ssb_population og "
    "raw.ssb_enterprise_survival."
)
@click.option(
    "--offline",
    is_flag=True,
    help="Bruk det medfølgende øyeblikksbildet i data/sample/ssb i stedet for SSBs API.",
)
@warehouse_option
def fetch(offline: bool, db_path: Path | None) -> None:
    db_path = db_path or paths.warehouse_path()
    archive_dir = paths.archive_dir() / "ssb"
    with reported_without_traceback(EXPECTED_ERRORS):
        responses = fetch_population(offline=offline, archive_dir=archive_dir)
        result = load_ssb(db_path, responses)

    source = "øyeblikksbildet i data/sample/ssb" if offline else "SSBs API"
    click.echo(f"Hentet {len(responses)} svar fra {source}, arkivert i {archive_dir}.")
    if any(r.is_synthetic for r in responses):
        click.echo("OBS: tallene er SYNTETISKE (ikke SSBs tall), kun for demo og tester.")
    population, survival = result.population, result.survival
    click.echo(
        f"Lastet inn i {db_path}: {count(population.rows_loaded)} rader i "
        f"{population.periods_replaced} nye eller endrede perioder, {population.periods_unchanged} "
        f"perioder uendret (tabell {', '.join(population.tables)})."
    )
    if survival.tables:
        click.echo(
            f"Overlevelse: {count(survival.rows_loaded)} rader i {survival.cohorts_replaced} nye "
            f"eller endrede etableringsår, {survival.cohorts_unchanged} etableringsår uendret "
            f"(tabell {', '.join(survival.tables)})."
        )
