"""The annual report's outcomes page: the clients' new businesses followed in the Brønnøysund
register (Enhetsregisteret), from the marts in marts/outcomes.

- survival by cohort, organisation form and horizon from the register, beside SSB 08316's for
  the county, with both definitions as the mart words them (fct_outcome_cohorts);
- start-ups per 10 000 inhabitants per municipality (fct_outcome_startups);
- how the operators' reports match the register, and what to do about it (fct_linkage_findings);
- employees and filed annual accounts (fct_outcome_businesses).

Every figure is a mart value, printed with its marker; a chart draws the same printed texts, so a
share not measurable yet is '–ᵉ' there too, never a zero bar. Nothing is computed here.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from deliverables import charts, labels, standing
from deliverables.marts import MartData, Row
from deliverables.model import (
    SUPERSCRIPT,
    SYNTHETIC,
    Cell,
    Chart,
    Section,
    Source,
    Table,
    figure,
    marked_text,
    text,
)
from deliverables.tables import kpi_cell

TITLE = "Resultater i Brønnøysundregistrene"
HORIZONS = (1, 2, 3, 5)
# Cohorts shown: the report's year and the four before it (survival is followed for 5 years).
COHORT_YEARS = 5

NO_OBSERVATION = (
    "Enhetsregisteret er ikke lest for regionens nyetableringer ennå: datavarehuset har ingen "
    "observasjon av dem. Siden fylles når registeret er lest (etablerer brreg refresh, ukentlig "
    "og før årsrapporten)."
)


def _cohorts(data: MartData, region_id: str) -> list[Row]:
    first = data.year - COHORT_YEARS + 1
    return [
        r
        for r in data.outcome_cohorts
        if r["region_id"] == region_id and first <= r["registration_year"] <= data.year
    ]


def _for_region(rows: list[Row], region_id: str) -> list[Row]:
    return [r for r in rows if r["region_id"] == region_id]


def standings(data: MartData, region_id: str) -> frozenset[str]:
    """What the page's figures rest on: the register's and the operators' (data_standing) and
    SSB's (ssb_data_standing)."""
    cohorts = _cohorts(data, region_id)
    return standing.of(
        cohorts,
        _for_region(data.outcome_startups, region_id),
        _for_region(data.outcome_businesses, region_id),
        _for_region(data.linkage_findings, region_id),
    ) | standing.of(cohorts, column="ssb_data_standing")


def _rests_on(found: Iterable[str], illustrative: bool) -> str:
    """The chart's note: what its figures rest on, with the markers the texts carry."""
    notes = []
    if "synthetic" in set(found):
        notes.append(f"{SUPERSCRIPT[SYNTHETIC]} syntetiske tall")
    if illustrative:
        notes.append("ⁱ illustrativ region (eksempeldata)")
    return " · ".join(notes)


# --- survival: the register beside SSB ------------------------------------------------------


def _cohort_where(row: Row) -> tuple[tuple[str, Any], ...]:
    return tuple(
        (key, row[key])
        for key in ("as_of_date", "region_id", "registration_year", "org_form", "horizon_years")
    )


def _register_share(row: Row | None) -> Cell:
    if row is None:
        return figure(None, "share")
    where = dict(_cohort_where(row))
    return kpi_cell(row, "survival_share", "share", "fct_outcome_cohorts", where)


def _register_n(row: Row | None) -> Cell:
    if row is None:
        return figure(None, "int")
    n = row["survival_share_n"]
    return figure(
        n,
        "int",
        suppressed=n is None,  # n is null only when hidden
        source=Source("fct_outcome_cohorts", "survival_share_n", _cohort_where(row)),
        standing=row["data_standing"],
    )


def _ssb_share(row: Row | None) -> Cell:
    if row is None:
        return figure(None, "share")
    return figure(
        row["ssb_survival_share"],
        "share",
        source=Source("fct_outcome_cohorts", "ssb_survival_share", _cohort_where(row)),
        standing=row["ssb_data_standing"],
    )


