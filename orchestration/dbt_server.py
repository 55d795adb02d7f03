"""A warm dbt for `etablerer run`: one server process imports dbt and its DuckDB adapter (about
2 s of one core), then forks a child for each dbt command. The import is paid once per
`etablerer run`, on the other core while the run loads and ingests, not at the start of every
dbt step.

dagster-dbt starts `etablerer-dbt ARGS` as a subprocess and reads the JSON log lines on its
stdout. When `ETABLERER_DBT_SERVER` names a server's socket, `etablerer-dbt` hands the server
its standard streams (the file descriptors themselves), working directory, environment and
arguments. The child runs dbt's command line on them, exactly as `dbt ARGS` would, and sends
back its exit code, which `etablerer-dbt` exits with. Signals sent to `etablerer-dbt` (a
cancelled run) go on to the child. Without a server (tests, `dagster dev`), or when none of its
children took the command, `etablerer-dbt` runs dbt in its own process.

The server is started from a clean interpreter, not forked from `etablerer run`, which holds
threads (Dagster, DuckDB, the GX worker); it holds none, so forking it is safe.
"""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path

from orchestration.batch_process import tune_garbage_collector

SERVER_ENV = "ETABLERER_DBT_SERVER"
# What the server imports before it serves: dbt's command line, the task `dbt build` runs, the
# parser, and the DuckDB adapter that dbt would otherwise load after reading the profile.
WARM_MODULES = (
    "dbt.cli.main",
    "dbt.task.build",
    "dbt.parser.manifest",
    "dbt.adapters.duckdb",
    "dbt.adapters.duckdb.impl",
)
STANDARD_STREAMS = (0, 1, 2)
_HEADER = struct.Struct("!Q")  # the length of the JSON request that follows
_NUMBER = struct.Struct("!i")  # the child's pid, then its exit code

# How often an idle server checks that the process that started it is still there.
PARENT_CHECK_SECONDS = 1.0
# Exit code when the server's child ended without sending its own (it was killed).
CHILD_LOST = 3

_server: subprocess.Popen | None = None
_server_dir: Path | None = None


def start() -> None:
    """Start the server and name its socket in this process's environment, which dagster-dbt
    hands to the dbt subprocesses it starts. The socket listens before this returns (a command
    that comes while the server imports dbt waits in its backlog). Idempotent."""
    global _server, _server_dir
    if _server is not None:
        return
    _server_dir = Path(tempfile.mkdtemp(prefix="etablerer-dbt-"))
    address = _server_dir / "dbt.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
        listener.bind(str(address))
        listener.listen()
        _server = subprocess.Popen(
            [sys.executable, "-m", "orchestration.dbt_server"]
            + [str(listener.fileno()), str(os.getpid())],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            pass_fds=[listener.fileno()],
        )
    # Only the server holds the socket now: if it ends, a dbt command finds nobody there, and
    # `etablerer-dbt` runs dbt itself.
    os.environ[SERVER_ENV] = str(address)


def stop() -> None:
    """Stop the server; dbt commands after this run in their own process."""
    global _server, _server_dir
    os.environ.pop(SERVER_ENV, None)
    server, _server = _server, None
    if server is not None:
        server.terminate()
        server.wait()
    if _server_dir is not None:
        shutil.rmtree(_server_dir, ignore_errors=True)
        _server_dir = None


def serve(listener_fd: int, parent: int) -> None:
    """Import dbt, then fork a child for each request that comes to the listening socket
    `listener_fd`, which `start` made. Ends when `parent`, the process that started it, has
    ended without stopping it (it was killed)."""
    listener = socket.socket(fileno=listener_fd)
    listener.settimeout(PARENT_CHECK_SECONDS)
    tune_garbage_collector()
    for module in WARM_MODULES:
        __import__(module)
    gc.freeze()  # the children's collections skip what was imported here
    # Each child is waited for as it ends: that also counts its memory and time in the server's
    # resource use, and so in its callers' (`etablerer run`, the benchmark's peak RSS).
    signal.signal(signal.SIGCHLD, _reap_children)
    signal.signal(signal.SIGTERM, _stop_children)
    while os.getppid() == parent:
        try:
            connection, _ = listener.accept()
        except TimeoutError:
            continue
        connection.settimeout(None)
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})  # reaped only once added
        child = os.fork()
        if child:
            _children.add(child)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD})
        if not child:
            listener.close()
            # Python's exit work follows: among it, multiprocessing releases dbt's semaphores.
            sys.exit(_run_request(connection))
        connection.close()


