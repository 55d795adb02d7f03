"""A small live warehouse shaped like the pipeline's: marts and dims from dbt, and the raw, staging
and seed tables with person-level rows that must never reach the published file."""

import json
from decimal import Decimal
from pathlib import Path

import duckdb

# What the county pays Ringeriksregionen per year (46 790 × 5.50), and a changed figure that a
# second publish must show.
COUNTY_AMOUNT = Decimal("257345.00")
CHANGED_COUNTY_AMOUNT = Decimal("263500.00")

MART_DDL = {
    "dim_region": """
        create table marts.dim_region as
        select * from (values
            ('ringeriksregionen', 'Ringeriksregionen', '33', false),
            ('hallingdal', 'Hallingdal', '33', true)
        ) t(region_id, region_name, county_code, is_illustrative)
    """,
    "dim_municipality": """
        create table marts.dim_municipality as
        select * from (values
            ('3305', 'Ringerike', 'ringeriksregionen'),
            ('3310', 'Hole', 'ringeriksregionen'),
            ('3324', 'Gol', 'hallingdal')
        ) t(municipality_code, municipality_name, region_id)
    """,
    "fct_funding": """
        create table marts.fct_funding (
            agreement_id varchar, region_id varchar, funder_id varchar, year integer,
            population bigint, rate_nok_per_inhabitant decimal(18,2), amount_nok decimal(18,2),
            status varchar
        )
    """,
    "fct_region_kpis": """
        create table marts.fct_region_kpis as
        select * from (values
            ('ringeriksregionen', 2026, 41, 12.5::decimal(9,2)),
            ('hallingdal', 2026, 17, 9.0::decimal(9,2))
        ) t(region_id, year, n_unique_clients, guidance_hours_per_client)
    """,
}

MANIFEST_DESCRIPTIONS = {
    "fct_funding": (
        "Årlig finansiering per avtale, finansierende part og år. / Annual funding.",
        {
            "amount_nok": "Årlig beløp = folketall × stykkpris. / Annual amount.",
            "region_id": "Delregion. / Sub-region id.",
        },
    ),
    "dim_region": ("Delregioner. / Sub-regions.", {"region_id": "Delregion. / Sub-region id."}),
}


def funding_rows(county_amount: Decimal) -> list[tuple]:
    return [
        ("ringeriksregionen_2026", "ringeriksregionen", "33", 2026, 46790, Decimal("5.50"),
         county_amount, "ok"),
        ("ringeriksregionen_2026", "ringeriksregionen", "3305", 2026, 31000, None, None,
         "rate_missing"),
        ("hallingdal_2026", "hallingdal", "33", 2026, 20600, Decimal("5.50"),
         Decimal("113300.00"), "ok"),
    ]  # fmt: skip


def build_live_warehouse(db_path: Path, *, county_amount: Decimal = COUNTY_AMOUNT) -> Path:
    """Write (or rewrite) the live warehouse with raw person-level tables and the marts."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(db_path)) as con:
        for schema in ("raw", "seeds", "staging", "intermediate", "marts"):
            con.execute(f"drop schema if exists {schema} cascade")
            con.execute(f"create schema {schema}")
        con.execute(
            "create table raw.clients as select 'a1b2c3' as client_key, 'f00d' as person_key, "
            "'3305' as municipality_code, 1990 as birth_year, true as has_email"
        )
        con.execute("create table seeds.regions as select 'ringeriksregionen' as region_id")
        con.execute("create view staging.stg_operators__clients as select * from raw.clients")
        con.execute(
            "create table intermediate.int_clients as select client_key, 2026 as year "
            "from raw.clients"
        )
        for ddl in MART_DDL.values():
            con.execute(ddl)
        con.executemany(
            "insert into marts.fct_funding values (?, ?, ?, ?, ?, ?, ?, ?)",
            funding_rows(county_amount),
        )
    return db_path


def write_manifest(path: Path) -> Path:
    """A manifest with the fields the publisher reads, in dbt's shape."""
    nodes = {
        f"model.etablerer.{name}": {
            "unique_id": f"model.etablerer.{name}",
            "resource_type": "model",
            "name": name,
            "alias": name,
            "schema": "marts",
            "description": description,
            "columns": {c: {"name": c, "description": d} for c, d in columns.items()},
        }
        for name, (description, columns) in MANIFEST_DESCRIPTIONS.items()
    }
    nodes["model.etablerer.stg_operators__clients"] = {
        "unique_id": "model.etablerer.stg_operators__clients",
        "resource_type": "model",
        "name": "stg_operators__clients",
        "alias": "stg_operators__clients",
        "schema": "staging",
        "description": "",
        "columns": {},
    }
    path.write_text(
        json.dumps({"metadata": {"generated_at": "2026-01-03T06:00:00Z"}, "nodes": nodes}),
        encoding="utf-8",
    )
    return path
