"""Tables the annual report and the county overview share: KPI cells, funding, the agreement,
payouts with what may be paid, and compliance. Each figure is a mart value marked with the
data_standing of its row."""

from __future__ import annotations

from typing import Any

from deliverables import labels
from deliverables.marts import Row
from deliverables.model import (
    FORMATTERS,
    PARTIAL,
    Cell,
    Source,
    Table,
    figure,
    standing_marker,
    text,
)
from deliverables.standing import population_source

# A total that is unknown while a part is missing -> the column with the sum of its known parts.
KNOWN_PARTS = {"funding_total_nok": "funding_known_nok"}


def kpi_cell(row: Row | None, column: str, kind: str, mart: str, where: dict[str, Any]) -> Cell:
    """A KPI from a region or municipality row, '–' with its footnote when suppressed, not
    measurable yet (a share whose n is 0) or absent. A total with a part missing (the funding
    while a party has no rate) shows its known part, marked as a partial sum, not '–'."""
    source = Source(mart, column, tuple(where.items()))
    if row is None:
        return figure(None, kind, source=None)
    known = row.get(KNOWN_PARTS.get(column, ""))
    if row.get(column) is None and known is not None:
        return Cell(
            FORMATTERS[kind](known),
            numeric=True,
            marker=PARTIAL + standing_marker(row.get("data_standing")),
            source=Source(mart, KNOWN_PARTS[column], tuple(where.items())),
        )
    return figure(
        row.get(column),
        kind,
        suppressed=bool(row.get(f"{column}_suppressed")),
        not_yet=row.get(f"{column}_n") == 0,
        source=source,
        standing=row.get("data_standing"),
    )


def _basis(f: Row, population_standing: str | None) -> str:
    """Where a funder's population comes from: the agreement's own figure (§ 6) or the cells."""
    if f.get("basis_population_source") == "avtale":
        return "avtalen (§ 6)"
    return f"{population_source(population_standing)} {f['population_basis_period'] or ''}".strip()


def funding_table(
    funding: list[Row], population_standing: str | None, key: str = "funding"
) -> Table:
    rows = []
    for f in funding:
        where = (
            ("region_id", f["region_id"]),
            ("funder_id", f["funder_id"]),
            ("year", f["year"]),
        )
        status, tone = labels.FUNDING_STATUS.get(f["status"], (f["status"], "warn"))
        row_standing = f.get("data_standing")
        rows.append(
            [
                text(f"{f['funder_name']} ({f['funder_id']})"),
                text(_basis(f, population_standing)),
                figure(
                    f["population"],
                    "int",
                    source=Source("fct_funding", "population", where),
                    standing=row_standing,
                ),
                figure(
                    f["rate_nok_per_inhabitant"],
                    "rate",
                    source=Source("fct_funding", "rate_nok_per_inhabitant", where),
                    standing="illustrative" if f["is_illustrative"] else None,
                ),
                figure(
                    f["amount_nok"],
                    "nok",
                    source=Source("fct_funding", "amount_nok", where),
                    standing=row_standing,
                ),
                text(status + (f": {f['status_reason']}" if f["status_reason"] else ""), tone=tone),
            ]
        )
    return Table(
        key=key,
        headers=["Part", "Grunnlag", "Innbyggere", "Sats (kr)", "Beløp (kr)", "Status"],
        rows=rows,
        widths=[2.6, 1.4, 1.2, 1.0, 1.4, 3.4],
    )


def agreement_table(region: Row, funding: list[Row]) -> Table:
    """The agreement the money rests on: status (utkast/signert/opphørt), version, document."""
    status, tone = labels.AGREEMENT_STATUS.get(
        region.get("agreement_status") or "", (region.get("agreement_status") or "–", "warn")
    )
    sha256 = next(
        (f["agreement_document_sha256"] for f in funding if f.get("agreement_document_sha256")),
        None,
    )
    standing = region.get("data_standing")
    return Table(
        key="agreement",
        headers=["Avtale", region.get("agreement_id") or "–"],
        rows=[
            [text("Status"), text(status, tone=tone)],
            [text("Versjon"), text(region.get("agreement_version") or "–")],
            [text("Avtaledokument (sha256)"), text(sha256 or "–")],
            [text("Bygger på"), text(labels.DATA_STANDING.get(standing, standing))],
        ],
        widths=[2.2, 7.0],
    )


