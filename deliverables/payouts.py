"""Payment lists for finance: `utbetaling_<year>_<MM>.xlsx`, one file per payout date in
fct_payouts, with one worksheet per payer.

Each municipality, Akershus and the county pay their own shares, so each payer gets its own list:
the county's own sheet first (the payer whose funder_id is the regions' county code, «Buskerud
fylkeskommune»), then the other payers by name (Norwegian order). Sheet «Alle betalere» holds every
row of the date for reconciliation with the mart; it is not a payment list. One row per agreement
and funder, as the mart has it, with the payee: the operator that receives the money for the
agreement, its organisation number and bank account, from the seed `payees` (seeds.payees).

A row whose payee, organisation number or account is missing shows «mangler» and is stopped; a
number whose check digit fails (both mod 11, in ingestion/operators/identifiers.py) is stopped
too. A ready row whose payee is not measured (the sample's invented operators) is not payable.
Amounts are Excel numbers with the format `#,##0.00`, which Norwegian Excel shows as '257 345,00'.
Blocked rows are red and carry every reason; rows on illustrative or synthetic inputs
(ready_illustrative) are orange and not payable. «Sum klar til utbetaling» counts `ready` rows
with a complete, valid, measured payee only, per sheet. The totals are SUMIFS
formulas whose cached values are sums by DuckDB of the mart's amounts, so openpyxl, LibreOffice and
Excel read the same figure. A banner row says when a sheet rests on synthetic or illustrative data;
the custom property `data_standing` gives the standings of the file's rows. What the payee rests
on (the sample's are illustrative) is its own column, «Mottaker bygger på».
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
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
from ingestion.operators.identifiers import is_valid_account_number, is_valid_org_number

MONEY_FORMAT = "#,##0.00"
SHARE_FORMAT = "0 %"
DATE_FORMAT = "dd.mm.yyyy"
# Every row of the payout date, all payers: the reconciliation with the mart, not a payment list.
SHEET = "Alle betalere"
ABOUT_SHEET = "Om filen"
HEADERS = (
    "Delregion",
    "Avtale",
    "Betaler (kode)",
    "Betaler",
    "Årsbeløp (kr)",
    "Andel",
    "Beløp denne utbetalingen (kr)",
    "Forfall",
    "Status",
    "Årsak til stopp",
    "Illustrativ",
    "Bygger på",
    "Mottaker",
    "Mottakers organisasjonsnummer",
    "Mottakers kontonummer",
    "Mottaker bygger på",
)
AMOUNT_COL = HEADERS.index("Beløp denne utbetalingen (kr)")
STATUS_COL = HEADERS.index("Status")
PAYEE_COL = HEADERS.index("Mottaker")
BANNER_ROW = 2  # zero-based, between the subtitle and the header
FIRST_DATA_ROW = 4  # zero-based: title, subtitle, banner (or blank), header
READY_TOTAL = "Sum klar til utbetaling"
MISSING = "mangler"
PAYEES_SEED = "dbt_project/seeds/payees.csv"
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
    # The payment lists' sheet names, in the file's order (the county's first).
    payers: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Totals:
    ready: Decimal
    blocked: Decimal
    all: Decimal
    blocked_rows: int
    blocked_without_amount: int
    ready_illustrative: Decimal = Decimal("0.00")
    ready_illustrative_rows: int = 0


@dataclass(frozen=True)
class Payee:
    """The operator that receives an agreement's payouts, as seeds.payees has it."""

    agreement_id: str
    name: str | None
    org_number: str | None
    account_number: str | None
    data_standing: str | None


@dataclass(frozen=True)
class _Listing:
    """One payout date: its rows, the totals of the date and of each payer, and what they show."""

    rows: list[Row]
    totals: _Totals
    payer_totals: dict[str, _Totals]
    regions: dict[str, str]
    county_codes: frozenset[str]


# --- payees: from configuration, checked --------------------------------------------------


def _digits(value: str | None) -> str:
    """The number as written in the seed, without the spaces and dots people put in it."""
    return re.sub(r"[\s.]", "", value or "")


