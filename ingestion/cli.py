"""What the source commands `etablerer ssb fetch` and `etablerer brreg refresh` share: the
warehouse option, the operator's errors without a traceback, and counts written the Norwegian way.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

warehouse_option = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="DuckDB-filen som skal lastes (standard: lagerets fil, se ETABLERER_DUCKDB_PATH).",
)


@contextmanager
def reported_without_traceback(expected: tuple[type[Exception], ...]) -> Iterator[None]:
    """Turn the `expected` errors, whose messages are written for the operator, into a command
    error: the message alone, exit code 1."""
    try:
        yield
    except expected as exc:
        raise click.ClickException(str(exc)) from exc


def count(number: int) -> str:
    """A whole number with a no-break space between thousands: 13 072."""
    return f"{number:,}".replace(",", "\u00a0")
