"""Issue 19.8: the payout file is a payment list per payer. One sheet per payer, the county's
first; each payer's sheet holds its own rows only, with the payee (name, organisation number and
account) from the seed `payees`; the totals per sheet are the mart's sums for that funder; a
payee that is missing shows «mangler» and its row is not payable."""

import csv
import re
from decimal import Decimal
from pathlib import Path

import duckdb
import openpyxl
import pytest

from deliverables import payouts
from deliverables.payouts import (
    AMOUNT_COL,
    FIRST_DATA_ROW,
    HEADERS,
    PAYEE_COL,
    READY_TOTAL,
    SHEET,
    STATUS_COL,
    Payee,
    payee_stop_reason,
)
from ingestion.operators.identifiers import is_valid_account_number, is_valid_org_number
from ingestion.paths import DBT_PROJECT_DIR
from tests.deliverables.conftest import YEAR

COUNTY = "33"
COUNTY_SHEET = "Buskerud fylkeskommune"
PAYEES_CSV = DBT_PROJECT_DIR / "seeds" / "payees.csv"
AGREEMENTS_CSV = DBT_PROJECT_DIR / "seeds" / "agreements.csv"
ORG_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)
ACCOUNT_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
NORWEGIAN_ALPHABET = "abcdefghijklmnopqrstuvwxyzæøå"
STOPPED = "stoppet"
REASON_COL = HEADERS.index("Årsak til stopp")
HALLINGDAL = "buskerud_etablerer_2026_2028_hallingdal"


def _mod11_ok(number: str, weights: tuple[int, ...]) -> bool:
    """The check digit rule as the brief states it, written out apart from the code under test."""
    if len(number) != len(weights) + 1 or not number.isdigit():
        return False
    remainder = sum(w * int(d) for w, d in zip(weights, number, strict=False)) % 11
    check = 0 if remainder == 0 else 11 - remainder
    return check != 10 and check == int(number[-1])


def _norwegian(name: str) -> list[int]:
    """Letters in Norwegian order, after a space or a hyphen: «Hol» before «Hole»."""
    return [
        128 + NORWEGIAN_ALPHABET.index(c) if c in NORWEGIAN_ALPHABET else ord(c)
        for c in name.lower()
    ]


def _data_rows(sheet) -> list:
    found = []
    for row in sheet.iter_rows(min_row=FIRST_DATA_ROW + 1):
        if row[0].value is None:
            break
        found.append(row)
    return found


def _totals(sheet, n_rows: int) -> dict[str, object]:
    return {
        row[AMOUNT_COL - 1].value: row[AMOUNT_COL]
        for row in sheet.iter_rows(min_row=FIRST_DATA_ROW + n_rows + 1)
        if isinstance(row[AMOUNT_COL].value, float | int)
    }


def _seed_payees() -> dict[str, dict[str, str]]:
    with PAYEES_CSV.open(encoding="utf-8", newline="") as fh:
        return {row["agreement_id"]: row for row in csv.DictReader(fh)}


def _mart(db: Path, month: int) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "select agreement_id, funder_id, funder_name, amount_nok, status "
            "from marts.fct_payouts where year = ? and payout_month = ?",
            [YEAR, month],
        ).fetchall()


def _workbook(rendered, month: int, data_only: bool = True):
    path = rendered["folder"] / f"utbetaling_{YEAR}_{month:02d}.xlsx"
    return openpyxl.load_workbook(path, data_only=data_only)


# --- on the sample -----------------------------------------------------------------------


def test_january_file_has_one_sheet_per_payer_the_countys_first(rendered):
    workbook = _workbook(rendered, 1)
    funders = {funder_id: name for _, funder_id, name, _, _ in _mart(rendered["db"], 1)}
    assert COUNTY in funders and len(funders) > 2  # the county, Akershus, the municipalities

    sheets = workbook.sheetnames
    assert sheets[0] == COUNTY_SHEET == funders[COUNTY]
    others = sorted((n for f, n in funders.items() if f != COUNTY), key=_norwegian)
    assert sheets == [COUNTY_SHEET, *others, SHEET, "Om filen"]
    # Norwegian order: æ, ø, å after z; «Flesberg» before «Flå», «Hol» before «Hole».
    assert sheets.index("Øvre Eiker kommune") + 1 == sheets.index("Ål kommune")
    assert sheets.index("Flesberg kommune") < sheets.index("Flå kommune")
    assert sheets.index("Hol kommune") + 1 == sheets.index("Hole kommune")
    assert workbook.active.title == COUNTY_SHEET  # Excel opens on the county's own list
    january = next(f for f in rendered["payouts"] if f.month == 1)
    assert january.payers == tuple(sheets[:-2])


