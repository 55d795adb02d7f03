"""`etablerer validate` and `etablerer ingest` (attached to the console script by orchestration).

Exit codes: 0 = clean (validate) / loaded or unchanged with no rejected rows (ingest);
1 = row errors (validate) / loaded, but some rows went to quarantine (ingest);
2 = the file cannot be read (wrong kind, missing columns, undecodable), has no rows (validate),
or nothing was loaded (ingest; a file with no valid rows, or far fewer than the partition holds,
is refused unless --allow-fewer-rows).
"""

from __future__ import annotations

import re
import sys
from datetime import date
from pathlib import Path

import click

from ingestion.db import WarehouseLocked

from .api import IngestError, ingest_file
from .contract import KINDS, REGIONS, detect_kind
from .identifiers import PseudonymKeyMissing
from .report import format_report
from .validation import Annotated, check_file

SHEET_HELP = (
    "Ark i Excel-filen (standard: det første, ellers det ene arket med kontraktens kolonner)."
)


def _year_from_path(path: Path) -> int | None:
    for part in reversed(path.resolve().parts[:-1]):
        if re.fullmatch(r"20\d\d", part):
            return int(part)
    return None


@click.command("validate")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--kind", "kind", type=click.Choice(KINDS), required=True, help="Type data i filen.")
@click.option(
    "--year",
    "year",
    type=int,
    default=None,
    help="Rapporteringsår. Standard: året i mappenavnet, ellers inneværende år.",
)
@click.option(
    "--sheet",
    default=None,
    help=SHEET_HELP,
)
@click.option(
    "--region",
    "region_id",
    type=click.Choice(tuple(REGIONS)),
    default=None,
    help="Delregion. For etableringer: vis også merknader fra Enhetsregisteret for leveransen "
    "som er lest inn for delregionen og året (krever datavarehuset og nøkkelen).",
)
def validate(
    file: Path, kind: str, year: int | None, sheet: str | None, region_id: str | None
) -> None:
    """Kontroller FILE mot datakontrakten uten å laste noe inn."""
    if year is None:
        year = _year_from_path(file) or date.today().year
    report, annotated = check_file(file, kind, year, sheet=sheet)
    click.echo(format_report(report, display_name=file.name), nl=False)
    if kind == "establishments" and report.file_error is None:
        # Remarks only: the register check never changes the exit code.
        click.echo(_register_check(annotated, file, region_id, year), nl=False)
    sys.exit(report.exit_code)


def _register_check(annotated: Annotated, file: Path, region_id: str | None, year: int) -> str:
    import polars as pl

    from ingestion.paths import warehouse_path

    from .linkage_feedback import check_linkage, format_linkage_feedback
    from .readers import LINE_COLUMN

    rows = annotated.valid([pl.col(LINE_COLUMN).alias("line"), pl.col("org_number")])
    feedback = check_linkage(
        rows.drop_nulls(), region_id=region_id, year=year, db_path=warehouse_path()
    )
    return "\n" + format_linkage_feedback(feedback, display_name=file.name)


@click.command("ingest")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--region", "region_id", type=click.Choice(tuple(REGIONS)), required=True)
@click.option("--year", "year", type=int, required=True)
@click.option(
    "--kind",
    "kind",
    type=click.Choice(KINDS),
    default=None,
    help="Type data i filen. Standard: ut fra filnavnet.",
)
@click.option(
    "--sheet",
    default=None,
    help=SHEET_HELP,
)
@click.option(
    "--db",
    "db_path",
    type=click.Path(path_type=Path),
    default=None,
    help="DuckDB-fil. Standard: warehouse/etablerer.duckdb.",
)
@click.option(
    "--archive-dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Arkiv for originalfiler. Standard: data/archive.",
)
@click.option(
    "--allow-fewer-rows",
    is_flag=True,
    help="Les inn også en fil uten godkjente rader, eller med langt færre rader enn det som er "
    "lest inn (ETABLERER_MAX_ROW_DROP, standard 50 %): tømmer eller krymper partisjonen med vilje.",
)
def ingest(
    file: Path,
    region_id: str,
    year: int,
    kind: str | None,
    sheet: str | None,
    db_path: Path | None,
    archive_dir: Path | None,
    allow_fewer_rows: bool,
) -> None:
    """Les FILE inn i raw-laget for (region, år): godkjente rader lastes, avviste i karantene."""
    from ingestion.paths import archive_dir as default_archive
    from ingestion.paths import warehouse_path

    try:
        kind = kind or detect_kind(file)
        result = ingest_file(
            db_path or warehouse_path(),
            file,
            region_id=region_id,
            year=year,
            kind=kind,
            archive_dir=archive_dir or default_archive(),
            sheet=sheet,
            allow_fewer_rows=allow_fewer_rows,
        )
    except (
        PseudonymKeyMissing,
        IngestError,
        ValueError,
        FileNotFoundError,
        WarehouseLocked,
    ) as exc:
        click.echo(f"Ikke lest inn: {exc}", err=True)
        sys.exit(2)
    if result.status == "unchanged":
        click.echo(f"{file.name}: uendret (samme fil er allerede lest inn for {region_id} {year}).")
    else:
        click.echo(
            f"{file.name}: {result.rows_in} rader lest, {result.loaded} lastet inn i raw.{kind}, "
            f"{result.rejected} i karantene (raw.quarantine). sha256 {result.sha256[:12]}…"
        )
        if result.rejected:
            click.echo(f"Se feilene med: etablerer validate {file} --kind {kind} --year {year}")
    sys.exit(1 if result.rejected else 0)
