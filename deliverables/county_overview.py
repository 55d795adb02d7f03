"""Fellesrapport: the county's overview across all sub-regions for its shared reporting (§4),
as `fellesrapport_<year>.html` and `.pdf`. Region figures side by side, each from the marts;
no county total is computed here (a county-level mart would own it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from deliverables import charts, html, pdf, standing
from deliverables.io import write_atomic
from deliverables.marts import MartData, read_marts
from deliverables.model import CREDITS, ILLUSTRATIVE, Chart, Report, Section, Table, text
from deliverables.quality import CheckStatus, quality_section
from deliverables.tables import compliance_table, kpi_cell

OVERVIEW_KPIS = [
    ("unique_clients", "Unike klienter", "int"),
    ("new_clients", "Nye klienter", "int"),
    ("clients_per_1000_inhabitants", "Klienter per 1 000", "dec"),
    # soft hyphens (\u00ad): where the PDF's narrow columns may break these headers
    ("new_businesses", "Nyetab\u00adleringer", "int"),
    ("new_businesses_per_1000_inhabitants", "Nyetab. per 1 000", "dec"),
    ("share_women_clients", "Andel kvinner", "share"),
    ("share_immigrant_clients", "Andel inn\u00advandrer\u00adbakgrunn", "share"),
    ("satisfaction_share_satisfied", "Andel fornøyde", "share"),
]
ILLUSTRATIVE_BARS = "Søyler i illustrative regioner er lyse og skraverte, navnet merket ⁱ."
MONEY_KPIS = [
    ("funding_total_nok", "Tilskudd (kr)", "nok"),
    ("cost_budget_nok", "Budsjett (kr)", "nok"),
    ("cost_actual_nok", "Regnskap (kr)", "nok"),
    ("cost_per_client_nok", "Per klient (kr)", "nok"),
    ("cost_per_new_business_nok", "Per nyetablering (kr)", "nok"),
]


@dataclass(frozen=True)
class RenderedOverview:
    year: int
    path: Path
    pdf_path: Path


def _region_label(region: dict) -> object:
    return text(region["region_name"], marker=ILLUSTRATIVE if region["is_illustrative"] else "")


def _region_table(data: MartData, key: str, specs: list[tuple[str, str, str]]) -> Table:
    rows = []
    for region in data.regions:
        kpis = data.kpis(region["region_id"], data.year)
        where = {"region_id": region["region_id"], "year": data.year}
        rows.append(
            [_region_label(region)]
            + [kpi_cell(kpis, column, kind, "fct_region_kpis", where) for column, _, kind in specs]
        )
    return Table(
        key=key,
        headers=["Delregion"] + [label for _, label, _ in specs],
        rows=rows,
        widths=[2.2] + [1.2] * len(specs),
    )


def _coverage_table(data: MartData) -> Table:
    names = {r["region_id"]: r["region_name"] for r in data.regions}
    rows = []
    for m in data.municipalities:
        if m["county_code"] != "33" and not m["region_id"]:
            continue
        covered = m["n_agreements"] == 1
        rows.append(
            [
                text(f"{m['municipality_name']} ({m['municipality_code']})"),
                text(m["county_name"]),
                text(
                    names.get(m["region_id"], "ingen"),
                    marker=ILLUSTRATIVE if m["is_illustrative"] else "",
                ),
                text(
                    m["n_agreements"] if m["n_agreements"] is not None else "",
                    tone="ok" if covered else "fail",
                ),
            ]
        )
    return Table(
        key="coverage",
        headers=["Kommune", "Fylke", "Delregion (avtale)", "Antall avtaler"],
        rows=rows,
        widths=[2.6, 2.0, 2.6, 1.2],
    )


def _compliance_tables(data: MartData, findings: list[dict]) -> list[Table]:
    """One table per region (and one for the county's own rules), each with its region's name."""
    names = {r["region_id"]: r["region_name"] for r in data.regions} | {None: "Hele fylket"}
    scopes = list(names.items()) + [
        (rid, rid) for rid in dict.fromkeys(c["region_id"] for c in findings) if rid not in names
    ]
    tables = []
    for region_id, name in scopes:
        own = [c for c in findings if c["region_id"] == region_id]
        if own:
            tables.append(
                compliance_table(own, key=f"compliance_{region_id or 'fylke'}", caption=name)
            )
    return tables


def build_overview(
    data: MartData, *, checks: list[CheckStatus] | None = None, generated_at: str
) -> Report:
    year = data.year
    illustrative = any(r["is_illustrative"] for r in data.regions)
    reach = Section(
        title="Regionene side om side",
        intro=(
            f"Hovedtall for {year} per delregion, fra datavarehuset. Regioner merket "
            "med i er illustrative (eksempeldata)."
        ),
        tables=[_region_table(data, "regions", OVERVIEW_KPIS)],
    )
    reach.charts.append(
        Chart(
            key="reach_regions",
            title="Klienter per 1 000 innbyggere per delregion",
            png=charts.horizontal_bars(
                [r["region_name"] for r in data.regions],
                [
                    (data.kpis(r["region_id"], year) or {}).get("clients_per_1000_inhabitants")
                    for r in data.regions
                ],
                xlabel="Klienter per 1 000 innbyggere",
                illustrative=[bool(r["is_illustrative"]) for r in data.regions],
            ),
            alt=(
                "Liggende søyler: klienter per 1 000 innbyggere i hver delregion. "
                + ILLUSTRATIVE_BARS
            ),
        )
    )
    if data.municipality_kpis:
        illustrative = {r["region_id"]: bool(r["is_illustrative"]) for r in data.regions}
        reach.charts.append(
            Chart(
                key="reach_municipalities",
                title="Klienter per 1 000 innbyggere per kommune",
                png=charts.horizontal_bars(
                    [m["municipality_name"] for m in data.municipality_kpis],
                    [m["clients_per_1000_inhabitants"] for m in data.municipality_kpis],
                    xlabel="Klienter per 1 000 innbyggere",
                    illustrative=[illustrative[m["region_id"]] for m in data.municipality_kpis],
                ),
                alt=(
                    "Liggende søyler: klienter per 1 000 innbyggere i hver kommune i fylket. "
                    + ILLUSTRATIVE_BARS
                ),
            )
        )
    money = Section(
        title="Økonomi",
        intro="Tilskudd etter avtalene (§ 6) og operatørenes budsjett og regnskap.",
        tables=[_region_table(data, "money", MONEY_KPIS)],
    )
    findings = [c for c in data.compliance if c["result"] != "pass"]
    compliance = Section(
        title="Etterlevelse og dekning",
        intro=(
            "Fylket vil ha tjenesten i hele fylket: hver kommune skal være dekket av nøyaktig én "
            "avtale. Under vises dekningen og alle krav som ikke er oppfylt ennå."
        ),
        tables=[
            _coverage_table(data),
            *_compliance_tables(data, findings),
        ],
    )
    if not findings:
        compliance.notes.append("Alle krav er oppfylt.")
    population = standing.population_standing(data.funding, data.municipality_kpis)
    return Report(
        title=f"Fellesrapport {year}",
        subtitle="Etablerertjenesten i Buskerud – alle delregioner",
        year=year,
        is_illustrative=illustrative,
        warning=(
            "Noen regioner er illustrative (merket i): eksempeldata som skal erstattes av "
            "fylkets faktiske avtaler."
            if illustrative
            else ""
        ),
        key_figures=[],
        sections=[reach, money, compliance, quality_section(checks)],
        generated_at=generated_at,
        credits=CREDITS,
        standings=standing.of(
            data.regions,
            [data.kpis(r["region_id"], year) for r in data.regions],
            data.municipality_kpis,
            data.municipalities,
            findings,
        ),
        population_credit=standing.population_credit(population),
    )


def render_county_overview(
    db_path: Path, year: int, out_dir: Path, *, checks: list[CheckStatus] | None = None
) -> RenderedOverview:
    data = read_marts(db_path, year, outcomes=False)
    report = build_overview(
        data, checks=checks, generated_at=datetime.now().strftime("%d.%m.%Y %H:%M")
    )
    html_bytes = html.render(report).encode("utf-8")
    pdf_bytes = pdf.render(report)
    folder = Path(out_dir) / str(year)
    html_path = write_atomic(folder / f"fellesrapport_{year}.html", html_bytes)
    pdf_path = write_atomic(folder / f"fellesrapport_{year}.pdf", pdf_bytes)
    return RenderedOverview(year, html_path, pdf_path)


__all__ = ["render_county_overview", "build_overview", "RenderedOverview"]