@pytest.mark.parametrize("month", [1, 8])
def test_no_municipality_row_in_the_countys_sheet(rendered, month):
    """Fails if a municipality's (or Akershus') row appears in the county's sheet: every row of
    the mart is on its own payer's sheet, and on no other payer sheet."""
    workbook = _workbook(rendered, month)
    mart = _mart(rendered["db"], month)
    county_rows = _data_rows(workbook[COUNTY_SHEET])
    assert [r[2].value for r in county_rows] == [COUNTY] * len(county_rows)
    assert {r[1].value for r in county_rows} == {a for a, f, *_ in mart if f == COUNTY}

    where = {}
    for name in workbook.sheetnames[:-2]:
        sheet = workbook[name]
        assert tuple(c.value for c in sheet[FIRST_DATA_ROW]) == HEADERS
        for row in _data_rows(sheet):
            key = (row[1].value, row[2].value)
            assert key not in where, f"{key} står både på «{where.get(key)}» og på «{name}»"
            where[key] = name
            assert row[3].value == name  # the payer is the sheet's
    assert sorted(where) == sorted((a, f) for a, f, *_ in mart)


@pytest.mark.parametrize("month", [1, 8])
def test_every_row_has_the_payee_from_the_seed_with_valid_check_digits(rendered, month):
    workbook = _workbook(rendered, month)
    seed = _seed_payees()
    seen = 0
    for name in workbook.sheetnames[:-1]:  # the payer sheets and the overview
        for row in _data_rows(workbook[name]):
            payee = seed[row[1].value]
            shown = [c.value for c in row[PAYEE_COL : PAYEE_COL + 4]]
            assert shown == [
                payee["payee_name"],
                payee["payee_org_number"],
                payee["payee_account_number"],
                "illustrativt eksempel",  # the sample's payees are not real
            ]
            assert row[PAYEE_COL + 1].data_type == "s" and row[PAYEE_COL + 2].data_type == "s"
            assert _mod11_ok(shown[1], ORG_WEIGHTS) and _mod11_ok(shown[2], ACCOUNT_WEIGHTS)
            assert "Betalingsmottaker" not in (row[REASON_COL].value or "")
            seen += 1
    assert seen == 2 * len(_mart(rendered["db"], month))  # each row on its payer's sheet + overview


@pytest.mark.parametrize("month", [1, 8])
def test_sums_per_sheet_equal_the_marts_sums_for_that_funder(rendered, month):
    cached = _workbook(rendered, month)
    formulas = _workbook(rendered, month, data_only=False)
    with duckdb.connect(str(rendered["db"]), read_only=True) as con:
        sums = {
            funder: (ready, not_payable, blocked, total)
            for funder, ready, not_payable, blocked, total in con.execute(
                "select funder_id, "
                "coalesce(sum(amount_nok) filter (where status = 'ready'), 0), "
                "coalesce(sum(amount_nok) filter (where status = 'ready_illustrative'), 0), "
                "coalesce(sum(amount_nok) filter (where status = 'blocked'), 0), "
                "coalesce(sum(amount_nok), 0) "
                "from marts.fct_payouts where year = ? and payout_month = ? group by funder_id",
                [YEAR, month],
            ).fetchall()
        }
    payer_sheets = cached.sheetnames[:-2]
    assert len(payer_sheets) == len(sums)
    for name in payer_sheets:
        sheet = cached[name]
        rows = _data_rows(sheet)
        totals = _totals(sheet, len(rows))
        ready, not_payable, blocked, total = sums[rows[0][2].value]
        assert Decimal(str(totals[READY_TOTAL].value)) == ready, name
        label = "Sum ikke til utbetaling (illustrative eller syntetiske tall)"
        assert Decimal(str(totals[label].value)) == not_payable, name
        assert Decimal(str(totals["Sum stoppet (kjente beløp)"].value)) == blocked, name
        assert Decimal(str(totals["Sum alle rader"].value)) == total, name
        assert totals[READY_TOTAL].number_format == "#,##0.00"
        # Live formulas over this sheet's rows, with the mart's sums cached.
        ready_formula = formulas[name].cell(totals[READY_TOTAL].row, AMOUNT_COL + 1).value
        first, last = FIRST_DATA_ROW + 1, FIRST_DATA_ROW + max(len(rows), 1)
        assert ready_formula == (
            f'=SUMIFS(G{first}:G{last},I{first}:I{last},"klar til utbetaling")'
        ), name


