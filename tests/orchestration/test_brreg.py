"""The register in Dagster: `raw_brreg__units` (ingestion.brreg.refresh_units), its blocking GX
suite, its freshness on the day the register was read, the weekly schedule, and its place in the
runs that end in annual reports (after the establishments' links, before dbt and the reports)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import duckdb
import pytest

from ingestion.brreg.load import read_brreg_units
from ingestion.linkage import LINKAGE_PATH_ENV, linked_org_numbers
from ingestion.operators import ingest_file
from ingestion.paths import OPERATOR_SAMPLE_DIR
from orchestration.defs.brreg.assets import LAST_UPDATED_KEY, raw_brreg__units
from orchestration.defs.common.resources import WarehouseResource
from orchestration.defs.quality.checks import gx_checks
from tests.ingestion.brreg.brreg_testkit import CASES, MANIFEST, SNAPSHOT_DATES, snapshot_bodies

OSLO = ZoneInfo("Europe/Oslo")
REGISTER = dg.AssetKey("raw_brreg__units")
GX_CHECK = dg.AssetCheckKey(REGISTER, "gx_raw_brreg__units")
FRESHNESS_CHECK = dg.AssetCheckKey(REGISTER, "freshness_check")
OFFLINE = {"ops": {"raw_brreg__units": {"config": {"offline": True}}}}
# The sample's region with the named cases (data/sample/brreg/README.md), both years.
RINGERIKE = [OPERATOR_SAMPLE_DIR / "ringeriksregionen" / year for year in ("2025", "2026")]


@pytest.fixture(scope="module")
def defs(dbt_manifest) -> dg.Definitions:
    from orchestration.definitions import defs

    return defs


@pytest.fixture
def warehouse(tmp_path, monkeypatch) -> Path:
    """A new warehouse, archive and linkage store of its own (the session's store holds other
    tests' links)."""
    monkeypatch.setenv("ETABLERER_DUCKDB_PATH", str(tmp_path / "warehouse" / "etablerer.duckdb"))
    monkeypatch.setenv("ETABLERER_ARCHIVE_DIR", str(tmp_path / "archive"))
    monkeypatch.setenv(LINKAGE_PATH_ENV, str(tmp_path / "linkage" / "businesses.sqlite"))
    monkeypatch.delenv("ETABLERER_BRREG_MIN_FOUND_SHARE", raising=False)
    return tmp_path / "warehouse" / "etablerer.duckdb"


def ingest_ringerike(db_path: Path, archive: Path) -> dict[str, str]:
    """Ringeriksregionen's clients and establishments through the real ingest, which links the
    businesses (as tests/ingestion/brreg does with the store directly); business_key -> number."""
    for folder in RINGERIKE:
        for kind in ("clients", "establishments"):
            ingest_file(
                db_path,
                folder / f"{kind}.csv",
                region_id="ringeriksregionen",
                year=int(folder.name),
                kind=kind,
                archive_dir=archive,
            )
    return linked_org_numbers()


def expected_counts(numbers: set[str]) -> dict[date, tuple[int, int, int]]:
    """Per snapshot date: (found, of which deleted, not found) among `numbers`, from the files."""
    counts = {}
    for day, snapshot in zip(SNAPSHOT_DATES, MANIFEST["snapshots"], strict=True):
        bodies = snapshot_bodies(day)
        found = numbers & set(bodies)
        deleted = {n for n in found if "slettedato" in bodies[n]}
        counts[day] = (len(found), len(deleted), len(numbers & set(snapshot["not_found"])))
    return counts


def found_shares(db_path: Path) -> dict[date, float]:
    """What the GX suite measures, computed here independently: per day, the share found among
    the businesses reported registered by then."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        rows = con.execute(
            """
            select u.observed_on,
                   avg(case when u.status in ('active', 'deleted') then 1.0 else 0.0 end)
            from raw.brreg_units u
            join (select business_key, min(registration_date) as registered
                  from raw.establishments group by 1) e using (business_key)
            where e.registered <= u.observed_on
            group by 1
            """
        ).fetchall()
    return dict(rows)


def run_job(defs: dg.Definitions, name: str, instance: dg.DagsterInstance, **kwargs):
    return defs.resolve_job_def(name).execute_in_process(
        instance=instance, raise_on_error=False, **kwargs
    )


def check_results(result) -> dict[dg.AssetCheckKey, dg.AssetCheckEvaluation]:
    return {
        dg.AssetCheckKey(e.asset_key, e.check_name): e for e in result.get_asset_check_evaluations()
    }


# --- definitions ---------------------------------------------------------------------------


def test_the_asset_its_checks_job_schedule_and_sensor_are_defined(defs):
    graph = defs.resolve_asset_graph()
    node = graph.get(REGISTER)
    assert node.group_name == "raw" and node.pools == {"duckdb_writer"}
    # It reads the links the establishments' ingest records.
    assert node.parent_keys == {dg.AssetKey("raw_operators__establishments")}
    assert node.partitions_def is None
    # The dbt source raw_brreg.brreg_units is this asset.
    assert graph.get(dg.AssetKey("stg_brreg__units")).parent_keys == {REGISTER}
    assert graph.get_check_spec(GX_CHECK).blocking
    assert not graph.get_check_spec(FRESHNESS_CHECK).blocking

    # The weekly job builds the register's dbt tables from the refresh too.
    from orchestration.defs.dbt.assets import dbt_register_models

    job = defs.resolve_job_def("brreg_units_job")
    assert job.asset_layer.selected_asset_keys == {REGISTER, *dbt_register_models.keys}
    assert job.asset_layer.asset_graph.asset_check_keys >= {GX_CHECK, FRESHNESS_CHECK}

    schedule = defs.resolve_schedule_def("brreg_units_schedule")
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("0 4 * * 1", "Europe/Oslo")
    assert schedule.job_name == "brreg_units_job"
    monday = datetime(2027, 4, 26, 4, tzinfo=OSLO)  # the last Monday before the 1 May deadline
    context = dg.build_schedule_context(
        scheduled_execution_time=monday, repository_def=defs.get_repository_def()
    )
    (request,) = schedule.evaluate_tick(context).run_requests
    assert request.run_config == {"ops": {"raw_brreg__units": {"config": {"offline": False}}}}
    assert "brreg_freshness_sensor" in {s.name for s in defs.sensors}


def step_inputs(job: dg.JobDefinition) -> dict[str, dict[str, set[str]]]:
    """Each step's inputs and the steps each waits for (an asset with blocking checks: the asset's
    step and its checks')."""
    return {
        node.name: {
            name: {d.node for d in dep.get_node_dependencies()} for name, dep in deps.items()
        }
        for node, deps in job.graph.dependencies.items()
    }


def test_runs_that_end_in_annual_reports_refresh_the_register_between_ingest_and_dbt(defs):
    """A report never reads a register older than its own run: the refresh follows the
    establishments (whose links it looks up) and comes before the register's dbt tables, the
    region-year models and the reports. Delivery, payout and plan runs read the register as last
    refreshed: their runs build its tables from what raw.brreg_units holds, without a refresh."""
    for name in ("yearly_pipeline_job", "annual_report_job"):
        job = defs.resolve_job_def(name)
        inputs = step_inputs(job)
        assert set(inputs["raw_brreg__units"]) == {"raw_operators__establishments"}, name
        # after the refresh and its blocking GX suite
        assert inputs["dbt_register_models"]["raw_brreg__units"] == {
            "raw_brreg__units",
            "raw_brreg__units_gx_raw_brreg__units",
        }, name
        assert "dbt_register_models" in inputs["dbt_models"]["int_brreg__units_as_of"], name
        assert REGISTER in job.asset_layer.selected_asset_keys
    for name in ("operator_records_job", "payout_job", "activity_plan_job"):
        job = defs.resolve_job_def(name)
        assert REGISTER not in job.asset_layer.selected_asset_keys, name
        assert "dbt_register_models" in step_inputs(job)["dbt_models"]["int_brreg__unit_history"]


# --- a materialisation in process ----------------------------------------------------------


def test_offline_materialisation_loads_every_snapshot_date_and_its_checks_pass(
    defs, warehouse, tmp_path
):
    links = ingest_ringerike(warehouse, tmp_path / "archive")
    numbers = set(links.values())
    assert CASES["not_in_register"] in numbers and CASES["deleted"] in numbers
    instance = dg.DagsterInstance.ephemeral()
    before = datetime.now(OSLO)

    result = run_job(defs, "brreg_units_job", instance, run_config=OFFLINE)

    assert result.success
    (materialization,) = result.asset_materializations_for_node("raw_brreg__units")
    metadata = {k: getattr(v, "value", v) for k, v in materialization.metadata.items()}
    expected = expected_counts(numbers)
    latest = SNAPSHOT_DATES[-1]
    assert metadata["linked"] == len(numbers)
    assert metadata["observations"] == ", ".join(d.isoformat() for d in SNAPSHOT_DATES)
    assert (metadata["found"], metadata["deleted"], metadata["not_found"]) == expected[latest]
    assert metadata["rows_loaded"] == len(numbers) * len(SNAPSHOT_DATES)
    assert metadata["data_standing"] == "synthetic" and metadata["mode"] == "offline snapshot"
    assert metadata["newest_observed_on"] == "2026-12-01"
    assert metadata["register_age_days"] == (datetime.now(OSLO).date() - latest).days
    for day, (found, deleted, not_found) in expected.items():
        assert (
            f"| {day} | {len(numbers)} | {found} | {deleted} | {not_found} | 0 | 0 |"
            in (metadata["per_observation"])
        )
    # The data's own time is the day the register was read, not the load.
    observed = datetime(2026, 12, 1, tzinfo=OSLO).timestamp()
    assert metadata[LAST_UPDATED_KEY] == observed

    table = read_brreg_units(warehouse)
    assert table.height == len(numbers) * len(SNAPSHOT_DATES) and table["is_synthetic"].all()

    checks = check_results(result)
    gx = checks[GX_CHECK]
    assert gx.passed, gx.metadata.get("failed_expectations")
    assert gx.metadata["evaluated_expectations"].value == 4
    # One deliberate 404 among the numbers registered by each day: well above 0.9.
    shares = found_shares(warehouse)
    assert set(shares) == set(SNAPSHOT_DATES) and all(0.9 < s < 1 for s in shares.values())

    freshness = checks[FRESHNESS_CHECK]
    assert freshness.severity == dg.AssetCheckSeverity.WARN
    assert freshness.metadata[LAST_UPDATED_KEY].value == observed
    # Fresh while the newest day observed is at most a week old by date: on the sample, until
    # 9 December 2026 (the bundled snapshots are old by design, so the check warns after).
    stale_from = datetime(2026, 12, 9, tzinfo=OSLO)
    if before >= stale_from or datetime.now(OSLO) < stale_from:  # not across the limit
        assert freshness.passed == (before < stale_from)


def test_freshness_follows_the_day_observed_not_the_load(warehouse):
    """Two loads made now: one of a register read yesterday is fresh, one of a register read
    nine days ago is overdue, whatever today is."""
    from orchestration.defs.brreg.checks import brreg_freshness_checks

    checks_only = dg.Definitions(
        assets=[raw_brreg__units],
        asset_checks=brreg_freshness_checks,
        jobs=[
            dg.define_asset_job(
                "freshness_only", selection=dg.AssetSelection.checks(*brreg_freshness_checks)
            )
        ],
        resources={"warehouse": WarehouseResource()},
    )
    today = datetime.now(OSLO).date()
    verdicts = {}
    for days_ago in (1, 9):
        instance = dg.DagsterInstance.ephemeral()
        day = today - timedelta(days=days_ago)
        stamp = datetime(day.year, day.month, day.day, tzinfo=OSLO).timestamp()
        instance.report_runless_asset_event(
            dg.AssetMaterialization(
                REGISTER, metadata={LAST_UPDATED_KEY: dg.MetadataValue.timestamp(stamp)}
            )
        )
        job = checks_only.resolve_job_def("freshness_only")
        (evaluation,) = job.execute_in_process(instance=instance).get_asset_check_evaluations()
        verdicts[days_ago] = evaluation.passed
    assert verdicts == {1: True, 9: False}


def test_a_found_share_below_the_threshold_fails_and_stops_what_follows(
    defs, warehouse, tmp_path, monkeypatch
):
    """The threshold is configurable. Above the sample's shares on the first two days, the
    blocking suite fails and names them; an asset downstream of the register is not built."""
    ingest_ringerike(warehouse, tmp_path / "archive")
    instance = dg.DagsterInstance.ephemeral()
    assert run_job(defs, "brreg_units_job", instance, run_config=OFFLINE).success
    shares = found_shares(warehouse)
    # Between the best day's share and the next: the best day passes, the other two do not.
    second, best = sorted(shares.values())[-2:]
    threshold = (second + best) / 2
    monkeypatch.setenv("ETABLERER_BRREG_MIN_FOUND_SHARE", repr(threshold))

    @dg.asset(deps=[REGISTER])
    def reads_the_register() -> None:
        return None

    (gx_check,) = [check for check in gx_checks if GX_CHECK in check.check_keys]
    gated = dg.Definitions(
        assets=[raw_brreg__units, reads_the_register],
        asset_checks=[gx_check],
        jobs=[dg.define_asset_job("gated", selection=dg.AssetSelection.all())],
        resources={"warehouse": WarehouseResource()},
    )
    result = gated.resolve_job_def("gated").execute_in_process(
        instance=instance, run_config=OFFLINE, raise_on_error=False
    )

    gx = check_results(result)[GX_CHECK]
    assert not gx.passed and gx.severity == dg.AssetCheckSeverity.ERROR
    (failure,) = gx.metadata["failed_expectations"].value.splitlines()
    assert "av de koblede foretakene som var registrert på observasjonsdagen" in failure
    assert f"Minst {threshold * 100:g}".replace(".", ",") in failure
    below = sorted(day for day, share in shares.items() if share < threshold)
    assert below == SNAPSHOT_DATES[:2]
    assert "2 av 3 verdier avviker" in failure
    for day in below:
        assert day.isoformat() in failure
    assert SNAPSHOT_DATES[-1].isoformat() not in failure
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    assert materialized == {REGISTER}


def test_with_nothing_linked_the_table_exists_empty_and_nothing_is_blocked(defs, warehouse):
    instance = dg.DagsterInstance.ephemeral()
    result = run_job(defs, "brreg_units_job", instance, run_config=OFFLINE)
    assert result.success
    (materialization,) = result.asset_materializations_for_node("raw_brreg__units")
    assert materialization.metadata["linked"].value == 0
    assert LAST_UPDATED_KEY not in materialization.metadata
    assert read_brreg_units(warehouse).height == 0
    assert check_results(result)[GX_CHECK].passed


def test_an_offline_refresh_of_real_numbers_leaves_the_last_online_day_the_newest(
    defs, warehouse, tmp_path
):
    """Real deliveries' numbers are not in the bundled snapshots. Run offline by mistake (no
    ETABLERER_BRREG_ONLINE=1), the refresh observes nothing, keeps the last online observation,
    and the freshness check measures that day, not the load."""
    from ingestion.brreg.load import load_units
    from ingestion.brreg.units import absent_units
    from ingestion.operators.identifiers import DEMO_KEY
    from tests.ingestion.brreg.brreg_testkit import link_sample

    link_sample(tmp_path / "linkage" / "businesses.sqlite", ["974760673"])
    online_day = datetime.now(OSLO).date() - timedelta(days=3)
    warehouse.parent.mkdir(parents=True)
    with duckdb.connect(str(warehouse)) as con:
        load_units(
            con,
            absent_units(["974760673"], "not_found"),
            key=DEMO_KEY,
            observed_on=online_day,
            source="lookup",
            source_sha256="b" * 64,
            is_synthetic=False,
        )

    result = run_job(defs, "brreg_units_job", dg.DagsterInstance.ephemeral(), run_config=OFFLINE)

    assert result.success
    (materialization,) = result.asset_materializations_for_node("raw_brreg__units")
    metadata = {k: getattr(v, "value", v) for k, v in materialization.metadata.items()}
    assert metadata["linked"] == 1 and metadata["observations"] == ""
    assert metadata["newest_observed_on"] == online_day.isoformat()
    assert metadata["register_age_days"] == 3
    stamp = datetime(online_day.year, online_day.month, online_day.day, tzinfo=OSLO).timestamp()
    assert metadata[LAST_UPDATED_KEY] == stamp
    freshness = check_results(result)[FRESHNESS_CHECK]
    assert freshness.passed and freshness.metadata[LAST_UPDATED_KEY].value == stamp
    assert read_brreg_units(warehouse)["observed_on"].to_list() == [online_day]
