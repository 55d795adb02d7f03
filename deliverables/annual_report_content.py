"""What a region's annual report (årsrapport) says: its key figures, sections, tables and charts,
built from the marts as a `Report` (deliverables.model) for html.py and pdf.py to render.

Every figure is a mart value, formatted and marked with its row's data_standing; a change against
last year is shown as both years side by side, because no mart holds the change itself. The
report's banner and its credit for the population figures follow the standings of the rows it
shows (deliverables.standing). annual_report.py renders the reports and writes the files.
"""

from __future__ import annotations

from typing import Any

from deliverables import charts, labels, outcomes, standing
from deliverables.marts import MartData, Row
from deliverables.model import (
    CREDITS,
    Cell,
    Chart,
    KeyFigure,
    Report,
    Section,
    Source,
    Table,
    figure,
    text,
)
from deliverables.quality import CheckStatus, quality_section
from deliverables.tables import (
    agreement_period_table,
    agreement_table,
    compliance_table,
    funding_table,
    kpi_cell,
    payout_sums_table,
    payouts_table,
)

ILLUSTRATIVE_WARNING = (
    "Illustrativ region: tallene bygger på eksempeldata og en tenkt avtale som skal erstattes "
    "av fylkets faktiske avtale. Ikke bruk dem som fakta."
)


def _region_where(region_id: str, year: int) -> dict[str, Any]:
    return {"region_id": region_id, "year": year}


def _key_figures(kpis: Row | None, region_id: str, year: int) -> list[KeyFigure]:
    where = _region_where(region_id, year)
    picks = [
        ("unique_clients", "Unike klienter", "int"),
        ("new_businesses", "Nyetableringer", "int"),
        ("guidance_hours", "Veiledningstimer", "dec"),
        ("course_participants", "Kursdeltakere", "int"),
        ("clients_per_1000_inhabitants", "Klienter per 1 000 innbyggere", "dec"),
        ("funding_total_nok", "Tilskudd (kr)", "nok"),
    ]
    return [
        KeyFigure(label, kpi_cell(kpis, column, kind, "fct_region_kpis", where))
        for column, label, kind in picks
    ]


def _plan_by_kpi(plan_rows: list[Row]) -> dict[str, Row]:
    return {
        labels.PLAN_TARGETS[r["target_id"]][1]: r
        for r in plan_rows
        if r["target_id"] in labels.PLAN_TARGETS
    }


def _plan_cells(plan: Row | None, kind: str) -> list[Cell]:
    if plan is None:
        return [text(""), text("")]
    where = (
        ("region_id", plan["region_id"]),
        ("year", plan["year"]),
        ("target_id", plan["target_id"]),
    )
    return [
        figure(
            plan["planned_value"],
            kind,
            source=Source("fct_plan_vs_actual", "planned_value", where),
            standing=plan.get("data_standing"),
        ),
        figure(
            plan["achievement_share"],
            "share",
            suppressed=bool(plan["is_suppressed"]),
            source=Source("fct_plan_vs_actual", "achievement_share", where),
            standing=plan.get("data_standing"),
        ),
    ]


def _kpi_section(data: MartData, region_id: str) -> Section:
    year = data.year
    kpis, last = data.kpis(region_id, year), data.kpis(region_id, year - 1)
    plan = _plan_by_kpi(data.for_region(data.plan, region_id))
    section = Section(
        title="Resultater",
        intro=(
            f"Indikatorene for {year} mot {year - 1} og mot målene i aktivitetsplanen. "
            "Måloppnåelse er faktisk resultat delt på planlagt."
        ),
    )
    headers = ["Indikator", str(year), str(year - 1), f"Plan {year}", "Måloppnåelse"]
    for group, specs in labels.KPI_GROUPS.items():
        rows = [
            [
                text(label),
                kpi_cell(kpis, column, kind, "fct_region_kpis", _region_where(region_id, year)),
                kpi_cell(last, column, kind, "fct_region_kpis", _region_where(region_id, year - 1)),
                *_plan_cells(plan.get(column), kind),
            ]
            for column, label, kind in specs
        ]
        section.tables.append(
            Table(
                key=f"kpi_{group}",
                headers=headers,
                rows=rows,
                widths=[4.2, 1.3, 1.3, 1.3, 1.4],
                caption=group,
            )
        )
    section.charts.append(_trend_chart(data, region_id))
    plan_chart = _plan_chart(data.for_region(data.plan, region_id), year)
    if plan_chart is not None:
        section.charts.append(plan_chart)
    if last is None:
        section.notes.append(f"Datavarehuset har ingen tall for {year - 1} for denne regionen.")
    return section


def _shown(row: Row, column: str) -> Any:
    return None if row.get(f"{column}_suppressed") else row.get(column)