def payee_stop_reason(agreement_id: str, payee: Payee | None) -> str:
    """Why a row cannot be paid to its payee, in Norwegian, or '' when the payee is complete and
    its numbers have valid check digits."""
    where = f"{PAYEES_SEED}, avtalen {agreement_id}"
    if payee is None:
        return (
            f"Betalingsmottaker mangler: {where} har ingen mottaker. Legg inn operatørens navn, "
            "organisasjonsnummer og kontonummer, og kjør `etablerer run` på nytt."
        )
    faults = []
    if not (payee.name or "").strip():
        faults.append(f"navn {MISSING}")
    if not _digits(payee.org_number):
        faults.append(f"organisasjonsnummer {MISSING}")
    elif not is_valid_org_number(_digits(payee.org_number)):
        faults.append(
            f"organisasjonsnummeret {payee.org_number} er ugyldig (9 siffer, kontrollsifferet "
            "stemmer ikke)"
        )
    if not _digits(payee.account_number):
        faults.append(f"kontonummer {MISSING}")
    elif not is_valid_account_number(payee.account_number or ""):
        faults.append(
            f"kontonummeret {payee.account_number} er ugyldig (11 siffer, kontrollsifferet "
            "stemmer ikke)"
        )
    if not faults:
        return ""
    return f"Betalingsmottaker: {', '.join(faults)}. Rett {where}, og kjør `etablerer run` på nytt."


def _read_payees(con: duckdb.DuckDBPyConnection) -> dict[str, Payee]:
    """seeds.payees by agreement; none when the warehouse predates the seed (every row then says
    the payee is missing)."""
    (present,) = con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'seeds' and table_name = 'payees'"
    ).fetchone()
    if not present:
        return {}
    found = rows(
        con,
        "select agreement_id, payee_name, payee_org_number, payee_account_number, data_standing "
        "from seeds.payees",
    )
    return {
        r["agreement_id"]: Payee(
            r["agreement_id"],
            r["payee_name"],
            r["payee_org_number"],
            r["payee_account_number"],
            r["data_standing"],
        )
        for r in found
    }


# --- reading: rows and DuckDB's sums, with the payee's stop in the status --------------------

# A row is stopped (list_status 'blocked') when the mart blocks it or its payee is not complete
# and valid; $payable names the agreements whose payee is (the cast types an empty list). A ready
# row whose payee is not measured (the sample's invented operators) is not payable either: money
# is never sent to an example account ($measured names the agreements whose payee is measured).
_LISTED = """
    with listed as (
        select
            *,
            case
                when not list_contains(cast($payable as varchar[]), agreement_id) then 'blocked'
                when status = 'ready'
                    and not list_contains(cast($measured as varchar[]), agreement_id)
                    then 'ready_illustrative'
                else status
            end as list_status
        from marts.fct_payouts
        where year = $year
    )
"""

_SUMS = (
    _LISTED
    + """
    select
        payout_month,
        funder_id,
        grouping(funder_id) = 1 as is_date_total,
        coalesce(sum(amount_nok) filter (where list_status = 'ready'), 0) as ready,
        coalesce(sum(amount_nok) filter (where list_status = 'blocked'), 0) as blocked,
        coalesce(sum(amount_nok), 0) as total,
        count(*) filter (where list_status = 'blocked') as blocked_rows,
        count(*) filter (where list_status = 'blocked' and amount_nok is null) as without,
        coalesce(sum(amount_nok) filter (where list_status = 'ready_illustrative'), 0)
            as ready_illustrative,
        count(*) filter (where list_status = 'ready_illustrative') as ready_illustrative_rows
    from listed
    group by grouping sets ((payout_month), (payout_month, funder_id))
"""
)


def _totals(s: Row) -> _Totals:
    return _Totals(
        s["ready"],
        s["blocked"],
        s["total"],
        s["blocked_rows"],
        s["without"],
        s["ready_illustrative"],
        s["ready_illustrative_rows"],
    )


