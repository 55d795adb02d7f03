"""A throwaway PostgreSQL server for tests, started with the system's initdb and pg_ctl (Debian's
PostgreSQL 15 by default; ETABLERER_PG_BIN overrides the folder). Nothing depends on a server that
a person started.

initdb and postgres refuse to run as root. When the tests run as root (CI containers do), the
server runs as the system user `postgres` through `runuser`, in a folder under the system's temp
folder that this user owns (pytest's own temp folders are root's, mode 0700). As any other user it
runs as that user. It listens on 127.0.0.1 only, on a free port, with trust authentication: a
test server, never a configuration to copy.
"""

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg

DAGSTER_ROLE = "dagster"
PG_BIN = Path(os.environ.get("ETABLERER_PG_BIN", "/usr/lib/postgresql/15/bin"))
SERVER_USER_WHEN_ROOT = "postgres"
SUPERUSER = "postgres"


@dataclass(frozen=True)
class PostgresServer:
    host: str
    port: int
    superuser: str
    data_dir: Path

    def url(self, user: str | None = None, dbname: str = "postgres", password: str = "") -> str:
        credentials = (user or self.superuser) + (f":{password}" if password else "")
        return f"postgresql://{credentials}@{self.host}:{self.port}/{dbname}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_server_user() -> list[str]:
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam(SERVER_USER_WHEN_ROOT)
    except KeyError as error:
        raise RuntimeError(
            f"The tests run as root, and initdb refuses root; the throwaway server runs as "
            f"'{SERVER_USER_WHEN_ROOT}', which this machine lacks. Install PostgreSQL's Debian "
            "package (it creates the user), or run the tests as another user."
        ) from error
    return ["runuser", "-u", SERVER_USER_WHEN_ROOT, "--"]


def _run(command: list[str]) -> None:
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} failed ({completed.returncode}):\n"
            f"{completed.stdout[-2000:]}{completed.stderr[-2000:]}"
        )


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[PostgresServer]:
    """Start a new cluster, yield where it listens, then stop it and remove its folder."""
    if not (PG_BIN / "pg_ctl").is_file():
        raise RuntimeError(
            f"Fant ikke pg_ctl i {PG_BIN}. Installer PostgreSQL (Debian: postgresql-15), eller "
            "sett ETABLERER_PG_BIN til mappen med initdb og pg_ctl."
        )
    prefix = _as_server_user()
    base = Path(tempfile.mkdtemp(prefix="etablerer-pg-"))
    if prefix:
        account = pwd.getpwnam(SERVER_USER_WHEN_ROOT)
        os.chown(base, account.pw_uid, account.pw_gid)
    data_dir, log = base / "data", base / "server.log"
    _run(
        [
            *prefix,
            str(PG_BIN / "initdb"),
            "-D",
            str(data_dir),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        ]
    )
    started = False
    try:
        for _attempt in range(3):  # another process may take the free port before the server
            port = _free_port()
            options = (
                f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            )
            command = [*prefix, str(PG_BIN / "pg_ctl"), "-D", str(data_dir), "-l", str(log)]
            completed = subprocess.run(
                [*command, "-o", options, "-w", "-t", "60", "start"],
                capture_output=True,
                text=True,
                check=False,
            )
            if completed.returncode == 0:
                started = True
                break
        if not started:
            tail = log.read_text(errors="replace")[-3000:] if log.is_file() else completed.stderr
            raise RuntimeError(f"The throwaway PostgreSQL did not start:\n{tail}")
        yield PostgresServer("127.0.0.1", port, SUPERUSER, data_dir)
    finally:
        if started:
            _run([*prefix, str(PG_BIN / "pg_ctl"), "-D", str(data_dir), "-m", "fast", "stop"])
        shutil.rmtree(base, ignore_errors=True)


def dagster_storage(server: PostgresServer, *databases: str) -> dict[str, str]:
    """A login role for Dagster owning each database (the first is the one named), and the
    settings deploy/dagster.yaml reads them from, as docs/operations.md sets them up."""
    with psycopg.connect(server.url(), autocommit=True) as con:
        con.execute(f"create role {DAGSTER_ROLE} login password '{DAGSTER_ROLE}'")
        for name in databases:
            con.execute(f"create database {name} owner {DAGSTER_ROLE}")
    return {
        "ETABLERER_DAGSTER_YAML": "deploy/dagster.yaml",
        "DAGSTER_PG_USERNAME": DAGSTER_ROLE,
        "DAGSTER_PG_PASSWORD": DAGSTER_ROLE,
        "DAGSTER_PG_HOST": server.host,
        "DAGSTER_PG_PORT": str(server.port),
        "DAGSTER_PG_DB": databases[0],
    }