def test_the_seeds_payees_cover_every_agreement_with_valid_check_digits():
    with AGREEMENTS_CSV.open(encoding="utf-8", newline="") as fh:
        agreements = {row["agreement_id"] for row in csv.DictReader(fh)}
    seed = _seed_payees()
    assert set(seed) == agreements
    for agreement, payee in seed.items():
        assert payee["payee_name"].strip(), agreement
        assert _mod11_ok(payee["payee_org_number"], ORG_WEIGHTS), agreement
        assert is_valid_org_number(payee["payee_org_number"]), agreement
        assert _mod11_ok(payee["payee_account_number"], ACCOUNT_WEIGHTS), agreement
        assert is_valid_account_number(payee["payee_account_number"]), agreement
        assert payee["data_standing"] == "illustrative", agreement


# --- a payee missing or wrong ----------------------------------------------------------------


def test_account_number_check_digit():
    assert is_valid_account_number("86011117947")
    assert is_valid_account_number("8601.11.17947")  # as people write it
    assert not is_valid_account_number("86011117948")  # wrong check digit
    assert not is_valid_account_number("8601111794")  # ten digits
    assert not is_valid_account_number("99990000120")  # remainder 1: no valid check digit
    assert not _mod11_ok("99990000120", ACCOUNT_WEIGHTS)


def test_payee_stop_reason_names_what_is_missing_or_wrong():
    complete = Payee("a", "Operatør AS", "974760673", "86011117947", "measured")
    assert payee_stop_reason("a", complete) == ""
    missing = payee_stop_reason("a", None)
    assert missing.startswith("Betalingsmottaker mangler") and "payees.csv, avtalen a" in missing
    no_account = Payee("a", "Operatør AS", "974760673", None, "measured")
    assert "kontonummer mangler" in payee_stop_reason("a", no_account)
    blank_name = Payee("a", "  ", "974760673", "86011117947", "measured")
    assert "navn mangler" in payee_stop_reason("a", blank_name)
    bad_org = Payee("a", "Operatør AS", "974760674", "86011117947", "measured")
    assert "organisasjonsnummeret 974760674 er ugyldig" in payee_stop_reason("a", bad_org)
    bad_account = Payee("a", "Operatør AS", "974760673", "86011117948", "measured")
    assert "kontonummeret 86011117948 er ugyldig" in payee_stop_reason("a", bad_account)


