"""Read an operator file (CSV or XLSX) into a frame of strings with explicit, contract-mapped
columns. Types are applied later, column-wise, by `validation`."""

from __future__ import annotations

import codecs
import csv
import difflib
import os
import tempfile
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path

import polars as pl

from .contract import Field, Schema, load_contract, normalise_name

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


# UTF-8 letters decoded as Windows-1252 (`ø` -> `Ã¸`): a file that mixes the two, or UTF-8 read
# as Windows-1252 and saved again. A capital A with tilde before these marks is never Norwegian.
_MOJIBAKE = {letter.encode("utf-8").decode("cp1252"): letter for letter in "æøåÆØÅéèäöüÄÖÜ"}
_UTF16_SAMPLE = 4096  # bytes looked at for the NULs of UTF-16 without a byte order mark


def _mixed_charsets(name: str, line: int, seen: str) -> FileUnreadable:
    return FileUnreadable(
        f"{name}, linje {line}: filen blander tegnsett (UTF-8 og Windows-1252): «{seen}» står "
        f"der det skulle stått «{_MOJIBAKE[seen]}». Slik blir det når tekst lagret som UTF-8 "
        "blir lest eller lagret som Windows-1252, for eksempel når to filer limes sammen. "
        "Eksporter filen på nytt, eller åpne den i Excel eller Notisblokk, rett bokstavene, og "
        "lagre den som «CSV UTF-8». Lever den igjen."
    )


def _first_mojibake(text: str) -> tuple[int, str] | None:
    """(position, sequence) of the first UTF-8 letter decoded as Windows-1252 in `text`."""
    if "Ã" not in text:  # the first character of every sequence; almost always absent
        return None
    found = [(at, seen) for seen in _MOJIBAKE if (at := text.find(seen)) >= 0]
    return min(found, default=None)


def _decodes(fh, encoding: str, name: str) -> bool:
    """Whether the rest of the open binary file decodes in `encoding`, streaming. Raises
    FileUnreadable when the text shows UTF-8 letters decoded as Windows-1252."""
    decoder = codecs.getincrementaldecoder(encoding)()
    start, decoded, tail = fh.tell(), 0, ""  # tail: the character before, for a split sequence
    try:
        while True:
            chunk = fh.read(_CHUNK)
            window = tail + decoder.decode(chunk, final=not chunk)
            if found := _first_mojibake(window):
                at, seen = found
                offset = decoded - len(tail) + at
                raise _mixed_charsets(name, _line_at(fh, start, encoding, offset), seen)
            decoded += len(window) - len(tail)
            tail = window[-1:]
            if not chunk:
                return True
    except UnicodeDecodeError:
        return False


def _line_at(fh, start: int, encoding: str, offset: int) -> int:
    """The line of the character at `offset` of the text decoded from byte `start`. Counted
    only for an error: counting lines as `_decodes` goes would slow every file down."""
    fh.seek(start)
    decoder = codecs.getincrementaldecoder(encoding)()
    line = 1
    while offset > 0 and (chunk := fh.read(_CHUNK)):
        text = decoder.decode(chunk)[:offset]
        line, offset = line + text.count("\n"), offset - len(text)
    return line