def _trend_chart(data: MartData, region_id: str) -> Chart:
    history = [r for r in data.region_kpis if r["region_id"] == region_id]
    series = {
        "Unike klienter": [_shown(r, "unique_clients") for r in history],
        "Nye klienter": [_shown(r, "new_clients") for r in history],
        "Nyetableringer": [_shown(r, "new_businesses") for r in history],
    }
    years = [str(r["year"]) for r in history]
    return Chart(
        key="trend",
        title="Utvikling per år",
        png=charts.grouped_bars(years, series, ylabel="Antall"),
        alt=f"Søylediagram: unike klienter, nye klienter og nyetableringer for {', '.join(years)}.",
    )


def _plan_chart(plan_rows: list[Row], year: int) -> Chart | None:
    if not plan_rows:
        return None
    names = [labels.PLAN_TARGETS.get(r["target_id"], (r["target_id"], ""))[0] for r in plan_rows]
    values = [None if r["is_suppressed"] else r["achievement_share"] for r in plan_rows]
    return Chart(
        key="plan",
        title=f"Måloppnåelse mot aktivitetsplanen {year}",
        png=charts.horizontal_bars(
            names,
            values,
            xlabel="Faktisk resultat i prosent av planlagt",
            kind="share",
            reference=1.0,
            reference_label="mål",
        ),
        alt="Liggende søyler: faktisk resultat som andel av planlagt, per mål i aktivitetsplanen.",
    )


def _region_is_illustrative(data: MartData, region_id: str) -> bool:
    return any(r["is_illustrative"] for r in data.regions if r["region_id"] == region_id)


def _reach_section(data: MartData, region_id: str, population_standing: str | None) -> Section:
    year = data.year
    municipalities = data.for_region(data.municipality_kpis, region_id)
    population = (
        "syntetiske folketall, ikke SSBs"
        if population_standing == "synthetic"
        else "folketall fra SSB"
    )
    section = Section(
        title="Rekkevidde per kommune",
        intro=(
            "Tjenesten skal nå hele regionen. Klienter per 1 000 innbyggere viser rekkevidden i "
            f"hver kommune ({population}, i avtalens grunnlagsperiode)."
        ),
    )
    rows = []
    for m in municipalities:
        where = {"municipality_code": m["municipality_code"], "year": year}
        rows.append(
            [
                text(f"{m['municipality_name']} ({m['municipality_code']})"),
                kpi_cell(m, "population", "int", "fct_municipality_kpis", where),
                kpi_cell(m, "unique_clients", "int", "fct_municipality_kpis", where),
                kpi_cell(m, "new_clients", "int", "fct_municipality_kpis", where),
                kpi_cell(m, "clients_per_1000_inhabitants", "dec", "fct_municipality_kpis", where),
                kpi_cell(m, "new_businesses", "int", "fct_municipality_kpis", where),
            ]
        )
    section.tables.append(
        Table(
            key="reach",
            headers=[
                "Kommune",
                "Innbyggere",
                "Unike klienter",
                "Nye klienter",
                "Klienter per 1 000",
                "Nyetableringer",
            ],
            rows=rows,
            widths=[3, 1.4, 1.4, 1.4, 1.5, 1.5],
        )
    )
    if municipalities:
        section.charts.append(
            Chart(
                key="reach",
                title="Klienter per 1 000 innbyggere per kommune",
                png=charts.horizontal_bars(
                    [m["municipality_name"] for m in municipalities],
                    [m["clients_per_1000_inhabitants"] for m in municipalities],
                    xlabel="Klienter per 1 000 innbyggere",
                    illustrative=[_region_is_illustrative(data, region_id)] * len(municipalities),
                ),
                alt="Liggende søyler: klienter per 1 000 innbyggere i hver kommune i regionen.",
            )
        )
    return section


def _money_section(data: MartData, region: Row, population_standing: str | None) -> Section:
    year, region_id = data.year, region["region_id"]
    kpis = data.kpis(region_id, year)
    funding = data.for_region(data.funding, region_id)
    section = Section(
        title="Finansiering, utbetalinger og regnskap",
        intro=(
            "Tilskudd per finansierende part etter avtalens § 6 (innbyggertall × sats per "
            "innbygger), utbetalt forskuddsvis med 50 % i januar og 50 % i august (§ 7). Der "
            "avtalen selv oppgir innbyggertallet, gjelder det til partene endrer avtalen. Bare "
            "rader med status «klar til utbetaling» regnes med i «Sum klar til utbetaling»."
        ),
    )
    section.tables.append(agreement_table(region, funding))
    section.tables.append(funding_table(funding, population_standing))
    period = [a for a in data.agreement_amounts if a["region_id"] == region_id]
    if period:
        section.tables.append(agreement_period_table(period))
    section.tables.append(payouts_table(data.for_region(data.payouts, region_id)))
    section.tables.append(
        payout_sums_table([s for s in data.payout_sums if s["region_id"] == region_id])
    )
    where = _region_where(region_id, year)
    section.tables.append(
        Table(
            key="accounts",
            headers=["Regnskap", str(year)],
            rows=[
                [text(label), kpi_cell(kpis, column, kind, "fct_region_kpis", where)]
                for column, label, kind in labels.ACCOUNTS
            ],
            widths=[4, 1.6],
        )
    )
    return section


