"""Payout files for finance: `utbetaling_<year>_<MM>.xlsx`, one per payout date in fct_payouts.

One row per agreement and funder, as the mart has it; amounts are Excel numbers with the format
`#,##0.00`, which Norwegian Excel shows as '257 345,00'. Blocked rows are red and carry every
reason; rows on illustrative or synthetic inputs (ready_illustrative) are orange and not payable.
«Sum klar til utbetaling» counts `ready` rows only. The totals are SUMIFS formulas whose cached
values are the mart's own sums (DuckDB), so openpyxl, LibreOffice and Excel read the same figure.
A banner row says when the file rests on synthetic or illustrative data.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import xlsxwriter

from deliverables import labels, standing
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
    "Bygger på",
)
AMOUNT_COL = HEADERS.index("Beløp denne utbetalingen (kr)")
STATUS_COL = HEADERS.index("Status")
BANNER_ROW = 2  # zero-based, between the subtitle and the header
FIRST_DATA_ROW = 4  # zero-based: title, subtitle, banner (or blank), header
READY_TOTAL = "Sum klar til utbetaling"
# Custom document property with the data_standing of the file's rows (the index reads it).
STANDING_PROPERTY = "data_standing"


@dataclass(frozen=True)
class PayoutFile:
    year: int
    month: int
    path: Path
    rows: int
    blocked: int
    total_ready_nok: Decimal
    total_blocked_nok: Decimal
    total_ready_illustrative_nok: Decimal = Decimal("0.00")


@dataclass(frozen=True)
class _Totals:
    ready: Decimal
    blocked: Decimal
    all: Decimal
    blocked_rows: int
    blocked_without_amount: int
    ready_illustrative: Decimal = Decimal("0.00")
    ready_illustrative_rows: int = 0


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
            "count(*) filter (where status = 'blocked' and amount_nok is null) as without, "
            "coalesce(sum(amount_nok) filter (where status = 'ready_illustrative'), 0) "
            "as ready_illustrative, "
            "count(*) filter (where status = 'ready_illustrative') as ready_illustrative_rows "
            "from marts.fct_payouts where year = ? group by payout_month",
            [year],
        )
        regions = dict(
            con.execute("select region_id, region_name from marts.dim_region").fetchall()
        )
    totals = {
        s["payout_month"]: _Totals(
            s["ready"],
            s["blocked"],
            s["total"],
            s["blocked_rows"],
            s["without"],
            s["ready_illustrative"],
            s["ready_illustrative_rows"],
        )
        for s in sums
    }
    return payouts, totals, regions


def _number(value: Decimal | None) -> float | None:
    # XLSX stores numbers as IEEE doubles; 2-decimal amounts below 10^13 round-trip exactly.
    return None if value is None else float(value)


# Row kinds: a payable row, one on illustrative or synthetic inputs (not payable), a blocked one.
_FILLS = {
    "ready": {},
    "ready_illustrative": {"bg_color": "#FFF4E5"},
    "blocked": {"bg_color": "#FBE3E4"},
}
_STATUS_FONT = {"ready_illustrative": "#A05A00", "blocked": "#A4161A"}


def _formats(workbook: xlsxwriter.Workbook) -> dict[str, dict[str, object]]:
    """Per row kind: text, money, share, day and status formats."""
    formats = {}
    for kind, fill in _FILLS.items():
        status = {"bold": True, "font_color": _STATUS_FONT[kind]} if kind in _STATUS_FONT else {}
        formats[kind] = {
            "text": workbook.add_format(fill) if fill else None,
            "money": workbook.add_format({"num_format": MONEY_FORMAT, **fill}),
            "share": workbook.add_format({"num_format": SHARE_FORMAT, **fill}),
            "day": workbook.add_format({"num_format": DATE_FORMAT, **fill}),
            "status": workbook.add_format({**status, **fill}) if status else None,
        }
    return formats


def _reason(p: Row) -> str:
    """Every reason a row is stopped, or why a ready row on example data is not payable."""
    if p["blocked_reason"]:
        return p["blocked_reason"]
    if p["status"] == "ready_illustrative":
        rests_on = labels.DATA_STANDING.get(p["data_standing"], p["data_standing"])
        return f"Ikke til utbetaling: beløpet bygger på {rests_on}, ikke på en inngått avtale."
    return ""


def _write_row(sheet, r: int, p: Row, fmt: dict[str, object], regions: dict[str, str]) -> None:
    sheet.write(r, 0, regions.get(p["region_id"], p["region_id"]), fmt["text"])
    sheet.write(r, 1, p["agreement_id"], fmt["text"])
    sheet.write_string(r, 2, p["funder_id"], fmt["text"])
    sheet.write(r, 3, p["funder_name"], fmt["text"])
    for col, value in ((4, p["annual_amount_nok"]), (AMOUNT_COL, p["amount_nok"])):
        if value is None:
            sheet.write_blank(r, col, None, fmt["money"])
        else:
            sheet.write_number(r, col, _number(value), fmt["money"])
    sheet.write_number(r, 5, _number(p["share"]), fmt["share"])
    sheet.write_datetime(r, 7, datetime.combine(p["due_date"], datetime.min.time()), fmt["day"])
    status = labels.PAYOUT_STATUS.get(p["status"], (p["status"], ""))[0]
    sheet.write(r, STATUS_COL, status, fmt["status"])
    sheet.write(r, 9, _reason(p), fmt["text"])
    sheet.write(r, 10, "ja" if p["is_illustrative"] else "nei", fmt["text"])
    standing_label = labels.DATA_STANDING.get(p["data_standing"], p["data_standing"] or "")
    sheet.write(r, 11, standing_label, fmt["text"])


def _write_totals(workbook, sheet, first: int, last: int, totals: _Totals) -> None:
    """SUMIFS on the status column: «Sum klar til utbetaling» matches the `ready` label only."""
    total_money = workbook.add_format({"num_format": MONEY_FORMAT, "bold": True, "top": 1})
    total_label = workbook.add_format({"bold": True, "top": 1})
    amount_letter = xlsxwriter.utility.xl_col_to_name(AMOUNT_COL)
    status_letter = xlsxwriter.utility.xl_col_to_name(STATUS_COL)
    end = max(last, first + 1)
    amounts = f"{amount_letter}{first + 1}:{amount_letter}{end}"
    statuses = f"{status_letter}{first + 1}:{status_letter}{end}"

    def sumifs(status: str) -> str:
        return f'=SUMIFS({amounts},{statuses},"{labels.PAYOUT_STATUS[status][0]}")'

    rows = [
        (READY_TOTAL, sumifs("ready"), totals.ready),
        (
            "Sum ikke til utbetaling (illustrative eller syntetiske tall)",
            sumifs("ready_illustrative"),
            totals.ready_illustrative,
        ),
        ("Sum stoppet (kjente beløp)", sumifs("blocked"), totals.blocked),
        ("Sum alle rader", f"=SUM({amounts})", totals.all),
    ]
    r = last + 1
    for label, formula, cached in rows:
        sheet.write(r, AMOUNT_COL - 1, label, total_label)
        sheet.write_formula(r, AMOUNT_COL, formula, total_money, _number(cached))
        r += 1
    sheet.write(
        r,
        AMOUNT_COL - 1,
        f"Stoppede rader: {totals.blocked_rows}, av dem uten beløp: "
        f"{totals.blocked_without_amount}. Ikke til utbetaling (illustrative eller syntetiske "
        f"tall): {totals.ready_illustrative_rows}.",
        workbook.add_format({"bold": True}),
    )


ABOUT = [
    "Utbetalingsliste for økonomiavdelingen, laget fra datavarehuset (marts.fct_payouts).",
    "Én rad per avtale og finansierende part. Beløpene er tall, ikke tekst.",
    "Bare rader med status «klar til utbetaling» skal utbetales, og bare de regnes med i "
    "«Sum klar til utbetaling».",
    "Rader med status «stoppet» skal ikke utbetales; «Årsak til stopp» gir alle årsakene.",
    "En stoppet rad uten beløp mangler sats eller folketall (mangler, ikke null).",
    "Rader som bygger på illustrative eller syntetiske tall (oransje), skal ikke utbetales selv "
    "om alle vilkår ellers er oppfylt.",
    "Illustrativ = ja: eksempelregion, -sats eller -dato i eksempeldata, ikke en inngått avtale; "
    "den skal erstattes av fylkets faktiske avtale.",
    "Bygger på: det svakeste av grunnlagene for raden: syntetiske tall, illustrativt eksempel, "
    "antatt eller målt.",
    CREDITS,
]


def build_workbook(
    year: int, month: int, payouts: list[Row], totals: _Totals, regions: dict[str, str]
) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    month_name = labels.MONTHS.get(month, str(month))
    workbook.set_properties(
        {
            "title": f"Utbetaling etablerertjenesten {month_name} {year}",
            "author": "Etablerertjenesten i Buskerud",
            "company": "Buskerud fylkeskommune",
            "comments": "Fra datavarehuset (marts.fct_payouts).",
        }
    )
    standings = standing.of(payouts)
    workbook.set_custom_property(STANDING_PROPERTY, " ".join(sorted(standings)) or "-")
    sheet = workbook.add_worksheet(SHEET)
    sheet.write(
        0,
        0,
        f"Utbetaling {month_name} {year} – etablerertjenesten i Buskerud",
        workbook.add_format({"bold": True, "font_size": 14, "font_color": "#00546E"}),
    )
    sheet.write(
        1,
        0,
        f"Forskudd etter samarbeidsavtalene § 7 (50 % i januar og 50 % i august). "
        f"Laget {datetime.now():%d.%m.%Y %H:%M} fra datavarehuset (marts.fct_payouts).",
    )
    banners = standing.banners(standings)
    if banners:
        sheet.write(
            BANNER_ROW,
            0,
            "   ·   ".join(banners),
            workbook.add_format({"bold": True, "font_color": "#462300", "bg_color": "#FFD54F"}),
        )
    header = workbook.add_format(
        {"bold": True, "font_color": "#FFFFFF", "bg_color": "#00546E", "text_wrap": True}
    )
    sheet.write_row(FIRST_DATA_ROW - 1, 0, HEADERS, header)
    formats = _formats(workbook)
    for i, p in enumerate(payouts):
        kind = p["status"] if p["status"] in formats else "blocked"
        _write_row(sheet, FIRST_DATA_ROW + i, p, formats[kind], regions)
    last = FIRST_DATA_ROW + len(payouts)  # one past the last data row (zero-based)
    _write_totals(workbook, sheet, FIRST_DATA_ROW, last, totals)

    for col, width in enumerate((20, 16, 10, 26, 15, 7, 18, 11, 24, 70, 10, 18)):
        sheet.set_column(col, col, width)
    sheet.set_row(FIRST_DATA_ROW - 1, 30)
    sheet.freeze_panes(FIRST_DATA_ROW, 0)
    sheet.autofilter(FIRST_DATA_ROW - 1, 0, max(last - 1, FIRST_DATA_ROW), len(HEADERS) - 1)

    about = workbook.add_worksheet("Om filen")
    about.set_column(0, 0, 110)
    for i, line in enumerate(ABOUT):
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
                total_ready_illustrative_nok=totals[month].ready_illustrative,
            )
        )
    return written
