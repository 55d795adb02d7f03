"""The BI schema on PostgreSQL (issue 22, point 4): the sample's marts, dims and documentation in
schema `bi` of a throwaway server, read back as `bi_reader` row for row; writes refused; readers
with open transactions neither fail nor hold up a run, and see only whole versions.

Analysts connect with their own login that is a member of bi_reader (docs/bi.md); the tests' login
`analyst` has that membership and nothing else."""

import json
import logging
import re
import socket
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path

import dagster as dg
import duckdb
import psycopg
import pytest
from psycopg import sql

from deliverables import bi_postgres
from deliverables.publish import person_level_columns, publish_warehouse
from orchestration.defs.common.resources import WarehouseResource
from tests.postgres_server import PostgresServer

ANALYST = "analyst"
DOCS = {"docs_tables": "tables", "docs_columns": "columns", "docs_publication": "publication"}


@pytest.fixture
def bi_database(postgres_server: PostgresServer, request) -> Iterator[str]:
    """A fresh database on the session's server for one test; its URL (the superuser's)."""
    name = "bi_" + re.sub(r"\W+", "_", request.node.name).lower()[:50]
    with psycopg.connect(postgres_server.url(), autocommit=True) as admin:
        admin.execute(
            sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name))
        )
        admin.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    yield postgres_server.url(dbname=name)
    with psycopg.connect(postgres_server.url(), autocommit=True) as admin:
        admin.execute(sql.SQL("drop database {} with (force)").format(sql.Identifier(name)))


@pytest.fixture(scope="module")
def sample_published(deliverables_warehouse, dbt_manifest, tmp_path_factory) -> Path:
    """The sample's published DuckDB file (publish.py), the input of every PostgreSQL publish."""
    out = tmp_path_factory.mktemp("bi_postgres_published")
    return publish_warehouse(deliverables_warehouse, out, manifest_path=dbt_manifest).path


def _analyst(url: str, **kwargs) -> psycopg.Connection:
    """A login whose only privilege is membership in bi_reader, as docs/bi.md sets one up."""
    with psycopg.connect(url, autocommit=True) as admin:
        if not admin.execute("select 1 from pg_roles where rolname = %s", [ANALYST]).fetchone():
            admin.execute(sql.SQL("create role {} login").format(sql.Identifier(ANALYST)))
        admin.execute(sql.SQL("grant bi_reader to {}").format(sql.Identifier(ANALYST)))
    dbname = psycopg.conninfo.conninfo_to_dict(url)["dbname"]
    host, port = re.search(r"@([^:/]+):(\d+)/", url).groups()
    return psycopg.connect(
        host=host, port=port, dbname=dbname, user=ANALYST, application_name="Power BI", **kwargs
    )


def _bi_tables(conn: psycopg.Connection) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "select table_name from information_schema.tables where table_schema = 'bi' "
            "order by table_name"
        )
    ]


def _sorted(rows) -> list[tuple]:
    return sorted(rows, key=lambda row: tuple((v is None, v) for v in row))


def _assert_same_rows(found: list[tuple], expected: list[tuple], table: str) -> None:
    """Equal rows, and each value of the same Python type; a Decimal with the same scale."""
    assert len(found) == len(expected), table
    for got, want in zip(_sorted(found), _sorted(expected), strict=True):
        assert got == want, table
        for a, b in zip(got, want, strict=True):
            assert type(a) is type(b), (table, a, b)
            if isinstance(a, Decimal):
                assert a.as_tuple().exponent == b.as_tuple().exponent, (table, a, b)


