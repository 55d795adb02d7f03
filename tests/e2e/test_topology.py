"""Must-show 1 of issue 22: the deployed topology, as real processes. A throwaway PostgreSQL holds
the instance (deploy/dagster.yaml); a code server, `dagster-daemon run` and `dagster-webserver`
run as the systemd units in deploy/ start them (the commands of orchestration/serve.py), on a copy
of the session's sample run. Every step is read from the PostgreSQL storage (runs, their status,
their events, the pool's slots, the sensors' state), never from log text; the warehouse and the
published copy are read for what the runs wrote.

`pytest -m topology` selects these tests. They share one topology and run in file order: the
landing path with the daemon killed twice on the way, the payout path, a killed run worker. Each
waits for events, with bounds of minutes that only end a hung test.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import duckdb
import pytest
from dagster_graphql import DagsterGraphQLClient

from orchestration.cli import DEPLOY_DAGSTER_YAML, install_dagster_yaml
from orchestration.serve import readiness, service_commands, stop
from tests.helpers import PROJECT_ROOT, copy_of_sample_run, free_port, isolated_env
from tests.postgres_server import dagster_storage, throwaway_postgres

pytestmark = pytest.mark.topology

POOL = "duckdb_writer"
BIN = Path(sys.executable).parent
ENDED = {dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED}
# Bounds for a hung test only; on a busy machine a region-year run takes minutes.
RUN_WITHIN_S = 900
EVENT_WITHIN_S = 600
OSLO = ZoneInfo("Europe/Oslo")


def wait_for(what: str, found: Callable[[], object], within: float = EVENT_WITHIN_S) -> object:
    """`found()` once it is truthy; polls, and fails after `within` seconds."""
    deadline = time.monotonic() + within
    while not (value := found()):
        assert time.monotonic() < deadline, f"{what}: not within {within} s"
        time.sleep(0.5)
    return value


@dataclass
class Topology:
    root: Path
    env: dict[str, str]
    logs: Path
    # The same storage as the three processes', which the test reads.
    instance: dg.DagsterInstance | None = None
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def services(self) -> dict[str, list[str]]:
        return {s.name: s.argv for s in service_commands(self.env, BIN, PROJECT_ROOT)}

    def start(self, name: str) -> None:
        """One process as its systemd unit runs it, and wait until it is healthy."""
        ready = readiness(name, self.env, BIN, self.instance, since=time.time())
        log = (self.logs / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(
            self.services[name],
            cwd=PROJECT_ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + EVENT_WITHIN_S
        while not ready():
            assert self.processes[name].poll() is None, f"{name} ended: see {log.name}"
            assert time.monotonic() < deadline, f"{name} not healthy within {EVENT_WITHIN_S} s"
            time.sleep(0.5)

    def kill(self, name: str) -> None:
        """SIGKILL, as the OOM killer or a power cut would end it."""
        process = self.processes.pop(name)
        process.kill()
        process.wait()

    def dagster(self, *args: str) -> None:
        """The dagster CLI against the deployed workspace, as docs/operations.md has it."""
        completed = subprocess.run(
            [str(BIN / "dagster"), *args, "-w", "deploy/workspace.yaml"],
            cwd=PROJECT_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
        )
        assert completed.returncode == 0, completed.stdout + completed.stderr

    @property
    def graphql(self) -> DagsterGraphQLClient:
        return DagsterGraphQLClient(
            "127.0.0.1", port_number=int(self.env["ETABLERER_WEBSERVER_PORT"])
        )

    def run(self, run_id: str) -> dg.DagsterRun:
        return self.instance.get_run_by_id(run_id)

    def ended(self, run_id: str) -> dg.DagsterRun:
        return wait_for(
            f"run {run_id} ended",
            lambda: (run := self.run(run_id)).status in ENDED and run,
            RUN_WITHIN_S,
        )

    def runs(self, **tags: str) -> list[dg.DagsterRun]:
        return self.instance.get_runs(filters=dg.RunsFilter(tags=tags))

    def slot_holders(self) -> set[str]:
        info = self.instance.event_log_storage.get_concurrency_info(POOL)
        return {slot.run_id for slot in info.claimed_slots}

    def sensor_state(self, name: str):
        """The stored state of a sensor or schedule: on or off, and a sensor's cursor."""
        (state,) = [s for s in self.instance.all_instigator_state() if s.name == name]
        return state

    def sensor_cursor(self, name: str) -> dict:
        return json.loads(self.sensor_state(name).instigator_data.cursor or "{}")