def _survey_section(data: MartData, region_id: str) -> Section:
    rows = []
    for s in data.for_region(data.survey, region_id):
        where = (
            ("region_id", s["region_id"]),
            ("year", s["year"]),
            ("question_id", s["question_id"]),
        )
        hidden = bool(s["is_suppressed"])
        rows.append(
            [
                text(labels.SURVEY_QUESTIONS.get(s["question_id"], s["question_id"])),
                text(s["scale"]),
                figure(
                    s["responses"],
                    "int",
                    source=Source("fct_survey_results", "responses", where),
                    standing=s.get("data_standing"),
                ),
                figure(
                    s["mean_score"],
                    "dec2",
                    suppressed=hidden,
                    source=Source("fct_survey_results", "mean_score", where),
                    standing=s.get("data_standing"),
                ),
                figure(
                    s["share_satisfied"],
                    "share",
                    suppressed=hidden,
                    source=Source("fct_survey_results", "share_satisfied", where),
                    standing=s.get("data_standing"),
                ),
                figure(
                    s["nps"],
                    "dec",
                    suppressed=hidden,
                    source=Source("fct_survey_results", "nps", where),
                    standing=s.get("data_standing"),
                )
                if s["is_nps_question"]
                else text(""),
            ]
        )
    return Section(
        title="Brukerundersøkelse",
        intro=(
            "Resultatene vises med antall svar (n). Fornøyd er 4–5 på skala 1–5 og 7–10 på skala "
            "0–10; NPS er andel 9–10 minus andel 0–6. Under 5 svar skjules resultatet."
        ),
        tables=[
            Table(
                key="survey",
                headers=["Spørsmål", "Skala", "n", "Snitt", "Andel fornøyde", "NPS"],
                rows=rows,
                widths=[4.4, 0.8, 0.8, 0.9, 1.3, 0.9],
            )
        ],
    )


def _region_findings(data: MartData, region_id: str) -> list[Row]:
    return [
        c
        for c in data.compliance
        if c["region_id"] == region_id or (c["scope"] == "fylke" and c["region_id"] is None)
    ]


def _compliance_section(data: MartData, region_id: str) -> Section:
    return Section(
        title="Etterlevelse av avtalen",
        intro=(
            "Kontroll av avtalens krav. Avvik skal følges opp mellom partene. Et åpent funn som "
            "blokkerer utbetaling, stopper årets utbetalinger til det er rettet eller avgjort av "
            "fylket. Krav som bare kan kontrolleres mot syntetiske tall, står som ikke kontrollert."
        ),
        tables=[compliance_table(_region_findings(data, region_id))],
    )


def _shown_rows(data: MartData, region: Row) -> list[list[Row | None]]:
    """Every mart row the region's report shows figures from."""
    region_id, year = region["region_id"], data.year
    return [
        [region, data.kpis(region_id, year), data.kpis(region_id, year - 1)],
        data.for_region(data.municipality_kpis, region_id),
        data.for_region(data.funding, region_id),
        data.for_region(data.payouts, region_id),
        data.for_region(data.survey, region_id),
        data.for_region(data.plan, region_id),
        _region_findings(data, region_id),
    ]


def build_region_report(
    data: MartData,
    region: Row,
    *,
    checks: list[CheckStatus] | None = None,
    generated_at: str,
) -> Report:
    region_id, year = region["region_id"], data.year
    illustrative = bool(region["is_illustrative"])
    population = standing.population_standing(
        data.for_region(data.funding, region_id),
        data.for_region(data.municipality_kpis, region_id),
    )
    return Report(
        title=f"Årsrapport {year}",
        subtitle=f"Etablerertjenesten i Buskerud – {region['region_name']}",
        year=year,
        is_illustrative=illustrative,
        warning=ILLUSTRATIVE_WARNING if illustrative else "",
        key_figures=_key_figures(data.kpis(region_id, year), region_id, year),
        sections=[
            _kpi_section(data, region_id),
            *outcomes.outcome_sections(data, region),
            _reach_section(data, region_id, population),
            _money_section(data, region, population),
            _survey_section(data, region_id),
            _compliance_section(data, region_id),
            quality_section(checks),
        ],
        generated_at=generated_at,
        credits=CREDITS,
        standings=standing.of(*_shown_rows(data, region)) | outcomes.standings(data, region_id),
        population_credit=standing.population_credit(population),
    )
