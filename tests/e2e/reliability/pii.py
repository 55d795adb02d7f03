"""A scanner for clear personal data in the pipeline's artefacts.

It looks for every national id, phone number, e-mail address, name and ENK organisation number
in the sample inputs, in clear and reformatted: national ids as 11 digits or split 6+5 (or
2+2+2+5) by spaces, dashes or dots; phones with or without +47/0047 and with any grouping;
e-mails in any case; names in any case, also as "Etternavn, Fornavn"; organisation numbers as 9
digits or 3+3+3, also as a group of a longer run ("NO 974 760 673 MVA", "974760673-1"). Digits
are found as runs of digit groups with single separators, then compared whole (phones), by
every 11-digit window (national ids) or by group (organisation numbers), so a number inside a
longer run is still caught without matching random digits across unrelated numbers. An
organisation number is not looked for inside an unbroken longer digit run: 9 digits would match
by chance in the hex of the many pseudonyms and the long numbers of the logs.

Files are scanned as bytes (decoded both as UTF-8 and Latin-1), and their content is also read
the way a user would read it: every text cell of every table in DuckDB and SQLite files, Parquet
through DuckDB, the text of each PDF page, and every part of an XLSX/ZIP file.
"""

from __future__ import annotations

import re
import sqlite3
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

DIGIT_RUN = re.compile(r"\+?\d+(?:[ \u00a0\-.]\d+)*")
# Matched outwards from each "@": a plain regex backtracks quadratically on long word runs.
EMAIL_LOCAL = re.compile(r"[\w.+-]{1,64}$")
EMAIL_DOMAIN = re.compile(r"[\w-]+(?:\.[\w-]+)+")
WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


@dataclass
class Identifiers:
    national_ids: set[str]
    phones: set[str]  # the last 8 digits
    emails: set[str]  # lower case
    names: set[tuple[str, ...]]  # lower-case words
    org_numbers: set[str] = field(default_factory=set)  # 9 digits (ENKs: a person's business)

    @classmethod
    def from_values(cls, values: set[str]) -> Identifiers:
        ids = cls(set(), set(), set(), set())
        for value in values:
            digits = re.sub(r"\D", "", value)
            if "@" in value:
                ids.emails.add(value.strip().lower())
            elif re.fullmatch(r"\d{11}", value.strip()):
                ids.national_ids.add(value.strip())
            elif re.fullmatch(r"\d{9}", value.strip()):  # phones have 8 digits
                ids.org_numbers.add(value.strip())
            elif digits and re.fullmatch(r"[\d\s+()\-.]+", value):
                ids.phones.add(digits[-8:])
            elif not digits:
                words = tuple(w.lower() for w in WORD.findall(value))
                if len(words) >= 2:
                    ids.names.add(words)
        return ids

    @property
    def patterns(self) -> int:
        return (
            len(self.national_ids)
            + len(self.phones)
            + len(self.emails)
            + len(self.names)
            + len(self.org_numbers)
        )


@dataclass
class Leak:
    artefact: str
    kind: str
    masked: str  # never the identifier itself in a test report

    def __str__(self) -> str:
        return f"{self.artefact}: {self.kind} {self.masked}"


@dataclass
class ScanResult:
    files: int = 0
    tables: int = 0
    leaks: list[Leak] = field(default_factory=list)


# How Norwegian phone numbers are grouped when written (after any +47/0047). Dates (4-2-2) and
# decimals are not phone numbers, so they cannot match by accident.
PHONE_GROUPINGS = {(8,), (3, 2, 3), (2, 2, 2, 2), (4, 4), (3, 3, 2)}


def _phone_digits(run: str) -> str | None:
    if "." in run:
        return None
    groups = [g for g in re.split(r"[ \u00a0\-]", run.lstrip("+")) if g]
    if groups and groups[0] in ("47", "0047"):
        groups = groups[1:]
    elif groups and len(groups[0]) > 8 and groups[0].startswith(("47", "0047")):
        groups[0] = groups[0][2:] if groups[0].startswith("47") else groups[0][4:]
    if tuple(len(g) for g in groups) not in PHONE_GROUPINGS:
        return None
    return "".join(groups)


def _org_number_digits(run: str) -> list[str]:
    """The 9-digit numbers a run of digit groups spells: a group of 9, or three groups of 3."""
    groups = [g for g in re.split(r"[ \u00a0\-.]", run.lstrip("+")) if g]
    found = [g for g in groups if len(g) == 9]
    for i in range(len(groups) - 2):
        if all(len(g) == 3 for g in groups[i : i + 3]):
            found.append("".join(groups[i : i + 3]))
    return found


