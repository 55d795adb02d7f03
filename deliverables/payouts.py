"""Payout files for finance: `utbetaling_<year>_<MM>.xlsx`, one per payout date in fct_payouts.

One row per agreement and funder, as the mart has it; amounts are Excel numbers with the format
`#,##0.00`, which Norwegian Excel shows as '257 345,00'. Blocked rows are red and carry their
reason. The totals are SUMIFS formulas whose cached values are the mart's own sums (DuckDB), so
openpyxl, LibreOffice and Excel read the same figure.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import xlsxwriter

from deliverables import labels
from deliverables.io import write_atomic
from deliverables.marts import Row, rows
from deliverables.model import CREDITS

MONEY_FORMAT = "#,##0.00"
SHARE_FORMAT = "0 %"
DATE_FORMAT = "dd.mm.yyyy"
SHEET = "Utbetaling"
HEADERS = (
    "Delregion",
    "Avtale",
    "Part (kode)",
    "Part",
    "Årsbeløp (kr)",
    "Andel",
    "Beløp denne utbetalingen (kr)",
    "Forfall",
    "Status",
    "Årsak til stopp",
    "Illustrativ",
)
AMOUNT_COL = HEADERS.index("Beløp denne utbetalingen (kr)")
STATUS_COL = HEADERS.index("Status")
FIRST_DATA_ROW = 4  # zero-based: title, subtitle, blank, header


@dataclass(frozen=True)
class PayoutFile:
    year: int
    month: int
    path: Path
    rows: int
    blocked: int
    total_ready_nok: Decimal
    total_blocked_nok: Decimal


@dataclass(frozen=True)
class _Totals:
    ready: Decimal
    blocked: Decimal
    all: Decimal
    blocked_rows: int
    blocked_without_amount: int


def _read(db_path: Path, year: int) -> tuple[list[Row], dict[int, _Totals], dict[str, str]]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        payouts = rows(
            con,
            "select * from marts.fct_payouts where year = ? "
            "order by payout_month, region_id, funder_id",
            [year],
        )
        # Total rows: sums of the mart's decimal amounts, by DuckDB, per payout date.
        sums = rows(
            con,
            "select payout_month, "
            "coalesce(sum(amount_nok) filter (where status = 'ready'), 0) as ready, "
            "coalesce(sum(amount_nok) filter (where status = 'blocked'), 0) as blocked, "
            "coalesce(sum(amount_nok), 0) as total, "
            "count(*) filter (where status = 'blocked') as blocked_rows, "
            "count(*) filter (where status = 'blocked' and amount_nok is null) as without "
            "from marts.fct_payouts where year = ? group by payout_month",
            [year],
        )
        regions = dict(
            con.execute("select region_id, region_name from marts.dim_region").fetchall()
        )
    totals = {
        s["payout_month"]: _Totals(
            s["ready"], s["blocked"], s["total"], s["blocked_rows"], s["without"]
        )
        for s in sums
    }
    return payouts, totals, regions


def _number(value: Decimal | None) -> float | None:
    # XLSX stores numbers as IEEE doubles; 2-decimal amounts below 10^13 round-trip exactly.
    return None if value is None else float(value)


def build_workbook(
    year: int, month: int, payouts: list[Row], totals: _Totals, regions: dict[str, str]
) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.set_properties(
        {
            "title": f"Utbetaling etablerertjenesten {labels.MONTHS.get(month, month)} {year}",
            "author": "Etablerertjenesten i Buskerud",
            "company": "Buskerud fylkeskommune",
            "comments": "Fra datavarehuset (marts.fct_payouts).",
        }
    )
    bold = workbook.add_format({"bold": True})
    title = workbook.add_format({"bold": True, "font_size": 14, "font_color": "#00546E"})
    header = workbook.add_format(
        {"bold": True, "font_color": "#FFFFFF", "bg_color": "#00546E", "text_wrap": True}
    )
    money = workbook.add_format({"num_format": MONEY_FORMAT})
    share = workbook.add_format({"num_format": SHARE_FORMAT})
    day = workbook.add_format({"num_format": DATE_FORMAT})
    blocked_fill = {"bg_color": "#FBE3E4"}
    blocked = workbook.add_format(blocked_fill)
    blocked_money = workbook.add_format({"num_format": MONEY_FORMAT, **blocked_fill})
    blocked_share = workbook.add_format({"num_format": SHARE_FORMAT, **blocked_fill})
    blocked_day = workbook.add_format({"num_format": DATE_FORMAT, **blocked_fill})
    blocked_status = workbook.add_format({"bold": True, "font_color": "#A4161A", **blocked_fill})
    total_money = workbook.add_format({"num_format": MONEY_FORMAT, "bold": True, "top": 1})
    total_label = workbook.add_format({"bold": True, "top": 1})

    sheet = workbook.add_worksheet(SHEET)
    month_name = labels.MONTHS.get(month, str(month))
    sheet.write(0, 0, f"Utbetaling {month_name} {year} – etablerertjenesten i Buskerud", title)
    sheet.write(
        1,
        0,
        f"Forskudd etter samarbeidsavtalene § 7 (50 % i januar og 50 % i august). "
        f"Laget {datetime.now():%d.%m.%Y %H:%M} fra datavarehuset (marts.fct_payouts).",
    )
    sheet.write_row(FIRST_DATA_ROW - 1, 0, HEADERS, header)
    row_index = FIRST_DATA_ROW
    for p in payouts:
        is_blocked = p["status"] != "ready"
        status, _tone = labels.PAYOUT_STATUS.get(p["status"], (p["status"], ""))
        text_fmt = blocked if is_blocked else None
        sheet.write(row_index, 0, regions.get(p["region_id"], p["region_id"]), text_fmt)
        sheet.write(row_index, 1, p["agreement_id"], text_fmt)
        sheet.write_string(row_index, 2, p["funder_id"], text_fmt)
        sheet.write(row_index, 3, p["funder_name"], text_fmt)
        money_fmt = blocked_money if is_blocked else money
        for col, value in ((4, p["annual_amount_nok"]), (AMOUNT_COL, p["amount_nok"])):
            if value is None:
                sheet.write_blank(row_index, col, None, money_fmt)
            else:
                sheet.write_number(row_index, col, _number(value), money_fmt)
        sheet.write_number(
            row_index, 5, _number(p["share"]), blocked_share if is_blocked else share
        )
        sheet.write_datetime(
            row_index,
            7,
            datetime.combine(p["due_date"], datetime.min.time()),
            blocked_day if is_blocked else day,
        )
        sheet.write(row_index, STATUS_COL, status, blocked_status if is_blocked else None)
        sheet.write(row_index, 9, p["blocked_reason"] or "", text_fmt)
        sheet.write(row_index, 10, "ja" if p["is_illustrative"] else "nei", text_fmt)
        row_index += 1

    last = row_index  # one past the last data row (zero-based) = last data row (one-based)
    amount_letter = xlsxwriter.utility.xl_col_to_name(AMOUNT_COL)
    status_letter = xlsxwriter.utility.xl_col_to_name(STATUS_COL)
    amounts = f"{amount_letter}{FIRST_DATA_ROW + 1}:{amount_letter}{max(last, FIRST_DATA_ROW + 1)}"
    statuses = f"{status_letter}{FIRST_DATA_ROW + 1}:{status_letter}{max(last, FIRST_DATA_ROW + 1)}"
    ready_label = labels.PAYOUT_STATUS["ready"][0]
    blocked_label = labels.PAYOUT_STATUS["blocked"][0]
    total_rows = [
        (
            "Sum klar til utbetaling",
            f'=SUMIFS({amounts},{statuses},"{ready_label}")',
            totals.ready,
        ),
        (
            "Sum stoppet (kjente beløp)",
            f'=SUMIFS({amounts},{statuses},"{blocked_label}")',
            totals.blocked,
        ),
        ("Sum alle rader", f"=SUM({amounts})", totals.all),
    ]
    row_index += 1
    for label, formula, cached in total_rows:
        sheet.write(row_index, AMOUNT_COL - 1, label, total_label)
        sheet.write_formula(row_index, AMOUNT_COL, formula, total_money, _number(cached))
        row_index += 1
    sheet.write(
        row_index,
        AMOUNT_COL - 1,
        f"Stoppede rader: {totals.blocked_rows}, av dem uten beløp: "
        f"{totals.blocked_without_amount}",
        bold,
    )

    sheet.set_column(0, 0, 20)
    sheet.set_column(1, 1, 16)
    sheet.set_column(2, 2, 10)
    sheet.set_column(3, 3, 26)
    sheet.set_column(4, 4, 15)
    sheet.set_column(5, 5, 7)
    sheet.set_column(6, 6, 18)
    sheet.set_column(7, 7, 11)
    sheet.set_column(8, 8, 20)
    sheet.set_column(9, 9, 70)
    sheet.set_column(10, 10, 10)
    sheet.set_row(FIRST_DATA_ROW - 1, 30)
    sheet.freeze_panes(FIRST_DATA_ROW, 0)
    sheet.autofilter(FIRST_DATA_ROW - 1, 0, max(last - 1, FIRST_DATA_ROW), len(HEADERS) - 1)

    about = workbook.add_worksheet("Om filen")
    about.set_column(0, 0, 110)
    for i, line in enumerate(
        [
            "Utbetalingsliste for økonomiavdelingen, laget fra datavarehuset (marts.fct_payouts).",
            "Én rad per avtale og finansierende part. Beløpene er tall, ikke tekst.",
            "Rader med status «stoppet» skal ikke utbetales; «Årsak til stopp» sier hvorfor.",
            "En stoppet rad uten beløp mangler sats eller folketall (mangler, ikke null).",
            "Illustrativ = ja: eksempelregion eller -sats i eksempeldata, ikke en inngått avtale; "
            "den skal erstattes av fylkets faktiske avtale.",
            CREDITS,
        ]
    ):
        about.write(i, 0, line)
    workbook.close()
    return buffer.getvalue()


def write_payout_files(db_path: Path, year: int, out_dir: Path) -> list[PayoutFile]:
    """Writes `utbetaling_<year>_<MM>.xlsx` for every payout month of `year` into out_dir/<year>/.
    Every workbook is built before any is written; each write is atomic."""
    payouts, totals, regions = _read(db_path, year)
    built = []
    for month in sorted(totals):
        month_rows = [p for p in payouts if p["payout_month"] == month]
        data = build_workbook(year, month, month_rows, totals[month], regions)
        path = Path(out_dir) / str(year) / f"utbetaling_{year}_{month:02d}.xlsx"
        built.append((month, path, data, len(month_rows)))
    written = []
    for month, path, data, n_rows in built:
        write_atomic(path, data)
        written.append(
            PayoutFile(
                year=year,
                month=month,
                path=path,
                rows=n_rows,
                blocked=totals[month].blocked_rows,
                total_ready_nok=totals[month].ready,
                total_blocked_nok=totals[month].blocked,
            )
        )
    return written