def _read(db_path: Path, year: int) -> dict[int, _Listing]:
    """Per payout month of `year`: the rows with their payees, and the totals (by DuckDB)."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        payees = _read_payees(con)
        stop = {a: payee_stop_reason(a, p) for a, p in payees.items()}
        params = {
            "year": year,
            "payable": [a for a, reason in stop.items() if not reason],
            "measured": [a for a, p in payees.items() if p.data_standing == "measured"],
        }
        payouts = rows(
            con,
            _LISTED + "select * from listed order by payout_month, region_id, funder_id",
            params,
        )
        sums = rows(con, _SUMS, params)
        regions = rows(con, "select region_id, region_name, county_code from marts.dim_region")
    names = {r["region_id"]: r["region_name"] for r in regions}
    county_codes = frozenset(r["county_code"] for r in regions if r["county_code"])
    for p in payouts:
        agreement = p["agreement_id"]
        p["payee"] = payees.get(agreement)
        p["payee_stop"] = stop.get(agreement, payee_stop_reason(agreement, None))
    listings = {}
    for month in sorted({s["payout_month"] for s in sums}):
        of_month = [s for s in sums if s["payout_month"] == month]
        listings[month] = _Listing(
            rows=[p for p in payouts if p["payout_month"] == month],
            totals=next(_totals(s) for s in of_month if s["is_date_total"]),
            payer_totals={s["funder_id"]: _totals(s) for s in of_month if not s["is_date_total"]},
            regions=names,
            county_codes=county_codes,
        )
    return listings


def _number(value: Decimal | None) -> float | None:
    # XLSX stores numbers as IEEE doubles; 2-decimal amounts below 10^13 round-trip exactly.
    return None if value is None else float(value)


# --- payers: the county's list first, then the others by name ------------------------------

_NORWEGIAN_ORDER = str.maketrans({"æ": "{", "ø": "|", "å": "}"})  # after z, in that order
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _name_key(name: str) -> str:
    return name.casefold().translate(_NORWEGIAN_ORDER)


def payers(payouts: list[Row], county_codes: Iterable[str]) -> list[tuple[str, str]]:
    """(funder_id, sheet name) per payer: the county's own first, then the others by name.
    Sheet names are unique and within Excel's 31 characters."""
    names: dict[str, str] = {}
    for p in payouts:
        names.setdefault(p["funder_id"], p["funder_name"] or p["funder_id"])
    own = set(county_codes)
    ordered = sorted(names, key=lambda f: (f not in own, _name_key(names[f]), f))
    taken = {SHEET.casefold(), ABOUT_SHEET.casefold()}
    sheets = []
    for funder_id in ordered:
        name = _SHEET_NAME_FORBIDDEN.sub(" ", names[funder_id]).strip(" '")[:31]
        if name.casefold() in taken or not name:
            suffix = f" ({funder_id})"
            name = name[: 31 - len(suffix)] + suffix
        taken.add(name.casefold())
        sheets.append((funder_id, name))
    return sheets


# --- writing -------------------------------------------------------------------------------

# Row kinds: a payable row, one on illustrative or synthetic inputs (not payable), a blocked one.
_FILLS = {
    "ready": {},
    "ready_illustrative": {"bg_color": "#FFF4E5"},
    "blocked": {"bg_color": "#FBE3E4"},
}
_STATUS_FONT = {"ready_illustrative": "#A05A00", "blocked": "#A4161A"}


def _formats(workbook: xlsxwriter.Workbook) -> dict[str, dict[str, object]]:
    """Per row kind: text, money, share, day and status formats, and those for a missing or
    example payee."""
    formats = {}
    for kind, fill in _FILLS.items():
        status = {"bold": True, "font_color": _STATUS_FONT[kind]} if kind in _STATUS_FONT else {}
        formats[kind] = {
            "text": workbook.add_format(fill) if fill else None,
            "money": workbook.add_format({"num_format": MONEY_FORMAT, **fill}),
            "share": workbook.add_format({"num_format": SHARE_FORMAT, **fill}),
            "day": workbook.add_format({"num_format": DATE_FORMAT, **fill}),
            "status": workbook.add_format({**status, **fill}) if status else None,
            "missing": workbook.add_format({"bold": True, "font_color": "#A4161A", **fill}),
            "example": workbook.add_format({"bold": True, "font_color": "#A05A00", **fill}),
        }
    return formats


def _reason(p: Row) -> str:
    """Every reason a row is stopped, or why a ready row on example data is not payable."""
    reasons = []
    if p["blocked_reason"]:
        reasons.append(p["blocked_reason"])
    elif p["status"] == "ready_illustrative":
        rests_on = labels.DATA_STANDING.get(p["data_standing"], p["data_standing"])
        reasons.append(
            f"Ikke til utbetaling: beløpet bygger på {rests_on}, ikke på en inngått avtale."
        )
    if p["payee_stop"]:
        reasons.append(p["payee_stop"])
    elif p["status"] == "ready" and p["list_status"] == "ready_illustrative":
        rests_on = labels.DATA_STANDING.get(p["payee"].data_standing, p["payee"].data_standing)
        reasons.append(
            f"Ikke til utbetaling: mottakeren bygger på {rests_on}, ikke på operatørens "
            f"bekreftede konto. Rett {PAYEES_SEED}, avtalen {p['agreement_id']}."
        )
    return " ".join(reasons)