@pytest.fixture(scope="module")
def topology(sample_pipeline, dbt_manifest, tmp_path_factory) -> Iterator[Topology]:
    base = tmp_path_factory.mktemp("topology")
    root, _operators = copy_of_sample_run(sample_pipeline, base)
    logs = base / "logs"
    logs.mkdir()
    home = root / "dagster_home_server"  # the copy's own dagster_home is the sample run's SQLite
    home.mkdir()
    install_dagster_yaml(home, DEPLOY_DAGSTER_YAML)
    with throwaway_postgres() as server, pytest.MonkeyPatch.context() as patch:
        settings = {
            "DAGSTER_HOME": str(home),
            **dagster_storage(server, "dagster"),
            "ETABLERER_CODE_SERVER_HOST": "127.0.0.1",
            "ETABLERER_CODE_SERVER_PORT": str(free_port()),
            "ETABLERER_WEBSERVER_HOST": "127.0.0.1",
            "ETABLERER_WEBSERVER_PORT": str(free_port()),
        }
        for name, value in settings.items():
            patch.setenv(name, value)
        topology = Topology(root, {**isolated_env(root), **settings}, logs)
        with dg.DagsterInstance.get() as instance:
            topology.instance = instance
            try:
                for name in ("code-server", "webserver", "daemon"):
                    topology.start(name)
                # Switched on as an operator does (docs/operations.md).
                for sensor in ("landing_sensor", "region_years_built_sensor"):
                    topology.dagster("sensor", "start", sensor)
                topology.dagster("schedule", "start", "payout_january_schedule")
                yield topology
            finally:
                for name in reversed(list(topology.processes)):
                    stop(name, topology.processes[name])


# -- operator deliveries: the sample's activities less some guidance sessions ----------------


def drop_guidance(source: Path, target: Path, dropped: int) -> None:
    """Write the sample's activities file without its last `dropped` guidance sessions (rows of
    type `veiledning`), bytes otherwise as the operator's export, as a copy lands: under another
    name first, then renamed; its mtime a minute back, so the sensor takes it on its next tick
    but one (a file must keep size and mtime between two ticks)."""
    lines = source.read_bytes().split(b"\n")
    header = lines[0].decode("utf-8-sig", errors="replace")
    delimiter = ";" if ";" in header else ","
    kind_column = next(csv.reader([header], delimiter=delimiter)).index(
        {";": "type", ",": "aktivitetstype"}[delimiter]
    )
    guidance = [
        i
        for i, line in enumerate(lines[1:], start=1)
        if line.strip()
        and next(csv.reader([line.decode("latin-1")], delimiter=delimiter))[kind_column]
        == "veiledning"
    ]
    left_out = set(guidance[-dropped:])
    target.parent.mkdir(parents=True, exist_ok=True)
    landing = target.with_name(target.name + ".part")  # not a suffix the sensor takes
    landing.write_bytes(b"\n".join(line for i, line in enumerate(lines) if i not in left_out))
    a_minute_ago = time.time() - 60
    os.utime(landing, (a_minute_ago, a_minute_ago))
    landing.rename(target)


def guidance_sessions(published: Path, region_id: str, year: int = 2026) -> int:
    with duckdb.connect(str(published), read_only=True) as con:
        return con.execute(
            "select guidance_sessions from marts.fct_region_kpis where region_id = ? and year = ?",
            [region_id, year],
        ).fetchone()[0]