def _by_cohort(cohorts: list[Row]) -> dict[tuple[int, str], dict[int, Row]]:
    grouped: dict[tuple[int, str], dict[int, Row]] = {}
    for row in cohorts:
        grouped.setdefault((row["registration_year"], row["org_form"]), {})[
            row["horizon_years"]
        ] = row
    return grouped


def _survival_table(cohorts: list[Row]) -> Table:
    """A row per cohort and form: per horizon the register's share, its n, and SSB's share. The
    page's width holds no more: a share with its marker ('100,00 %ˢ') needs every millimetre
    of its column, so the cohort's size is left to n."""
    rows = []
    for (year, form), by_horizon in _by_cohort(cohorts).items():
        cells = [text(f"{year} {form}")]
        for horizon in HORIZONS:
            row = by_horizon.get(horizon)
            cells += [_register_share(row), _register_n(row), _ssb_share(row)]
        rows.append(cells)
    return Table(
        key="outcome_survival",
        headers=[
            "Kohort",
            *[h for horizon in HORIZONS for h in (f"{horizon} år", "n", "SSB")],
        ],
        rows=rows,
        widths=[15.5, *[15.8, 8.2, 15.8] * len(HORIZONS)],
        caption="Andel som overlever, registeret (med n) og SSB",
    )


def _ssb_cohorts(cohorts: list[Row]) -> str:
    """'2023 (1 år), 2022 (2 år), …': SSB's cohort behind each horizon's figure."""
    parts = []
    for horizon in HORIZONS:
        years = sorted(
            {r["ssb_cohort_year"] for r in cohorts if r["horizon_years"] == horizon} - {None}
        )
        if years:
            parts.append(f"{'/'.join(str(y) for y in years)} ({horizon} år)")
    return ", ".join(parts)


def _definitions(cohorts: list[Row]) -> str:
    """Both definitions, as the mart words them for one year's horizon."""
    first = min(HORIZONS)
    register = next(
        (r["survival_definition"] for r in cohorts if r["horizon_years"] == first), None
    )
    ssb = next(
        (
            r["ssb_survival_definition"]
            for r in cohorts
            if r["horizon_years"] == first and r["ssb_survival_definition"]
        ),
        None,
    )
    parts = ["De to kildene måler ulike ting."]
    if register:
        parts.append(f"{register} For 2, 3 og 5 år tilsvarende.")
    if ssb:
        parts.append(f"{ssb} SSB-kohortene: {_ssb_cohorts(cohorts)}.")
    return " ".join(parts)


def _county_name(data: MartData, cohorts: list[Row]) -> str:
    code = next((r["ssb_region_code"] for r in cohorts if r["ssb_region_code"]), None)
    names = {m["county_code"]: m.get("county_name") for m in data.municipalities}
    return names.get(code) or (f"fylke {code}" if code else "fylket")


def _chart_cohort(cohorts: list[Row]) -> int:
    """The newest cohort with a measurable register share, else the newest."""
    measurable = [r["registration_year"] for r in cohorts if r["measurability"] == "measurable"]
    return max(measurable or [r["registration_year"] for r in cohorts])


def survival_chart_bars(
    cohorts: list[Row],
) -> tuple[int, list[str], dict[str, list[tuple[Decimal | None, str]]]]:
    """The survival chart's cohort, its categories (form and horizon) and, per source, each
    bar's (value, printed text): the table's cells, so a share with no figure is drawn as its
    dash and marker ('–ᵉ', '–ᵖ', '–ᵐ') and never as a bar."""
    year = _chart_cohort(cohorts)
    grouped = {form: rows for (y, form), rows in _by_cohort(cohorts).items() if y == year}
    categories: list[str] = []
    bars: dict[str, list[tuple[Decimal | None, str]]] = {"register": [], "ssb": []}
    for form, by_horizon in grouped.items():
        for horizon in HORIZONS:
            row = by_horizon.get(horizon)
            categories.append(f"{form}\n{horizon} år")
            bars["register"].append(
                (row and row["survival_share"], marked_text(_register_share(row)))
            )
            bars["ssb"].append((row and row["ssb_survival_share"], marked_text(_ssb_share(row))))
    return year, categories, bars