def _standings(payouts: list[Row]) -> frozenset[str]:
    """What the rows rest on: their amounts' standings and their payees'."""
    payees = [{"data_standing": p["payee"].data_standing} for p in payouts if p["payee"]]
    return standing.of(payouts, payees)


def _write_payee(sheet, r: int, payee: Payee | None, fmt: dict[str, object]) -> None:
    """Name, organisation number and account as configured; «mangler» where one is missing."""
    values = (
        (payee.name or "").strip() if payee else "",
        _digits(payee.org_number) if payee else "",
        _digits(payee.account_number) if payee else "",
    )
    for col, value in enumerate(values, start=PAYEE_COL):
        if value:
            sheet.write_string(r, col, value, fmt["text"])
        else:
            sheet.write_string(r, col, MISSING, fmt["missing"])
    rests_on = payee.data_standing if payee else None
    label = labels.DATA_STANDING.get(rests_on, rests_on or "")
    # A payee that is not measured is an example: it shows, whatever the row's status.
    sheet.write(r, PAYEE_COL + 3, label, fmt["text"] if rests_on == "measured" else fmt["example"])


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
    status = labels.PAYOUT_STATUS.get(p["list_status"], (p["list_status"], ""))[0]
    sheet.write(r, STATUS_COL, status, fmt["status"])
    sheet.write(r, 9, _reason(p), fmt["text"])
    sheet.write(r, 10, "ja" if p["is_illustrative"] else "nei", fmt["text"])
    standing_label = labels.DATA_STANDING.get(p["data_standing"], p["data_standing"] or "")
    sheet.write(r, 11, standing_label, fmt["text"])
    _write_payee(sheet, r, p["payee"], fmt)


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
    "Utbetalingslister for økonomiavdelingen, laget fra datavarehuset (marts.fct_payouts og "
    "seeds.payees).",
    "Ett ark per betaler: fylkeskommunens eget først, så de andre betalerne (kommunene og "
    "Akershus fylkeskommune betaler sine andeler selv). Hver betaler betaler bare radene på sitt "
    "eget ark.",
    f"Arket «{SHEET}» viser alle radene for utbetalingsdatoen, til avstemming mot "
    "datavarehuset. Det er ikke en betalingsliste.",
    "Én rad per avtale og betaler. Beløpene er tall, ikke tekst.",
    "Mottaker, organisasjonsnummer og kontonummer er operatøren som får utbetalingen for avtalen, "
    f"fra konfigurasjonen ({PAYEES_SEED}). Mangler noe av det, står det «{MISSING}», og raden "
    "er stoppet; det samme gjelder et nummer der kontrollsifferet ikke stemmer.",
    "Mottaker bygger på: illustrativt eksempel betyr at mottakeren er oppdiktet (eksempeldata). "
    "Den skal erstattes av operatørens navn, organisasjonsnummer og konto før noe betales.",
    "Bare rader med status «klar til utbetaling» skal utbetales, og bare de regnes med i "
    "«Sum klar til utbetaling» på hvert ark.",
    "Rader med status «stoppet» skal ikke utbetales; «Årsak til stopp» gir alle årsakene.",
    "En stoppet rad uten beløp mangler sats eller folketall (mangler, ikke null).",
    "Rader som bygger på illustrative eller syntetiske tall (oransje), skal ikke utbetales selv "
    "om alle vilkår ellers er oppfylt.",
    "Illustrativ = ja: eksempelregion, -sats eller -dato i eksempeldata, ikke en inngått avtale; "
    "den skal erstattes av fylkets faktiske avtale.",
    "Bygger på: det svakeste av grunnlagene for beløpet: syntetiske tall, illustrativt eksempel, "
    "antatt eller målt.",
    CREDITS,
]

_COLUMN_WIDTHS = (20, 16, 10, 26, 15, 7, 18, 11, 24, 70, 10, 18, 34, 16, 16, 18)


