"""Read Enhetsregisteret units into one typed row per unit: `read_units`.

What it reads, in the register's own shapes (https://data.brreg.no/enhetsregisteret/api):
- a single unit, as `/enheter/{orgnr}` answers it: the full body of an active unit, or the small
  body of a deleted one (`organisasjonsnummer`, `navn`, `organisasjonsform`, `slettedato`);
- a list of such bodies, or a HAL page of the search (`_embedded.enheter`);
- the bulk file `/enheter/lastned`: one JSON array of units, gzipped (`.json.gz`) or not;
- the bulk CSV `/enheter/lastned/csv` (`.csv` or `.csv.gz`): one row per unit, the nested fields
  flattened to `organisasjonsform.kode`, `forretningsadresse.kommunenummer`, ... (the register's
  header spells `registreringsdatoenhetsregisteret` in lower case; names are matched either way).

The bulk files are about 200 MB gzipped, so they are read as a stream and filtered as they are
read (`org_numbers`, `municipalities`); only the units kept are held in memory. The JSON array is
split into units by the standard library's decoder (`json.JSONDecoder.raw_decode`) over a sliding
buffer: the file's shape is fixed (a top-level array of objects), so that is all the streaming
parser needs, and the project takes on no new dependency for it.

Absent fields become null, never 0 or false: a unit without `antallAnsatte` has `employees` null.
The name (`navn`) is read by nothing here; it never leaves the raw response.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Collection, Iterable, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import IO, Any

import polars as pl

# One row per unit. `org_number` exists only in memory: the loader turns it into business_key.
UNIT_SCHEMA: dict[str, pl.DataType] = {
    "org_number": pl.String(),
    "status": pl.String(),
    "org_form": pl.String(),
    "nace_code": pl.String(),
    "founded_date": pl.Date(),
    "registered_date": pl.Date(),
    "employees": pl.Int32(),
    "municipality_code": pl.String(),
    "is_bankrupt": pl.Boolean(),
    "bankrupt_date": pl.Date(),
    "is_under_liquidation": pl.Boolean(),
    "is_under_forced_liquidation": pl.Boolean(),
    "deleted_date": pl.Date(),
    "last_annual_accounts_year": pl.Int32(),
}
STATUSES = ("active", "deleted", "removed", "not_found")

# column -> (path in the unit JSON, kind)
_FIELDS: dict[str, tuple[tuple[str, ...], str]] = {
    "org_form": (("organisasjonsform", "kode"), "text"),
    "nace_code": (("naeringskode1", "kode"), "text"),
    "founded_date": (("stiftelsesdato",), "date"),
    "registered_date": (("registreringsdatoEnhetsregisteret",), "date"),
    "employees": (("antallAnsatte",), "integer"),
    "municipality_code": (("forretningsadresse", "kommunenummer"), "text"),
    "is_bankrupt": (("konkurs",), "boolean"),
    "bankrupt_date": (("konkursdato",), "date"),
    "is_under_liquidation": (("underAvvikling",), "boolean"),
    "is_under_forced_liquidation": (("underTvangsavviklingEllerTvangsopplosning",), "boolean"),
    "deleted_date": (("slettedato",), "date"),
    "last_annual_accounts_year": (("sisteInnsendteAarsregnskap",), "integer"),
}
ORG_NUMBER_FIELD = "organisasjonsnummer"
MUNICIPALITY_PATH = ("forretningsadresse", "kommunenummer")
_CHUNK_CHARS = 1 << 16
# A unit is a few kilobytes; a "unit" this long means the file is broken, not that it is long.
_MAX_UNIT_CHARS = 1 << 24


class UnitReadError(ValueError):
    """A unit cannot be read as the register gives it. The message says where and what."""


Source = str | Path | bytes | Mapping[str, Any] | Iterable[Mapping[str, Any]]


def read_units(
    source: Source,
    *,
    org_numbers: Collection[str] | None = None,
    municipalities: Collection[str] | None = None,
) -> pl.DataFrame:
    """One typed row per unit (`UNIT_SCHEMA`), from a file path, raw bytes, one unit body, a
    list of bodies or a HAL page.

    With `org_numbers` and/or `municipalities`, only the units whose number is among
    `org_numbers`, or whose business address is in one of `municipalities`, are kept (either
    criterion suffices); the rest of a bulk file is read past without being held.
    """
    where = str(source) if isinstance(source, str | Path) else "enhetene"
    rows = [
        unit_row(unit, where)
        for unit in iter_unit_documents(source)
        if _wanted(unit, org_numbers, municipalities)
    ]
    frame = pl.DataFrame(rows, schema=UNIT_SCHEMA, orient="row") if rows else _empty()
    duplicated = frame.filter(pl.col("org_number").is_duplicated())["org_number"].unique()
    if duplicated.len():
        raise UnitReadError(
            f"{where} har samme enhet flere ganger ({', '.join(sorted(duplicated))}); "
            "en innlesing skal ha én rad per enhet."
        )
    return frame.sort("org_number")


def absent_units(org_numbers: Iterable[str], status: str) -> pl.DataFrame:
    """Rows for numbers the register answered without a unit: 404 `not_found`, 410 `removed`."""
    if status not in ("not_found", "removed"):
        raise ValueError(f"status must be not_found or removed, not {status!r}")
    numbers = sorted(set(org_numbers))
    return pl.DataFrame(
        {"org_number": numbers, "status": [status] * len(numbers)},
        schema={"org_number": pl.String(), "status": pl.String()},
    ).with_columns(
        pl.lit(None, dtype).alias(name)
        for name, dtype in UNIT_SCHEMA.items()
        if name not in ("org_number", "status")
    )


def _empty() -> pl.DataFrame:
    return pl.DataFrame(schema=UNIT_SCHEMA)


def _wanted(
    unit: Mapping[str, Any],
    org_numbers: Collection[str] | None,
    municipalities: Collection[str] | None,
) -> bool:
    if org_numbers is None and municipalities is None:
        return True
    if org_numbers is not None and str(unit.get(ORG_NUMBER_FIELD) or "") in org_numbers:
        return True
    return municipalities is not None and _at(unit, MUNICIPALITY_PATH) in municipalities


# --- one unit -----------------------------------------------------------------------------


def unit_row(unit: Mapping[str, Any], where: str = "enheten") -> dict[str, Any]:
    """The typed row of one unit body (the API's nested JSON, or a bulk CSV row nested again)."""
    number = unit.get(ORG_NUMBER_FIELD)
    if not isinstance(number, str) or not (len(number) == 9 and number.isdigit()):
        raise UnitReadError(
            f"{where}: en enhet mangler et gyldig organisasjonsnummer (fant {number!r})."
        )
    row: dict[str, Any] = {"org_number": number}
    for column, (path, kind) in _FIELDS.items():
        row[column] = _typed(
            _at(unit, path), kind, f"{where}, enhet {number}, felt {'.'.join(path)}"
        )
    row["status"] = "deleted" if row["deleted_date"] is not None else "active"
    return {name: row[name] for name in UNIT_SCHEMA}


def _at(unit: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = unit
    for part in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _typed(value: Any, kind: str, where: str) -> Any:
    if value is None or value == "":
        return None
    try:
        if kind == "text":
            return str(value)
        if kind == "date":
            return date.fromisoformat(str(value))
        if kind == "integer":
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError(value)
            return int(value)
        if kind == "boolean":
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in ("true", "false"):
                return text == "true"
            raise ValueError(value)
    except ValueError:
        expected = {"date": "en dato (ÅÅÅÅ-MM-DD)", "integer": "et heltall"}.get(kind, "sann/usann")
        raise UnitReadError(f"{where}: «{value}» er ikke {expected}.") from None
    raise AssertionError(kind)


# --- documents: files, bytes, bodies, pages -----------------------------------------------


def iter_unit_documents(source: Source) -> Iterator[Mapping[str, Any]]:
    """Every unit body in `source`, in the API's nested shape (CSV rows are nested again)."""
    if isinstance(source, str | Path):
        yield from _iter_file(Path(source))
    elif isinstance(source, bytes):
        yield from _iter_stream(io.BytesIO(source), "svaret", gzipped=source[:2] == b"\x1f\x8b")
    elif isinstance(source, Mapping):
        yield from _units_of_document(source, "dokumentet")
    else:
        for document in source:
            yield from _units_of_document(document, "listen")


def _units_of_document(document: Any, where: str) -> Iterator[Mapping[str, Any]]:
    if isinstance(document, list):
        for item in document:
            yield from _units_of_document(item, where)
        return
    if not isinstance(document, Mapping):
        raise UnitReadError(f"{where}: ventet en enhet (et JSON-objekt), fant {type(document)}.")
    embedded = document.get("_embedded")
    if isinstance(embedded, Mapping):
        # A HAL page of the search; an empty result has no `_embedded` at all.
        yield from embedded.get("enheter") or []
    elif ORG_NUMBER_FIELD in document:
        yield document
    elif "page" in document:
        return
    else:
        raise UnitReadError(
            f"{where}: objektet er verken en enhet (organisasjonsnummer) eller en side med "
            "_embedded.enheter."
        )


def _iter_file(path: Path) -> Iterator[Mapping[str, Any]]:
    try:
        with path.open("rb") as raw:
            gzipped = raw.read(2) == b"\x1f\x8b"
            raw.seek(0)
            yield from _iter_stream(raw, str(path), gzipped=gzipped, name=path.name)
    except OSError as exc:
        raise UnitReadError(f"Fant ikke eller kunne ikke lese {path}: {exc}") from exc


def _iter_stream(
    raw: IO[bytes], where: str, *, gzipped: bool, name: str = ""
) -> Iterator[Mapping[str, Any]]:
    binary: Any = gzip.GzipFile(fileobj=raw) if gzipped else raw
    if not hasattr(binary, "peek"):
        binary = io.BufferedReader(binary)
    try:
        # The first character says what the document is; peek does not consume it.
        head = binary.peek(_CHUNK_CHARS).removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")[:1]
        text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
        try:
            if head == b"":
                return
            if head == b"[":
                yield from iter_json_array(text, where)
            elif head == b"{":
                # A single body or a search page: small, read at once.
                yield from _units_of_document(json.loads(text.read()), where)
            elif ".csv" in name or head == b'"' or head.isalpha():
                yield from iter_csv_units(text, where)
            else:
                raise UnitReadError(f"{where} er verken JSON eller CSV fra Enhetsregisteret.")
        finally:
            text.detach()
    except (OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UnitReadError(f"{where} kunne ikke leses: {exc}") from exc


def iter_json_array(text: IO[str], where: str = "filen") -> Iterator[Mapping[str, Any]]:
    """The objects of a top-level JSON array, one at a time, reading `text` a chunk at a time."""
    decoder = json.JSONDecoder()
    buffer = ""
    eof = False

    def fill() -> None:
        nonlocal buffer, eof
        chunk = text.read(_CHUNK_CHARS)
        eof = chunk == ""
        buffer += chunk

    fill()
    position = _skip(buffer, 0, " \t\r\n\ufeff")
    if buffer[position : position + 1] != "[":
        raise UnitReadError(f"{where}: ventet en JSON-liste ([ ... ]).")
    buffer = buffer[position + 1 :]
    expect_item = True  # after "[" or ",": an item (or "]" directly after "[")
    first = True
    while True:
        position = _skip(buffer, 0, " \t\r\n")
        while position == len(buffer) and not eof:
            fill()
            position = _skip(buffer, 0, " \t\r\n")
        head = buffer[position : position + 1]
        if head == "":
            raise UnitReadError(f"{where}: JSON-listen slutter før «]».")
        if head == "]" and (first or not expect_item):
            return
        if not expect_item:
            if head != ",":
                raise UnitReadError(
                    f"{where}: ventet «,» eller «]» mellom enhetene, fant «{head}»."
                )
            buffer = buffer[position + 1 :]
            expect_item = True
            continue
        if head != "{":
            raise UnitReadError(f"{where}: hvert element i listen skal være en enhet ({{...}}).")
        while True:
            try:
                item, end = decoder.raw_decode(buffer, position)
                break
            except json.JSONDecodeError as exc:
                if eof or len(buffer) - position > _MAX_UNIT_CHARS:
                    raise UnitReadError(f"{where}: ugyldig JSON i en enhet: {exc.msg}.") from exc
                fill()
        yield item
        buffer = buffer[end:]
        expect_item = first = False


def _skip(text: str, position: int, characters: str) -> int:
    while position < len(text) and text[position] in characters:
        position += 1
    return position


# --- the bulk CSV -------------------------------------------------------------------------


def iter_csv_units(text: IO[str], where: str = "filen") -> Iterator[Mapping[str, Any]]:
    """The rows of the bulk CSV, each nested again into the API's JSON shape."""
    reader = csv.reader(text)
    header = next(reader, None)
    if header is None:
        return
    header = [name.lstrip("\ufeff") for name in header]
    paths = [_csv_path(name) for name in header]
    if (ORG_NUMBER_FIELD,) not in paths:
        raise UnitReadError(f"{where}: CSV-filen har ingen kolonne «{ORG_NUMBER_FIELD}».")
    for line, values in enumerate(reader, start=2):
        if not values:
            continue
        if len(values) != len(header):
            raise UnitReadError(
                f"{where}, linje {line}: {len(values)} verdier, men overskriften har {len(header)}."
            )
        unit: dict[str, Any] = {}
        for path, value in zip(paths, values, strict=True):
            if path is None or value == "":
                continue
            node = unit
            for part in path[:-1]:
                node = node.setdefault(part, {})
            node[path[-1]] = value
        yield unit


# The JSON field names, by lower case, so the CSV's spelling does not matter.
_KNOWN_PATHS = {".".join(path).lower(): path for path, _ in _FIELDS.values()} | {
    ORG_NUMBER_FIELD: (ORG_NUMBER_FIELD,),
}


def _csv_path(name: str) -> tuple[str, ...] | None:
    return _KNOWN_PATHS.get(name.strip().lower())


__all__ = [
    "STATUSES",
    "UNIT_SCHEMA",
    "UnitReadError",
    "absent_units",
    "iter_csv_units",
    "iter_json_array",
    "iter_unit_documents",
    "read_units",
    "unit_row",
]
