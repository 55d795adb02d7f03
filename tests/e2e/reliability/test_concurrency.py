"""Concurrent writers. DuckDB lets one process hold the file for writing; `connect_writer` makes
the others wait for it (bounded) instead of failing, and says so in Norwegian when it gives up.

The CLI tests here hold because `ingestion/operators/api.py` opens the warehouse
through `ingestion.db.connect_writer` (docs/reliability.md); before that, the second writer failed
at once with DuckDB's "Could not set lock on file".
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest

import ingestion.db
from ingestion.db import WarehouseLocked, connect_writer
from ingestion.paths import OPERATOR_SAMPLE_DIR
from tests.e2e.dbt.conftest import dbt_command
from tests.e2e.reliability.figures import count
from tests.e2e.reliability.state import copy_warehouse, diff, open_and_read_state
from tests.helpers import ETABLERER, PROJECT_ROOT, isolated_env

# Holds the file for writing until a line comes on stdin (or stdin closes), then adds its row.
HOLD = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("create table if not exists t (n integer)")
print("held", flush=True)
sys.stdin.readline()
con.execute("insert into t values (1)")
con.close()
"""


def _hold_lock(db: Path, script: str = HOLD) -> subprocess.Popen:
    """Another process that holds the file until told to let go; returns once it holds it."""
    holder = subprocess.Popen(
        [sys.executable, "-c", script, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    return holder


def _let_go(holder: subprocess.Popen) -> None:
    holder.stdin.write("let go\n")
    holder.stdin.flush()


def test_connect_writer_waits_for_the_lock_then_writes(tmp_path):
    """The holder lets go only once `connect_writer` has said that it waits, so the holder's row
    comes first only if it really waited for the lock."""
    db = tmp_path / "w.duckdb"
    holder = _hold_lock(db)
    waits = []

    def tell_the_holder(line: str) -> None:
        waits.append(line)
        _let_go(holder)

    try:
        # The bound only ends a hung test: the holder lets go as soon as it is told.
        with connect_writer(db, timeout_s=600, poll_s=0.1, on_wait=tell_the_holder) as con:
            con.execute("insert into t values (2)")
            rows = sorted(n for (n,) in con.execute("select n from t").fetchall())
    finally:
        holder.stdin.close()
    assert holder.wait(timeout=120) == 0
    count("concurrent_cases")
    assert len(waits) == 1 and f"er låst av prosess {holder.pid} (" in waits[0]
    assert rows == [1, 2]  # the holder's row kept, ours added after it


def test_connect_writer_gives_up_with_a_norwegian_message_naming_the_file(tmp_path):
    db = tmp_path / "w.duckdb"
    holder = _hold_lock(db)  # until it is killed below
    try:
        with pytest.raises(WarehouseLocked) as caught:
            connect_writer(db, timeout_s=1.0, poll_s=0.1)
    finally:
        holder.kill()
        holder.wait()
    count("concurrent_cases")
    # It gave up after the second it was given (it stops when one more poll would pass it), not
    # at once and not after its default 120 s. Its own clock: a busy machine only makes it later.
    assert 0.9 < caught.value.waited_s < 60
    message = str(caught.value)
    assert str(db) in message and f"er låst av prosess {holder.pid} (" in message
    assert "BI-verktøy" in message and "published/etablerer_bi.duckdb" in message
    assert "Could not set lock on file" in caught.value.detail


def test_connect_writer_raises_other_errors_at_once(tmp_path, monkeypatch):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")

    def no_waiting(seconds: float) -> None:
        raise AssertionError(f"connect_writer waited {seconds} s on an error that is no lock")

    # At once: without a single pause of its polling loop.
    monkeypatch.setattr(
        ingestion.db, "time", SimpleNamespace(monotonic=time.monotonic, sleep=no_waiting)
    )
    with pytest.raises(duckdb.IOException) as caught:
        connect_writer(not_a_folder / "w.duckdb", timeout_s=30)
    assert not isinstance(caught.value, WarehouseLocked)


HOLD_UNTIL_TOLD = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
print("held", flush=True)
sys.stdin.readline()
con.close()
"""


def test_an_ingest_that_waits_for_the_lock_says_so_at_once_with_the_likely_causes(tmp_path):
    """It waited up to 120 s without a word. Now its first line says the warehouse is locked, by
    which process, that it waits, and that a BI tool on the live file is a likely cause; the
    ingest goes on once the holder lets go."""
    db = tmp_path / "warehouse" / "etablerer.duckdb"
    db.parent.mkdir(parents=True)
    holder = _hold_lock(db, HOLD_UNTIL_TOLD)
    clients = OPERATOR_SAMPLE_DIR / "hallingdal" / "2026" / "clients.csv"
    ingest = _ingest(clients, "hallingdal", db, isolated_env(tmp_path))
    try:
        waiting = ingest.stderr.readline()  # the holder still holds the lock: it must say so now
    finally:
        holder.communicate("let go\n")
    out, err = ingest.communicate(timeout=300)
    assert f"Datavarehuset {db} er låst av prosess {holder.pid} (" in waiting
    assert "venter opptil 120 sekunder" in waiting
    assert "BI-verktøy" in waiting and "published/etablerer_bi.duckdb" in waiting
    assert ingest.returncode == 0, out + err
    assert "100 lastet inn i raw.clients" in out


READ_UNTIL_TOLD = HOLD_UNTIL_TOLD.replace(
    "connect(sys.argv[1])", "connect(sys.argv[1], read_only=True)"
)

# dbt's command line with DuckDB's connect wrapped to say on stderr each time it was refused.
DBT_SAYING_EACH_REFUSED_CONNECT = """
import sys, duckdb
from dbt.cli.main import cli
connect = duckdb.connect
def connect_or_say(*args, **kwargs):
    try:
        return connect(*args, **kwargs)
    except duckdb.IOException:
        print("connect refused", file=sys.stderr, flush=True)
        raise
duckdb.connect = connect_or_say
cli.main(args=sys.argv[1:], prog_name="dbt")
"""


def test_a_dbt_step_waits_for_a_reader_of_the_warehouse_then_runs(tmp_path):
    """A process reading the live file (a backup, a tool pointed at it) made a dbt step fail at
    once with DuckDB's lock error, while the Python writers wait for it. With
    dbt_project/profiles.yml's `retries`, dbt tries the connect again. The reader lets go only
    once dbt has been refused, so the step succeeds only if dbt waited."""
    db = tmp_path / "w.duckdb"
    duckdb.connect(str(db)).close()
    reader = _hold_lock(db, READ_UNTIL_TOLD)
    command, env = dbt_command(["show", "--inline", "select 42 as answer"], db, tmp_path / "dbt")
    dbt = subprocess.Popen(
        [sys.executable, "-c", DBT_SAYING_EACH_REFUSED_CONNECT, *command[1:]],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # Until dbt has been refused, or has ended without it.
        refused = any(line.strip() == "connect refused" for line in dbt.stderr)
    finally:
        reader.communicate("let go\n")
    out, err = dbt.communicate(timeout=600)
    assert refused, "dbt was never refused: the reader did not hold the file\n" + out + err
    assert dbt.returncode == 0, out + err
    assert "42" in out


def _ingest(file: Path, region: str, db: Path, env: dict) -> subprocess.Popen:
    args = ["ingest", str(file), "--region", region, "--year", "2026", "--db", str(db)]
    return subprocess.Popen(
        [str(ETABLERER), *args],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _first_line_about_the_lock(ingest: subprocess.Popen) -> str:
    """The ingest's first line on stderr that says the warehouse is locked, or "" if it ended
    without one."""
    for line in ingest.stderr:
        if "er låst av" in line:
            return line
    return ""


@pytest.mark.parametrize("kind", ["clients", "courses"])
def test_two_ingests_for_different_regions_at_once_both_load(kind, tmp_path):
    """Started together; both succeed one after the other; every row of both files is there."""
    db = tmp_path / "warehouse" / "etablerer.duckdb"
    env = isolated_env(tmp_path)
    regions = ("drammensregionen", "hallingdal")
    files = {r: OPERATOR_SAMPLE_DIR / r / "2026" / f"{kind}.csv" for r in regions}
    # A holder makes sure the two really collide: it lets go once both have said they wait.
    db.parent.mkdir(parents=True)
    holder = _hold_lock(db)
    processes = {r: _ingest(files[r], r, db, env) for r in regions}
    # Only for a hung ingest: it ends the reading below, and the test fails on the exit codes.
    watchdog = threading.Timer(600, lambda: [p.kill() for p in processes.values()])
    watchdog.start()
    try:
        waiting = {r: _first_line_about_the_lock(p) for r, p in processes.items()}
    finally:
        watchdog.cancel()
        holder.communicate("let go\n", timeout=120)
    outputs = {r: p.communicate(timeout=600) for r, p in processes.items()}
    codes = {r: p.returncode for r, p in processes.items()}
    assert codes == dict.fromkeys(regions, 0), outputs
    assert all("venter opptil 120 sekunder" in line for line in waiting.values()), waiting
    with duckdb.connect(str(db), read_only=True) as con:
        loaded = dict(
            con.execute(
                f"select region_id, count(*) from raw.{kind} group by 1 order by 1"
            ).fetchall()
        )
        logged = con.execute(
            "select count(*) from raw.load_log where status = 'loaded' and kind = ?", [kind]
        ).fetchone()[0]
    expected = {r: len(files[r].read_bytes().splitlines()) - 1 for r in regions}
    count("concurrent_cases")
    assert (loaded, logged) == (expected, 2)


def test_ingest_during_a_run_waits_or_fails_cleanly(sample_pipeline, tmp_path):
    """An ingest started while `etablerer run` is in its dbt build. The ingest waits for the lock
    (or gives up with the Norwegian message); the run completes or fails with a message; the
    warehouse opens and holds exactly the sample's data."""
    assert sample_pipeline["completed"].returncode == 0
    source = sample_pipeline["root"] / "warehouse" / "etablerer.duckdb"
    db = tmp_path / "warehouse" / "etablerer.duckdb"
    copy_warehouse(source, db)
    expected = open_and_read_state(source)
    operators = tmp_path / "operators" / "midt_buskerud"
    shutil.copytree(OPERATOR_SAMPLE_DIR / "midt_buskerud", operators)
    env = {**isolated_env(tmp_path), "ETABLERER_LANDING_DIR": str(operators.parent)}
    log = tmp_path / "run.log"
    with log.open("w") as out:
        run = subprocess.Popen(
            [str(ETABLERER), "run", "--year", "2026", "--skip-ssb"],
            env=env,
            cwd=PROJECT_ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    while "▶ dbt_models" not in log.read_text(errors="replace"):
        assert run.poll() is None, log.read_text()[-3000:]
        time.sleep(0.2)
    # The same content as the loaded file, so the expected end state is exactly the sample's.
    same = tmp_path / "kurs_kopi.csv"
    shutil.copyfile(OPERATOR_SAMPLE_DIR / "hallingdal" / "2026" / "courses.csv", same)
    ingest = _ingest(same, "hallingdal", db, env)
    ingest_out, ingest_err = ingest.communicate(timeout=600)
    run_code = run.wait(timeout=900)
    run_text = log.read_text(errors="replace")
    count("concurrent_cases")
    if ingest.returncode != 0:
        assert ingest.returncode == 2 and "er låst av en annen prosess" in ingest_err, ingest_err
    else:
        assert "uendret" in ingest_out
    if run_code != 0:
        assert "lock" in run_text or "låst" in run_text, run_text[-3000:]
    assert diff(open_and_read_state(db), expected) == []