def test_every_mart_reads_back_as_bi_reader_row_for_row(
    bi_database, sample_published, deliverables_warehouse
):
    result = bi_postgres.publish_bi_postgres(sample_published, bi_database)

    with duckdb.connect(str(deliverables_warehouse), read_only=True) as live:
        marts = [
            r[0]
            for r in live.execute(
                "select table_name from information_schema.tables where table_catalog = "
                "current_database() and table_schema = 'marts' order by table_name"
            ).fetchall()
        ]
        expected = {t: live.execute(f"select * from marts.{t}").fetchall() for t in marts}
    with duckdb.connect(str(sample_published), read_only=True) as published:
        published.execute("set TimeZone = 'UTC'")
        for table, source in DOCS.items():
            rows = published.execute(f"select * from docs.{source}").fetchall()
            if source in ("tables", "columns"):  # schema_name: the tables live in bi here
                assert {r[0] for r in rows} == {"marts"}
                rows = [("bi", *r[1:]) for r in rows]
            expected[table] = rows

    assert result.published and result.attempts == 1
    assert len(marts) >= 11 and {"fct_funding", "fct_payouts", "dim_region"} <= set(marts)
    with _analyst(bi_database) as analyst:
        assert _bi_tables(analyst) == sorted(expected)
        for table, rows in expected.items():
            found = analyst.execute(sql.SQL("select * from bi.{}").format(sql.Identifier(table)))
            _assert_same_rows(found.fetchall(), rows, table)
            assert result.rows[table] == len(rows)
        types = {
            (table, column): pg_type
            for table, column, pg_type in analyst.execute(
                "select c.relname, a.attname, format_type(a.atttypid, a.atttypmod) "
                "from pg_class c join pg_attribute a on a.attrelid = c.oid "
                "where c.relnamespace = 'bi'::regnamespace and a.attnum > 0"
            ).fetchall()
        }
    # Money stays decimal, dates dates, booleans booleans; no person-level column.
    assert types[("fct_funding", "amount_nok")] == "numeric(18,2)"
    assert types[("fct_payouts", "due_date")] == "date"
    assert types[("dim_region", "is_illustrative")] == "boolean"
    assert types[("docs_publication", "published_at")] == "timestamp with time zone"
    columns: dict[str, list[str]] = {}
    for table, column in types:
        columns.setdefault(table, []).append(column)
    assert person_level_columns(columns) == []


def test_the_reader_role_has_no_login_and_reads_only_bi(bi_database, sample_published):
    result = bi_postgres.publish_bi_postgres(sample_published, bi_database)
    with psycopg.connect(bi_database) as admin:
        attributes = admin.execute(
            "select rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolinherit "
            "from pg_roles where rolname = 'bi_reader'"
        ).fetchone()
        privileges = admin.execute(
            "select table_name, string_agg(privilege_type, ',') from "
            "information_schema.role_table_grants where grantee = 'bi_reader' group by 1"
        ).fetchall()
        default = admin.execute(
            "select defaclacl::text from pg_default_acl where defaclnamespace = 'bi'::regnamespace"
        ).fetchone()[0]
    assert attributes == (False, False, False, False, True)
    assert {p for _, p in privileges} == {"SELECT"}
    assert sorted(t for t, _ in privileges) == sorted(result.rows)  # every table in bi, no other
    assert {"fct_funding", "dim_region", "docs_columns"} <= set(result.rows)
    assert "bi_reader=r/" in default  # tables created later in bi are readable too


@pytest.mark.parametrize(
    "statement",
    [
        "insert into bi.fct_funding (year) values (2030)",
        "update bi.fct_funding set year = 2030",
        "delete from bi.fct_funding",
        "truncate bi.fct_funding",
        "create table bi.notes (note text)",
        "create view bi.my_funding as select * from bi.fct_funding",
        "create schema scratch",
        "alter table bi.fct_funding add column note text",
        "drop table bi.fct_funding",
        "comment on table bi.fct_funding is 'mine'",
        # Row and table locks that would hold up the publisher's DELETE are refused too.
        "select * from bi.fct_funding for share",
        "lock table bi.fct_funding in share mode",
    ],
)
def test_writing_as_bi_reader_is_refused(bi_database, sample_published, statement):
    bi_postgres.publish_bi_postgres(sample_published, bi_database)
    with _analyst(bi_database) as analyst:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            analyst.execute(statement)
        analyst.rollback()
        analyst.execute("set role bi_reader")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            analyst.execute(statement)


def test_tables_and_columns_carry_dbt_descriptions_as_comments(
    bi_database, sample_published, dbt_manifest
):
    bi_postgres.publish_bi_postgres(sample_published, bi_database)
    with _analyst(bi_database) as analyst:
        table_comments = dict(
            analyst.execute(
                "select c.relname, obj_description(c.oid, 'pg_class') from pg_class c "
                "where c.relnamespace = 'bi'::regnamespace and c.relkind = 'r'"
            ).fetchall()
        )
        documented = dict(
            analyst.execute("select table_name, description from bi.docs_tables").fetchall()
        )
        column_comments = {
            (t, c): d
            for t, c, d in analyst.execute(
                "select c.relname, a.attname, col_description(c.oid, a.attnum) from pg_class c "
                "join pg_attribute a on a.attrelid = c.oid where c.relnamespace = "
                "'bi'::regnamespace and a.attnum > 0"
            ).fetchall()
        }
        described = {
            (t, c): d
            for t, c, d in analyst.execute(
                "select table_name, column_name, description from bi.docs_columns "
                "where description <> ''"
            ).fetchall()
        }
    assert {t: table_comments[t] for t in documented} == documented
    assert all(documented.values())
    assert table_comments["docs_columns"].startswith("Én rad per kolonne")
    assert {k: column_comments[k] for k in described} == described
    assert len(described) > 300
    nodes = json.loads(dbt_manifest.read_text(encoding="utf-8"))["nodes"]
    dbt_description = nodes["model.etablerer.fct_funding"]["columns"]["amount_nok"]["description"]
    assert column_comments[("fct_funding", "amount_nok")] == " ".join(dbt_description.split())
    assert column_comments[("docs_publication", "published_at")].startswith("Når filen")


