"""`etablerer serve`: a deployed instance's three processes, as Dagster's deployment guide has
them: a code server (the definitions, and the runs it launches), `dagster-daemon run` (schedules,
sensors, the run queue, run monitoring) and `dagster-webserver` (the UI), each its own process,
sharing the instance in DAGSTER_HOME (PostgreSQL on a server: deploy/dagster.yaml).

They start in that order, each once the one before answers: the code server when its gRPC health
check passes, the webserver when /server_info answers and it has loaded the code location, the
daemon when every daemon it runs has written a heartbeat since it started. SIGTERM or SIGINT stops
them in the reverse order; a process that ends by itself stops the others, and `serve` exits 1.
Each process also gets SIGTERM when `serve` dies (Linux's parent-death signal), so none is left
behind by a killed `serve`. The systemd units in deploy/ run the same commands, one unit each.
"""

from __future__ import annotations

import contextlib
import ctypes
import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import click
import httpx

from ingestion import paths

DEPLOY_WORKSPACE = paths.PROJECT_ROOT / "deploy" / "workspace.yaml"
LOCATION_NAME = "etablerer"
DEFINITIONS_MODULE = "orchestration.definitions"
# Where the processes listen unless the environment says otherwise. The UI is on localhost only:
# a reverse proxy with the county's sign-in goes in front of it (docs/operations.md).
DEFAULTS = {
    "ETABLERER_CODE_SERVER_HOST": "127.0.0.1",
    "ETABLERER_CODE_SERVER_PORT": "4266",
    "ETABLERER_WEBSERVER_HOST": "127.0.0.1",
    "ETABLERER_WEBSERVER_PORT": "3000",
}
# Bounds for a process that never becomes healthy; each wait ends as soon as it is.
READY_WITHIN_S = 600
STOP_WITHIN_S = 60
POLL_S = 0.5
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


@dataclass(frozen=True)
class Service:
    name: str
    argv: list[str]


def service_commands(env: Mapping[str, str], bin_dir: Path, project_root: Path) -> list[Service]:
    """The three commands, in start order. `env` gives the hosts and ports; the systemd units in
    deploy/ hold the same commands with `${NAME}` for them (tests/orchestration/test_serve.py)."""
    workspace = str(project_root / "deploy" / "workspace.yaml")
    return [
        Service(
            "code-server",
            [
                str(bin_dir / "dagster"),
                "code-server",
                "start",
                "-m",
                DEFINITIONS_MODULE,
                "-d",
                str(project_root),
                "--location-name",
                LOCATION_NAME,
                "-h",
                env["ETABLERER_CODE_SERVER_HOST"],
                "-p",
                env["ETABLERER_CODE_SERVER_PORT"],
            ],
        ),
        Service(
            "webserver",
            [
                str(bin_dir / "dagster-webserver"),
                "-w",
                workspace,
                "-h",
                env["ETABLERER_WEBSERVER_HOST"],
                "-p",
                env["ETABLERER_WEBSERVER_PORT"],
            ],
        ),
        Service("daemon", [str(bin_dir / "dagster-daemon"), "run", "-w", workspace]),
    ]


def ui_url(env: Mapping[str, str]) -> str:
    return f"http://{env['ETABLERER_WEBSERVER_HOST']}:{env['ETABLERER_WEBSERVER_PORT']}"


class Stopped(Exception):
    """SIGTERM, SIGINT or SIGHUP reached `serve`."""


class ServiceFailed(Exception):
    """A process ended or never became healthy. Norwegian, for the operator."""


def _end_with_parent() -> None:
    """In the child, before exec: SIGTERM when the process that started it dies."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def start(service: Service, env: Mapping[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        service.argv,
        cwd=paths.PROJECT_ROOT,
        env=dict(env),
        # Its own group: a Ctrl-C in the terminal reaches `serve` alone, which stops the three in
        # order, and a group kill at the end takes what a process started (the code server's runs).
        start_new_session=True,
        preexec_fn=_end_with_parent if sys.platform == "linux" else None,
    )


def stop(name: str, process: subprocess.Popen) -> int | None:
    """SIGTERM, and SIGKILL to its group if it has not ended within STOP_WITHIN_S."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_WITHIN_S)
        except subprocess.TimeoutExpired:
            click.echo(
                f"{name} stoppet ikke på {STOP_WITHIN_S} s; avsluttes med SIGKILL.", err=True
            )
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    return process.returncode


def wait_until(ready: Callable[[], bool], name: str, running: dict[str, subprocess.Popen]) -> None:
    """Until `ready()`; fails when any started process has ended, or after READY_WITHIN_S."""
    deadline = time.monotonic() + READY_WITHIN_S
    while not ready():
        check_running(running)
        if time.monotonic() > deadline:
            raise ServiceFailed(f"{name} ble ikke klar på {READY_WITHIN_S} s.")
        time.sleep(POLL_S)


