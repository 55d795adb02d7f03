"""`etablerer run`'s warm dbt server, and `etablerer-dbt`, the command dagster-dbt starts
(orchestration/dbt_server.py)."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from orchestration import dbt_server
from orchestration.defs.dbt.resources import DBT_EXECUTABLE

# `etablerer-dbt ARGS` in this interpreter, saying afterwards whether dbt was imported here.
CLIENT = """
import sys
from orchestration.dbt_server import main
sys.argv = ["etablerer-dbt", *sys.argv[1:]]
try:
    main()
except SystemExit as exit_:
    code = exit_.code
print("dbt imported in the client:", "dbt.cli.main" in sys.modules, "exit code:", code)
"""


# A process that starts a server, says its pid, and waits to be killed.
STARTER = """
import time
from orchestration import dbt_server
dbt_server.start()
print(dbt_server._server.pid, flush=True)
time.sleep(120)
"""


@pytest.fixture
def server():
    dbt_server.start()
    try:
        yield os.environ[dbt_server.SERVER_ENV]
    finally:
        dbt_server.stop()


def etablerer_dbt(*args: str, cwd: Path | None = None, env: dict | None = None) -> str:
    return subprocess.run(
        [sys.executable, "-c", CLIENT, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        check=True,
    ).stdout


def test_the_server_runs_dbt_on_the_clients_streams_directory_and_environment(server, tmp_path):
    (tmp_path / "profiles.yml").write_text("{}\n")
    printed = etablerer_dbt("debug", "--config-dir", cwd=tmp_path)
    # dbt looks for profiles.yml in the working directory: the client's, not the server's
    assert f"xdg-open {tmp_path}" in printed
    assert printed.endswith("dbt imported in the client: False exit code: 0\n")

    elsewhere = tmp_path / "profiles"
    printed = etablerer_dbt("debug", "--config-dir", env={"DBT_PROFILES_DIR": str(elsewhere)})
    assert f"xdg-open {elsewhere}" in printed


def test_dbt_exit_codes_come_back_from_the_server(server):
    # dagster-dbt tells a failed dbt command by its exit code: 2 is dbt's "could not run".
    printed = etablerer_dbt("no-such-command")
    assert printed == "dbt imported in the client: False exit code: 2\n"


def test_without_a_server_etablerer_dbt_runs_dbt_itself(tmp_path):
    printed = etablerer_dbt(
        "no-such-command", env={dbt_server.SERVER_ENV: str(tmp_path / "gone.sock")}
    )
    assert printed == "dbt imported in the client: True exit code: 2\n"


def closing_listener(tmp_path: Path) -> tuple[Path, socket.socket, threading.Thread]:
    """A socket where a server would listen, and a thread that accepts one connection and
    closes it unread."""
    address = tmp_path / "dying.sock"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(address))
    listener.listen()
    closing = threading.Thread(target=lambda: listener.accept()[0].close())
    closing.start()
    return address, listener, closing


def test_when_the_server_ends_before_a_child_takes_the_command_etablerer_dbt_runs_it(tmp_path):
    # as when the server's own import of dbt failed: it closes the connection it accepted
    address, listener, closing = closing_listener(tmp_path)
    printed = etablerer_dbt("no-such-command", env={dbt_server.SERVER_ENV: str(address)})
    closing.join()
    listener.close()
    assert printed == "dbt imported in the client: True exit code: 2\n"


def test_when_the_server_closes_before_the_request_is_sent_no_child_took_it(tmp_path, monkeypatch):
    # the same, with the close first: sending then fails with a broken pipe (seen in CI)
    address, listener, closing = closing_listener(tmp_path)
    send_fds = socket.send_fds

    def send_after_the_close(*args):
        closing.join()
        return send_fds(*args)

    monkeypatch.setattr(socket, "send_fds", send_after_the_close)
    assert dbt_server.run_on_server(str(address), ["no-such-command"]) is None
    listener.close()


def test_stop_ends_the_server_and_removes_its_socket(server):
    socket_dir = Path(server).parent
    assert socket_dir.is_dir()
    dbt_server.stop()
    assert not socket_dir.exists()
    assert dbt_server.SERVER_ENV not in os.environ


def test_the_dbt_resource_runs_dbt_through_etablerer_dbt():
    assert Path(DBT_EXECUTABLE).name == "etablerer-dbt"
    help_text = subprocess.run(
        [DBT_EXECUTABLE, "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert "An ELT tool for managing your SQL transformations" in help_text


def running(pid: int) -> bool:
    """Whether `pid` is a live process (a zombie that nobody reaped has ended)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


def test_a_server_whose_starter_was_killed_ends_by_itself():
    starter = subprocess.Popen([sys.executable, "-c", STARTER], stdout=subprocess.PIPE, text=True)
    server_pid = int(starter.stdout.readline())
    assert running(server_pid)
    starter.send_signal(signal.SIGKILL)
    starter.wait()
    deadline = time.monotonic() + 10 * dbt_server.PARENT_CHECK_SECONDS + 30  # dbt imports first
    while running(server_pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not running(server_pid)


WAITING_PROJECT = {
    "dbt_project.yml": "name: waiting\nversion: '1.0'\nprofile: waiting\n",
    "profiles.yml": (
        "waiting:\n  target: dev\n  outputs:\n    dev:\n"
        "      type: duckdb\n      path: ':memory:'\n      threads: 1\n"
    ),
    # about 10^10 steps of Jinja: the macro runs until it is interrupted
    "macros/wait.sql": (
        "{% macro wait() %}{% do log('the macro runs', info=True) %}"
        "{% for i in range(100000) %}{% for j in range(100000) %}"
        "{% endfor %}{% endfor %}{% endmacro %}\n"
    ),
}


def start_waiting_dbt(project: Path) -> tuple[subprocess.Popen, int]:
    """`etablerer-dbt run-operation wait` on the server; returns it once dbt runs the macro,
    with the pid of the server's child that runs it."""
    for name, text in WAITING_PROJECT.items():
        (project / name).parent.mkdir(exist_ok=True)
        (project / name).write_text(text)
    waiting = subprocess.Popen(
        [DBT_EXECUTABLE, "run-operation", "wait", "--profiles-dir", "."],
        cwd=project,
        stdout=subprocess.PIPE,
        text=True,
    )
    for line in waiting.stdout:
        if line.rstrip().endswith("the macro runs"):  # dbt has parsed the project
            break
    (child,) = server_children()
    return waiting, int(child)


def server_children() -> list[str]:
    pid = dbt_server._server.pid
    return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()


def wait_until_gone(pid: int) -> bool:
    deadline = time.monotonic() + 10
    while running(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not running(pid)


def test_a_signal_to_etablerer_dbt_reaches_the_dbt_it_runs_on_the_server(server, tmp_path):
    # Dagster cancels a dbt step by sending SIGINT to the process dagster-dbt started.
    waiting, child = start_waiting_dbt(tmp_path)
    waiting.send_signal(signal.SIGINT)
    assert waiting.wait(timeout=30) == 2  # dbt's own code for an interrupted command
    assert wait_until_gone(child)


def test_stopping_the_server_stops_a_dbt_command_still_running(server, tmp_path):
    waiting, child = start_waiting_dbt(tmp_path)
    dbt_server.stop()
    assert wait_until_gone(child)
    assert waiting.wait(timeout=30) == dbt_server.CHILD_LOST