def delivery_tag(topology: Topology, relative: str) -> str:
    """The landing sensor's key for a delivered file (orchestration/defs/operators/sensors.py)."""
    from ingestion.operators.api import file_sha256

    return f"{relative}:{file_sha256(topology.root / 'landing' / relative)}"


def county_run_after(topology: Topology, run_id: str) -> dg.DagsterRun:
    """The county's files that region_years_built_sensor launched after `run_id`, once ended."""
    (follow_up,) = wait_for(
        f"county files after {run_id}",
        lambda: topology.runs(**{"etablerer/after-run": run_id}),
    )
    return topology.ended(follow_up.run_id)


def delivered_run(topology: Topology, relative: str) -> dg.DagsterRun:
    """The one run the landing sensor launched for a delivered file, once there."""
    (run,) = wait_for(
        f"the landing sensor's run for {relative}",
        lambda: topology.runs(**{"etablerer/delivery": delivery_tag(topology, relative)}),
    )
    return run


# -- the tests, in order -----------------------------------------------------------------------

PUBLISHED = Path("warehouse") / "published" / "etablerer_bi.duckdb"
HALLINGDAL = "hallingdal/2026/activities.csv"
MIDT_BUSKERUD = "midt_buskerud/2026/activities.csv"


def test_a_delivered_file_is_built_and_published_by_the_daemon_alone_killed_twice(topology):
    """The landing path, with the daemon killed (SIGKILL) and started again twice on the way: once
    when the landing sensor has seen the file but not yet taken it (it waits for a second look),
    once while the file's run is in progress (it runs under the code server); a second region's
    file lands while the daemon is down. Sensors and the schedule go on from their state in
    PostgreSQL: each file is taken once, none is skipped, and the county's files follow."""
    published = topology.root / PUBLISHED
    before = guidance_sessions(published, "hallingdal")
    before_midt = guidance_sessions(published, "midt_buskerud")
    drop_guidance(
        PROJECT_ROOT / "data" / "sample" / "operators" / HALLINGDAL,
        topology.root / "landing" / HALLINGDAL,
        dropped=3,
    )
    wait_for(
        "the landing sensor seeing the file",
        lambda: HALLINGDAL in topology.sensor_cursor("landing_sensor"),
    )
    assert topology.runs(**{"etablerer/delivery": delivery_tag(topology, HALLINGDAL)}) == []
    topology.kill("daemon")
    topology.start("daemon")
    # Not while the daemon launches the run (STARTING): a run left so is failed by run monitoring
    # after start_timeout_seconds, and the sensor tries the file again after its back-off
    # (docs/operations.md).
    run_id = delivered_run(topology, HALLINGDAL).run_id
    wait_for(
        f"run {run_id} started",
        lambda: topology.run(run_id).status in {dg.DagsterRunStatus.STARTED, *ENDED},
    )
    topology.kill("daemon")
    # Delivered while no daemon runs: the restarted sensor finds it.
    drop_guidance(
        PROJECT_ROOT / "data" / "sample" / "operators" / MIDT_BUSKERUD,
        topology.root / "landing" / MIDT_BUSKERUD,
        dropped=2,
    )
    topology.start("daemon")

    run = topology.ended(run_id)
    assert run.status == dg.DagsterRunStatus.SUCCESS
    assert run.job_name == "operator_records_job"
    assert run.tags["dagster/partition"] == "hallingdal|2026"
    assert run.tags["dagster/sensor_name"] == "landing_sensor"  # the daemon's sensor tick
    # The run-status sensor goes on from its cursor: the county's files follow.
    county = county_run_after(topology, run.run_id)
    assert county.status == dg.DagsterRunStatus.SUCCESS
    assert county.job_name == "county_reports_job"
    assert county.tags["dagster/partition"] == "2026"
    assert county.tags["dagster/sensor_name"] == "region_years_built_sensor"
    # The BI copy was published again, and holds the delivery's figure.
    published_event = topology.instance.get_latest_materialization_event(
        dg.AssetKey("published_warehouse")
    )
    assert published_event.run_id == county.run_id
    assert guidance_sessions(published, "hallingdal") == before - 3
    # The file delivered while the daemon was down: its own run, and the county's files after it.
    midt = topology.ended(delivered_run(topology, MIDT_BUSKERUD).run_id)
    assert midt.status == dg.DagsterRunStatus.SUCCESS
    assert midt.tags["dagster/partition"] == "midt_buskerud|2026"
    assert county_run_after(topology, midt.run_id).status == dg.DagsterRunStatus.SUCCESS
    assert guidance_sessions(published, "midt_buskerud") == before_midt - 2
    # One run for each file, the switched-on state kept, each file loaded once (raw.load_log).
    for relative in (HALLINGDAL, MIDT_BUSKERUD):
        assert len(topology.runs(**{"etablerer/delivery": delivery_tag(topology, relative)})) == 1
    for name in ("landing_sensor", "region_years_built_sensor", "payout_january_schedule"):
        assert topology.sensor_state(name).status.value == "RUNNING"
    with duckdb.connect(
        str(topology.root / "warehouse" / "etablerer.duckdb"), read_only=True
    ) as con:
        loaded = con.execute(
            "select region_id, year, kind, source_sha256, count(*) from raw.load_log "
            "where origin = 'delivery' and status = 'loaded' group by all"
        ).fetchall()
    assert sorted(loaded) == [
        (relative.split("/")[0], 2026, "activities", delivery_tag(topology, relative)[-64:], 1)
        for relative in (HALLINGDAL, MIDT_BUSKERUD)
    ]