def _write_sheet(
    workbook,
    formats: dict[str, dict[str, object]],
    name: str,
    heading: tuple[str, str],
    payouts: list[Row],
    totals: _Totals,
    regions: dict[str, str],
) -> None:
    """Title, subtitle, the banner for what these rows rest on, the rows and their totals."""
    sheet = workbook.add_worksheet(name)
    title, subtitle = heading
    sheet.write(
        0, 0, title, workbook.add_format({"bold": True, "font_size": 14, "font_color": "#00546E"})
    )
    sheet.write(1, 0, subtitle)
    banners = standing.banners(_standings(payouts))
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
    for i, p in enumerate(payouts):
        kind = p["list_status"] if p["list_status"] in formats else "blocked"
        _write_row(sheet, FIRST_DATA_ROW + i, p, formats[kind], regions)
    last = FIRST_DATA_ROW + len(payouts)  # one past the last data row (zero-based)
    _write_totals(workbook, sheet, FIRST_DATA_ROW, last, totals)

    for col, width in enumerate(_COLUMN_WIDTHS):
        sheet.set_column(col, col, width)
    sheet.set_row(FIRST_DATA_ROW - 1, 30)
    sheet.freeze_panes(FIRST_DATA_ROW, 0)
    sheet.autofilter(FIRST_DATA_ROW - 1, 0, max(last - 1, FIRST_DATA_ROW), len(HEADERS) - 1)


def build_workbook(year: int, month: int, listing: _Listing) -> tuple[bytes, tuple[str, ...]]:
    """The file for one payout date, and its payment lists' sheet names in order."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    month_name = labels.MONTHS.get(month, str(month))
    workbook.set_properties(
        {
            "title": f"Utbetaling etablerertjenesten {month_name} {year}",
            "author": "Etablerertjenesten i Buskerud",
            "company": "Buskerud fylkeskommune",
            "comments": "Fra datavarehuset (marts.fct_payouts og seeds.payees).",
        }
    )
    workbook.set_custom_property(
        STANDING_PROPERTY, " ".join(sorted(_standings(listing.rows))) or "-"
    )
    made = (
        "Forskudd etter samarbeidsavtalene § 7 (50 % i januar og 50 % i august). "
        f"Laget {datetime.now():%d.%m.%Y %H:%M} fra datavarehuset (marts.fct_payouts)."
    )
    formats = _formats(workbook)
    sheets = payers(listing.rows, listing.county_codes)
    for funder_id, name in sheets:
        own = [p for p in listing.rows if p["funder_id"] == funder_id]
        heading = (
            f"Betalingsliste for {own[0]['funder_name']}: utbetaling {month_name} {year} – "
            "etablerertjenesten i Buskerud",
            f"Radene {own[0]['funder_name']} selv betaler, hver til mottakeren i raden. {made}",
        )
        totals = listing.payer_totals[funder_id]
        _write_sheet(workbook, formats, name, heading, own, totals, listing.regions)
    heading = (
        f"Utbetaling {month_name} {year} – alle betalere (oversikt, ikke en betalingsliste)",
        f"Hver betaler betaler fra sitt eget ark. {made}",
    )
    _write_sheet(workbook, formats, SHEET, heading, listing.rows, listing.totals, listing.regions)

    about = workbook.add_worksheet(ABOUT_SHEET)
    about.set_column(0, 0, 110)
    for i, line in enumerate(ABOUT):
        about.write(i, 0, line)
    workbook.close()
    return buffer.getvalue(), tuple(name for _, name in sheets)


def write_payout_files(db_path: Path, year: int, out_dir: Path) -> list[PayoutFile]:
    """Writes `utbetaling_<year>_<MM>.xlsx` for every payout month of `year` into out_dir/<year>/.
    Every workbook is built before any is written; each write is atomic."""
    listings = _read(db_path, year)
    built = []
    for month, listing in listings.items():
        data, sheets = build_workbook(year, month, listing)
        path = Path(out_dir) / str(year) / f"utbetaling_{year}_{month:02d}.xlsx"
        built.append((month, path, data, sheets))
    written = []
    for month, path, data, sheets in built:
        write_atomic(path, data)
        totals = listings[month].totals
        written.append(
            PayoutFile(
                year=year,
                month=month,
                path=path,
                rows=len(listings[month].rows),
                blocked=totals.blocked_rows,
                total_ready_nok=totals.ready,
                total_blocked_nok=totals.blocked,
                total_ready_illustrative_nok=totals.ready_illustrative,
                payers=sheets,
            )
        )
    return written
