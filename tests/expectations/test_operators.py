"""raw_operators__<kind>: completeness, quarantine share, plausible distributions."""

import datetime as dt
from decimal import Decimal

import pytest

from expectations import run_suite
from tests.expectations.warehouse import (
    BUSINESS_KEY_PREFIX,
    CLIENT_KEY_PREFIX,
    KINDS,
    YEAR,
    load_log_rows,
    operator_rows,
    quarantine_rows,
)

# Expectations evaluated per kind on the clean fixture (partitions + sample batches).
EVALUATED = {
    "clients": 21,
    "activities": 23,  # 22 before event_id was required on network rows
    "courses": 22,
    "establishments": 16,
    "survey_responses": 17,
    "finance": 14,
    "activity_plan": 14,
}
CLIENT_COLUMNS = {"birth_year": 10, "sex": 9, "hours": 11}  # index in RAW_DDL column order


def _failed(result) -> list[tuple[str, str | None]]:
    return sorted((f.expectation_type, f.column) for f in result.failed)


@pytest.mark.parametrize("kind", KINDS)
def test_clean_records_pass(kind, make_warehouse, raw_tables):
    result = run_suite(f"raw_operators__{kind}", make_warehouse(raw_tables), year=YEAR)
    assert result.success, [f.describe() for f in result.failed]
    assert (result.evaluated, result.successful) == (EVALUATED[kind], EVALUATED[kind])


def test_twenty_percent_quarantined_fails(make_warehouse, raw_tables):
    # 20 clients loaded + 5 quarantined lines (each with two bad columns) = 5 / 25 = 20 %.
    raw_tables["load_log"] = load_log_rows(operator_rows(), quarantined={"clients": 5})
    raw_tables["quarantine"] = quarantine_rows("clients", 5)
    result = run_suite("raw_operators__clients", make_warehouse(raw_tables), year=YEAR)
    assert _failed(result) == [("expect_column_values_to_be_between", "quarantine_share")]
    failure = result.failed[0]
    assert failure.table == "raw.clients, raw.quarantine, raw.load_log"
    assert "ringeriksregionen/2026: 0,2" in failure.summary
    # Other kinds are not affected by the clients' quarantine.
    assert run_suite("raw_operators__activities", make_warehouse(raw_tables), year=YEAR).success


def test_one_quarantined_line_in_twenty_one_passes(make_warehouse, raw_tables):
    raw_tables["load_log"] = load_log_rows(operator_rows(), quarantined={"clients": 1})
    raw_tables["quarantine"] = quarantine_rows("clients", 1)
    assert run_suite("raw_operators__clients", make_warehouse(raw_tables), year=YEAR).success


def test_missing_birth_year_fails_completeness(make_warehouse, raw_tables):
    raw_tables["clients"][3][CLIENT_COLUMNS["birth_year"]] = None
    result = run_suite("raw_operators__clients", make_warehouse(raw_tables), year=YEAR)
    assert _failed(result) == [("expect_column_values_to_be_between", "birth_year")]
    assert "birth_year er utfylt" in result.failed[0].summary
    assert "ringeriksregionen/2026: 0,05" in result.failed[0].summary


def test_course_activity_without_course_id_fails_conditional_completeness(
    make_warehouse, raw_tables
):
    course_activities = [row for row in raw_tables["activities"] if row[9] == "kurs"]
    course_activities[0][12] = None  # course_id, required when activity_type = kurs
    result = run_suite("raw_operators__activities", make_warehouse(raw_tables), year=YEAR)
    assert _failed(result) == [("expect_column_values_to_be_between", "course_id")]
    assert "der activity_type er kurs" in result.failed[0].summary


def test_implausible_guidance_hours_fail(make_warehouse, raw_tables):
    for row in raw_tables["activities"]:
        if row[9] == "veiledning":
            row[CLIENT_COLUMNS["hours"]] = Decimal("20.00")  # a day's work logged as 20 h
    result = run_suite("raw_operators__activities", make_warehouse(raw_tables), year=YEAR)
    assert _failed(result) == [("expect_column_values_to_be_between", "hours")]
    assert "16 av 16 verdier avviker (f.eks. 20)." in result.failed[0].summary


def test_clients_too_young_fail_age_distribution(make_warehouse, raw_tables):
    for row in raw_tables["clients"]:
        row[CLIENT_COLUMNS["birth_year"]] = 2020  # six-year-olds: a slipped column
    result = run_suite("raw_operators__clients", make_warehouse(raw_tables), year=YEAR)
    assert _failed(result) == [
        ("expect_column_values_to_be_between", "birth_year"),
        ("expect_column_values_to_be_between", "birth_year"),
    ]
    summaries = " ".join(f.summary for f in result.failed)
    assert "ringeriksregionen/2026: 6" in summaries  # the median age