def test_the_january_payout_schedule_runs_under_the_daemon_and_writes_the_payout_file(topology):
    from orchestration.definitions import defs

    payout_file = topology.root / "reports" / "2026" / "utbetaling_2026_01.xlsx"
    payout_file.unlink()  # the sample run wrote it; this run must write it again
    repository = defs.get_repository_def()
    schedule = repository.get_schedule_def("payout_january_schedule")
    tick = datetime(2026, 1, 3, 6, tzinfo=OSLO)
    context = dg.build_schedule_context(
        instance=topology.instance, scheduled_execution_time=tick, repository_def=repository
    )
    (request,) = schedule.evaluate_tick(context).run_requests

    # Created and queued by the webserver's instance, as the daemon's schedule tick queues its
    # run; the daemon's run queue then dequeues and launches it through the code server.
    run_id = topology.graphql.submit_job_execution(schedule.job_name, tags=request.tags)
    run = topology.ended(run_id)
    assert run.status == dg.DagsterRunStatus.SUCCESS
    # Queued by the instance's run coordinator; only the daemon's run queue launches a queued run.
    (queued,) = topology.instance.all_logs(run_id, of_type=dg.DagsterEventType.RUN_ENQUEUED)
    (starting,) = topology.instance.all_logs(run_id, of_type=dg.DagsterEventType.RUN_STARTING)
    assert queued.timestamp < starting.timestamp
    assert run.tags["dagster/asset_partition_range_start"] == "drammensregionen|2026"
    assert run.tags["dagster/asset_partition_range_end"] == "ringeriksregionen|2026"
    county = county_run_after(topology, run_id)
    assert county.status == dg.DagsterRunStatus.SUCCESS
    assert set(county.asset_selection) == {dg.AssetKey("payout_files")}
    assert payout_file.is_file()


def worker_pid(topology: Topology, run_id: str) -> int:
    """The run worker's pid, from the run's own engine event («Started process for run»)."""
    for record in topology.instance.all_logs(run_id, of_type=dg.DagsterEventType.ENGINE_EVENT):
        pid = record.dagster_event.engine_event_data.metadata.get("pid")
        if pid is not None:
            return int(pid.value)
    raise AssertionError(f"run {run_id} logged no worker pid")


