"""Review sheet for the activity plan and budget due 1 December (§7):
`aktivitetsplan_gjennomgang_<plan year>.xlsx`, written into reports/<plan year>/.

For each region and target: the plan for the plan year, last year's plan and result (from
fct_plan_vs_actual), and empty columns for the county's assessment. A second sheet gives the
budget and the deadline/approval findings from fct_compliance.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import xlsxwriter

from deliverables import labels, standing
from deliverables.io import write_atomic
from deliverables.marts import read_marts
from deliverables.model import CREDITS

NUMBER_FORMAT = "#,##0.##"
MONEY_FORMAT = "#,##0.00"
SHARE_FORMAT = "0.0 %"
PLAN_SHEET = "Mål"
BUDGET_SHEET = "Budsjett og frister"
PLAN_RULES = ("plan_submitted_by_deadline", "plan_approved_before_payout")


@dataclass(frozen=True)
class PlanReview:
    plan_year: int
    path: Path
    targets: int


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def build_workbook(db_path: Path, plan_year: int) -> tuple[bytes, int]:
    data = read_marts(db_path, plan_year, outcomes=False)
    last_year = plan_year - 1
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    title = wb.add_format({"bold": True, "font_size": 14, "font_color": "#00546E"})
    header = wb.add_format(
        {"bold": True, "font_color": "#FFFFFF", "bg_color": "#00546E", "text_wrap": True}
    )
    number = wb.add_format({"num_format": NUMBER_FORMAT})
    money = wb.add_format({"num_format": MONEY_FORMAT})
    share = wb.add_format({"num_format": SHARE_FORMAT})
    to_fill = wb.add_format({"bg_color": "#FFF4E5", "border": 1, "border_color": "#E0B070"})
    flag = wb.add_format({"font_color": "#A05A00"})
    fail = wb.add_format({"font_color": "#A4161A", "bold": True, "text_wrap": True})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})

    sheet = wb.add_worksheet(PLAN_SHEET)
    sheet.write(0, 0, f"Gjennomgang av aktivitetsplan {plan_year} – etablerertjenesten", title)
    sheet.write(
        1,
        0,
        f"Frist for plan og budsjett: 1. desember {last_year}. Laget "
        f"{datetime.now():%d.%m.%Y %H:%M} fra datavarehuset (marts.fct_plan_vs_actual).",
    )
    plan_rows = [p for p in data.plan if p["year"] in (plan_year, last_year)]
    standings = standing.of(plan_rows, data.regions)
    wb.set_custom_property("data_standing", " ".join(sorted(standings)) or "-")
    banners = standing.banners(standings)
    if banners:
        banner = wb.add_format({"bold": True, "font_color": "#462300", "bg_color": "#FFD54F"})
        sheet.write(2, 0, "   ·   ".join(banners), banner)
    headers = [
        "Delregion",
        "Mål",
        f"Plan {plan_year}",
        f"Plan {last_year}",
        f"Resultat {last_year}",
        f"Måloppnåelse {last_year}",
        "Vurdering (fylkeskommunen)",
        "Kommentar",
        "Illustrativ",
        "Bygger på",
    ]
    sheet.write_row(3, 0, headers, header)
    r = 4
    targets = 0
    for region in data.regions:
        rid = region["region_id"]
        this = {p["target_id"]: p for p in data.for_region(data.plan, rid, plan_year)}
        last = {p["target_id"]: p for p in data.for_region(data.plan, rid, last_year)}
        for target_id in labels.PLAN_TARGETS:
            if target_id not in this and target_id not in last:
                continue
            plan_now, plan_then = this.get(target_id), last.get(target_id)
            sheet.write(r, 0, region["region_name"])
            sheet.write(r, 1, labels.PLAN_TARGETS[target_id][0])
            for col, value, fmt in (
                (2, plan_now and plan_now["planned_value"], number),
                (3, plan_then and plan_then["planned_value"], number),
                (4, plan_then and plan_then["actual_value"], number),
                (5, plan_then and plan_then["achievement_share"], share),
            ):
                if value is None:
                    suppressed = plan_then is not None and plan_then["is_suppressed"] and col >= 4
                    sheet.write(r, col, "– (skjult)" if suppressed else "–")
                else:
                    sheet.write_number(r, col, _num(value), fmt)
            sheet.write_blank(r, 6, None, to_fill)
            sheet.write_blank(r, 7, None, to_fill)
            sheet.write(r, 8, "ja" if region["is_illustrative"] else "nei", flag)
            rests_on = standing.weakest(standing.of([region, plan_now, plan_then]))
            sheet.write(r, 9, labels.DATA_STANDING.get(rests_on, rests_on or ""), flag)
            r += 1
            targets += 1
    if targets == 0:
        sheet.write(
            r, 0, f"Ingen aktivitetsplan for {plan_year} eller {last_year} i datavarehuset."
        )
    sheet.set_column(0, 0, 20)
    sheet.set_column(1, 1, 28)
    sheet.set_column(2, 5, 13)
    sheet.set_column(6, 7, 30)
    sheet.set_column(8, 8, 10)
    sheet.set_column(9, 9, 18)
    sheet.set_row(3, 30)
    sheet.freeze_panes(4, 2)

    budget = wb.add_worksheet(BUDGET_SHEET)
    budget.write_row(
        0,
        0,
        [
            "Delregion",
            f"Budsjett {plan_year} (kr)",
            f"Budsjett {last_year} (kr)",
            f"Regnskap {last_year} (kr)",
            "Plan levert innen fristen",
            "Plan og budsjett godkjent",
            "Vurdering (fylkeskommunen)",
        ],
        header,
    )
    findings = {(c["region_id"], c["rule_id"]): c for c in data.compliance}
    for i, region in enumerate(data.regions, start=1):
        rid = region["region_id"]
        now, then = data.kpis(rid, plan_year) or {}, data.kpis(rid, last_year) or {}
        budget.write(i, 0, region["region_name"])
        for col, value in (
            (1, now.get("cost_budget_nok")),
            (2, then.get("cost_budget_nok")),
            (3, then.get("cost_actual_nok")),
        ):
            if value is None:
                budget.write(i, col, "–")
            else:
                budget.write_number(i, col, _num(value), money)
        for col, rule in zip((4, 5), PLAN_RULES, strict=True):
            finding = findings.get((rid, rule))
            if finding is None:
                budget.write(i, col, "–")
                continue
            result = labels.COMPLIANCE_RESULT.get(finding["result"], (finding["result"], ""))[0]
            severity = labels.SEVERITY.get(finding.get("severity") or "", "")
            budget.write(
                i,
                col,
                f"{result}{f' ({severity})' if severity else ''}: {finding['explanation']}",
                fail if finding["result"] == "fail" else wrap,
            )
        budget.write_blank(i, 6, None, to_fill)
    budget.set_column(0, 0, 20)
    budget.set_column(1, 3, 16)
    budget.set_column(4, 5, 45)
    budget.set_column(6, 6, 30)
    budget.write(len(data.regions) + 2, 0, CREDITS)
    wb.close()
    return buffer.getvalue(), targets


def write_plan_review(db_path: Path, plan_year: int, out_dir: Path) -> PlanReview:
    data, targets = build_workbook(db_path, plan_year)
    path = Path(out_dir) / str(plan_year) / f"aktivitetsplan_gjennomgang_{plan_year}.xlsx"
    write_atomic(path, data)
    return PlanReview(plan_year, path, targets)
