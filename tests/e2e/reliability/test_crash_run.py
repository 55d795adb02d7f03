"""`etablerer run` killed with SIGKILL again and again, each attempt the rerun of the one before.

Starts from a copy of the sample run's warehouse and published BI copy (the last good state) with
the same inputs, so every kill must leave exactly that state: the warehouse and the BI file open,
and every raw, seed and mart table has the same rows (checksums in SQL) as before. The last attempt
runs to the end and must give the same state as the uninterrupted sample run.

The whole process group is killed (what a container or OOM kill does), so the dbt subprocess dies
with the Dagster process instead of running on as an orphan.
"""

from __future__ import annotations

import fcntl
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from ingestion.paths import OPERATOR_SAMPLE_DIR
from tests.e2e.reliability.figures import count, soak
from tests.e2e.reliability.state import copy_warehouse, diff, open_and_read_state, table_states
from tests.helpers import PROJECT_ROOT, isolated_env

SEED = int(os.environ.get("ETABLERER_CRASH_SEED", "20260410"))
RUN_ARGS = ["run", "--year", "2026", "--skip-ssb"]
DBT_STARTED = "▶ dbt_models"  # the progress line `etablerer run` prints as dbt starts
DBT_DONE = "✔ dbt_models"


def kill_plan(rng: random.Random, timing: dict[str, float]) -> list[tuple[str | None, float]]:
    """(marker to wait for, seconds after it), placed as fractions of an uninterrupted run's
    phases (`timing`), so that a faster or slower machine kills in the same phases. Early kills
    are cheap, late ones cost a whole run each, so the default mode spreads 20 kills: startup and
    raw ingestion, dbt, after dbt."""
    if soak():
        return [(None, rng.uniform(0.02, 0.98) * timing["end"]) for _ in range(100)]
    dbt_seconds = timing[DBT_DONE] - timing[DBT_STARTED]
    plan = [(None, rng.uniform(0.02, 0.95) * timing[DBT_STARTED]) for _ in range(17)]
    plan += [(DBT_STARTED, rng.uniform(0, 0.9) * dbt_seconds) for _ in range(2)]
    plan += [(DBT_DONE, rng.uniform(0, 0.8) * (timing["end"] - timing[DBT_DONE]))]
    return plan


def _timed_run(env: dict, log: Path) -> dict[str, float]:
    """An uninterrupted run: the seconds from its start to dbt's start, dbt's end and its end."""
    start = time.monotonic()
    process = _start(env, log)
    timing: dict[str, float] = {}
    while process.poll() is None:
        text = log.read_text(errors="replace")
        for marker in (DBT_STARTED, DBT_DONE):
            if marker not in timing and marker in text:
                timing[marker] = time.monotonic() - start
        time.sleep(0.05)
    timing["end"] = time.monotonic() - start
    assert process.returncode == 0, log.read_text()[-3000:]
    assert DBT_STARTED in timing and DBT_DONE in timing, log.read_text()[-3000:]
    return timing