def test_reversed_survey_scale_and_paid_basic_course_fail(make_warehouse, raw_tables):
    for row in raw_tables["survey_responses"]:
        row[10] = 1 if row[9] == "1-5" else 0
    raw_tables["courses"][0][11] = Decimal("250.00")  # grunnkurs must be free
    db = make_warehouse(raw_tables)
    survey = run_suite("raw_operators__survey_responses", db, year=YEAR)
    assert _failed(survey) == [("expect_column_values_to_be_between", "score")]
    assert "ringeriksregionen/2026: 0" in survey.failed[0].summary
    courses = run_suite("raw_operators__courses", db, year=YEAR)
    assert _failed(courses) == [("expect_column_values_to_be_between", "fee_nok")]
    assert "ringeriksregionen/2026: 250" in courses.failed[0].summary


def test_filters_select_the_partition(make_warehouse, raw_tables):
    # A broken 2025 partition of another region does not fail the 2026 check for ours.
    bad_year = operator_rows(year=2025, region="hallingdal")
    for row in bad_year["clients"]:
        row[CLIENT_COLUMNS["sex"]] = None
    raw_tables["clients"] += bad_year["clients"]
    raw_tables["load_log"] += load_log_rows({"clients": bad_year["clients"]})
    db = make_warehouse(raw_tables)
    assert run_suite("raw_operators__clients", db, year=YEAR).success
    assert run_suite("raw_operators__clients", db, region_id="ringeriksregionen").success
    unfiltered = run_suite("raw_operators__clients", db)
    assert _failed(unfiltered) == [("expect_column_values_to_be_between", "sex")]
    assert "hallingdal/2025: 1" in unfiltered.failed[0].summary


def test_no_data_for_the_year_fails(make_warehouse, raw_tables):
    result = run_suite("raw_operators__finance", make_warehouse(raw_tables), year=2027)
    assert _failed(result) == [("expect_table_row_count_to_be_between", None)]
    assert "observert 0" in result.failed[0].summary


def test_partition_without_load_log_fails(make_warehouse, raw_tables):
    raw_tables["load_log"] = [row for row in raw_tables["load_log"] if row[2] != "courses"]
    result = run_suite("raw_operators__courses", make_warehouse(raw_tables), year=YEAR)
    assert _failed(result) == [("expect_column_values_to_not_be_null", "rows_in")]


def test_a_clear_organisation_number_in_business_key_fails(make_warehouse, raw_tables):
    """business_key must be a pseudonym: a loader that stored the clear number (or any other
    value) in it fails the establishments suite, which names the column and not the value."""
    raw_tables["establishments"][1][7] = "974760673"  # business_key
    result = run_suite("raw_operators__establishments", make_warehouse(raw_tables), year=YEAR)
    assert _failed(result) == [("expect_column_values_to_be_between", "business_key")]
    assert "974760673" not in " ".join(f.describe() for f in result.failed)


def test_data_docs_written_without_person_keys(make_warehouse, raw_tables, tmp_path):
    raw_tables["load_log"] = load_log_rows(operator_rows(), quarantined={"clients": 5})
    raw_tables["quarantine"] = quarantine_rows("clients", 5)
    raw_tables["clients"][0][CLIENT_COLUMNS["birth_year"]] = None
    raw_tables["establishments"][0][8] = dt.date(1950, 1, 1)  # registration_date
    docs_dir = tmp_path / "gx_docs" / "run-1"
    db = make_warehouse(raw_tables)
    clients = run_suite("raw_operators__clients", db, year=YEAR, docs_dir=docs_dir)
    establishments = run_suite("raw_operators__establishments", db, year=YEAR, docs_dir=docs_dir)
    assert _failed(establishments) == [("expect_column_values_to_be_between", "registration_date")]
    assert clients.docs_path == docs_dir / "raw_operators__clients" / "index.html"
    index = clients.docs_path.read_text(encoding="utf-8")
    assert "raw_operators__clients" in index
    pages = list(docs_dir.rglob("*.html"))
    validation_pages = [p for p in pages if "validations" in p.parts]
    assert len(validation_pages) == 4  # partitions + sample, for two suites
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert CLIENT_KEY_PREFIX not in text, page
        assert BUSINESS_KEY_PREFIX not in text, page  # business keys are keys too
    assert clients.as_metadata()["data_docs"] == str(clients.docs_path)