def _materialize(live: Path) -> dg.ExecuteInProcessResult:
    """A run of the asset, as `etablerer run` makes one, against a copy of the warehouse. The
    run's warnings are kept as `run.warnings`."""
    from orchestration.defs.publish.assets import published_warehouse

    instance = dg.DagsterInstance.ephemeral()
    run = dg.materialize(
        [published_warehouse],
        partition_key="2026",
        resources={"warehouse": WarehouseResource(duckdb_path=str(live))},
        instance=instance,
        raise_on_error=False,
    )
    run.warnings = [
        entry.user_message
        for entry in instance.all_logs(run.run_id)
        if entry.level == logging.WARNING
    ]
    return run


def _metadata(run: dg.ExecuteInProcessResult) -> dict:
    materialization = run.asset_materializations_for_node("published_warehouse")[0]
    return {k: v.value for k, v in materialization.metadata.items()}


def _version_sql(tables: list[str]) -> sql.Composed:
    """One statement, so one snapshot: every table's row count and the rows docs_tables claims."""
    counts = [sql.SQL("(select count(*) from bi.{})").format(sql.Identifier(t)) for t in tables]
    return sql.SQL("select {}, (select sum(n_rows) from bi.docs_tables)").format(
        sql.SQL(", ").join(counts)
    )


def _drop_a_row_from_every_mart(live: Path) -> None:
    """A new version in which every mart (all tables) has one row fewer."""
    with duckdb.connect(str(live)) as con:
        for (table,) in con.execute(
            "select table_name from information_schema.tables where table_catalog = "
            "current_database() and table_schema = 'marts'"
        ).fetchall():
            con.execute(
                f"delete from marts.{table} where rowid = (select min(rowid) from marts.{table})"
            )


def test_a_repeatable_read_reader_across_a_run_sees_whole_versions_and_fails_nothing(
    bi_database, warehouse_copy, dbt_manifest, monkeypatch
):
    monkeypatch.setenv(bi_postgres.URL_ENV, bi_database)
    assert _materialize(warehouse_copy).success
    with _analyst(bi_database, autocommit=True) as probe:
        tables = _bi_tables(probe)
    version_sql = _version_sql(tables)

    reader = _analyst(bi_database)
    reader.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    old = reader.execute(version_sql).fetchone()  # the snapshot; the transaction stays open

    # Beside it, a READ COMMITTED reader polls until the run is over: each statement must see one
    # whole version.
    seen, errors, done = set(), [], threading.Event()

    def poll() -> None:
        try:
            with _analyst(bi_database, autocommit=True) as poller:
                while not done.is_set():
                    seen.add(poller.execute(version_sql).fetchone())
                seen.add(poller.execute(version_sql).fetchone())
        except Exception as error:  # reported below, in the test's thread
            errors.append(error)

    poller = threading.Thread(target=poll)
    poller.start()
    _drop_a_row_from_every_mart(warehouse_copy)
    try:
        run = _materialize(warehouse_copy)
    finally:
        done.set()
        poller.join()

    assert run.success
    metadata = _metadata(run)
    assert metadata["bi_postgres"] == "publisert"
    assert metadata["bi_postgres_attempts"] == 1  # the open transaction held nothing up
    assert reader.execute(version_sql).fetchone() == old  # before its commit: all old
    reader.commit()
    new = reader.execute(version_sql).fetchone()
    reader.close()

    n_marts = len(tables) - len(DOCS)
    marts_at = [tables.index(t) for t in tables if t not in DOCS]
    assert [new[i] for i in marts_at] == [old[i] - 1 for i in marts_at]  # after: all new
    assert new[-1] == old[-1] - n_marts
    assert errors == []
    assert seen <= {old, new} and new in seen