def _start(env: dict, log: Path) -> subprocess.Popen:
    with log.open("w") as out:
        return subprocess.Popen(
            [str(Path(sys.executable).parent / "etablerer"), *RUN_ARGS],
            env=env,
            cwd=PROJECT_ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _kill_when(
    process: subprocess.Popen, log: Path, marker: str | None, delay: float, warehouse: Path
) -> bool:
    """SIGKILL the group `delay` s after `marker` appears (or after start), then wait until every
    member is gone and the warehouse's lock is free. False when the run ended first."""
    if marker is not None:
        while marker not in log.read_text(errors="replace"):
            if process.poll() is not None:
                return False
            time.sleep(0.1)
    try:
        process.wait(timeout=delay)
        return False
    except subprocess.TimeoutExpired:
        pass
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    _wait_until_the_group_is_gone(process.pid)
    _wait_until_the_lock_is_free(warehouse)
    return True


# Bounds for a hung test only: dying processes and a released lock are what the waits are for.
GONE_WITHIN_S = 600


def _wait_until_the_group_is_gone(pgid: int) -> None:
    """SIGKILL reaches the whole group at once, but a thread in the middle of disk I/O (DuckDB
    writing the warehouse in dbt) dies a moment later, and its process holds the file's lock until
    its last thread has ended; on a busy machine that moment can be long. Every child of `etablerer
    run` is in the group: none starts a session or group of its own (docs/reliability.md)."""
    deadline = time.monotonic() + GONE_WITHIN_S
    while (alive := _living_members(pgid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive, f"still running {GONE_WITHIN_S} s after SIGKILL to their group: {alive}"


def _living_members(pgid: int) -> list[int]:
    """Members of the group with a thread still running. A process whose main thread has ended
    shows as a zombie while its other threads still run; a zombie with none holds nothing."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        fields = _stat(stat)
        if fields is None or fields[2] != pgid:
            continue
        threads = [_stat(task) for task in stat.parent.glob("task/*/stat")]
        if any(t is not None and t[0] not in ("Z", "X") for t in [fields, *threads]):
            members.append(int(stat.parent.name))
    return members


def _stat(path: Path) -> tuple[str, int, int] | None:
    """(state, ppid, pgrp) from /proc/<pid>/stat, or None when the process ended while we looked."""
    try:
        # pid (comm) state ppid pgrp ...; comm may hold spaces, so split after its last ")"
        state, ppid, pgrp = path.read_text().rsplit(")", 1)[1].split()[:3]
    except (OSError, ValueError, IndexError):
        return None
    return state, int(ppid), int(pgrp)


def _wait_until_the_lock_is_free(db: Path) -> None:
    """What the next step needs: no process holds the warehouse's lock (DuckDB takes an fcntl
    lock on the whole file), whichever process it was."""
    deadline = time.monotonic() + GONE_WITHIN_S
    while not _lock_is_free(db):
        assert time.monotonic() < deadline, f"{db} still locked: {_lock_holder(db)}"
        time.sleep(0.05)


def _lock_is_free(db: Path) -> bool:
    try:
        fd = os.open(db, os.O_RDWR)
    except FileNotFoundError:
        return True
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.lockf(fd, fcntl.LOCK_UN)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def _lock_holder(db: Path) -> str:
    """DuckDB's words on who holds the lock, with that process's group and parent."""
    try:
        duckdb.connect(str(db), read_only=True).close()
    except duckdb.Error as error:
        found = re.search(r"\(PID (\d+)\)", str(error))
        fields = found and _stat(Path("/proc", found[1], "stat"))
        return f"{error} (state, ppid, pgrp: {fields})"
    return "free again"


def test_run_killed_repeatedly_keeps_the_last_good_state_and_completes(sample_pipeline, tmp_path):
    assert sample_pipeline["completed"].returncode == 0, sample_pipeline["completed"].stdout[-2000:]
    source = sample_pipeline["root"] / "warehouse"
    root = tmp_path / "chain"
    copy_warehouse(source / "etablerer.duckdb", root / "warehouse" / "etablerer.duckdb")
    shutil.copytree(source / "published", root / "warehouse" / "published")
    # Only the smallest region's folder: the run reloads it (unchanged) and rebuilds everything.
    operators = tmp_path / "operators" / "midt_buskerud"
    shutil.copytree(OPERATOR_SAMPLE_DIR / "midt_buskerud", operators)
    env = {**isolated_env(root), "ETABLERER_LANDING_DIR": str(operators.parent)}
    warehouse = root / "warehouse" / "etablerer.duckdb"
    expected = open_and_read_state(source / "etablerer.duckdb")
    expected_bi = _all_tables_of(source)
    timing = _timed_run(env, tmp_path / "timed.log")
    assert diff(open_and_read_state(root / "warehouse" / "etablerer.duckdb"), expected) == []
    rng = random.Random(SEED)
    kills = 0
    plan = kill_plan(rng, timing)
    for attempt, (marker, delay) in enumerate(plan):
        log = tmp_path / f"attempt_{attempt}.log"
        # A run that ends before its kill (this machine ran its phase faster than the timed run)
        # is a complete rerun, checked as the others; the kill is tried again at half the delay,
        # so that every planned kill lands.
        for _ in range(8):
            process = _start(env, log)
            if _kill_when(process, log, marker, delay, warehouse):
                break
            assert process.returncode == 0, log.read_text()[-3000:]
            assert diff(open_and_read_state(warehouse), expected) == []
            delay /= 2
        else:
            raise AssertionError(f"attempt {attempt}: the run ended before its kill 8 times")
        kills += 1
        count("crashes_run")
        state = open_and_read_state(warehouse)
        assert diff(state, expected) == [], f"attempt {attempt} ({marker}+{delay:.1f}s, {timing})"
        assert _all_tables_of(root / "warehouse") == expected_bi
    final = _start(env, tmp_path / "final.log")
    assert final.wait(timeout=900) == 0, (tmp_path / "final.log").read_text()[-3000:]
    assert diff(open_and_read_state(root / "warehouse" / "etablerer.duckdb"), expected) == []
    assert _all_tables_of(root / "warehouse") == expected_bi
    count("crashes_run_recovered", kills)
    assert kills == len(plan)


def _all_tables_of(warehouse_dir: Path) -> dict:
    """Rows and checksums of every table in the published BI copy."""
    path = warehouse_dir / "published" / "etablerer_bi.duckdb"
    with duckdb.connect(str(path), read_only=True) as con:
        return table_states(con, schemas=None)
