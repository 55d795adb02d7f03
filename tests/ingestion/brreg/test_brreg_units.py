"""read_units on each case of the bundled snapshot, on every shape the register answers in, and on
the bulk CSV variant."""

from __future__ import annotations

import gzip
import io
import json
from datetime import date

import polars as pl
import pytest

from ingestion.brreg.snapshot import BRREG_SNAPSHOT_DIR
from ingestion.brreg.units import UNIT_SCHEMA, UnitReadError, iter_json_array, read_units
from tests.ingestion.brreg.brreg_testkit import (
    CASES,
    MANIFEST,
    SNAPSHOT_DATES,
    snapshot_bodies,
    snapshot_path,
)

FIRST, MIDDLE, LATEST = SNAPSHOT_DATES
CSV_PATH = BRREG_SNAPSHOT_DIR / MANIFEST["bulk_csv"]["file"]


def one(source, number: str) -> dict:
    rows = read_units(source, org_numbers={number}).to_dicts()
    assert len(rows) == 1, rows
    return rows[0]


def test_schema_is_typed_and_one_row_per_unit():
    frame = read_units(snapshot_path(LATEST))
    assert frame.schema == pl.Schema(UNIT_SCHEMA)
    assert frame.height == MANIFEST["snapshots"][-1]["units"] == frame["org_number"].n_unique()
    assert set(frame["status"]) == {"active", "deleted"}
    assert (
        frame.filter(pl.col("status") == "deleted").height == MANIFEST["snapshots"][-1]["deleted"]
    )


def test_an_active_unit_reads_every_field():
    # The bankrupt AS, before its bankruptcy: every field the raw table keeps.
    assert one(snapshot_path(FIRST), CASES["bankrupt"]) == {
        "org_number": CASES["bankrupt"],
        "status": "active",
        "org_form": "AS",
        "nace_code": "73.110",
        "founded_date": date(2025, 9, 13),
        "registered_date": date(2025, 9, 24),
        "employees": 1,
        "municipality_code": "3318",
        "is_bankrupt": False,
        "bankrupt_date": None,
        "is_under_liquidation": False,
        "is_under_forced_liquidation": False,
        "deleted_date": None,
        "last_annual_accounts_year": None,
    }


def test_deleted_unit_active_first_then_the_small_body_with_slettedato():
    number = CASES["deleted"]
    before = one(snapshot_path(FIRST), number)
    assert (before["status"], before["registered_date"]) == ("active", date(2025, 3, 24))
    small_body = snapshot_bodies(MIDDLE)[number]
    assert set(small_body) == {
        "organisasjonsnummer",
        "navn",
        "organisasjonsform",
        "slettedato",
        "_links",
    }
    after = one(small_body, number)
    assert (after["status"], after["deleted_date"], after["org_form"]) == (
        "deleted",
        date(2026, 2, 16),
        "ENK",
    )
    # Absent in the small body, so unknown: null, never false or 0.
    assert after["is_bankrupt"] is None and after["employees"] is None
    assert after["registered_date"] is None


def test_bankrupt_unit_from_its_bankruptcy_on():
    row = one(snapshot_path(MIDDLE), CASES["bankrupt"])
    assert (row["status"], row["is_bankrupt"], row["bankrupt_date"]) == (
        "active",
        True,
        date(2026, 4, 14),
    )


def test_unit_under_liquidation_on_the_latest_date_only():
    assert one(snapshot_path(MIDDLE), CASES["under_liquidation"])["is_under_liquidation"] is False
    assert one(snapshot_path(LATEST), CASES["under_liquidation"])["is_under_liquidation"] is True


def test_missing_antall_ansatte_is_null_while_a_stated_zero_is_zero():
    body = snapshot_bodies(LATEST)[CASES["missing_employees"]]
    assert "antallAnsatte" not in body and body["harRegistrertAntallAnsatte"] is True
    assert one(body, CASES["missing_employees"])["employees"] is None
    zero = {**body, "antallAnsatte": 0}
    assert one(zero, CASES["missing_employees"])["employees"] == 0


def test_stiftelsesdato_differs_from_registreringsdato():
    row = one(snapshot_path(LATEST), CASES["founded_differs"])
    assert (row["founded_date"], row["registered_date"]) == (date(2024, 3, 4), date(2025, 4, 8))


def test_number_not_in_the_register_is_listed_as_404_on_every_date():
    number = CASES["not_in_register"]
    for snapshot, day in zip(MANIFEST["snapshots"], SNAPSHOT_DATES, strict=True):
        assert number in snapshot["not_found"]
        assert read_units(snapshot_path(day), org_numbers={number}).height == 0