_children: set[int] = set()  # in the server: the children running a dbt command


def _reap_children(_signum: int, _frame: object) -> None:
    with contextlib.suppress(ChildProcessError):
        while child := os.waitpid(-1, os.WNOHANG)[0]:
            _children.discard(child)


def _stop_children(_signum: int, _frame: object) -> None:
    """`stop` (SIGTERM): a dbt command still running has lost the run that wanted it."""
    for child in list(_children):
        with contextlib.suppress(ProcessLookupError):
            os.kill(child, signal.SIGTERM)
    sys.exit(0)


def _run_request(connection: socket.socket) -> int:
    """In a forked child: take the client's streams, directory, environment and arguments, run
    dbt's command line, and send back the exit code, which it returns."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # dbt waits for its own subprocesses
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    code = CHILD_LOST
    try:
        header, fds, _, _ = socket.recv_fds(connection, _HEADER.size, len(STANDARD_STREAMS))
        (length,) = _HEADER.unpack(header)
        request = json.loads(_receive_exactly(connection, length))
        for fd, standard in zip(fds, STANDARD_STREAMS, strict=True):
            os.dup2(fd, standard)
            os.close(fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        connection.sendall(_NUMBER.pack(os.getpid()))
        code = _run_dbt(request["args"])
    except BaseException:
        traceback.print_exc()
    finally:
        logging.shutdown()  # dbt's log files
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        with contextlib.suppress(OSError):
            connection.sendall(_NUMBER.pack(code))
    return code


def _run_dbt(args: Sequence[str]) -> int:
    """dbt's command line, as its `dbt` script runs it; returns the exit code."""
    from dbt.cli.main import cli

    sys.argv = ["dbt", *args]
    try:
        cli.main(args=list(args), prog_name="dbt")
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 1
    return 0


def _receive_exactly(connection: socket.socket, length: int) -> bytes:
    received = bytearray()
    while len(received) < length:
        chunk = connection.recv(length - len(received))
        if not chunk:
            raise ConnectionError("the client closed the connection")
        received += chunk
    return bytes(received)


def run_on_server(address: str, args: Sequence[str]) -> int | None:
    """In `etablerer-dbt`: have the server run `dbt ARGS` on this process's streams; returns the
    exit code, or None when no child of the server took the command (the caller then runs dbt
    itself)."""
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    with connection:
        request = json.dumps({"args": list(args), "cwd": os.getcwd(), "env": dict(os.environ)})
        payload = request.encode("utf-8")
        try:
            connection.connect(address)
            socket.send_fds(connection, [_HEADER.pack(len(payload))], list(STANDARD_STREAMS))
            connection.sendall(payload)
        except OSError:  # no server, or it closed the connection before reading the request
            return None
        pid = _receive_number(connection)
        if pid is None:  # the server ended before a child took the command: nothing has run
            return None
        for forwarded in (signal.SIGINT, signal.SIGTERM):
            signal.signal(forwarded, lambda signum, _frame: _signal_child(pid, signum))
        code = _receive_number(connection)
    return CHILD_LOST if code is None else code


def _receive_number(connection: socket.socket) -> int | None:
    try:
        (number,) = _NUMBER.unpack(_receive_exactly(connection, _NUMBER.size))
    except ConnectionError:
        return None
    return number


def _signal_child(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signum)


def main() -> None:
    """`etablerer-dbt ARGS`: dbt's own command line (`dbt ARGS`), with the collector tuned.
    dagster-dbt starts it for each dbt command, as its `dbt_executable`. Under `etablerer run`
    the run's server runs the command."""
    args = sys.argv[1:]
    address = os.environ.get(SERVER_ENV)
    if address:
        code = run_on_server(address, args)
        if code is not None:
            sys.exit(code)
    tune_garbage_collector()  # before dbt's import, which makes most of the heap
    sys.exit(_run_dbt(args))


if __name__ == "__main__":
    serve(int(sys.argv[1]), int(sys.argv[2]))
