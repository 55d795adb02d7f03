"""`etablerer brreg refresh [--offline] [--db PATH]`: observe the linked businesses."""

from __future__ import annotations

from pathlib import Path

import click

from ingestion import paths
from ingestion.brreg.archive import ArchiveError
from ingestion.brreg.client import BrregError
from ingestion.brreg.load import UnitLoadError
from ingestion.brreg.refresh import refresh_units
from ingestion.brreg.snapshot import SnapshotError, configured_snapshot_dir
from ingestion.brreg.units import UnitReadError
from ingestion.cli import count, reported_without_traceback, warehouse_option
from ingestion.linkage import LinkageStoreError
from ingestion.operators.identifiers import PseudonymKeyMissing

EXPECTED_ERRORS = (
    BrregError,
    SnapshotError,
    UnitReadError,
    UnitLoadError,
    ArchiveError,
    LinkageStoreError,
    PseudonymKeyMissing,
)


@click.group(help="Foretakene i Enhetsregisteret (Brønnøysundregistrene).")
def brreg() -> None:
    pass


@brreg.command(
    help="Slå opp de koblede foretakene i Enhetsregisteret, arkiver svarene og last dem inn i "
    "raw.brreg_units som en datert observasjon."
)
@click.option(
    "--offline",
    is_flag=True,
    help="Bruk de medfølgende (syntetiske) øyeblikksbildene i data/sample/brreg (eller mappen "
    "ETABLERER_BRREG_SNAPSHOT_DIR peker på) i stedet for registerets API; hver dato blir sin "
    "egen observasjon.",
)
@warehouse_option
def refresh(offline: bool, db_path: Path | None) -> None:
    db_path = db_path or paths.warehouse_path()
    archive_dir = paths.archive_dir() / "brreg"
    with reported_without_traceback(EXPECTED_ERRORS):
        result = refresh_units(db_path, offline=offline, archive_dir=archive_dir)

    if result.linked == 0:
        click.echo(
            "Ingen foretak er koblet ennå, så ingenting er slått opp eller lastet inn. Les inn "
            "operatørenes etableringer først (etablerer ingest)."
        )
        return
    source = (
        f"øyeblikksbildene i {configured_snapshot_dir()}" if offline else "Enhetsregisterets API"
    )
    click.echo(
        f"Slo opp {count(result.linked)} koblede foretak i {source}; svarene er arkivert i "
        f"{archive_dir}."
    )
    if result.is_synthetic:
        click.echo(
            "OBS: registerdataene er SYNTETISKE (ikke registerets data), kun for demo og tester."
        )
    for o in result.observations:
        uncovered = f", {count(o.not_covered)} ikke med i øyeblikksbildet" if o.not_covered else ""
        click.echo(
            f"{o.observed_on}: {count(o.found)} funnet ({count(o.deleted)} slettet), "
            f"{count(o.not_found)} ikke funnet, {count(o.removed)} fjernet{uncovered}."
        )
    click.echo(
        f"Lastet inn i {db_path}: {count(result.rows_loaded)} rader i raw.brreg_units, "
        f"{len(result.observations)} observasjon(er). Registerets historikk og utfallstallene "
        "bygges av dbt i neste kjøring (etablerer run, eller jobben brreg_units_job)."
    )