def agreement_period_table(amounts: list[Row]) -> Table:
    """The agreement's own table (§ 6): each funder's amount per year of the period and the
    period total, on the basis fixed at the agreement's basis period. A blank stays '–'."""
    years = sorted({a["year"] for a in amounts})
    by_funder: dict[str, list[Row]] = {}
    for a in amounts:
        by_funder.setdefault(a["funder_id"], []).append(a)
    rows = []
    for funder_rows in by_funder.values():
        first = funder_rows[0]
        where = (("agreement_id", first["agreement_id"]), ("funder_id", first["funder_id"]))
        per_year = {a["year"]: a for a in funder_rows}
        rows.append(
            [
                text(f"{first['funder_name']} ({first['funder_id']})"),
                *(
                    figure(
                        per_year[y]["amount_nok"] if y in per_year else None,
                        "nok",
                        source=Source("fct_agreement_amounts", "amount_nok", (*where, ("year", y))),
                        standing=per_year[y]["data_standing"] if y in per_year else None,
                    )
                    for y in years
                ),
                figure(
                    first["period_total_nok"],
                    "nok",
                    # the same total on every year's row: the first year's names one
                    source=Source(
                        "fct_agreement_amounts",
                        "period_total_nok",
                        (*where, ("year", first["year"])),
                    ),
                    standing=first["data_standing"],
                ),
            ]
        )
    basis = next((a["population_basis_period"] for a in amounts), None)
    return Table(
        key="agreement_period",
        headers=["Part", *(f"{y} (kr)" for y in years), "Perioden i alt (kr)"],
        rows=rows,
        widths=[2.6, *(1.4 for _ in years), 1.7],
        caption=f"Avtaleperioden {years[0]}–{years[-1]} (§ 6), grunnlag {basis or '–'} alle år",
    )


def _payout_status(p: Row) -> Cell:
    status, tone = labels.PAYOUT_STATUS.get(p["status"], (p["status"], "warn"))
    # A blocked row lists every reason the mart gives, in full.
    reason = f": {p['blocked_reason']}" if p["blocked_reason"] else ""
    return text(status + reason, tone=tone)


def payouts_table(payouts: list[Row], key: str = "payouts") -> Table:
    rows = []
    for p in payouts:
        where = (
            ("region_id", p["region_id"]),
            ("funder_id", p["funder_id"]),
            ("year", p["year"]),
            ("payout_month", p["payout_month"]),
        )
        rows.append(
            [
                text(f"{p['funder_name']} ({p['funder_id']})"),
                text(labels.MONTHS.get(p["payout_month"], str(p["payout_month"]))),
                figure(p["due_date"], "date"),
                figure(
                    p["amount_nok"],
                    "nok",
                    source=Source("fct_payouts", "amount_nok", where),
                    standing=p.get("data_standing"),
                ),
                _payout_status(p),
            ]
        )
    return Table(
        key=key,
        headers=["Part", "Utbetaling", "Forfall", "Beløp (kr)", "Status"],
        rows=rows,
        widths=[2.3, 1.3, 1.1, 1.4, 4.9],
    )


def payout_sums_table(sums: list[Row], key: str = "payout_sums") -> Table:
    """Per payout date: «Sum klar til utbetaling» counts `ready` rows only; rows on illustrative
    or synthetic inputs and blocked rows are summed apart (DuckDB, marts.PAYOUT_SUMS_SQL)."""
    rows = [
        [
            text(labels.MONTHS.get(s["payout_month"], str(s["payout_month"]))),
            figure(s["ready_nok"], "nok"),
            figure(s["ready_illustrative_nok"], "nok"),
            figure(s["blocked_nok"], "nok"),
            text(
                f"{s['ready_rows']} klar, {s['ready_illustrative_rows']} illustrativ, "
                f"{s['blocked_rows']} stoppet"
            ),
        ]
        for s in sums
    ]
    return Table(
        key=key,
        headers=[
            "Utbetaling",
            "Sum klar til utbetaling (kr)",
            "Ikke til utbetaling, illustrativ (kr)",
            "Stoppet, kjente beløp (kr)",
            "Rader",
        ],
        rows=rows,
        widths=[1.2, 1.9, 2.0, 1.9, 2.6],
    )


def compliance_table(findings: list[Row], key: str = "compliance", caption: str = "") -> Table:
    """Each rule with its result, its severity and what it rests on."""
    rows = []
    for c in findings:
        result, tone = labels.COMPLIANCE_RESULT.get(c["result"], (c["result"], "warn"))
        severity = c.get("severity") or ""
        open_finding = c["result"] not in ("pass", "resolved")
        standing = c.get("data_standing")
        rows.append(
            [
                text(labels.compliance_rule(c["rule_id"])),
                text(c["clause"]),
                text(result, tone=tone),
                text(
                    labels.SEVERITY.get(severity, severity),
                    tone="fail" if open_finding and severity == "blokkerer_utbetaling" else "",
                ),
                text(c["explanation"]),
                text(labels.DATA_STANDING.get(standing, standing)),
            ]
        )
    return Table(
        key=key,
        headers=["Krav", "Punkt", "Resultat", "Alvorlighet", "Forklaring", "Bygger på"],
        rows=rows,
        widths=[2.2, 1.25, 1.2, 1.35, 3.85, 1.2],
        caption=caption,
    )
