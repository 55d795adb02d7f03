"""readers: records as an operator sees them. A file polars cannot split into records is refused
with the file and line and no field value (the polars message quotes the record in clear); a
quoted field may span lines, so a record's line is the physical line it starts on; a record with
too many fields is quarantined, never loaded cut short."""

from __future__ import annotations

import csv
import io
import tempfile
import traceback
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from ingestion.operators import IngestError, validate_file
from ingestion.operators.cli import validate
from ingestion.operators.contract import load_contract
from ingestion.operators.readers import FileUnreadable, read_table
from tests.ingestion.fuzz.fuzzkit import fuzz_settings

from .conftest import ingest_into

CLIENTS_HEADER = (
    "klient_id;fodselsnummer;navn;e_post;telefon;kommunenummer;kjonn;fodselsar;"
    "innvandrerbakgrunn;forste_kontakt;henvist_av"
)
PERSONAL = ("29508028413", "Mohammed", "Berg", "m@example.no", "955 15 627")
CLIENT = "RR-1;29508028413;Mohammed Berg;m@example.no;955 15 627;3305;M;1980;nei;01.02.2025;selv"
OTHER_CLIENT = "RR-2;;Kari Nordmann;k@example.no;45527770;3305;K;1990;nei;01.02.2025;selv"
MULTI_LINE_CLIENT = 'RR-3;;"Ola\nNordmann";o@example.no;45527771;3305;M;1991;nei;01.02.2025;selv'

COURSES_HEADER = (
    "kurs_id;kurstype;tittel;startdato;sluttdato;egenandel;malgruppe;kommunenummer;kanal"
)


def _course(course_id: str, title: str = "Grunnkurs", fee: str = "0", extra: str = "") -> str:
    return (
        f"{course_id};grunnkurs;{title};01.06.2025;02.06.2025;{fee};innvandrere;3305;fysisk{extra}"
    )


# Lines 4-5 hold one record (its title spans them, with a separator on the second line), line 6
# has one field too many, line 7 a fee that is not a number.
COURSES_WITH_A_MULTI_LINE_TITLE = [
    _course("RR-KURS-1"),
    _course("RR-KURS-2"),
    _course("RR-KURS-3", title='"Grunnkurs for\netablerere; del 1"'),
    _course("RR-KURS-4", extra=";ekstra"),
    _course("RR-KURS-5", fee="tusen"),
    _course("RR-KURS-6"),
]