def check_running(running: dict[str, subprocess.Popen]) -> None:
    for name, process in running.items():
        if process.poll() is not None:
            raise ServiceFailed(f"{name} avsluttet uventet (kode {process.returncode}).")


def code_server_ready(env: Mapping[str, str], bin_dir: Path) -> bool:
    """Dagster's own gRPC health check of the code server."""
    check = subprocess.run(
        [
            str(bin_dir / "dagster"),
            "api",
            "grpc-health-check",
            "-h",
            env["ETABLERER_CODE_SERVER_HOST"],
            "-p",
            env["ETABLERER_CODE_SERVER_PORT"],
        ],
        env=dict(env),
        capture_output=True,
        check=False,
    )
    return check.returncode == 0


LOCATIONS_QUERY = """
{ workspaceOrError { ... on Workspace { locationEntries {
    name loadStatus locationOrLoadError { __typename ... on PythonError { message } } } } } }
"""


def webserver_ready(url: str) -> bool:
    """/server_info answers, and the webserver has loaded the code location from the code server;
    a location that failed to load is an error, not a wait."""
    try:
        if httpx.get(f"{url}/server_info", timeout=10).status_code != 200:
            return False
        answer = httpx.post(f"{url}/graphql", json={"query": LOCATIONS_QUERY}, timeout=60)
    except httpx.TransportError:
        return False
    if answer.status_code != 200:
        return False
    workspace = (answer.json().get("data") or {}).get("workspaceOrError") or {}
    entries = workspace.get("locationEntries") or []
    for entry in entries:
        error = entry["locationOrLoadError"] or {}
        if error.get("__typename") == "PythonError":
            raise ServiceFailed(f"Kodeserveren lastet ikke definisjonene: {error['message']}")
    return bool(entries) and all(entry["loadStatus"] == "LOADED" for entry in entries)


def daemon_ready(instance, since: float) -> bool:
    """Every daemon the instance needs has written a heartbeat since `since` (an older one may be
    a previous daemon's, which a restart leaves in the storage)."""
    statuses = instance.get_daemon_statuses().values()
    return all(
        status.last_heartbeat is not None and status.last_heartbeat.timestamp >= since
        for status in statuses
        if status.required
    )


def readiness(
    name: str, env: Mapping[str, str], bin_dir: Path, instance, since: float
) -> Callable[[], bool]:
    """The health check of the process `name`, started at `since`."""
    return {
        "code-server": lambda: code_server_ready(env, bin_dir),
        "webserver": lambda: webserver_ready(ui_url(env)),
        "daemon": lambda: daemon_ready(instance, since),
    }[name]


@contextlib.contextmanager
def signals_stop() -> Iterator[None]:
    def handler(signum: int, _frame: object) -> None:
        raise Stopped(signal.Signals(signum).name)

    handled = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
    before = {signum: signal.signal(signum, handler) for signum in handled}
    try:
        yield
    finally:
        for signum, previous in before.items():
            signal.signal(signum, previous)


def serve(env: dict[str, str], bin_dir: Path) -> int:
    """Start the three, wait until each is healthy, print where the UI is, then wait for a signal
    or for a process to end. Returns the exit code: 0 after a stop by signal."""
    import dagster as dg

    # Each line as it is written, into a journal or a pipe too, among the processes' own output.
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(line_buffering=True)
    for name, value in DEFAULTS.items():
        env.setdefault(name, value)
    services = service_commands(env, bin_dir, paths.PROJECT_ROOT)
    running: dict[str, subprocess.Popen] = {}
    code = 0
    with signals_stop():
        try:
            # The storage is opened, and on a new database created, before the three share it.
            with dg.DagsterInstance.get() as instance:
                for service in services:
                    ready = readiness(service.name, env, bin_dir, instance, since=time.time())
                    running[service.name] = start(service, env)
                    click.echo(f"{service.name}: startet (pid {running[service.name].pid})")
                    wait_until(ready, service.name, running)
                    click.echo(f"{service.name}: klar")
                click.echo(f"Dagster-UI: {ui_url(env)}")
                while True:
                    check_running(running)
                    time.sleep(POLL_S)
        except Stopped as signal_name:
            click.echo(f"{signal_name}: stopper tjenestene.")
        except ServiceFailed as failure:
            click.echo(f"Feil: {failure} Stopper de andre.", err=True)
            code = 1
        finally:
            # Shielded from a second Ctrl-C: the stop must finish, or processes are left running.
            for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
                signal.signal(signum, signal.SIG_IGN)
            for name in reversed(list(running)):
                stop(name, running[name])
                click.echo(f"{name}: stoppet")
    return code
