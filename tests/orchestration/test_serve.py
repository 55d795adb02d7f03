"""`etablerer serve` and the deployment files in deploy/: the units run the commands `serve` runs,
the settings they name are in the env file's example, and `serve` itself starts the three
processes, waits until each is healthy, prints where the UI is, and leaves none behind, whether
it is stopped (SIGTERM), one of them dies, or it is killed."""

from __future__ import annotations

import configparser
import os
import re
import shlex
import signal
import subprocess
import threading
import time
from pathlib import Path

import httpx
import pytest
import yaml

from orchestration.serve import DEFAULTS, service_commands
from tests.helpers import ETABLERER, PROJECT_ROOT, free_port, isolated_env

DEPLOY = PROJECT_ROOT / "deploy"
UNITS = {
    "code-server": "etablerer-code-server.service",
    "daemon": "etablerer-daemon.service",
    "webserver": "etablerer-webserver.service",
}
INSTALLED = Path("/opt/etablerer")  # where docs/operations.md installs the checkout


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # keys as written
    parser.read(DEPLOY / UNITS[name])
    return parser


def unit_environment(name: str) -> dict[str, str]:
    text = (DEPLOY / UNITS[name]).read_text(encoding="utf-8")
    return dict(re.findall(r"^Environment=(\w+)=(.*)$", text, flags=re.MULTILINE))


def test_each_unit_runs_the_command_serve_runs():
    placeholders = {name: f"${{{name}}}" for name in DEFAULTS}
    commands = service_commands(placeholders, INSTALLED / ".venv" / "bin", INSTALLED)
    for service in commands:
        parsed = unit(service.name)
        assert shlex.split(parsed["Service"]["ExecStart"]) == service.argv
        assert parsed["Service"]["WorkingDirectory"] == str(INSTALLED)
        assert parsed["Service"]["EnvironmentFile"] == "/etc/etablerer/etablerer.env"
        # The defaults the unit sets are serve's, for each variable its command names.
        named = set(re.findall(r"\$\{(\w+)\}", " ".join(service.argv)))
        assert {k: v for k, v in unit_environment(service.name).items() if k in named} == {
            k: DEFAULTS[k] for k in named
        }
    # The daemon and the webserver reach the code server through the workspace's variables.
    for name in ("daemon", "webserver"):
        environment = unit_environment(name)
        for variable in ("ETABLERER_CODE_SERVER_HOST", "ETABLERER_CODE_SERVER_PORT"):
            assert environment[variable] == DEFAULTS[variable]


def env_names(path: Path) -> set[str]:
    """Every `{env: NAME}` in a Dagster yaml file."""
    found: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if set(node) == {"env"}:
                found.add(node["env"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return found


def test_the_env_file_example_sets_every_variable_the_deployment_reads():
    example = (DEPLOY / "etablerer.env.example").read_text(encoding="utf-8")
    set_there = set(re.findall(r"^(\w+)=", example, flags=re.MULTILINE))
    needed = env_names(DEPLOY / "dagster.yaml") | env_names(DEPLOY / "workspace.yaml")
    assert needed == {
        "DAGSTER_PG_USERNAME",
        "DAGSTER_PG_PASSWORD",
        "DAGSTER_PG_HOST",
        "DAGSTER_PG_DB",
        "DAGSTER_PG_PORT",
        "ETABLERER_CODE_SERVER_HOST",
        "ETABLERER_CODE_SERVER_PORT",
    }
    assert needed | set(DEFAULTS) | {"ETABLERER_DAGSTER_YAML", "DAGSTER_HOME"} <= set_there
    assert "ETABLERER_DAGSTER_YAML=deploy/dagster.yaml" in example


# -- `etablerer serve` as a process ----------------------------------------------------------


class Serve:
    """`etablerer serve` on a checkout's default instance (SQLite in an isolated DAGSTER_HOME);
    its output read by a thread, so the processes that share its stdout never block on it."""

    def __init__(self, root: Path):
        self.env = {
            **isolated_env(root),
            "ETABLERER_CODE_SERVER_PORT": str(free_port()),
            "ETABLERER_WEBSERVER_PORT": str(free_port()),
        }
        self.env.pop("ETABLERER_DAGSTER_YAML", None)
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [str(ETABLERER), "serve"],
            cwd=PROJECT_ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            start_new_session=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)

    def wait_for_line(self, prefix: str, within: float = 600) -> str:
        deadline = time.monotonic() + within
        while True:
            for line in list(self.lines):
                if line.startswith(prefix):
                    return line.strip()
            assert self.process.poll() is None or any(
                line.startswith(prefix) for line in self.lines
            ), "".join(self.lines[-40:])
            assert time.monotonic() < deadline, f"no «{prefix}» within {within} s"
            time.sleep(0.2)

    def started(self) -> dict[str, int]:
        """The pid of each process, as `serve` printed it."""
        lines = "".join(self.lines)
        return {
            name: int(pid)
            for name, pid in re.findall(r"^([\w-]+): startet \(pid (\d+)\)", lines, re.M)
        }


def process_groups_left(groups: set[int]) -> list[int]:
    """Pids of processes still running (not zombies) in these process groups."""
    left = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) in groups and fields[0] not in ("Z", "X"):
            left.append(int(stat.parent.name))
    return left


def wait_until_ended(groups: set[int], within: float = 180) -> list[int]:
    deadline = time.monotonic() + within
    while (left := process_groups_left(groups)) and time.monotonic() < deadline:
        time.sleep(0.5)
    return left


@pytest.fixture
def serving(tmp_path, dbt_manifest):
    serve = Serve(tmp_path)
    ui = serve.wait_for_line("Dagster-UI: ")
    try:
        yield serve, ui.removeprefix("Dagster-UI: ")
    finally:
        if serve.process.poll() is None:
            os.killpg(serve.process.pid, signal.SIGKILL)
        serve.process.wait()
        for pid in serve.started().values():  # each is its group's leader
            for left in process_groups_left({pid}):
                os.kill(left, signal.SIGKILL)


def test_serve_starts_the_three_healthy_and_stops_them_on_sigterm(serving):
    serve, url = serving
    started = serve.started()
    assert list(started) == ["code-server", "webserver", "daemon"]  # the order they start in
    assert [line.split(":")[0] for line in serve.lines if line.endswith(": klar\n")] == list(
        started
    )
    assert url == f"http://127.0.0.1:{serve.env['ETABLERER_WEBSERVER_PORT']}"
    assert httpx.get(f"{url}/server_info", timeout=30).status_code == 200

    serve.process.send_signal(signal.SIGTERM)
    assert serve.process.wait(timeout=300) == 0
    # The three ended before `serve` did; what the code server started ends with it.
    assert process_groups_left(set(started.values())) == []
    stopped = [line.split(":")[0] for line in serve.lines if line.endswith(": stoppet\n")]
    assert stopped == ["daemon", "webserver", "code-server"]


def test_when_one_process_dies_serve_stops_the_others_and_fails(serving):
    serve, _url = serving
    started = serve.started()
    os.kill(started["daemon"], signal.SIGKILL)
    assert serve.process.wait(timeout=300) == 1
    assert any("daemon avsluttet uventet" in line for line in serve.lines)
    assert process_groups_left(set(started.values())) == []


def test_a_killed_serve_leaves_no_process_behind(serving):
    serve, _url = serving
    started = serve.started()
    serve.process.kill()  # itself alone, as the OOM killer would: its children get SIGTERM
    serve.process.wait()
    assert wait_until_ended(set(started.values())) == []