def test_cases_the_linkage_findings_need_differ_from_what_the_operator_reported():
    latest = read_units(snapshot_path(LATEST))
    by_number = {row["org_number"]: row for row in latest.to_dicts()}
    # The operator reported ENK, 56.101 and 2025-09-08 (data/sample/operators/ringeriksregionen).
    assert by_number[CASES["org_form_differs"]]["org_form"] == "AS"
    assert by_number[CASES["nace_differs"]]["nace_code"] == "55.101"
    assert by_number[CASES["registration_date_off"]]["registered_date"] == date(2025, 7, 23)


def test_each_shape_of_the_api_gives_the_same_rows():
    bodies = snapshot_bodies(LATEST)
    numbers = sorted(CASES.values())[:4]
    chosen = [bodies[n] for n in numbers if n in bodies]
    expected = read_units(chosen)
    hal_page = {
        "_embedded": {"enheter": chosen},
        "_links": {"self": {"href": "https://data.brreg.no/enhetsregisteret/api/enheter?page=0"}},
        "page": {"size": 20, "totalElements": len(chosen), "totalPages": 1, "number": 0},
    }
    as_bytes = json.dumps(chosen).encode()
    assert read_units(hal_page).equals(expected)
    assert read_units(as_bytes).equals(expected)
    assert read_units(gzip.compress(as_bytes)).equals(expected)
    assert read_units(json.dumps(chosen[0]).encode()).equals(expected.head(1))
    # An empty search page has no _embedded at all.
    assert read_units({"page": {"size": 20, "totalElements": 0}}).height == 0


def test_bulk_csv_variant_reads_like_the_json():
    from_csv = read_units(CSV_PATH)
    assert from_csv.height == MANIFEST["bulk_csv"]["units"]
    from_json = read_units(snapshot_path(LATEST), org_numbers=set(from_csv["org_number"]))
    assert from_csv.equals(from_json)
    # The CSV's own header spelling, in lower case, is read: no registration date is lost.
    assert "registreringsdatoenhetsregisteret" in CSV_PATH.read_text(encoding="utf-8")[:3000]
    assert from_csv["registered_date"].null_count() == 0
    assert one(CSV_PATH, CASES["missing_employees"])["employees"] is None
    assert one(CSV_PATH, CASES["bankrupt"])["is_bankrupt"] is True


def test_gzipped_bulk_csv_filtered_by_municipality_or_number(tmp_path):
    gzipped = tmp_path / "enheter.csv.gz"
    gzipped.write_bytes(gzip.compress(CSV_PATH.read_bytes()))
    everything = read_units(gzipped)
    krodsherad = read_units(gzipped, municipalities={"3318"})
    assert krodsherad.height > 0
    assert set(krodsherad["municipality_code"]) == {"3318"}
    either = read_units(
        gzipped, org_numbers={CASES["deleted"], CASES["nace_differs"]}, municipalities={"3318"}
    )
    # The deleted unit is not in a bulk file; the other number is, outside Krødsherad.
    assert set(either["org_number"]) == set(krodsherad["org_number"]) | {CASES["nace_differs"]}
    assert everything.height == MANIFEST["bulk_csv"]["units"]


def test_json_array_is_read_a_chunk_at_a_time():
    units = [{"organisasjonsnummer": f"{900000000 + i}", "navn": "x" * 50} for i in range(3000)]
    text = io.StringIO(json.dumps(units, indent=1))
    read = list(iter_json_array(text))
    assert read == units
    assert list(iter_json_array(io.StringIO("  [ ]  "))) == []


def test_broken_inputs_say_where_in_norwegian(tmp_path):
    broken = tmp_path / "enheter.json"
    broken.write_text('[{"organisasjonsnummer": "912016846"}, {"organisasjonsnummer": ')
    with pytest.raises(UnitReadError, match="ugyldig JSON"):
        read_units(broken)
    with pytest.raises(UnitReadError, match="enhet 912016846, felt konkursdato.*ikke en dato"):
        read_units({"organisasjonsnummer": "912016846", "konkursdato": "14.04.2026"})
    with pytest.raises(UnitReadError, match="samme enhet flere ganger"):
        read_units([{"organisasjonsnummer": "912016846"}] * 2)
    with pytest.raises(UnitReadError, match="gyldig organisasjonsnummer"):
        read_units([{"organisasjonsnummer": 912016846}])
