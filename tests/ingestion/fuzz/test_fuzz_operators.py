"""Readers, validators and the loader under arbitrary input: rows or a clear error, never a crash.

"Clear error" means the project's own types with a Norwegian message: FileUnreadable from the
readers (which `validate_file` turns into `report.file_error`), IngestError from `ingest_file`.
Anything else escaping (a polars ComputeError, a UnicodeDecodeError, an IndexError) fails the test.
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import duckdb
from hypothesis import given
from hypothesis import strategies as st

from ingestion.operators import KINDS, IngestError, ingest_file, load_contract, validate_file
from ingestion.operators.readers import FileUnreadable, read_table
from ingestion.operators.validation import REASONS
from ingestion.paths import OPERATOR_SAMPLE_DIR
from tests.ingestion.fuzz.fuzzkit import fuzz_settings, tried

YEAR = 2026
KEY = b"fuzz-key"
SAMPLE_CSVS = sorted(OPERATOR_SAMPLE_DIR.glob("drammensregionen/2026/*.csv"))
# Text that stresses CSV parsing: separators, quotes, line breaks, BOMs, Norwegian letters, huge
# and odd numbers, things shaped like identifiers.
CELL = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            " ",
            ";",
            ",",
            '"',
            '""',
            "\n",
            "\r\n",
            "\ufeff",
            "Ærlig Ødegård Åsen",
            "01.02.2026",
            "2026-13-45",
            "31.02.2026",
            "1e400",
            "-0,005",
            "99999999999999999999",
            "NaN",
            "ja",
            "x",
            "3301",
            "0301",
            "12345678901",
            "010101 12345",
            "974760673",
            "62.010",
        ]
    ),
)


def _assert_clean_report(report) -> str:
    """The report is a file error or a consistent row count. Returns the outcome for the count."""
    if report.file_error is not None:
        assert isinstance(report.file_error, str) and report.file_error.strip()
        assert report.rows_in == report.valid_rows == report.rejected_rows == 0
        return "error"
    assert report.rows_in == report.valid_rows + report.rejected_rows
    assert report.rejected_rows == len({e.line for e in report.errors})
    assert {e.reason_code for e in report.errors} <= set(REASONS)
    return "loaded"


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


@fuzz_settings(150)
@given(kind=st.sampled_from(KINDS), data=st.binary(max_size=2048))
def test_any_bytes_as_csv_give_rows_or_a_file_error(kind, data):
    with tempfile.TemporaryDirectory() as folder:
        report = validate_file(_write(Path(folder), f"{kind}.csv", data), kind, YEAR)
    tried(_assert_clean_report(report))


@fuzz_settings(60)
@given(data=st.binary(max_size=2048), suffix=st.sampled_from([".xlsx", ".xlsm", ".pdf", ".json"]))
def test_any_bytes_as_other_files_raise_file_unreadable(data, suffix):
    schema = load_contract().schemas["clients"]
    with tempfile.TemporaryDirectory() as folder:
        path = _write(Path(folder), f"clients{suffix}", data)
        try:
            read_table(path, schema)
        except FileUnreadable as exc:
            assert str(exc).strip()
            tried("error")
            return
    raise AssertionError(f"{suffix} of random bytes was read as a table")


@st.composite
def contract_csv(draw) -> tuple[str, bytes]:
    """A file with the contract's headers for a kind (some dropped, some renamed to aliases,
    an unknown one added) and arbitrary cells, quoted properly or not at all."""
    kind = draw(st.sampled_from(KINDS))
    schema = load_contract().schemas[kind]
    headers = []
    for f in schema.fields:
        if draw(st.integers(0, 9)) == 0:
            continue  # a missing column
        headers.append(draw(st.sampled_from([f.no, f.name, *f.aliases])))
    if draw(st.booleans()):
        headers.append("ukjent kolonne")
    separator = draw(st.sampled_from([";", ",", "\t"]))
    rows = draw(
        st.lists(
            st.lists(CELL, min_size=max(len(headers) - 2, 0), max_size=len(headers) + 2),
            max_size=12,
        )
    )
    out = io.StringIO()
    if draw(st.booleans()):
        writer = csv.writer(out, delimiter=separator, lineterminator="\n")
        writer.writerow(headers)
        writer.writerows(rows)
    else:  # as a careless export would: no quoting, ragged rows, embedded separators
        out.write(separator.join(headers) + "\n")
        out.writelines(separator.join(row) + "\n" for row in rows)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    return kind, out.getvalue().encode(encoding, errors="replace")


@fuzz_settings(150)
@given(case=contract_csv())
def test_contract_shaped_csv_gives_rows_or_a_file_error(case):
    kind, data = case
    with tempfile.TemporaryDirectory() as folder:
        report = validate_file(_write(Path(folder), f"{kind}.csv", data), kind, YEAR)
    tried(_assert_clean_report(report))


@st.composite
def mutated_sample(draw) -> tuple[str, bytes]:
    """A real sample file with random byte edits: flips, insertions, deletions, truncation."""
    path = draw(st.sampled_from(SAMPLE_CSVS))
    data = bytearray(path.read_bytes()[:6000])
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(["flip", "insert", "delete", "truncate"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 40))]
        else:
            del data[at:]
    return path.stem, bytes(data)


@fuzz_settings(120)
@given(case=mutated_sample())
def test_mutated_sample_files_give_rows_or_a_file_error(case):
    kind, data = case
    with tempfile.TemporaryDirectory() as folder:
        report = validate_file(_write(Path(folder), f"{kind}.csv", data), kind, YEAR)
    tried(_assert_clean_report(report))


@fuzz_settings(40)
@given(case=st.one_of(contract_csv(), mutated_sample()))
def test_ingest_loads_exactly_the_valid_rows_or_changes_nothing(case):
    """Through the loader too: the partition holds exactly `loaded` rows and the quarantine the
    rejected lines, or IngestError left the (empty) partition as it was."""
    kind, data = case
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        db = root / "w.duckdb"
        path = _write(root, f"{kind}.csv", data)
        try:
            result = ingest_file(
                db,
                path,
                region_id="hallingdal",
                year=YEAR,
                kind=kind,
                archive_dir=root / "a",
                key=KEY,
            )
        except IngestError as exc:
            assert str(exc).startswith(f"{kind}.csv: ")
            outcome = "error"
            loaded = rejected = 0
        else:
            outcome, loaded, rejected = "loaded", result.loaded, result.rejected
            assert result.rows_in == loaded + rejected
        with duckdb.connect(str(db), read_only=True) as con:
            in_raw = con.execute(
                f"select count(*) from raw.{kind} where region_id = 'hallingdal'"
            ).fetchone()[0]
            quarantined = con.execute(
                "select count(distinct source_line) from raw.quarantine where kind = ?", [kind]
            ).fetchone()[0]
    assert (in_raw, quarantined) == (loaded, rejected)
    tried(outcome)


# Inputs the fuzzers found that escaped as polars/codec exceptions (see docs/reliability.md).
FOUND_BY_FUZZING = [
    # ragged line with an unterminated quote: the truncate_ragged_lines retry raises ComputeError
    ("survey_responses", b'skala;svar\n;;"\n'),
    # a UTF-8 BOM followed by invalid UTF-8: detect_encoding trusts the BOM, the read then fails
    ("activities", b"\xef\xbb\xbf\x80ktivitet_id;klient_id\r\nA;B\r\n"),
    # a unit-separator byte (\x1f) in a ragged file breaks _ragged_lines' one-column read
    ("activity_plan", b"\x1f\x00\xbfmal\x00planlagt;innsendt_dato\r\nunike_klienter;384;1"),
]


def test_inputs_found_by_fuzzing_give_a_file_error_or_rows():
    outcomes = []
    with tempfile.TemporaryDirectory() as folder:
        for kind, data in FOUND_BY_FUZZING:
            report = validate_file(_write(Path(folder), f"{kind}.csv", data), kind, YEAR)
            outcomes.append(_assert_clean_report(report))
            tried(outcomes[-1])
    assert len(outcomes) == len(FOUND_BY_FUZZING)
