"""`etablerer agreement check FILE [--config agreements.yml] [--format json]`.

Exit codes: 0 = no findings; 1 = findings (see the severity of each); 2 = the file or the
configuration cannot be read (missing, unsupported format, no text, invalid YAML).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .check import check_agreement
from .config import ConfigError
from .population import DEFAULT_POPULATION_FILE
from .reader import AgreementUnreadable
from .report import format_text, to_json


@click.group(help="Samarbeidsavtaler: kontroll av avtaletekst før signering og utbetaling.")
def agreement() -> None:
    pass


@agreement.command("check")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="YAML med avtalens fakta (se docs/agreement_check.md). Standard: avtalen i dbt-seedene "
    "som har filen som source_document, eller hvis region står i filnavnet eller tittelen.",
)
@click.option(
    "--population-file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=DEFAULT_POPULATION_FILE,
    show_default=True,
    help="SSB tabell 01222 (JSON-stat2) å kontrollere innbyggertallet mot. Standard er det "
    "medfølgende øyeblikksbildet, som har syntetiske tall.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for lesere, json for pipelinen.",
)
def check(file: Path, config_path: Path | None, population_file: Path, output_format: str) -> None:
    """Kontroller avtaleteksten FILE (.txt, .docx eller .pdf)."""
    try:
        report = check_agreement(file, config_path, population_file)
    except (AgreementUnreadable, ConfigError) as exc:
        if output_format == "json":
            click.echo(json.dumps({"error": str(exc), "exit_code": 2}, ensure_ascii=False))
        click.echo(f"Kan ikke kontrollere avtalen: {exc}", err=True)
        sys.exit(2)
    click.echo(to_json(report) if output_format == "json" else format_text(report), nl=False)
    if output_format == "json":
        click.echo()
    sys.exit(report.exit_code)
