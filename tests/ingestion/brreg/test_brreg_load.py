"""raw.brreg_units: load_units replaces an observation in one transaction and keeps no clear
number or name; refresh_units offline (the bundled snapshots) and online (faked look-ups, and the
bulk file); `etablerer brreg refresh`."""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import httpx
import polars as pl
import pytest
from click.testing import CliRunner

from ingestion.brreg.archive import read_archive
from ingestion.brreg.cli import brreg
from ingestion.brreg.load import (
    RAW_SCHEMA,
    TABLE,
    UnitLoadError,
    create_units_table,
    load_units,
    newest_observed_on,
    read_brreg_units,
)
from ingestion.brreg.refresh import RefreshResult, refresh_units
from ingestion.brreg.units import absent_units, read_units
from ingestion.operators.identifiers import DEMO_KEY, business_keys
from tests.ingestion.brreg.brreg_testkit import (
    CASES,
    MANIFEST,
    SNAPSHOT_DATES,
    error_body,
    fake_client,
    json_response,
    link_sample,
    sample_names,
    snapshot_bodies,
    snapshot_path,
)

FIRST, MIDDLE, LATEST = SNAPSHOT_DATES
# load_units' arguments for an observation from the bundled (synthetic) snapshot.
SNAPSHOT_LOAD = dict(key=DEMO_KEY, source="snapshot", source_sha256="a" * 64, is_synthetic=True)


@dataclass(frozen=True)
class Warehouse:
    """A test's warehouse file, with the linkage store and the archive beside it."""

    folder: Path

    @property
    def db_path(self) -> Path:
        return self.folder / "w.duckdb"

    @property
    def linkage(self) -> Path:
        return self.folder / "links.sqlite"

    @property
    def archive(self) -> Path:
        return self.folder / "archive"

    def connect(self) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.db_path))

    def link(self, numbers: list[str] | None = None) -> dict[str, str]:
        """Link the sample's businesses (or `numbers`): business_key -> org_number."""
        return link_sample(self.linkage, numbers)

    def refresh_offline(self, linkage: Path | None = None) -> RefreshResult:
        """refresh_units from the bundled snapshots, for this store's (or `linkage`'s) links."""
        return refresh_units(
            self.db_path,
            offline=True,
            archive_dir=self.archive,
            linkage_path=linkage or self.linkage,
        )


@pytest.fixture
def warehouse(tmp_path) -> Warehouse:
    return Warehouse(tmp_path)


def load(con: duckdb.DuckDBPyConnection, frame: pl.DataFrame, observed_on: date, **changes) -> int:
    """load_units as an observation from the bundled snapshot, `changes` overriding that."""
    return load_units(con, frame, observed_on=observed_on, **{**SNAPSHOT_LOAD, **changes})


def key_of(number: str) -> str:
    return business_keys(DEMO_KEY, [number])[0]