@pytest.mark.parametrize(
    "isolation",
    [psycopg.IsolationLevel.READ_COMMITTED, psycopg.IsolationLevel.REPEATABLE_READ],
    ids=["read_committed_holds_the_table", "repeatable_read_holds_a_snapshot"],
)
def test_a_reader_holding_a_changed_table_defers_postgres_and_the_run_succeeds(
    bi_database, warehouse_copy, dbt_manifest, monkeypatch, isolation
):
    """A new column means dropping and recreating the table, which no open reader may watch.
    READ COMMITTED: the reader's lock on the table makes the DROP time out. REPEATABLE READ: its
    snapshot would see the recreated table empty, so the publisher does not start."""
    monkeypatch.setenv(bi_postgres.URL_ENV, bi_database)
    monkeypatch.setattr(bi_postgres, "LOCK_TIMEOUT_SECONDS", 0.5)
    monkeypatch.setattr(bi_postgres, "PAUSE_SECONDS", 0.1)
    assert _materialize(warehouse_copy).success
    reader = _analyst(bi_database)
    reader.isolation_level = isolation
    before = reader.execute("select count(*), sum(amount_nok) from bi.fct_funding").fetchone()
    pid = reader.info.backend_pid
    with duckdb.connect(str(warehouse_copy)) as con:
        con.execute("alter table marts.fct_funding add column funding_note varchar")

    run = _materialize(warehouse_copy)

    assert run.success
    metadata = _metadata(run)
    assert metadata["bi_postgres"] == "hoppet over"
    assert metadata["bi_postgres_attempts"] == bi_postgres.ATTEMPTS
    assert [b for b in metadata["bi_postgres_blockers"] if f"pid {pid} (analyst, Power BI" in b]
    assert [w for w in run.warnings if "ble ikke oppdatert" in w and f"pid {pid}" in w]
    with duckdb.connect(str(Path(metadata["path"])), read_only=True) as published:
        assert published.execute(
            "select count(*) from information_schema.columns where column_name = 'funding_note'"
        ).fetchone() == (1,)  # the DuckDB file is published all the same
    assert reader.execute("select count(*), sum(amount_nok) from bi.fct_funding").fetchone() == (
        before
    )
    reader.commit()
    reader.close()
    with _analyst(bi_database, autocommit=True) as probe:
        assert probe.execute(
            "select count(*) from information_schema.columns where table_name = 'fct_funding' "
            "and column_name = 'funding_note'"
        ).fetchone() == (0,)  # the old version, whole

    run = _materialize(warehouse_copy)  # the reader is gone: the next run publishes it

    assert _metadata(run)["bi_postgres"] == "publisert"
    with _analyst(bi_database, autocommit=True) as probe:
        assert probe.execute(
            "select count(*), sum(amount_nok), count(funding_note) from bi.fct_funding"
        ).fetchone() == (*before, 0)


def test_unreachable_postgres_fails_the_asset_after_the_duckdb_file_is_published(
    warehouse_copy, dbt_manifest, monkeypatch
):
    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv(
        bi_postgres.URL_ENV, f"postgresql://etablerer:hemmelig@127.0.0.1:{port}/etablerer_bi"
    )

    run = _materialize(warehouse_copy)

    assert not run.success
    failure = run.failure_data_for_node("published_warehouse")
    description = failure.user_failure_data.description
    assert description.startswith(
        f"Fikk ikke kontakt med PostgreSQL (etablerer@127.0.0.1:{port}/etablerer_bi)"
    )
    assert "BI-filen (DuckDB) er publisert" in description
    assert "hemmelig" not in str(failure)
    published = warehouse_copy.parent / "published" / "etablerer_bi.duckdb"
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("select count(*) from marts.fct_funding").fetchone()[0] > 0


# Values a CSV round trip could get wrong, in every type the published file may hold.
AWKWARD_MART = r"""
    create table marts.fct_values as select * from (values
        ('r1', '', 'a"b,c' || chr(10) || 'd\e', 'æøå – «»', true, date '2026-01-03',
         timestamp '2026-01-03 07:00:00.123456', timestamptz '2026-01-03 07:00:00+01',
         time '23:59:59.5', interval '1 month 2 days 03:04:05', 0.1::double + 0.2::double,
         (1 / 3)::float, 12345678901234567890.1234567890::decimal(38, 10),
         170141183460469231731687303715884105727::hugeint, 18446744073709551615::ubigint,
         (-128)::tinyint, uuid 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\xAA\x00'::blob, 'NULL',
         '\N'),
        ('r2', null, null, null, null, null, null, null, null, null, null, null, null, null, null,
         null, null, null, null, null)
    ) t(region_id, empty_text, quoted_text, unicode_text, flag, day, moment, instant, clock, span,
        fraction, single, big_decimal, huge, unsigned, tiny, id, bytes, null_word, backslash_n)
"""
AWKWARD_TYPES = {
    "region_id": "text",
    "empty_text": "text",
    "quoted_text": "text",
    "unicode_text": "text",
    "flag": "boolean",
    "day": "date",
    "moment": "timestamp without time zone",
    "instant": "timestamp with time zone",
    "clock": "time without time zone",
    "span": "interval",
    "fraction": "double precision",
    "single": "real",
    "big_decimal": "numeric(38,10)",
    "huge": "numeric(39,0)",
    "unsigned": "numeric(20,0)",
    "tiny": "smallint",
    "id": "uuid",
    "bytes": "bytea",
    "null_word": "text",
    "backslash_n": "text",
}