def _write(path: Path, header: str, records: list[str], encoding: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\r\n".join([header, *records]) + "\r\n").encode(encoding))
    return path


def _assert_no_personal_data(text: str) -> None:
    for value in PERSONAL:
        assert value not in text


def _read_error(path: Path, kind: str) -> FileUnreadable:
    with pytest.raises(FileUnreadable) as caught:
        read_table(path, load_contract().schemas[kind])
    return caught.value


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_an_unclosed_quote_is_refused_at_its_line_without_the_record(
    tmp_path: Path, encoding: str
) -> None:
    """The reviewer's repro: the first field opens a quote that is never closed."""
    path = _write(tmp_path / "clients.csv", CLIENTS_HEADER, ['"' + CLIENT, OTHER_CLIENT], encoding)
    error = _read_error(path, "clients")
    message = str(error)
    assert message.startswith("clients.csv, linje 2: ")
    assert "anførselstegn" in message and "aldri lukkes" in message
    _assert_no_personal_data(message)
    # Nor anywhere in what a log would print (Dagster logs the whole traceback and its causes).
    _assert_no_personal_data("".join(traceback.format_exception(error)))


def test_an_unclosed_quote_after_a_multi_line_record_is_reported_at_its_own_line(
    tmp_path: Path,
) -> None:
    records = [OTHER_CLIENT, MULTI_LINE_CLIENT, "", '"' + CLIENT, OTHER_CLIENT]
    message = str(
        _read_error(_write(tmp_path / "k.csv", CLIENTS_HEADER, records, "utf-8"), "clients")
    )
    assert message.startswith("k.csv, linje 6: ")
    _assert_no_personal_data(message)


def test_a_misplaced_or_stray_quote_is_refused_at_its_line_without_the_record(
    tmp_path: Path,
) -> None:
    after_closing = CLIENT.replace("RR-1;", '"RR-1"x;')
    message = str(
        _read_error(_write(tmp_path / "a.csv", CLIENTS_HEADER, [after_closing], "utf-8"), "clients")
    )
    assert message.startswith("a.csv, linje 2: ")
    assert "rett etter et avsluttende anførselstegn" in message
    _assert_no_personal_data(message)
    # A lone quote inside a field polars refuses, though Python's parser reads it.
    stray = CLIENT.replace("Mohammed Berg", 'Mohammed B"erg')
    message = str(
        _read_error(
            _write(tmp_path / "b.csv", CLIENTS_HEADER, [OTHER_CLIENT, stray], "utf-8"), "clients"
        )
    )
    assert message.startswith("b.csv, linje 3: ")
    assert "midt i et felt" in message and "(Teknisk feiltype: ComputeError.)" in message
    _assert_no_personal_data(message)


def test_validate_and_ingest_show_no_personal_data_for_an_unreadable_file(tmp_path: Path) -> None:
    path = _write(tmp_path / "clients.csv", CLIENTS_HEADER, ['"' + CLIENT, OTHER_CLIENT], "utf-8")
    result = CliRunner().invoke(validate, [str(path), "--kind", "clients", "--year", "2025"])
    assert result.exit_code == 2
    assert "clients.csv, linje 2: " in result.output
    _assert_no_personal_data(result.output)
    with pytest.raises(IngestError) as caught:
        ingest_into(tmp_path, path, "clients")
    assert "linje 2" in str(caught.value)
    _assert_no_personal_data("".join(traceback.format_exception(caught.value)))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_records_after_a_multi_line_field_keep_their_physical_lines(
    tmp_path: Path, encoding: str
) -> None:
    records = [r.replace(";ekstra", "") for r in COURSES_WITH_A_MULTI_LINE_TITLE]
    path = _write(tmp_path / "courses.csv", COURSES_HEADER, records, encoding)
    frame = read_table(path, load_contract().schemas["courses"]).frame
    assert frame.select("__line", "course_id", "__ragged").rows() == [
        (2, "RR-KURS-1", False),
        (3, "RR-KURS-2", False),
        (4, "RR-KURS-3", False),
        (6, "RR-KURS-4", False),
        (7, "RR-KURS-5", False),
        (8, "RR-KURS-6", False),
    ]
    assert frame.get_column("title")[2] == "Grunnkurs for\netablerere; del 1"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_a_record_with_too_many_fields_after_a_multi_line_field_is_flagged_at_its_line(
    tmp_path: Path, encoding: str
) -> None:
    path = _write(
        tmp_path / "courses.csv", COURSES_HEADER, COURSES_WITH_A_MULTI_LINE_TITLE, encoding
    )
    frame = read_table(path, load_contract().schemas["courses"]).frame
    assert frame.filter("__ragged").select("__line", "course_id").rows() == [(6, "RR-KURS-4")]
    assert frame.get_column("__line").to_list() == [2, 3, 4, 6, 7, 8]


def test_an_extra_field_spanning_lines_is_flagged_and_later_lines_stay_right(
    tmp_path: Path,
) -> None:
    records = [
        _course("RR-KURS-1", extra=';"merknad\nover to linjer"'),
        _course("RR-KURS-2"),
        "",
        _course("RR-KURS-3", fee="tusen"),
    ]
    path = _write(tmp_path / "courses.csv", COURSES_HEADER, records, "utf-8")
    report = validate_file(path, "courses", 2025)
    assert {(e.line, e.column, e.reason_code) for e in report.errors} == {
        (2, "(rad)", "wrong_field_count"),
        (6, "fee_nok", "invalid_decimal"),
    }
    assert (report.rows_in, report.valid_rows, report.rejected_rows) == (3, 1, 2)


def test_ingest_quarantines_the_long_record_and_reports_every_line_where_it_is(
    tmp_path: Path,
) -> None:
    """The reviewer's repro, end to end: the record with an extra field is not in raw.courses,
    and each quarantine row names the line the record starts on."""
    path = _write(
        tmp_path / "in" / "courses.csv", COURSES_HEADER, COURSES_WITH_A_MULTI_LINE_TITLE, "utf-8"
    )
    db = tmp_path / "w.duckdb"
    result = ingest_into(tmp_path, path, "courses")
    assert (result.rows_in, result.loaded, result.rejected) == (6, 4, 2)
    with duckdb.connect(str(db), read_only=True) as con:
        loaded = con.execute(
            "select course_id, source_line from raw.courses order by source_line"
        ).fetchall()
        quarantined = con.execute(
            "select source_line, column_name, reason_code from raw.quarantine "
            "where kind = 'courses' order by source_line"
        ).fetchall()
    assert loaded == [("RR-KURS-1", 2), ("RR-KURS-2", 3), ("RR-KURS-3", 4), ("RR-KURS-6", 8)]
    assert [(line, reason) for line, _, reason in quarantined] == [
        (6, "wrong_field_count"),
        (7, "invalid_decimal"),
    ]


CELL = st.one_of(
    st.sampled_from(["", "x", ";", '"', '""', "\n", "\r\n", "a;b\nc", "Ærlig Ødegård", "1,5"]),
    st.text(alphabet='abcæøå ;"\n', max_size=8),
)
COURSE_COLUMNS = len(COURSES_HEADER.split(";"))


@st.composite
def quoted_courses_file(draw) -> tuple[list[list[str]], list[bool], str, str]:
    """Records as a spreadsheet would write them (quoted where needed, so cells may hold line
    breaks, separators and quotes), some with a field too many or too few, some after a blank
    line."""
    records = [
        [f"K-{i}", *draw(st.lists(CELL, min_size=7, max_size=COURSE_COLUMNS + 1))]
        for i in range(draw(st.integers(1, 8)))
    ]
    blank_before = [draw(st.booleans()) for _ in records]
    return (
        records,
        blank_before,
        draw(st.sampled_from(["\r\n", "\n"])),
        draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"])),
    )


@fuzz_settings(150)
@given(case=quoted_courses_file())
def test_every_record_is_read_at_the_line_it_starts_and_long_ones_are_flagged(case) -> None:
    records, blank_before, newline, encoding = case
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator=newline)
    writer.writerow(COURSES_HEADER.split(";"))
    expected, line = [], 2
    for record, blank in zip(records, blank_before, strict=True):
        if blank:
            out.write(newline)
            line += 1
        expected.append((line, record[0], len(record) > COURSE_COLUMNS, record[2] or None))
        before = out.tell()
        writer.writerow(record)
        line += out.getvalue()[before:].count("\n")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "courses.csv"
        path.write_bytes(out.getvalue().encode(encoding))
        frame = read_table(path, load_contract().schemas["courses"]).frame
    assert frame.select("__line", "course_id", "__ragged", "title").rows() == expected