def all_text(db_path) -> str:
    """Every value of raw.brreg_units, as text."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        rows = con.sql(f"select * from {TABLE}").fetchall()
    return "\n".join("|".join(str(v) for v in row) for row in rows)


def assert_no_clear_number_or_name(db_path) -> None:
    text = all_text(db_path)
    numbers = set(re.findall(r"(?<!\d)\d{9}(?!\d)", text))
    sample_numbers = set(snapshot_bodies(LATEST)) | set(MANIFEST["snapshots"][-1]["not_found"])
    assert numbers & sample_numbers == set()
    assert [name for name in sample_names() if name in text] == []


def test_load_units_replaces_its_observation_and_is_idempotent(warehouse):
    frame = pl.concat(
        [read_units(snapshot_path(MIDDLE)), absent_units([CASES["not_in_register"]], "not_found")]
    )
    with warehouse.connect() as con:
        assert load(con, frame, MIDDLE) == frame.height
        first = con.sql(f"select * from {TABLE} order by business_key").pl()
        load(con, frame, MIDDLE)
        second = con.sql(f"select * from {TABLE} order by business_key").pl()
        # Another day is its own observation; this day's rows are replaced, not added to.
        load(con, frame.head(3), LATEST)
        load(con, frame.head(2), LATEST)
        per_day = dict(con.sql(f"select observed_on, count(*) from {TABLE} group by 1").fetchall())
    assert first.drop("fetched_at").equals(second.drop("fetched_at"))
    assert per_day == {MIDDLE: frame.height, LATEST: 2}
    assert read_brreg_units(warehouse.db_path).schema == pl.Schema(RAW_SCHEMA)
    rows = {r["business_key"]: r for r in first.to_dicts()}
    assert rows[key_of(CASES["deleted"])]["status"] == "deleted"
    assert rows[key_of(CASES["not_in_register"])]["status"] == "not_found"
    assert rows[key_of(CASES["bankrupt"])]["bankrupt_date"] == date(2026, 4, 14)
    assert_no_clear_number_or_name(warehouse.db_path)


def test_a_failed_load_leaves_the_observation_as_it_was(warehouse):
    frame = read_units(snapshot_path(FIRST))
    with warehouse.connect() as con:
        load(con, frame, FIRST)
        twice = pl.concat([frame, frame.head(1)])
        with pytest.raises(UnitLoadError, match="samme foretak flere ganger"):
            load(con, twice, FIRST)
        with pytest.raises(UnitLoadError, match="ukjent kilde"):
            load(con, frame, FIRST, source="rykter")
        count = con.execute(f"select count(*) from {TABLE}").fetchone()[0]
    assert count == frame.height


def test_offline_refresh_loads_every_snapshot_date_marked_synthetic(warehouse):
    links = warehouse.link()
    result = warehouse.refresh_offline()
    assert [o.observed_on for o in result.observations] == SNAPSHOT_DATES
    for summary, snapshot in zip(result.observations, MANIFEST["snapshots"], strict=True):
        assert summary.found == snapshot["units"]
        assert summary.deleted == snapshot["deleted"]
        assert summary.not_found == len(snapshot["not_found"])
        assert summary.rows == len(links) and summary.not_covered == 0
    assert result.is_synthetic and result.source == "snapshot"

    table = read_brreg_units(warehouse.db_path)
    assert table["is_synthetic"].all() and set(table["source"]) == {"snapshot"}
    status = {(r["observed_on"], r["business_key"]): r["status"] for r in table.to_dicts()}
    deleted = key_of(CASES["deleted"])
    assert [status[(day, deleted)] for day in SNAPSHOT_DATES] == ["active", "deleted", "deleted"]
    missing = key_of(CASES["not_in_register"])
    assert {status[(day, missing)] for day in SNAPSHOT_DATES} == {"not_found"}
    # Each row names the archived snapshot it came from.
    archived = {r.observed_on: r.sha256 for r in read_archive(warehouse.archive, "snapshot")}
    assert archived == {
        date.fromisoformat(s["observed_on"]): s["sha256"] for s in MANIFEST["snapshots"]
    }
    for day, sha in archived.items():
        assert set(table.filter(pl.col("observed_on") == day)["source_sha256"]) == {sha}
    assert_no_clear_number_or_name(warehouse.db_path)

    again = warehouse.refresh_offline()
    assert again.rows_loaded == result.rows_loaded
    assert read_brreg_units(warehouse.db_path).equals(table)


def test_offline_refresh_observes_only_linked_businesses(warehouse, tmp_path):
    warehouse.link([CASES["bankrupt"], CASES["not_in_register"], "974760673"])
    latest = warehouse.refresh_offline().latest
    assert (latest.found, latest.not_found, latest.not_covered) == (1, 1, 1)
    assert read_brreg_units(warehouse.db_path).height == 2 * len(SNAPSHOT_DATES)
    nothing = warehouse.refresh_offline(linkage=tmp_path / "none.sqlite")
    assert nothing.linked == 0 and nothing.observations == ()
    assert read_brreg_units(warehouse.db_path).height == 2 * len(SNAPSHOT_DATES)


def test_offline_refresh_never_erases_a_day_its_snapshot_does_not_cover(warehouse):
    """Real deliveries' numbers are not in the bundled snapshots. An offline refresh then loads
    nothing, not three empty observations: an online observation on a snapshot's date stays."""
    online = absent_units([CASES["bankrupt"]], "not_found")
    with warehouse.connect() as con:
        load(con, online, LATEST, source="lookup", source_sha256="b" * 64, is_synthetic=False)
    warehouse.link(["974760673", "998877665"])  # numbers the snapshot was not made for
    result = warehouse.refresh_offline()
    assert result.linked == 2 and result.observations == () and result.rows_loaded == 0
    kept = read_brreg_units(warehouse.db_path)
    assert kept["observed_on"].to_list() == [LATEST] and not kept["is_synthetic"].any()


def test_create_units_table_makes_it_empty_and_leaves_rows_alone(tmp_path):
    warehouse = Warehouse(tmp_path / "new")  # a folder create_units_table has to make
    db_path = warehouse.db_path
    assert newest_observed_on(db_path) is None
    create_units_table(db_path)
    assert read_brreg_units(db_path).schema == pl.Schema(RAW_SCHEMA)
    assert read_brreg_units(db_path).height == 0
    assert newest_observed_on(db_path) is None
    warehouse.link([CASES["bankrupt"]])
    warehouse.refresh_offline()
    create_units_table(db_path)
    assert read_brreg_units(db_path).height == len(SNAPSHOT_DATES)
    assert newest_observed_on(db_path) == LATEST


