"""Read an operator file (CSV or XLSX) into a frame of strings with explicit, contract-mapped
columns. Types are applied later, column-wise, by `validation`."""

from __future__ import annotations

import codecs
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from .contract import Schema, load_contract, normalise_name

LINE_COLUMN = "__line"
RAGGED_COLUMN = "__ragged"
CSV_SUFFIXES = (".csv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
_CHUNK = 1 << 20


class FileUnreadable(Exception):
    """The file as a whole cannot be read (exit code 2). The message is Norwegian."""


@dataclass
class RawTable:
    """Strings as delivered, one column per contract field found, plus the source line."""

    frame: pl.DataFrame
    headers: dict[str, str]  # field name -> header as delivered
    encoding: str
    separator: str | None
    unknown_columns: list[str] = field(default_factory=list)


def _decodes(fh, encoding: str) -> bool:
    """Whether the rest of the open binary file decodes in `encoding`, streaming."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        while chunk := fh.read(_CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(path: Path) -> str:
    """utf-8-sig, utf-8 or cp1252. Streams the file; raises FileUnreadable for anything else."""
    with path.open("rb") as fh:
        has_bom = fh.read(3) == codecs.BOM_UTF8
        if not has_bom:
            fh.seek(0)
        if _decodes(fh, "utf-8"):
            return "utf-8-sig" if has_bom else "utf-8"
        if has_bom:
            raise FileUnreadable(
                "Filen er merket som UTF-8 (BOM), men inneholder tegn som ikke er gyldig UTF-8. "
                "Lagre den på nytt som «CSV UTF-8» fra Excel."
            )
        fh.seek(0)
        if _decodes(fh, "cp1252"):
            return "cp1252"
    raise FileUnreadable(
        "Filen kan ikke leses som tekst i UTF-8 eller Windows-1252. "
        "Lagre den på nytt som «CSV UTF-8» fra Excel."
    )


def _transcode_to_utf8(path: Path, encoding: str) -> Path:
    """Streaming re-encode to a temporary UTF-8 file (polars and DuckDB read UTF-8 only)."""
    fd, tmp = tempfile.mkstemp(suffix=".csv", prefix="etablerer_")
    with open(fd, "wb") as out, path.open("rb") as src:
        decoder = codecs.getincrementaldecoder(encoding)()
        while chunk := src.read(_CHUNK):
            out.write(decoder.decode(chunk).encode("utf-8"))
        out.write(decoder.decode(b"", final=True).encode("utf-8"))
    return Path(tmp)


def _header_line(path: Path, encoding: str) -> str:
    with path.open("r", encoding=encoding, newline="") as fh:
        return fh.readline()


def detect_separator(header: str) -> str:
    return ";" if header.count(";") >= header.count(",") and ";" in header else ","


def _ragged_lines(path: Path, separator: str, n_columns: int) -> pl.DataFrame:
    """Lines with more fields than the header. Only run when a strict read failed."""
    lines = pl.read_csv(
        path,
        has_header=False,
        separator="\x1f",
        quote_char=None,
        infer_schema=False,
        new_columns=["text"],
    ).with_row_index(LINE_COLUMN, offset=1)
    unquoted = pl.col("text").str.replace_all(r'"[^"]*"', "")
    return lines.filter(unquoted.str.count_matches(separator, literal=True) > n_columns - 1).select(
        pl.col(LINE_COLUMN).cast(pl.Int64)
    )


def _read_csv(path: Path) -> tuple[pl.DataFrame, str, str]:
    encoding = detect_encoding(path)
    header = _header_line(path, encoding)
    if not header.strip():
        raise FileUnreadable("Filen er tom eller mangler overskriftsrad på linje 1.")
    separator = detect_separator(header)
    readable = path if encoding != "cp1252" else _transcode_to_utf8(path, encoding)
    try:
        return _parse_csv(readable, separator), encoding, separator
    except (pl.exceptions.PolarsError, UnicodeDecodeError) as exc:
        # Whatever polars cannot make sense of is a file error for the operator, never a crash.
        raise FileUnreadable(f"CSV-filen kan ikke tolkes: {exc}") from exc
    finally:
        if readable != path:
            os.unlink(readable)


def _parse_csv(readable: Path, separator: str) -> pl.DataFrame:
    options = dict(separator=separator, infer_schema=False, encoding="utf8")
    try:
        frame = pl.read_csv(readable, **options)
        return frame.with_columns(pl.lit(False).alias(RAGGED_COLUMN))
    except pl.exceptions.ComputeError as exc:
        if "more fields" not in str(exc):
            raise
    # Lines with more fields than the header are read truncated and flagged, to be quarantined.
    frame = pl.read_csv(readable, truncate_ragged_lines=True, **options)
    ragged = _ragged_lines(readable, separator, frame.width)
    return frame.with_columns(
        pl.int_range(2, frame.height + 2, dtype=pl.Int64)
        .is_in(ragged[LINE_COLUMN].implode())
        .alias(RAGGED_COLUMN)
    )


def _read_xlsx(path: Path, sheet: str | None) -> pl.DataFrame:
    try:
        import fastexcel

        reader = fastexcel.read_excel(str(path))
    except Exception as exc:
        raise FileUnreadable(
            "Excel-filen kan ikke åpnes (ødelagt eller ikke en .xlsx-fil). Lagre den på nytt "
            "fra Excel som «Excel-arbeidsbok (.xlsx)»."
        ) from exc
    names = reader.sheet_names
    if sheet is not None and sheet not in names:
        raise FileUnreadable(
            f"Fant ikke arket «{sheet}». Arkene i filen er: {', '.join(names)}. Oppgi riktig ark."
        )
    target = sheet if sheet is not None else names[0]
    try:
        frame = reader.load_sheet(target, dtypes="string").to_polars()
    except Exception as exc:
        raise FileUnreadable(f"Arket «{target}» kan ikke leses: {exc}") from exc
    # Excel date cells arrive as ISO datetimes; numbers as their shortest text.
    frame = frame.with_columns(pl.all().cast(pl.String))
    return frame.with_columns(pl.lit(False).alias(RAGGED_COLUMN))


def map_headers(columns: list[str], schema: Schema) -> tuple[dict[str, str], list[str]]:
    """Field name -> delivered header. Raises FileUnreadable on a header used twice."""
    by_name: dict[str, str] = {}
    for f in schema.fields:
        for n in f.header_names:
            by_name.setdefault(n, f.name)
    mapped: dict[str, str] = {}
    unknown: list[str] = []
    for column in columns:
        target = by_name.get(normalise_name(column))
        if target is None:
            unknown.append(column)
        elif target in mapped:
            raise FileUnreadable(
                f"Kolonnene «{mapped[target]}» og «{column}» betyr begge "
                f"«{schema.field(target).no}». Fjern den ene."
            )
        else:
            mapped[target] = column
    return mapped, unknown


def guess_kind(columns: list[str]) -> str | None:
    """The kind whose required columns are all present, if exactly one fits."""
    fits = []
    for kind, schema in load_contract().schemas.items():
        mapped, _ = _safe_map(columns, schema)
        if all(f.name in mapped for f in schema.required_fields):
            fits.append(kind)
    return fits[0] if len(fits) == 1 else None


def _safe_map(columns: list[str], schema: Schema) -> tuple[dict[str, str], list[str]]:
    try:
        return map_headers(columns, schema)
    except FileUnreadable:
        return {}, columns


def _has_content(frame: pl.DataFrame, columns: list[str]) -> pl.Series:
    """True for a line with a cell that is not blank, or with too many fields. Columns are
    checked one at a time, until every line has content: nearly always after the first."""
    has_content = frame.get_column(RAGGED_COLUMN)
    for column in columns:
        if has_content.all():
            break
        has_content = has_content | (frame.get_column(column).str.strip_chars().fill_null("") != "")
    return has_content


def read_table(path: Path, schema: Schema, *, sheet: str | None = None) -> RawTable:
    path = Path(path)
    if not path.is_file():
        raise FileUnreadable(f"Fant ikke filen {path}.")
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        frame, encoding, separator = _read_xlsx(path, sheet), "xlsx", None
    elif suffix in CSV_SUFFIXES:
        frame, encoding, separator = _read_csv(path)
    else:
        raise FileUnreadable(
            f"Filtypen «{suffix}» støttes ikke. Lever CSV (.csv) eller Excel (.xlsx)."
        )
    data_columns = [c for c in frame.columns if c != RAGGED_COLUMN]
    mapped, unknown = map_headers(data_columns, schema)
    missing = [f for f in schema.required_fields if f.name not in mapped]
    if missing:
        other = guess_kind(data_columns)
        if other is not None and other != schema.kind:
            other_no = load_contract().schemas[other].no
            raise FileUnreadable(
                f"Filen ser ut til å være {other_no} ({other}), ikke {schema.no} ({schema.kind}). "
                f"Kjør på nytt med --kind {other}, eller velg riktig fil."
            )
        names = ", ".join(f"«{f.no}»" for f in missing)
        raise FileUnreadable(
            f"Påkrevde kolonner mangler: {names}. Fant: {', '.join(data_columns) or 'ingen'}. "
            "Legg til kolonnene med disse navnene i overskriftsraden (se docs/datakontrakt.md)."
        )
    frame = frame.with_row_index(LINE_COLUMN, offset=2).with_columns(
        pl.col(LINE_COLUMN).cast(pl.Int64)
    )
    # Blank lines (or rows of empty cells) carry no record.
    has_content = _has_content(frame, data_columns)
    if not has_content.all():
        frame = frame.filter(has_content)
    selected = [pl.col(LINE_COLUMN), pl.col(RAGGED_COLUMN)] + [
        pl.col(header).alias(name) for name, header in mapped.items()
    ]
    return RawTable(
        frame=frame.select(selected),
        headers=mapped,
        encoding=encoding,
        separator=separator,
        unknown_columns=unknown,
    )