def _utf16_codec(start: bytes) -> str | None:
    """The UTF-16 codec for a file that begins with `start`, else None. Excel's «Unicode-tekst»
    is UTF-16 with a byte order mark. Without one, text in Latin letters has a NUL as every other
    byte (the high byte of each character), which UTF-8 or Windows-1252 text never has. Nine in
    ten, not all: a few characters (€, –) have a high byte."""
    if start[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return "utf-16"  # the codec reads the mark, and drops it
    pairs = len(start) // 2
    if not pairs:
        return None
    even_nuls, odd_nuls = start[0 : 2 * pairs : 2].count(0), start[1 : 2 * pairs : 2].count(0)
    if odd_nuls >= 0.9 * pairs and even_nuls <= 0.1 * pairs:
        return "utf-16-le"
    if even_nuls >= 0.9 * pairs and odd_nuls <= 0.1 * pairs:
        return "utf-16-be"
    return None


def detect_encoding(path: Path) -> str:
    """utf-8-sig, utf-8, utf-16 (utf-16-le, utf-16-be without a byte order mark) or cp1252.
    Streams the file; raises FileUnreadable for anything else, or for a mix of UTF-8 and
    Windows-1252."""
    with path.open("rb") as fh:
        start = fh.read(_UTF16_SAMPLE)
        utf16 = _utf16_codec(start)
        fh.seek(0)
        if utf16 is not None:
            if _decodes(fh, utf16, path.name):
                return utf16
            raise FileUnreadable(
                "Filen ser ut til å være UTF-16 (Excel «Unicode-tekst»), men er ikke gyldig "
                "UTF-16 (avkortet eller ødelagt). Lagre den på nytt som «CSV UTF-8» fra Excel."
            )
        has_bom = start.startswith(codecs.BOM_UTF8)
        if has_bom:
            fh.seek(len(codecs.BOM_UTF8))
        if _decodes(fh, "utf-8", path.name):
            return "utf-8-sig" if has_bom else "utf-8"
        if has_bom:
            raise FileUnreadable(
                "Filen er merket som UTF-8 (BOM), men inneholder tegn som ikke er gyldig UTF-8. "
                "Lagre den på nytt som «CSV UTF-8» fra Excel."
            )
        fh.seek(0)
        if _decodes(fh, "cp1252", path.name):
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


# In order of preference when the header holds as many of each. Tab: Excel's «Unicode-tekst».
SEPARATORS = (";", "\t", ",")


def detect_separator(header: str) -> str:
    """The separator used most in the header row; `,` when it has none (one column)."""
    most_used = max(SEPARATORS, key=header.count)  # the first of equals
    return most_used if most_used in header else ","


@dataclass(frozen=True)
class _RecordLayout:
    """Where the records of a CSV file start, from a quote-aware scan. Only the exceptions are
    held (records over several lines, records with too many fields), so memory grows with them,
    not with the file."""

    records: int
    first_line: int  # the physical line of the first record after the header
    spans: list[tuple[int, int]]  # (record index, extra physical lines) of multi-line records
    too_many_fields: list[int]  # record indices

    def start_lines(self) -> pl.Series:
        """The physical line each record starts on: the line an operator sees in an editor."""
        index = pl.int_range(0, self.records, dtype=pl.Int64, eager=True)
        lines = index + self.first_line
        if not self.spans:
            return lines
        span_index = pl.Series([i for i, _ in self.spans], dtype=pl.Int64)
        extra_before = pl.Series([0, *accumulate(extra for _, extra in self.spans)], dtype=pl.Int64)
        return lines + extra_before.gather(span_index.search_sorted(index, side="left"))


class _Unparseable(Exception):
    """A quote error the scan located; `line` is where the record holding it starts."""

    def __init__(self, line: int, unclosed: bool) -> None:
        super().__init__(line)
        self.line, self.unclosed = line, unclosed


def _scan_records(readable: Path, separator: str, n_columns: int) -> _RecordLayout:
    """One streaming pass with Python's csv parser over the UTF-8 file. Raises _Unparseable.

    polars reads the fields; this pass only finds what polars does not report: the line each
    record starts on (a quoted field may hold line breaks) and the records with more fields than
    the header (polars can only truncate them, and says no more than that one exists)."""
    spans: list[tuple[int, int]] = []
    too_many_fields: list[int] = []
    with readable.open("r", encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, delimiter=separator, strict=True)
        records = ended = first_line = 0
        try:
            next(reader, None)
            ended = reader.line_num
            first_line = ended + 1
            for records, fields in enumerate(reader, start=1):
                started, ended = ended + 1, reader.line_num
                if ended > started:
                    spans.append((records - 1, ended - started))
                if len(fields) > n_columns:
                    too_many_fields.append(records - 1)
        except csv.Error as exc:
            # The text is csv's own (never the data), read only to tell the two cases apart.
            raise _Unparseable(ended + 1, unclosed="expected after" not in str(exc)) from None
    return _RecordLayout(records, first_line, spans, too_many_fields)


def _records_span_lines(readable: Path, records: int) -> bool:
    """Whether some record spans physical lines (LF or CRLF), that is, a quoted field holds a
    line break. Streaming. Without a quote in the file none can, and looking for one is much
    faster than counting lines."""
    with readable.open("rb") as fh:
        if not any(b'"' in chunk for chunk in iter(lambda: fh.read(_CHUNK), b"")):
            return False
        fh.seek(0)
        lines, last = 0, b"\n"
        while chunk := fh.read(_CHUNK):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return lines + (last != b"\n") != records + 1


def _quote_error(name: str, error: _Unparseable) -> FileUnreadable:
    what = (
        'har et anførselstegn (") som aldri lukkes'
        if error.unclosed
        else 'har tegn rett etter et avsluttende anførselstegn (")'
    )
    return FileUnreadable(
        f"{name}, linje {error.line}: raden som begynner her {what}, så filen kan ikke deles "
        'opp i rader. Rett raden i et tekstprogram (et felt som begynner med " må slutte med '
        '", og " inne i et felt skrives ""), eller lagre filen på nytt fra Excel som '
        "«CSV UTF-8», og lever den igjen."
    )


def _first_quote_inside_a_field(readable: Path, separator: str) -> int | None:
    """The line where the first record holding a `"` inside a field value starts. polars refuses
    a lone quote in the middle of a field (`12" skjerm`), which Python's parser accepts."""
    with readable.open("r", encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, delimiter=separator)
        ended = 0
        try:
            for fields in reader:
                started, ended = ended + 1, reader.line_num
                if started > 1 and any('"' in value for value in fields):
                    return started
        except csv.Error:
            return None
    return None


def _unparseable(name: str, readable: Path, separator: str, kind: str) -> FileUnreadable:
    """The error for a file polars cannot read. Its message quotes the offending record (names,
    national identity numbers), so only its type is kept; the line comes from our own scans."""
    try:
        _scan_records(readable, separator, 0)
        line = _first_quote_inside_a_field(readable, separator)
    except _Unparseable as error:
        return _quote_error(name, error)
    except UnicodeDecodeError:
        line = None
    fix = (
        'Sett anførselstegn rundt hele feltet og skriv " inne i feltet som "", eller lagre '
        "filen på nytt fra Excel som «CSV UTF-8», og lever den igjen."
    )
    if line is not None:
        return FileUnreadable(
            f"{name}, linje {line}: filen kan ikke deles opp i rader, trolig på grunn av et "
            f'anførselstegn (") midt i et felt i raden som begynner her. {fix} '
            f"(Teknisk feiltype: {kind}.)"
        )
    return FileUnreadable(
        f"{name} kan ikke tolkes som CSV (teknisk feiltype: {kind}). Kontroller at "
        f'anførselstegn (") bare står rundt hele felt. {fix}'
    )


def _numbered_by_position(frame: pl.DataFrame) -> pl.DataFrame:
    """Record i (from 0) on line i + 2, none with too many fields. A row index, not an
    int_range column: polars then keeps the frame's chunks instead of copying every column."""
    return (
        frame.with_columns(pl.lit(False).alias(RAGGED_COLUMN))
        .with_row_index(LINE_COLUMN, offset=2)
        .with_columns(pl.col(LINE_COLUMN).cast(pl.Int64))
    )


def _read_csv(path: Path) -> tuple[pl.DataFrame, str, str]:
    encoding = detect_encoding(path)
    header = _header_line(path, encoding)
    if not header.strip():
        raise FileUnreadable("Filen er tom eller mangler overskriftsrad på linje 1.")
    separator = detect_separator(header)
    readable = path if encoding in ("utf-8", "utf-8-sig") else _transcode_to_utf8(path, encoding)
    try:
        return _parse_csv(readable, separator, path.name), encoding, separator
    finally:
        if readable != path:
            os.unlink(readable)


def _parse_csv(readable: Path, separator: str, name: str) -> pl.DataFrame:
    """Fields as strings, with the line each record starts on and whether it has too many
    fields. Raises FileUnreadable, whose message never holds field values."""
    options = dict(separator=separator, infer_schema=False, encoding="utf8")
    failed: str | None = None
    frame: pl.DataFrame | None = None
    try:
        frame = pl.read_csv(readable, **options)
    except pl.exceptions.ComputeError as exc:
        if "more fields" not in str(exc):
            failed = type(exc).__name__
    except (pl.exceptions.PolarsError, UnicodeDecodeError) as exc:
        failed = type(exc).__name__
    else:
        if not _records_span_lines(readable, frame.height):
            # One record per line and none too long: the common case, without the slower scan.
            return _numbered_by_position(frame)
    if failed is None:
        # A quoted field holds a line break, or a record has too many fields (polars reads those
        # truncated, so they are flagged here to be quarantined, never loaded).
        try:
            if frame is None:
                frame = pl.read_csv(readable, truncate_ragged_lines=True, **options)
            layout = _scan_records(readable, separator, frame.width)
        except (pl.exceptions.PolarsError, UnicodeDecodeError) as exc:
            failed = type(exc).__name__
        except _Unparseable as error:
            raise _quote_error(name, error) from None
    # Raised outside the except blocks, so the polars message (with the offending record in
    # clear) is not kept as this error's context either.
    if failed is not None:
        raise _unparseable(name, readable, separator, failed)
    if layout.records != frame.height:
        raise FileUnreadable(
            f'{name}: radene kan ikke skilles sikkert fra hverandre, fordi anførselstegn (") '
            "eller linjeskift står på uventede steder (for eksempel et anførselstegn midt i et "
            "felt). Lagre filen på nytt fra Excel som «CSV UTF-8», og lever den igjen."
        )
    return frame.with_columns(
        pl.int_range(0, frame.height, dtype=pl.Int64)
        .is_in(pl.Series(layout.too_many_fields, dtype=pl.Int64).implode())
        .alias(RAGGED_COLUMN),
        layout.start_lines().alias(LINE_COLUMN),
    )


def _sheet_headers(reader, sheet: str) -> list[str]:
    """The first row of a sheet; none for a sheet that cannot be read (a chart sheet, say)."""
    try:
        return reader.load_sheet(sheet, n_rows=0, dtypes="string").to_polars().columns
    except Exception:
        return []


def _data_sheet(reader, schema: Schema, name: str) -> str:
    """The sheet to read when none is named: the first, unless its first row has no header of
    the contract (instructions, say) and exactly one other sheet has the kind's header row."""
    first, *others = reader.sheet_names
    if not others or _has_contract_header(_sheet_headers(reader, first), schema):
        return first
    headers = {sheet: _sheet_headers(reader, sheet) for sheet in others}
    found = [sheet for sheet in others if _has_contract_header(headers[sheet], schema)]
    if len(found) > 1:
        # Kinds share some headers (a courses sheet has «Kommunenummer»): the kind's own sheet
        # is the one with all its required columns.
        found = [sheet for sheet in found if _has_required_columns(headers[sheet], schema)]
    if len(found) == 1:
        return found[0]
    what = f"datakontraktens overskrifter for {schema.no} ({schema.kind})"
    which = (
        f"Flere ark har {what}: {_listed(found)}"
        if found
        else f"Ingen av arkene har {what} i første rad"
    )
    raise FileUnreadable(
        f"{name}: {which}. Arkene i filen er: {_listed(reader.sheet_names)}. Kjør på nytt med "
        "--sheet «navn» for arket med dataene (se docs/datakontrakt.md)."
    )


def _listed(sheets: list[str]) -> str:
    return ", ".join(f"«{sheet}»" for sheet in sheets)


def _read_xlsx(path: Path, sheet: str | None, schema: Schema) -> pl.DataFrame:
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
    target = sheet if sheet is not None else _data_sheet(reader, schema, path.name)
    try:
        frame = reader.load_sheet(target, dtypes="string").to_polars()
    except Exception as exc:
        # Only the type: the message may quote cell contents (personal data).
        failed = type(exc).__name__
    else:
        # Excel date cells arrive as ISO datetimes; numbers as their shortest text.
        return _numbered_by_position(frame.with_columns(pl.all().cast(pl.String)))
    raise FileUnreadable(
        f"Arket «{target}» i {path.name} kan ikke leses (teknisk feiltype: {failed}). Lagre "
        "filen på nytt fra Excel som «Excel-arbeidsbok (.xlsx)», og lever den igjen."
    )


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
    fits = [
        kind
        for kind, schema in load_contract().schemas.items()
        if _has_required_columns(columns, schema)
    ]
    return fits[0] if len(fits) == 1 else None


def _safe_map(columns: list[str], schema: Schema) -> tuple[dict[str, str], list[str]]:
    try:
        return map_headers(columns, schema)
    except FileUnreadable:
        return {}, columns


def _missing_required(mapped: dict[str, str], schema: Schema) -> list[Field]:
    return [f for f in schema.required_fields if f.name not in mapped]


def _has_required_columns(columns: list[str], schema: Schema) -> bool:
    mapped, _ = _safe_map(columns, schema)
    return not _missing_required(mapped, schema)


def _has_contract_header(columns: list[str], schema: Schema) -> bool:
    """Whether the row holds a header of the contract. A row without one is taken for a record,
    not for a header row with columns missing (see read_table)."""
    try:
        mapped, _ = map_headers(columns, schema)
    except FileUnreadable:  # a header used twice is still a header
        return True
    return bool(mapped)


def _has_content(frame: pl.DataFrame, columns: list[str]) -> pl.Series:
    """True for a line with a cell that is not blank, or with too many fields. Columns are
    checked one at a time, until every line has content: nearly always after the first."""
    has_content = frame.get_column(RAGGED_COLUMN)
    for column in columns:
        if has_content.all():
            break
        has_content = has_content | (frame.get_column(column).str.strip_chars().fill_null("") != "")
    return has_content


# How alike a delivered header and a contract header must be (difflib's ratio, on normalised
# names) to be taken for a typo: «Fødselsnumer» and «Fødselsnummer» are 0.96, «Startdato» and
# «Sluttdato» 0.78.
MISSPELT_HEADER_RATIO = 0.85


def _misspelt_headers(
    unknown: list[str], mapped: dict[str, str], schema: Schema
) -> list[tuple[str, str]]:
    """(delivered header, the contract header it resembles) for unknown headers that look like a
    typo of a field the file does not have: that column would otherwise be left out unnoticed.
    Fields dropped at ingest without a trace (names) are not looked for."""
    absent = [
        f for f in schema.fields if f.name not in mapped and (f.pii != "drop" or f.presence_column)
    ]
    found = []
    for header in unknown:
        given = normalise_name(header)
        for f in absent:
            if any(
                difflib.SequenceMatcher(None, given, name).ratio() >= MISSPELT_HEADER_RATIO
                for name in f.header_names
            ):
                found.append((header, f.no))
                break
    return found


def read_table(path: Path, schema: Schema, *, sheet: str | None = None) -> RawTable:
    path = Path(path)
    if not path.is_file():
        raise FileUnreadable(f"Fant ikke filen {path}.")
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        frame, encoding, separator = _read_xlsx(path, sheet, schema), "xlsx", None
    elif suffix in CSV_SUFFIXES:
        frame, encoding, separator = _read_csv(path)
    else:
        raise FileUnreadable(
            f"Filtypen «{suffix}» støttes ikke. Lever CSV (.csv) eller Excel (.xlsx)."
        )
    data_columns = [c for c in frame.columns if c not in (RAGGED_COLUMN, LINE_COLUMN)]
    mapped, unknown = map_headers(data_columns, schema)
    missing = _missing_required(mapped, schema)
    if missing:
        other = guess_kind(data_columns)
        if other is not None and other != schema.kind:
            other_no = load_contract().schemas[other].no
            raise FileUnreadable(
                f"Filen ser ut til å være {other_no} ({other}), ikke {schema.no} ({schema.kind}). "
                f"Kjør på nytt med --kind {other}, eller velg riktig fil."
            )
        names = ", ".join(f"«{f.no}»" for f in missing)
        if not mapped:
            # Not one known header: the first row is most likely a record, and it is not echoed
            # (names, national identity numbers).
            raise FileUnreadable(
                f"Påkrevde kolonner mangler: {names}. Første rad har ingen av datakontraktens "
                "kolonnenavn, så den ser ut til å være data, ikke overskrifter. Legg til "
                "overskriftsraden (se docs/datakontrakt.md)."
            )
        raise FileUnreadable(
            f"Påkrevde kolonner mangler: {names}. Fant: {', '.join(data_columns) or 'ingen'}. "
            "Legg til kolonnene med disse navnene i overskriftsraden (se docs/datakontrakt.md)."
        )
    misspelt = _misspelt_headers(unknown, mapped, schema)
    if misspelt:
        raise FileUnreadable(
            "Overskrifter som ligner kontraktens, men ikke er skrevet likt: "
            + ", ".join(f"«{given}» (mente du «{meant}»?)" for given, meant in misspelt)
            + ". Kolonnen ville ellers ikke blitt lest inn. Rett overskriften, og lever filen "
            "igjen (se docs/datakontrakt.md)."
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