def fake_register(removed: str):
    bodies = snapshot_bodies(LATEST)

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/lastned"):
            # Registered units only: neither deleted nor removed ones are in the bulk file.
            active = [b for n, b in bodies.items() if "slettedato" not in b and n != removed]
            return httpx.Response(
                200, stream=httpx.ByteStream(gzip.compress(json.dumps(active).encode()))
            )
        number = request.url.path.rsplit("/", 1)[-1]
        if number == removed:
            return json_response(410, error_body(410, number))
        if number in bodies:
            return json_response(200, bodies[number])
        return json_response(404, error_body(404, number))

    return answer


@pytest.mark.parametrize("bulk_threshold", [1_000, 2], ids=["lookups", "bulk_then_lookups"])
def test_online_refresh_observes_each_linked_business_once(warehouse, bulk_threshold):
    removed = CASES["nace_differs"]
    warehouse.link([CASES[c] for c in ("bankrupt", "deleted", "not_in_register", "nace_differs")])
    client, recorder, _ = fake_client(fake_register(removed))
    result = refresh_units(
        warehouse.db_path,
        offline=False,
        archive_dir=warehouse.archive,
        linkage_path=warehouse.linkage,
        client=client,
        observed_on=date(2027, 1, 4),
        bulk_threshold=bulk_threshold,
    )
    latest = result.latest
    assert (latest.active, latest.deleted, latest.not_found, latest.removed) == (1, 1, 1, 1)
    table = read_brreg_units(warehouse.db_path)
    assert set(table["observed_on"]) == {date(2027, 1, 4)} and not table["is_synthetic"].any()
    status = {r["business_key"]: (r["status"], r["source"]) for r in table.to_dicts()}
    via_bulk = "bulk" if bulk_threshold == 2 else "lookup"
    assert status == {
        key_of(CASES["bankrupt"]): ("active", via_bulk),
        key_of(CASES["deleted"]): ("deleted", "lookup"),
        key_of(CASES["not_in_register"]): ("not_found", "lookup"),
        key_of(removed): ("removed", "lookup"),
    }
    # Every row's source_sha256 is an archived response.
    archived = {r.sha256 for r in read_archive(warehouse.archive)}
    assert set(table["source_sha256"]) <= archived
    paths = [r.url.path for r in recorder.requests]
    assert paths.count("/enhetsregisteret/api/enheter/lastned") == (1 if via_bulk == "bulk" else 0)
    assert_no_clear_number_or_name(warehouse.db_path)


def test_cli_refresh_offline_twice(tmp_path, monkeypatch):
    linkage = tmp_path / "linkage" / "businesses.sqlite"
    link_sample(linkage)
    monkeypatch.setenv("ETABLERER_LINKAGE_PATH", str(linkage))
    monkeypatch.setenv("ETABLERER_ARCHIVE_DIR", str(tmp_path / "archive"))
    db_path = tmp_path / "etablerer.duckdb"
    runner = CliRunner()
    first = runner.invoke(brreg, ["refresh", "--offline", "--db", str(db_path)])
    assert first.exit_code == 0, first.output
    latest = MANIFEST["snapshots"][-1]
    assert "SYNTETISKE" in first.output
    assert (
        f"2026-12-01: {latest['units']} funnet ({latest['deleted']} slettet), "
        f"{len(latest['not_found'])} ikke funnet, 0 fjernet." in first.output
    )
    second = runner.invoke(brreg, ["refresh", "--offline", "--db", str(db_path)])
    assert second.exit_code == 0, second.output
    assert read_brreg_units(db_path).height == 3 * (latest["units"] + len(latest["not_found"]))


def test_cli_says_so_when_nothing_is_linked(tmp_path, monkeypatch):
    monkeypatch.setenv("ETABLERER_LINKAGE_PATH", str(tmp_path / "empty.sqlite"))
    monkeypatch.setenv("ETABLERER_ARCHIVE_DIR", str(tmp_path / "archive"))
    result = CliRunner().invoke(brreg, ["refresh", "--offline", "--db", str(tmp_path / "w.duckdb")])
    assert result.exit_code == 0
    assert "Ingen foretak er koblet ennå" in result.output
    assert not (tmp_path / "w.duckdb").exists()
