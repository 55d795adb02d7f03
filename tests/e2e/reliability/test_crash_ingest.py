"""`etablerer ingest` killed with SIGKILL at random moments, and at each step of the load.

After every kill: the warehouse opens, and it holds either exactly the state before the
interrupted ingest or exactly the state after a complete one (the kill came after the commit);
never anything in between. Then a rerun ends in exactly the state of an uninterrupted ingest.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingestion.operators import ingest_file
from ingestion.paths import OPERATOR_SAMPLE_DIR
from tests.e2e.reliability.figures import count, soak
from tests.e2e.reliability.state import (
    archive_is_whole,
    copy_warehouse,
    diff,
    open_and_read_state,
)
from tests.helpers import DEMO_KEY, PROJECT_ROOT, isolated_env, run_etablerer

REGION, YEAR = "drammensregionen", 2026
SAMPLE = OPERATOR_SAMPLE_DIR / REGION / str(YEAR)
RANDOM_KILLS = 200 if soak() else 20
SEED = int(os.environ.get("ETABLERER_CRASH_SEED", "20260410"))


def _changed_activities(target: Path) -> Path:
    """The sample's activities with every 7th row gone and a few hours changed: a real update."""
    lines = (SAMPLE / "activities.csv").read_text(encoding="utf-8-sig").splitlines()
    kept = [lines[0]] + [line for i, line in enumerate(lines[1:]) if i % 7]
    kept = [line.replace(";0,5;", ";1;", 1) if i % 11 == 0 else line for i, line in enumerate(kept)]
    target.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def ingest_case(tmp_path_factory) -> dict:
    """A warehouse with the region's sample loaded (the last good state), a changed activities
    file, and the state an uninterrupted ingest of it gives."""
    root = tmp_path_factory.mktemp("crash_ingest")
    base = root / "base" / "etablerer.duckdb"
    for kind in ("courses", "clients", "activities"):
        ingest_file(
            base,
            SAMPLE / f"{kind}.csv",
            region_id=REGION,
            year=YEAR,
            kind=kind,
            archive_dir=root / "archive",
            key=DEMO_KEY.encode(),
        )
    changed = _changed_activities(root / "aktiviteter_oppdatert.csv")
    reference = root / "reference" / "etablerer.duckdb"
    copy_warehouse(base, reference)
    env = isolated_env(root / "reference")
    started = time.monotonic()
    done = _ingest_cli(changed, reference, env)
    seconds = time.monotonic() - started
    assert done.returncode in (0, 1), done.stderr
    return {
        "root": root,
        "base": base,
        "changed": changed,
        "before": open_and_read_state(base),
        "after": open_and_read_state(reference),
        "seconds": seconds,
    }


def _ingest_args(path: Path, db: Path) -> list[str]:
    return ["ingest", str(path), "--region", REGION, "--year", str(YEAR), "--kind", "activities",
            "--db", str(db)]  # fmt: skip


def _ingest_cli(path: Path, db: Path, env: dict) -> subprocess.CompletedProcess:
    return run_etablerer(_ingest_args(path, db), env)


def _check_recovered(case: dict, db: Path, env: dict) -> str:
    """Opens; before or after, nothing in between; a rerun gives the uninterrupted state."""
    state = open_and_read_state(db)
    if diff(state, case["before"]) and diff(state, case["after"]):
        raise AssertionError(
            f"Mixed state after a kill: differs from before in {diff(state, case['before'])}, "
            f"from after in {diff(state, case['after'])}"
        )
    landed = "before" if not diff(state, case["before"]) else "after"
    count(f"crashes_ingest_{landed}_commit")
    rerun = _ingest_cli(case["changed"], db, env)
    assert rerun.returncode in (0, 1), rerun.stderr
    assert diff(open_and_read_state(db), case["after"]) == []
    return landed


def test_ingest_changes_the_state(ingest_case):
    """The case is meaningful: the changed file really changes raw.activities."""
    assert "raw.activities" in diff(ingest_case["before"], ingest_case["after"])
    before_rows = ingest_case["before"]["raw.activities"][0]
    assert ingest_case["after"]["raw.activities"][0] < before_rows


def _killed_after(process: subprocess.Popen, delay: float) -> bool:
    """SIGKILL `delay` s after the start, if the process still runs then; False when it ended
    first."""
    try:
        process.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()
        return True
    return False


def test_sigkill_at_random_moments(ingest_case):
    rng = random.Random(SEED)
    root: Path = ingest_case["root"]
    landed: list[str] = []
    for attempt in range(RANDOM_KILLS):
        work = root / f"kill_{attempt}"
        delay = rng.uniform(0.05, ingest_case["seconds"] * 1.05)
        # An ingest that ends before its kill (a faster moment than the timed one) is tried
        # again with half the delay: every kill counted hit a running ingest.
        while True:
            db = work / "etablerer.duckdb"
            copy_warehouse(ingest_case["base"], db)
            env = isolated_env(work)
            env["ETABLERER_ARCHIVE_DIR"] = str(root / "archive")  # shared: kills mid-copy too
            process = subprocess.Popen(
                [
                    str(Path(sys.executable).parent / "etablerer"),
                    *_ingest_args(ingest_case["changed"], db),
                ],
                env=env,
                cwd=PROJECT_ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            if _killed_after(process, delay):
                break
            assert process.returncode in (0, 1)
            assert diff(open_and_read_state(db), ingest_case["after"]) == []
            shutil.rmtree(work)
            delay /= 2
        count("crashes_ingest")
        landed.append(_check_recovered(ingest_case, db, env))
        count("crashes_ingest_recovered")
        shutil.rmtree(work)
    assert archive_is_whole(root / "archive") >= 4
    assert len(landed) == RANDOM_KILLS
    # Some kills must land before the commit, or this test proves nothing about atomicity.
    assert landed.count("before") >= 1, landed


KILL_AT_STEP = """
import os, signal, sys
from pathlib import Path
from ingestion.operators import ingest_file

def die(step):
    if step == sys.argv[3]:
        os.kill(os.getpid(), signal.SIGKILL)

ingest_file(Path(sys.argv[1]), Path(sys.argv[2]), region_id="drammensregionen", year=2026,
            kind="activities", archive_dir=Path(sys.argv[4]), on_step=die)
"""


@pytest.mark.parametrize("step", ["deleted", "inserted", "quarantined"])
def test_sigkill_inside_the_load_transaction(ingest_case, step, tmp_path):
    """The process kills itself between the statements of the one load transaction."""
    db = tmp_path / "etablerer.duckdb"
    copy_warehouse(ingest_case["base"], db)
    env = {**isolated_env(tmp_path), "ETABLERER_PSEUDONYM_KEY": DEMO_KEY}
    killed = subprocess.run(
        [sys.executable, "-c", KILL_AT_STEP, str(db), str(ingest_case["changed"]), step,
         str(tmp_path / "archive")],
        env=env, cwd=PROJECT_ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    count("crashes_ingest")
    assert _check_recovered(ingest_case, db, env) == "before"
    count("crashes_ingest_recovered")