def _survival_chart(cohorts: list[Row], county: str, illustrative: bool) -> Chart:
    year, categories, bars = survival_chart_bars(cohorts)
    shown = [r for r in cohorts if r["registration_year"] == year]
    note = _rests_on(
        [r["data_standing"] for r in shown] + [r["ssb_data_standing"] or "" for r in shown],
        illustrative,
    )
    labels_by_source = {"register": "Registeret", "ssb": f"SSB 08316, {county}"}
    synthetic = " (syntetiske tall)" if "syntetiske" in note else ""
    return Chart(
        key="outcome_survival",
        title=f"Overlevelse for kohort {year}: registeret mot SSB{synthetic}",
        png=charts.grouped_bars(
            categories,
            {labels_by_source[k]: [v for v, _ in b] for k, b in bars.items()},
            texts={labels_by_source[k]: [t for _, t in b] for k, b in bars.items()},
            ylabel="Andel som overlever",
            kind="share",
            note=note,
            illustrative=illustrative,
        ),
        alt=(
            f"Stolper per organisasjonsform og horisont for kohort {year}: andelen som overlever "
            f"etter registeret og etter SSB ({county}). Et tall som ikke er målbart ennå (–ᵉ), "
            "skjult (–ᵖ) eller mangler (–ᵐ), har ingen stolpe."
        ),
    )


def _survival_section(data: MartData, cohorts: list[Row], illustrative: bool) -> Section:
    as_of = max(r["as_of_date"] for r in cohorts)
    county = _county_name(data, cohorts)
    return Section(
        title="Overlevelse: registeret mot SSB",
        level=2,
        intro=(
            "Andelen av klientenes nyetableringer som fortsatt er i drift 1, 2, 3 og 5 år etter "
            "registrering, per registreringsår (kohort) og organisasjonsform, fra "
            f"Enhetsregisteret slik det var {as_of:%d.%m.%Y}, ved siden av SSBs tall for "
            f"{county}, samme form og horisont. n er foretakene som har nådd horisonten; før "
            f"noen har det, er andelen ikke målbar ennå. {_definitions(cohorts)}"
        ),
        tables=[_survival_table(cohorts)],
        charts=[_survival_chart(cohorts, county, illustrative)],
    )


# --- start-ups per 10 000 inhabitants ------------------------------------------------------


def _startup_cells(row: Row | None, with_population: bool) -> list[Cell]:
    if row is None:
        return [figure(None, "int")] * (3 if with_population else 2)
    where = tuple((key, row[key]) for key in ("region_id", "municipality_code", "year"))
    hidden = bool(row["startups_suppressed"])
    cells = [
        figure(
            row["startups"],
            "int",
            suppressed=hidden,
            source=Source("fct_outcome_startups", "startups", where),
            standing=row["data_standing"],
        ),
        figure(
            row["startups_per_10000_inhabitants"],
            "dec",
            suppressed=hidden,
            source=Source("fct_outcome_startups", "startups_per_10000_inhabitants", where),
            standing=row["data_standing"],
        ),
    ]
    if with_population:
        population = figure(
            row["population"],
            "int",
            source=Source("fct_outcome_startups", "population", where),
            standing=row["data_standing"],
        )
        cells.insert(0, population)
    return cells