def killed_while_holding_the_pool(topology: Topology, partition: str) -> str:
    """Launch a region-year run, SIGKILL its worker while it holds the `duckdb_writer` slot.
    A step may end between the look and the kill: then the run is left to end, and another is
    tried. Returns the killed run's id."""
    for _attempt in range(3):
        run_id = topology.graphql.submit_job_execution(
            "yearly_pipeline_job", tags={"dagster/partition": partition}
        )
        wait_for(
            f"run {run_id} holding the pool",
            lambda run_id=run_id: (
                run_id in topology.slot_holders() or topology.run(run_id).status in ENDED
            ),
            RUN_WITHIN_S,
        )
        if topology.run(run_id).status not in ENDED:
            with contextlib.suppress(ProcessLookupError):  # the run ended just now
                os.kill(worker_pid(topology, run_id), signal.SIGKILL)
            if run_id in topology.slot_holders():  # the dead worker can give nothing back
                return run_id
        topology.ended(run_id)
    raise AssertionError("no run was killed while it held the pool, in three tries")


def test_a_killed_run_worker_fails_its_run_and_frees_the_pool(topology):
    killed = killed_while_holding_the_pool(topology, "drammensregionen|2026")

    assert topology.ended(killed).status == dg.DagsterRunStatus.FAILURE
    # The daemon's run monitoring gives the dead run's slot back (free_slots_after_run_end_seconds).
    wait_for("the killed run's slot freed", lambda: killed not in topology.slot_holders())
    # The next run needs the same pool, and succeeds.
    after = topology.graphql.submit_job_execution("agreement_check_job")
    assert topology.ended(after).status == dg.DagsterRunStatus.SUCCESS
    assert topology.slot_holders() == set()


def test_a_schedule_tick_missed_while_the_daemon_was_down_runs_after_its_restart(topology):
    """The daemon is down across the January payout schedule's time (3 January, 06:00 in Oslo):
    what it leaves in PostgreSQL is the schedule's last iteration before that time, written here
    as a daemon killed at 05:00 would have left it. Started again, the daemon's scheduler goes on
    from that state and runs the missed time: one tick at 06:00 and its payout_job run, launched
    by the daemon alone, success. (A schedule without partitions, as ours, gets the latest missed
    time only; Dagster's max_catchup_runs is for partitioned ones: dagster/_scheduler/scheduler.py,
    «has no partition set, so not trying to catch up».)"""
    # Test-only: the stored schedule state's shape (no public constructor for it).
    from dagster._core.scheduler.instigation import ScheduleInstigatorData, TickStatus

    name = "payout_january_schedule"
    earlier = {run.run_id for run in topology.runs(**{"dagster/schedule_name": name})}
    topology.kill("daemon")
    down_since = datetime(2026, 1, 3, 5, tzinfo=OSLO).timestamp()
    state = topology.sensor_state(name)
    topology.instance.update_instigator_state(
        state.with_data(
            ScheduleInstigatorData(
                state.instigator_data.cron_schedule,
                start_timestamp=down_since,
                last_iteration_timestamp=down_since,
            )
        )
    )
    topology.start("daemon")

    (caught_up,) = wait_for(
        "the missed tick's run",
        lambda: [
            run
            for run in topology.runs(**{"dagster/schedule_name": name})
            if run.run_id not in earlier
        ],
    )
    run = topology.ended(caught_up.run_id)
    assert run.status == dg.DagsterRunStatus.SUCCESS
    assert run.job_name == "payout_job"
    ticks = topology.instance.get_ticks(state.instigator_origin_id, state.selector_id)
    assert [(t.timestamp, t.status) for t in ticks] == [
        (datetime(2026, 1, 3, 6, tzinfo=OSLO).timestamp(), TickStatus.SUCCESS)
    ]
    assert ticks[0].run_ids == [run.run_id]
    assert topology.sensor_state(name).status.value == "RUNNING"