def test_a_payer_without_a_payee_gets_mangler_and_is_not_ready(warehouse_copy, tmp_path):
    """Two county rows made ready; Hallingdal's payee is taken out of the seed. Its rows say
    «mangler» and are stopped, on the county's sheet and on Gol's; Ringeriksregionen's is paid."""
    with duckdb.connect(str(warehouse_copy)) as con:
        con.execute(
            "update marts.fct_payouts set status = 'ready', blocked_reason = null, "
            "data_standing = 'measured' where funder_id = ? "
            "and region_id in ('ringeriksregionen', 'hallingdal')",
            [COUNTY],
        )
        con.execute("update seeds.payees set data_standing = 'measured'")  # real operators
        con.execute("delete from seeds.payees where agreement_id = ?", [HALLINGDAL])
        blocked_elsewhere = con.execute(
            "select sum(amount_nok) from marts.fct_payouts where year = ? and payout_month = 1 "
            "and funder_id = ? and status = 'blocked'",
            [YEAR, COUNTY],
        ).fetchone()[0]
    written = payouts.write_payout_files(warehouse_copy, YEAR, tmp_path / "out")
    path = tmp_path / "out" / str(YEAR) / f"utbetaling_{YEAR}_01.xlsx"
    cached = openpyxl.load_workbook(path, data_only=True)
    formulas = openpyxl.load_workbook(path)

    county = _data_rows(cached[COUNTY_SHEET])
    hallingdal = next(r for r in county if r[1].value == HALLINGDAL)
    assert [c.value for c in hallingdal[PAYEE_COL : PAYEE_COL + 3]] == ["mangler"] * 3
    assert hallingdal[STATUS_COL].value == STOPPED
    assert hallingdal[STATUS_COL].fill.fgColor.rgb.endswith("FBE3E4")
    assert hallingdal[REASON_COL].value.startswith("Betalingsmottaker mangler")
    ringerike = next(r for r in county if r[0].value == "Ringeriksregionen")
    assert ringerike[STATUS_COL].value == "klar til utbetaling"

    totals = _totals(cached[COUNTY_SHEET], len(county))
    assert Decimal(str(totals[READY_TOTAL].value)) == Decimal("128672.50")  # not Hallingdal's
    stopped = Decimal(str(totals["Sum stoppet (kjente beløp)"].value))
    assert stopped == blocked_elsewhere + Decimal("57090.00")
    # The SUMIFS, evaluated as Excel would over the sheet's rows, give the cached sums.
    for cell in totals.values():
        formula = formulas[COUNTY_SHEET].cell(cell.row, cell.column).value
        match = re.fullmatch(r'=SUMIFS\([^,]+,[^,]+,"([^"]+)"\)', formula or "")
        if match:
            evaluated = sum(
                (Decimal(str(r[AMOUNT_COL].value)) for r in county
                 if r[STATUS_COL].value == match.group(1) and r[AMOUNT_COL].value is not None),
                Decimal("0"),
            )  # fmt: skip
            assert evaluated == Decimal(str(cell.value)), formula

    gol = _data_rows(cached["Gol kommune"])
    assert [c.value for c in gol[0][PAYEE_COL : PAYEE_COL + 3]] == ["mangler"] * 3
    assert gol[0][STATUS_COL].value == STOPPED
    assert written[0].total_ready_nok == Decimal("128672.50")
    overview = _data_rows(cached[SHEET])
    assert all(
        r[STATUS_COL].value == STOPPED for r in overview if r[1].value == HALLINGDAL
    )  # the overview shows the same stop


def test_an_example_payee_keeps_a_ready_row_from_being_paid(warehouse_copy, tmp_path):
    """The amount is ready, but the sample's payee is invented (illustrative): the row is «ikke
    til utbetaling» and counts in no «Sum klar til utbetaling»; a measured payee makes it ready."""
    with duckdb.connect(str(warehouse_copy)) as con:
        con.execute(
            "update marts.fct_payouts set status = 'ready', blocked_reason = null, "
            "data_standing = 'measured' where funder_id = ? and region_id = 'ringeriksregionen'",
            [COUNTY],
        )
    payouts.write_payout_files(warehouse_copy, YEAR, tmp_path / "example")
    path = tmp_path / "example" / str(YEAR) / f"utbetaling_{YEAR}_01.xlsx"
    county = openpyxl.load_workbook(path, data_only=True)[COUNTY_SHEET]
    rows = _data_rows(county)
    ringerike = next(r for r in rows if r[0].value == "Ringeriksregionen")
    assert ringerike[STATUS_COL].value.startswith("ikke til utbetaling")
    assert "mottakeren bygger på illustrativt eksempel" in ringerike[REASON_COL].value
    assert ringerike[PAYEE_COL + 3].value == "illustrativt eksempel"
    assert _totals(county, len(rows))[READY_TOTAL].value == 0

    with duckdb.connect(str(warehouse_copy)) as con:
        con.execute("update seeds.payees set data_standing = 'measured'")
    written = payouts.write_payout_files(warehouse_copy, YEAR, tmp_path / "measured")
    assert written[0].total_ready_nok == Decimal("128672.50")