def _startups_section(data: MartData, region_id: str, illustrative: bool) -> Section:
    year = data.year
    startups = _for_region(data.outcome_startups, region_id)
    by_municipality: dict[str, dict[int, Row]] = {}
    for row in startups:
        by_municipality.setdefault(row["municipality_code"], {})[row["year"]] = row
    rows, names, values, texts = [], [], [], []
    for code, by_year in by_municipality.items():
        name = next(iter(by_year.values()))["municipality_name"] or code
        this_year = _startup_cells(by_year.get(year), with_population=True)
        rows.append(
            [
                text(f"{name} ({code})"),
                *this_year,
                *_startup_cells(by_year.get(year - 1), with_population=False),
            ]
        )
        names.append(name)
        values.append((by_year.get(year) or {}).get("startups_per_10000_inhabitants"))
        texts.append(marked_text(this_year[2]))
    section = Section(
        title="Nyetableringer per 10 000 innbyggere",
        level=2,
        intro=(
            "Klientenes nyetableringer som Enhetsregisteret kjenner, etter registerets "
            "registreringsår og klientens bostedskommune, per 10 000 innbyggere (folketallet "
            "1. januar), slik Business Gateway i Skottland måler det. Året er ikke omme før "
            "registeret er lest etter nyttår."
        ),
        tables=[
            Table(
                key="outcome_startups",
                headers=[
                    "Kommune",
                    f"Innbyggere {year}",
                    f"Nyetableringer {year}",
                    f"Per 10 000 {year}",
                    f"Nyetableringer {year - 1}",
                    f"Per 10 000 {year - 1}",
                ],
                rows=rows,
                widths=[2.6, 1.4, 1.6, 1.4, 1.6, 1.4],
            )
        ],
    )
    if rows:
        # the bars' own legend says which are illustrative
        rests_on = _rests_on([r["data_standing"] for r in startups if r["year"] == year], False)
        section.charts.append(
            Chart(
                key="outcome_startups",
                title=f"Nyetableringer per 10 000 innbyggere {year}"
                + (" (syntetiske tall)" if rests_on else ""),
                png=charts.horizontal_bars(
                    names,
                    values,
                    xlabel="Nyetableringer blant klientene per 10 000 innbyggere",
                    illustrative=[illustrative] * len(names),
                    texts=texts,
                    note=rests_on,
                ),
                alt=(
                    f"Liggende søyler: klientenes nyetableringer per 10 000 innbyggere i {year}, "
                    "per kommune. Et skjult tall (–ᵖ) har ingen søyle."
                ),
            )
        )
    return section


# --- linkage findings: the reports against the register ------------------------------------


def _finding_cell(row: Row | None, column: str) -> Cell:
    if row is None:
        return figure(None, "int")
    if column == "findings" and row["checked_businesses"] == 0:
        return figure(None, "int", not_yet=True)  # none looked up yet: no count of findings
    where = tuple((key, row[key]) for key in ("region_id", "year", "finding_kind"))
    return figure(
        row[column],
        "int",
        suppressed=row[f"{column}_suppressed"],
        source=Source("fct_linkage_findings", column, where),
        standing=row["data_standing"],
    )


def _findings_section(data: MartData, region_id: str) -> Section:
    year = data.year
    found = {
        (r["year"], r["finding_kind"]): r for r in _for_region(data.linkage_findings, region_id)
    }
    rows = [
        [
            text(label),
            _finding_cell(found.get((year, kind)), "findings"),
            _finding_cell(found.get((year - 1, kind)), "findings"),
            text(action),
        ]
        for kind, (label, action) in labels.LINKAGE_FINDINGS.items()
    ]
    first = next(iter(labels.LINKAGE_FINDINGS))
    for column, label, action in (
        ("reported_businesses", "Rapporterte nyetableringer", ""),
        (
            "checked_businesses",
            "Av dem slått opp i registeret",
            "Et foretak slås opp når registeret er lest etter registreringsdatoen (ukentlig).",
        ),
    ):
        rows.append(
            [
                text(label),
                _finding_cell(found.get((year, first)), column),
                _finding_cell(found.get((year - 1, first)), column),
                text(action),
            ]
        )
    observed = max(
        (r["register_observed_on"] for r in found.values() if r["register_observed_on"]),
        default=None,
    )
    when = f" (lest {observed:%d.%m.%Y})" if observed else ""
    return Section(
        title="Rapportene mot registeret",
        level=2,
        intro=(
            "Nyetableringene operatøren har rapportert, kontrollert mot Enhetsregisteret"
            f"{when}, per rapporteringsår. Et avvik er en merknad under etterlevelse av avtalen, "
            "og operatøren ser hvert enkelt i tilbakemeldingen på leveransen (etablerer validate)."
        ),
        tables=[
            Table(
                key="outcome_linkage",
                headers=["Funn", str(year), str(year - 1), "Hva operatøren bør gjøre"],
                rows=rows,
                widths=[3.2, 0.9, 0.9, 5.0],
            )
        ],
    )


