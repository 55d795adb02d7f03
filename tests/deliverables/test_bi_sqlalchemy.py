"""Superset reads the published BI file through duckdb-engine (SQLAlchemy). Its database and column
browser asks SQLAlchemy's inspector for schemas, tables, views, columns, keys and indexes; each of
those calls must work on the published file opened read-only, with the locked drivers (issue 23,
point 7). docs.publication.published_at is a timestamp with time zone."""

from datetime import timedelta

import duckdb
import pytest
import sqlalchemy as sa
from duckdb_engine import DuckDBEngineWarning

from deliverables.publish import PublishResult, publish_warehouse
from tests.deliverables.warehouse_fixture import build_live_warehouse, write_manifest

# marts.fct_funding as the publisher copies it from the live warehouse (warehouse_fixture.py),
# with the types SQLAlchemy reflects for DuckDB's varchar, integer, bigint and decimal(18,2).
FCT_FUNDING_COLUMNS = [
    ("agreement_id", "VARCHAR"),
    ("region_id", "VARCHAR"),
    ("funder_id", "VARCHAR"),
    ("year", "INTEGER"),
    ("population", "BIGINT"),
    ("rate_nok_per_inhabitant", "NUMERIC(18, 2)"),
    ("amount_nok", "NUMERIC(18, 2)"),
    ("status", "VARCHAR"),
]
MARTS = ["dim_municipality", "dim_region", "fct_funding", "fct_region_kpis"]


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> PublishResult:
    root = tmp_path_factory.mktemp("bi_sqlalchemy")
    live = build_live_warehouse(root / "warehouse" / "etablerer.duckdb")
    manifest = write_manifest(root / "manifest.json")
    return publish_warehouse(live, root / "warehouse" / "published", manifest_path=manifest)


@pytest.fixture()
def inspector(published):
    # The engine as docs/bi.md tells Superset users to configure it. Disposed after each test:
    # DuckDB refuses a second connection to the file with another configuration in one process.
    engine = sa.create_engine(f"duckdb:///{published.path}", connect_args={"read_only": True})
    yield sa.inspect(engine)
    engine.dispose()


def test_superset_lists_the_schemas_of_the_published_file(inspector):
    # duckdb-engine names a schema <catalog>.<schema>; the catalog is the file's name.
    schemas = [s for s in inspector.get_schema_names() if s.startswith("etablerer_bi.")]
    assert schemas == ["etablerer_bi.docs", "etablerer_bi.main", "etablerer_bi.marts"]


@pytest.mark.parametrize("schema", ["marts", "etablerer_bi.marts"])
def test_superset_lists_the_marts_and_no_views(inspector, schema):
    assert inspector.get_table_names(schema=schema) == MARTS
    assert inspector.get_view_names(schema=schema) == []


@pytest.mark.parametrize("schema", ["marts", "etablerer_bi.marts"])
def test_superset_reads_the_columns_of_fct_funding_with_types_and_descriptions(inspector, schema):
    columns = inspector.get_columns("fct_funding", schema=schema)

    dialect = inspector.bind.dialect
    assert [(c["name"], c["type"].compile(dialect=dialect)) for c in columns] == FCT_FUNDING_COLUMNS
    described = {c["name"]: c["comment"] for c in columns if c["comment"]}
    assert described == {
        "region_id": "Delregion. / Sub-region id.",
        "amount_nok": "Årlig beløp = folketall × stykkpris. / Annual amount.",
    }
    assert inspector.get_table_comment("fct_funding", schema=schema) == {
        "text": "Årlig finansiering per avtale, finansierende part og år. / Annual funding."
    }


def test_superset_reads_keys_and_indexes_of_fct_funding(inspector):
    # The marts are copies (create table as select): no primary key, no foreign key, no index.
    assert inspector.get_pk_constraint("fct_funding", schema="marts") == {
        "name": None,
        "constrained_columns": [],
    }
    assert inspector.get_foreign_keys("fct_funding", schema="marts") == []
    with pytest.warns(DuckDBEngineWarning, match="reflection on indices"):
        assert inspector.get_indexes("fct_funding", schema="marts") == []


def test_published_at_is_a_timestamp_with_time_zone_in_utc(published):
    with duckdb.connect(str(published.path), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        data_type, value = con.execute(
            "select typeof(published_at), published_at from docs.publication"
        ).fetchone()
    assert data_type == "TIMESTAMP WITH TIME ZONE"
    # The instant of the publish (the result holds it in Oslo time), shown in UTC.
    assert value == published.published_at
    assert value.utcoffset() == timedelta(0)


def test_superset_reads_published_at_as_a_time_zone_aware_instant(published, inspector):
    columns = {c["name"]: c for c in inspector.get_columns("publication", schema="docs")}
    published_at = columns["published_at"]
    # A temporal column for Superset. duckdb-engine reflects DuckDB's timestamptz as TIMESTAMP
    # without timezone=True (Mause/duckdb_engine#1263), so the time zone shows in the values.
    assert isinstance(published_at["type"], sa.DateTime)
    assert published_at["comment"].startswith("Når filen ble publisert (UTC)")

    with inspector.bind.connect() as connection:
        value = connection.execute(sa.text("select published_at from docs.publication")).scalar()
    assert value.tzinfo is not None
    assert value == published.published_at