def find_in_text(text: str, ids: Identifiers, artefact: str) -> list[Leak]:
    leaks: list[Leak] = []
    for match in DIGIT_RUN.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if len(digits) < 8:
            continue
        if ids.org_numbers:
            for number in _org_number_digits(match.group()):
                if number in ids.org_numbers:
                    leaks.append(Leak(artefact, "organisasjonsnummer", number[:3] + "******"))
        if len(digits) <= 40 and any(
            digits[i : i + 11] in ids.national_ids for i in range(len(digits) - 10)
        ):
            leaks.append(Leak(artefact, "fødselsnummer", digits[:6] + "*****"))
        phone = _phone_digits(match.group())
        if phone is not None and phone in ids.phones:
            leaks.append(Leak(artefact, "telefon", "******" + phone[-2:]))
    for at in re.finditer("@", text):
        local = EMAIL_LOCAL.search(text, max(at.start() - 64, 0), at.start())
        domain = EMAIL_DOMAIN.match(text, at.end(), at.end() + 255)
        if local and domain and f"{local.group()}@{domain.group()}".lower() in ids.emails:
            leaks.append(Leak(artefact, "e-post", local.group()[0] + "***@***"))
    if ids.names:
        words = [w.lower() for w in WORD.findall(text)]
        longest = max(len(n) for n in ids.names)
        edges = {n[0] for n in ids.names} | {n[-1] for n in ids.names}
        for i in range(len(words)):
            if words[i] not in edges:
                continue
            for n in range(2, longest + 1):
                gram = tuple(words[i : i + n])
                # "Nilsen, Jonas" reads as (nilsen, jonas): the two-word name reversed.
                if gram in ids.names or (n == 2 and gram[::-1] in ids.names):
                    leaks.append(
                        Leak(artefact, "navn", gram[0][:1] + "*** " + gram[-1][:1] + "***")
                    )
    return leaks


def _scan_bytes(data: bytes, ids: Identifiers, artefact: str) -> list[Leak]:
    try:
        return find_in_text(data.decode("utf-8"), ids, artefact)
    except UnicodeDecodeError:  # binary formats, cp1252 text: both readings
        leaks = find_in_text(data.decode("utf-8", errors="replace"), ids, artefact)
        return leaks or find_in_text(data.decode("latin-1"), ids, artefact)


def _rows_text(rows: list[tuple]) -> str:
    return "\n".join("\t".join("" if v is None else str(v) for v in row) for row in rows)


def scan_duckdb(path: Path, ids: Identifiers, result: ScanResult) -> None:
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_type = 'BASE TABLE'"
        ).fetchall()
        for schema, table in tables:
            rows = con.execute(f'select * from "{schema}"."{table}"').fetchall()
            result.tables += 1
            result.leaks += find_in_text(_rows_text(rows), ids, f"{path.name}:{schema}.{table}")


def scan_sqlite(path: Path, ids: Identifiers, result: ScanResult) -> None:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in con.execute("select name from sqlite_master where type='table'")]
        for table in tables:
            rows = con.execute(f'select * from "{table}"').fetchall()
            decoded = [
                tuple(v.decode("utf-8", "replace") if isinstance(v, bytes) else v for v in row)
                for row in rows
            ]
            result.tables += 1
            result.leaks += find_in_text(_rows_text(decoded), ids, f"{path.name}:{table}")
    finally:
        con.close()


def scan_file(path: Path, ids: Identifiers, result: ScanResult, label: str) -> None:
    result.files += 1
    result.leaks += _scan_bytes(path.read_bytes(), ids, label)
    suffix = path.suffix.lower()
    head = path.read_bytes()[:16]
    if suffix == ".duckdb":
        scan_duckdb(path, ids, result)
    elif head.startswith(b"SQLite format 3"):
        scan_sqlite(path, ids, result)
    elif suffix == ".parquet":
        with duckdb.connect() as con:
            rows = con.execute("select * from read_parquet(?)", [str(path)]).fetchall()
        result.tables += 1
        result.leaks += find_in_text(_rows_text(rows), ids, label)
    elif suffix == ".pdf":
        from pypdf import PdfReader

        text = "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
        result.leaks += find_in_text(text, ids, label)
    elif zipfile.is_zipfile(path):  # xlsx and friends
        with zipfile.ZipFile(path) as archive:
            for member in archive.namelist():
                result.leaks += _scan_bytes(archive.read(member), ids, f"{label}!{member}")


def scan_tree(root: Path, ids: Identifiers, result: ScanResult, *, exclude: tuple[Path, ...] = ()):
    for path in sorted(root.rglob("*")):
        if not path.is_file() or any(path.is_relative_to(e) for e in exclude):
            continue
        if path.suffix in (".wal", ".lock") or path.name.endswith(("-journal", "-wal", "-shm")):
            result.files += 1
            result.leaks += _scan_bytes(path.read_bytes(), ids, str(path.relative_to(root)))
            continue
        scan_file(path, ids, result, str(path.relative_to(root)))