# --- employees and annual accounts ---------------------------------------------------------


def _business_row(row: Row) -> list[Cell]:
    where = {"region_id": row["region_id"], "year": row["year"]}
    source = tuple(where.items())

    def count(column: str, hidden_flag: str) -> Cell:
        return figure(
            row[column],
            "int",
            suppressed=bool(row[hidden_flag]),
            source=Source("fct_outcome_businesses", column, source),
            standing=row["data_standing"],
        )

    accounts_n = row["annual_accounts_share_n"]
    return [
        text(row["year"]),
        kpi_cell(row, "businesses", "int", "fct_outcome_businesses", where),
        count("employees_first_observed", "businesses_with_employees_first_observed_suppressed"),
        count(
            "businesses_with_employees_first_observed",
            "businesses_with_employees_first_observed_suppressed",
        ),
        count("employees_latest", "businesses_with_employees_latest_suppressed"),
        count("businesses_with_employees_latest", "businesses_with_employees_latest_suppressed"),
        kpi_cell(row, "annual_accounts_share", "share", "fct_outcome_businesses", where),
        figure(
            accounts_n,
            "int",
            suppressed=accounts_n is None,  # null only when hidden
            source=Source("fct_outcome_businesses", "annual_accounts_share_n", source),
            standing=row["data_standing"],
        ),
    ]


def _businesses_section(data: MartData, region_id: str) -> Section:
    businesses = _for_region(data.outcome_businesses, region_id)
    return Section(
        title="Ansatte og årsregnskap",
        level=2,
        intro=(
            "Klientenes nyetableringer som registeret kjenner, per registreringsår: ansatte "
            "summert ved første observasjon i registeret og ved siste, med n foretak som har et "
            "tall (et manglende tall er ikke null), og andelen som har levert årsregnskap blant "
            "dem som skulle ha levert sitt første (31. juli året etter registreringsåret). Et ENK "
            "har ikke regnskapsplikt under regnskapslovens grenser."
        ),
        tables=[
            Table(
                key="outcome_businesses",
                headers=[
                    "Registreringsår",
                    "Foretak",
                    "Ansatte første gang",
                    "n",
                    "Ansatte nå",
                    "n",
                    "Levert årsregnskap",
                    "n",
                ],
                rows=[_business_row(row) for row in businesses],
                widths=[1.9, 1.2, 1.5, 0.8, 1.3, 0.8, 1.6, 0.8],
            )
        ],
    )


# --- the page --------------------------------------------------------------------------------


def outcome_sections(data: MartData, region: Row) -> list[Section]:
    """The outcomes page: a section of its own in the PDF, right after the KPIs."""
    region_id = region["region_id"]
    illustrative = bool(region["is_illustrative"])
    cohorts = _cohorts(data, region_id)
    observed = bool(cohorts or _for_region(data.outcome_startups, region_id))
    rests_on = standings(data, region_id)
    synthetic = (
        " Registeruttrekket og SSBs tabell 08316 er syntetiske her, laget for demonstrasjon: "
        "tallene er ikke registerets eller SSBs."
        if "synthetic" in rests_on
        else ""
    )
    page = Section(
        title=TITLE,
        new_page=True,
        intro=(
            "Hvordan det går med klientenes nyetableringer, fulgt i Enhetsregisteret "
            "(Brønnøysundregistrene) med foretakets pseudonym, aldri organisasjonsnummeret: "
            "overlevelse mot SSBs statistikk, nyetableringer per innbygger og avvik mellom "
            f"operatørens rapporter og registeret.{synthetic}"
            if observed
            else NO_OBSERVATION
        ),
    )
    if not observed:
        # the reported businesses, none looked up yet
        reported = _for_region(data.linkage_findings, region_id)
        return [page, _findings_section(data, region_id)] if reported else [page]
    sections = [page]
    if cohorts:
        sections.append(_survival_section(data, cohorts, illustrative))
    sections += [
        _startups_section(data, region_id, illustrative),
        _findings_section(data, region_id),
        _businesses_section(data, region_id),
    ]
    return sections
