"""Årsrapport per region and year, as HTML, from the marts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from deliverables import formatting
from deliverables.io import write_atomic

FUNDING_COLUMNS = (
    "agreement_id",
    "region_id",
    "funder_id",
    "funder_name",
    "population_basis_period",
    "population",
    "rate_nok_per_inhabitant",
    "amount_nok",
    "status",
    "status_reason",
    "is_illustrative",
)


@dataclass(frozen=True)
class RenderedReport:
    region_id: str
    year: int
    path: Path


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("deliverables", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
    )
    env.filters["nok"] = formatting.nok
    env.filters["integer"] = formatting.integer
    env.filters["rate"] = formatting.rate
    return env


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def read_report_data(db_path: Path, year: int) -> dict[str, dict[str, Any]]:
    """Everything the reports show, per region, read from the marts in one read-only session."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        regions = _rows(
            con,
            "select region_id, region_name, is_illustrative from marts.dim_region "
            "order by region_id",
            [],
        )
        funding = _rows(
            con,
            f"select {', '.join(FUNDING_COLUMNS)} from marts.fct_funding "
            "where year = ? order by region_id, funder_id",
            [year],
        )
    data: dict[str, dict[str, Any]] = {}
    for region in regions:
        data[region["region_id"]] = {
            "region": region,
            "funding": [f for f in funding if f["region_id"] == region["region_id"]],
        }
    return data


def render_annual_reports(db_path: Path, year: int, out_dir: Path) -> list[RenderedReport]:
    """Writes `arsrapport_<region>_<year>.html` for every region into out_dir/<year>/."""
    template = _environment().get_template("arsrapport.html.j2")
    generated_at = datetime.now().strftime("%d.%m.%Y %H:%M")
    rendered: list[RenderedReport] = []
    for region_id, region_data in read_report_data(db_path, year).items():
        html = template.render(year=year, generated_at=generated_at, **region_data)
        path = out_dir / str(year) / f"arsrapport_{region_id}_{year}.html"
        write_atomic(path, html.encode("utf-8"))
        rendered.append(RenderedReport(region_id=region_id, year=year, path=path))
    return rendered
