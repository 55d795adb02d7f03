"""Helpers shared by the tests: run the CLI in an isolated environment."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from ingestion.paths import OPERATOR_SAMPLE_DIR

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ETABLERER = Path(sys.executable).parent / "etablerer"
WEBSERVER = Path(sys.executable).parent / "dagster-webserver"
DAGSTER = Path(sys.executable).parent / "dagster"
DEMO_KEY = "demo-key-for-the-bundled-synthetic-sample-only"


def isolated_env(root: Path) -> dict[str, str]:
    """Environment for a pipeline whose every output lives under root."""
    (root / "dagster_home").mkdir(parents=True, exist_ok=True)
    environ = {k: v for k, v in os.environ.items() if k != "ETABLERER_PSEUDONYM_KEY_FILE"}
    return {
        **environ,
        "DAGSTER_HOME": str(root / "dagster_home"),
        "ETABLERER_DUCKDB_PATH": str(root / "warehouse" / "etablerer.duckdb"),
        "ETABLERER_ARCHIVE_DIR": str(root / "archive"),
        # Protected like the archive, and like it left out of the PII scan.
        "ETABLERER_LINKAGE_PATH": str(root / "linkage" / "businesses.sqlite"),
        "ETABLERER_LANDING_DIR": str(root / "landing"),
        "ETABLERER_REPORTS_DIR": str(root / "reports"),
        "ETABLERER_PSEUDONYM_KEY": DEMO_KEY,
        # Tests ingest copies of the sample and generated files: synthetic, so the demo key may.
        "ETABLERER_SYNTHETIC_DATA": "1",
    }


def run_etablerer(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(ETABLERER), *args], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True
    )


def copy_of_sample_run(sample_pipeline: dict, tmp_path: Path) -> tuple[Path, Path]:
    """The good state of the session's sample run (warehouse, reports, run history) and the
    bundled operator files, copied under tmp_path so a test can change them: (root, operators)."""
    assert sample_pipeline["completed"].returncode == 0
    root = tmp_path / "pipeline"
    shutil.copytree(sample_pipeline["root"], root)
    operators = tmp_path / "operators"
    shutil.copytree(OPERATOR_SAMPLE_DIR, operators)
    return root, operators


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_webserver(
    env: dict[str, str], port: int | None = None, daemon: bool = False
) -> Iterator[str]:
    """`dagster-webserver` on the project's workspace.yaml, or with `daemon` `dagster dev` (the
    webserver and the daemon, as `make dev` starts them: runs launched from the UI are queued, and
    the daemon starts them). Yields the url once /server_info answers; stops the processes after."""
    port = port or free_port()
    command = [str(DAGSTER), "dev"] if daemon else [str(WEBSERVER)]
    process = subprocess.Popen(
        [*command, "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own group: the code server and the daemon stop with it
    )
    url = f"http://127.0.0.1:{port}"
    try:
        # A generous bound for a loaded machine; the loop ends as soon as the server answers.
        deadline = time.monotonic() + 180
        while True:
            assert process.poll() is None, "dagster-webserver ended before it answered"
            try:
                if httpx.get(f"{url}/server_info", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "dagster-webserver did not answer within 180 s"
            time.sleep(0.5)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def pids_left_after_killing(script: str, seconds: float = 120) -> list[int]:
    """Runs `script`, which prints the pids of the children it started and then waits on stdin;
    SIGKILLs it alone, not its group (as the OOM killer does), and waits until those children have
    ended. Returns those still running after `seconds`, a bound for a broken case only; they are
    killed then."""
    starter = subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=PROJECT_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        children = [int(pid) for pid in starter.stdout.readline().split()]
    finally:
        starter.kill()
        starter.wait()
    assert children, "the script started no children"
    deadline = time.monotonic() + seconds
    while (running := [pid for pid in children if _running(pid)]) and time.monotonic() < deadline:
        time.sleep(0.05)
    for pid in running:
        os.kill(pid, signal.SIGKILL)
    return running


def _running(pid: int) -> bool:
    """Not ended, and not a zombie that a parent which never reaps it has left behind."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")