def _published_file(path: Path, *ddl: str) -> Path:
    """A file shaped like the published one: its tables in schema marts."""
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists marts")
        for statement in ddl:
            con.execute(statement)
    return path


def test_every_type_and_awkward_value_survives_the_copy(bi_database, tmp_path):
    published = _published_file(tmp_path / "awkward.duckdb", AWKWARD_MART)

    result = bi_postgres.publish_bi_postgres(published, bi_database)

    assert result.rows == {"fct_values": 2}
    with _analyst(bi_database) as analyst:
        types = dict(
            analyst.execute(
                "select a.attname, format_type(a.atttypid, a.atttypmod) from pg_attribute a "
                "where a.attrelid = 'bi.fct_values'::regclass and a.attnum > 0"
            ).fetchall()
        )
        first, second = analyst.execute("select * from bi.fct_values order by region_id").fetchall()
        exact_floats = analyst.execute(
            "select fraction = 0.1::float8 + 0.2::float8, single = 1::real / 3::real, span::text "
            "from bi.fct_values where region_id = 'r1'"
        ).fetchone()
    assert types == AWKWARD_TYPES
    assert dict(zip(AWKWARD_TYPES, first, strict=True)) | {"span": None, "single": None} == {
        "region_id": "r1",
        "empty_text": "",  # not null
        "quoted_text": 'a"b,c\nd\\e',
        "unicode_text": "æøå – «»",
        "flag": True,
        "day": date(2026, 1, 3),
        "moment": datetime(2026, 1, 3, 7, 0, 0, 123456),
        "instant": datetime(2026, 1, 3, 6, 0, tzinfo=UTC),
        "clock": time(23, 59, 59, 500000),
        "span": None,
        "fraction": 0.30000000000000004,
        "single": None,
        "big_decimal": Decimal("12345678901234567890.1234567890"),
        "huge": Decimal("170141183460469231731687303715884105727"),
        "unsigned": Decimal("18446744073709551615"),
        "tiny": -128,
        "id": uuid.UUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
        "bytes": b"\xaa\x00",
        "null_word": "NULL",  # the text, not null
        "backslash_n": "\\N",
    }
    assert exact_floats == (True, True, "1 mon 2 days 03:04:05")
    assert second == ("r2", *[None] * 19)


def test_a_changed_set_of_tables_replaces_added_dropped_and_altered_ones(bi_database, tmp_path):
    first = _published_file(
        tmp_path / "first.duckdb",
        "create table marts.fct_kept as select 'r1' as region_id, 1 as n",
        "create table marts.fct_altered as select 'r1' as region_id, 1 as n",
        "create table marts.fct_dropped as select 'r1' as region_id",
    )
    second = _published_file(
        tmp_path / "second.duckdb",
        "create table marts.fct_kept as select 'r1' as region_id, 2 as n",
        "create table marts.fct_altered as select 'r1' as region_id, 2::bigint as n, true as ok",
        "create table marts.fct_added as select 'r2' as region_id",
    )
    bi_postgres.publish_bi_postgres(first, bi_database)
    with psycopg.connect(bi_database) as admin:
        kept_oid = admin.execute("select 'bi.fct_kept'::regclass::oid").fetchone()[0]

    result = bi_postgres.publish_bi_postgres(second, bi_database)

    assert result.published
    with _analyst(bi_database) as analyst:
        assert _bi_tables(analyst) == ["fct_added", "fct_altered", "fct_kept"]
        assert analyst.execute("select * from bi.fct_kept").fetchall() == [("r1", 2)]
        assert analyst.execute("select * from bi.fct_altered").fetchall() == [("r1", 2, True)]
        assert analyst.execute("select * from bi.fct_added").fetchall() == [("r2",)]
        # An unchanged table keeps its identity: its rows were replaced, not the table.
        assert analyst.execute("select 'bi.fct_kept'::regclass::oid").fetchone()[0] == kept_oid
