"""validate: Norwegian messages that say what to do, exit codes, encodings, readers."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from ingestion.operators import detect_kind, validate_file
from ingestion.operators.cli import validate
from samples.operators import generate_unreadable

from .conftest import by_kind

NO_ENGLISH_WORDS = ("error", "invalid", "missing", "row ", "column", "_code", "duplicate")


def test_clean_sample_files_have_no_errors() -> None:
    from ingestion.paths import OPERATOR_SAMPLE_DIR

    ringerike = OPERATOR_SAMPLE_DIR / "ringeriksregionen" / "2025"
    for path in sorted(ringerike.iterdir()):
        report = validate_file(path, detect_kind(path), 2025)
        assert (path.name, report.exit_code, report.rejected_rows) == (path.name, 0, 0)
        assert report.rows_in > 0


def test_every_injected_error_is_reported_at_its_line_and_column(dirty_files) -> None:
    for dirty in dirty_files:
        report = validate_file(dirty.path, dirty.kind, dirty.year)
        found = {(e.line, e.column, e.reason_code) for e in report.errors}
        expected = {(i.line, i.column, i.reason) for i in dirty.expected}
        assert expected - found == set(), dirty.kind
        assert report.rows_in == report.valid_rows + report.rejected_rows
        assert report.exit_code == 1


def test_cli_output_is_norwegian_and_says_what_to_do(dirty_files) -> None:
    clients = by_kind(dirty_files, "clients")
    result = CliRunner().invoke(
        validate, [str(clients.path), "--kind", "clients", "--year", "2025"]
    )
    assert result.exit_code == 1
    out = result.output
    assert "rad 5, kolonne «Kjønn»: verdi «X»" in out
    assert "Bruk en av: K, M, U." in out
    assert "Skriv datoen som dd.mm.åååå" in out
    assert "Oppsummering: 81 rader lest, 68 godkjent, 13 avvist (13 feil)." in out
    for word in NO_ENGLISH_WORDS:
        assert word not in out
    # identifiers are masked in the report
    assert "010190*****" in out and "01019012346" not in out


def test_unreadable_files_exit_2_with_a_reason(tmp_path: Path) -> None:
    files = generate_unreadable(tmp_path)
    runner = CliRunner()
    expected = {
        "wrong_kind": "ser ut til å være aktiviteter",
        "missing_columns": "Påkrevde kolonner mangler: «kjonn»",
        "undecodable": "UTF-8 eller Windows-1252",
        "corrupt_xlsx": "Excel-filen kan ikke åpnes",
    }
    for name, path in files.items():
        result = runner.invoke(validate, [str(path), "--kind", "clients", "--year", "2025"])
        assert result.exit_code == 2, name
        assert expected[name] in result.output


def test_clean_file_exits_0() -> None:
    from ingestion.paths import OPERATOR_SAMPLE_DIR

    path = OPERATOR_SAMPLE_DIR / "midt_buskerud" / "2026" / "courses.csv"
    result = CliRunner().invoke(validate, [str(path), "--kind", "courses"])
    assert result.exit_code == 0
    assert "rapporteringsår 2026" in result.output  # year taken from the folder
    assert "Filen følger datakontrakten" in result.output


def test_references_are_checked_against_the_sibling_file(dirty_files) -> None:
    activities = by_kind(dirty_files, "activities")
    report = validate_file(activities.path, "activities", 2025)
    assert any(
        e.reason_code == "unknown_reference" and e.column == "client_id" for e in report.errors
    )
    lonely = activities.path.parent.parent / "alene" / "aktiviteter.csv"
    lonely.parent.mkdir(exist_ok=True)
    lonely.write_bytes(activities.path.read_bytes())
    report = validate_file(lonely, "activities", 2025)
    assert not any(e.reason_code == "unknown_reference" for e in report.errors)
    assert any("ikke kontrollert mot klienter" in n for n in report.notes)


def test_detect_kind_from_norwegian_names() -> None:
    assert detect_kind(Path("Klienter 2025.csv")) == "clients"
    assert detect_kind(Path("aktiviteter.xlsx")) == "activities"
    assert detect_kind(Path("aktivitetsplan_2026.xlsx")) == "activity_plan"
    assert detect_kind(Path("kurs.csv")) == "courses"
    assert detect_kind(Path("regnskap_budsjett.csv")) == "finance"
    assert detect_kind(Path("brukerundersøkelse.csv")) == "survey_responses"


def test_values_parsed_once_per_distinct_value_equal_the_per_row_parse() -> None:
    """Dates, amounts, codes and the like are parsed per distinct value and looked up; the
    result must be what the same expressions give row by row, blanks and nulls included."""
    import polars as pl

    from ingestion.operators.contract import load_contract
    from ingestion.operators.validation import (
        _PARSED_BY_DISTINCT_VALUE,
        _blank_to_null,
        _parse,
        _parse_distinct,
    )

    values = [
        None, "", "  ", "ja", " Nei ", "x", "15.03.2025", "2025-03-15 00:00:00", "31.02.2025",
        "1,5", " 1 234,50 ", "1.234,5", "-3", "1990", "1990.0", "3305", "0301", "62.010",
        "Veiledning", "næringsfaglig vurdering", "K", "1-5", "0-10", "abc", "1,5", None, "ja",
    ]  # fmt: skip
    frame = pl.DataFrame({"value": values}, schema={"value": pl.String})
    fields = [
        f
        for schema in load_contract().schemas.values()
        for f in schema.fields
        if f.type in _PARSED_BY_DISTINCT_VALUE
    ]
    assert {f.type for f in fields} == _PARSED_BY_DISTINCT_VALUE
    for f in fields:
        raw = _blank_to_null(pl.col("value"))
        parsed, ok, _ = _parse(f, raw, 2025)
        per_row = frame.select(
            raw.alias("raw"),
            parsed.alias("parsed"),
            (ok if ok is not None else pl.lit(True)).alias("ok"),
        )
        looked_up = frame.rename({"value": f.name}).select(
            _parse_distinct(frame.get_column("value"), f, 2025).alias("s")
        )
        looked_up = looked_up.unnest("s")
        # Where the value is null nothing is looked up; the per-row `ok` is never read there.
        present = per_row.get_column("raw").is_not_null()
        assert looked_up.filter(present).equals(per_row.filter(present)), (f.name, f.type)
        assert looked_up.filter(~present).get_column("parsed").null_count() == (~present).sum()
        assert per_row.filter(~present).get_column("parsed").null_count() == (~present).sum()


def test_blank_lines_carry_no_record_but_a_line_with_any_filled_cell_does(tmp_path: Path) -> None:
    """The blank-line check reads one column at a time while some line has no content yet: a
    line whose first cells are empty but whose last is filled is still a record (and reported at
    its own line), while lines of empty or whitespace-only cells are dropped."""
    path = tmp_path / "finance.csv"
    path.write_text(
        "type;kategori;belop\n"
        "regnskap;lonn;100\n"  # line 2
        ";;\n"  # line 3: empty cells
        " ; \t ;  \n"  # line 4: whitespace only
        ";;250\n"  # line 5: only the amount
        "budsjett;lonn;200\n",  # line 6
        encoding="utf-8",
    )
    report = validate_file(path, "finance", 2025)
    assert (report.rows_in, report.valid_rows, report.rejected_rows) == (3, 2, 1)
    assert {(e.line, e.column, e.reason_code) for e in report.errors} == {
        (5, "record_type", "missing_required"),
        (5, "category", "missing_required"),
    }
