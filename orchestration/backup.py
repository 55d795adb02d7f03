"""`etablerer backup DEST` and `etablerer restore SRC`: a consistent copy of an installation, and
putting it back into an empty one (docs/operations.md, «Backups»).

What a backup holds, each part in its own folder of DEST, and a `manifest.json` written last (every
file's path, size and sha256, the code's commit, the time): a backup without it is incomplete.

- warehouse/  the DuckDB file (and its .wal, if a writer left one), copied while a read-only
  connection holds the file, so no writer can start; a file held by a writer is refused.
- linkage/    the linkage store (clear organisation numbers), through SQLite's backup API.
- archive/    the operators' originals and SSB's and the register's responses.
- landing/    deliveries in the landing folder, taken or not (a run keys them on their content).
- config/     `.env` with the pseudonym key's line removed, the dbt seeds, the agreements' texts.
- dagster/    the files of DAGSTER_HOME (SQLite's databases through the backup API), and on
  PostgreSQL `postgres.dump` from pg_dump (custom format).

The parts are copied in the order ingestion writes them in reverse: a load archives its file and
records its links before it writes the warehouse, so the archive and the store copied after the
warehouse hold everything the warehouse's copy refers to.

The pseudonym key is never in a backup: every file written is searched for the configured key's
bytes before the manifest is written, and a file holding it is deleted and the backup refused.
Every file and folder of a backup, and of what a restore writes, is its owner's only.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import duckdb
import yaml
from dotenv import dotenv_values

from ingestion import paths
from ingestion.db import is_lock_error, lock_holder
from ingestion.linkage import linkage_path
from ingestion.operators.identifiers import KEY_ENV, KEY_FILE_ENV

MANIFEST = "manifest.json"
FORMAT = 1
PARTS = {
    "warehouse": "datavarehuset (DuckDB)",
    "linkage": "koblingsregisteret (klare organisasjonsnumre)",
    "archive": "arkivet (operatørenes originaler, SSBs og registerets svar)",
    "landing": "mottaksmappen (leveranser)",
    "config": "innstillingene (.env uten nøkkel), dbt-seeds og avtalene",
    "dagster": "Dagster-instansen (kjøringer, hendelser, planer, sensorer)",
}
WAREHOUSE_FILE = "warehouse/etablerer.duckdb"
LINKAGE_FILE = "linkage/businesses.sqlite"
ENV_FILE = "config/env"
PG_DUMP_FILE = "dagster/postgres.dump"
# Where each folder part lies in the backup, and where it goes back in the project.
SEEDS_DIR = paths.DBT_PROJECT_DIR / "seeds"
PROJECT_FOLDERS = {"config/seeds": SEEDS_DIR, "config/agreements": paths.AGREEMENTS_DIR}
# Installed from the project by every command (orchestration/cli.py): code, not state.
DAGSTER_YAML_NAMES = {"dagster.yaml", "dagster.yaml.bak"}
SQLITE_HEADER = b"SQLite format 3\x00"
KEY_LINE = re.compile(rf"\s*(export\s+)?{KEY_ENV}\s*=")
# Debian's PostgreSQL 15 (docs/operations.md); ETABLERER_PG_BIN names another folder.
PG_BIN_ENV = "ETABLERER_PG_BIN"
DEBIAN_PG_BIN = Path("/usr/lib/postgresql/15/bin")
PG_ENV = {
    "PGHOST": "DAGSTER_PG_HOST",
    "PGPORT": "DAGSTER_PG_PORT",
    "PGDATABASE": "DAGSTER_PG_DB",
    "PGUSER": "DAGSTER_PG_USERNAME",
    "PGPASSWORD": "DAGSTER_PG_PASSWORD",
}
ACTIVE = [
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
]
KEY_ADVICE = (
    "Pseudonymnøkkelen er ikke med i sikkerhetskopien, og skal aldri være det. Hent den fra "
    "fylkeskommunens passordhvelv (docs/operations.md, «Setting up the server», steg 5), legg "
    "den i /etc/etablerer/pseudonym.key og pek ETABLERER_PSEUDONYM_KEY_FILE dit. Uten den samme "
    "nøkkelen får personer og virksomheter nye nøkler, og nye leveranser kobles ikke til de gamle."
)

Say = Callable[[str], None]


class BackupRefused(RuntimeError):
    """The backup or restore cannot be made; nothing more is written. The message is Norwegian."""


@dataclass(frozen=True)
class Installation:
    """Where an installation's parts live, as its settings say."""

    warehouse: Path
    linkage: Path
    archive: Path
    landing: Path
    dagster_home: Path
    postgres: bool

    @classmethod
    def configured(cls, dagster_home: Path, dagster_yaml: Path) -> Installation:
        storage = (yaml.safe_load(dagster_yaml.read_text()) or {}).get("storage") or {}
        return cls(
            paths.warehouse_path(),
            linkage_path(),
            paths.archive_dir(),
            paths.landing_dir(),
            dagster_home,
            "postgres" in storage,
        )


@contextlib.contextmanager
def owner_only() -> Iterator[None]:
    """Files and folders made meanwhile are their owner's only (0600, 0700)."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


# -- backup ----------------------------------------------------------------------------------


def backup(dest: Path, where: Installation, say: Say) -> dict:
    """Write the backup into `dest` (absent or empty) and return its manifest."""
    dest = dest.resolve()
    _refuse_destination(dest, where)
    if not where.warehouse.is_file():
        raise BackupRefused(
            f"Fant ikke datavarehuset {where.warehouse}: ingenting å ta sikkerhetskopi av. "
            "Sjekk ETABLERER_DUCKDB_PATH."
        )
    started = datetime.now(UTC)
    with dg.DagsterInstance.get() as instance, owner_only():
        _refuse_active_runs(instance)
        dest.mkdir(parents=True, exist_ok=True)
        dest.chmod(0o700)
        _copy_parts(dest, where, say)
        # A run that started, ran or ended meanwhile may have written parts already copied and
        # not others: the parts could be from before and after it.
        if meanwhile := instance.get_run_records(dg.RunsFilter(updated_after=started)):
            raise BackupRefused(
                f"Kjøringen {meanwhile[0].dagster_run.job_name} ({meanwhile[0].dagster_run.run_id})"
                f" gikk under sikkerhetskopien, så delene kan være fra før og etter den. {dest} "
                "har ingen manifest.json og er ufullstendig: slett den, og ta en ny når ingen "
                "kjøring pågår."
            )
        manifest = _manifest(dest, where, started)
        _write_manifest(dest, manifest)
    return manifest


def _copy_parts(dest: Path, where: Installation, say: Say) -> None:
    _copy_warehouse(where.warehouse, dest, say)
    if where.linkage.is_file():
        _sqlite_copy(where.linkage, dest / LINKAGE_FILE)
        say(f"  ✔ {PARTS['linkage']}: {where.linkage}")
    for part, folder in (("archive", where.archive), ("landing", where.landing)):
        count = _copy_tree(folder, dest / part, instance=False)
        say(f"  ✔ {PARTS[part]}: {folder} ({count} filer)")
    _copy_config(dest, say)
    count = _copy_tree(where.dagster_home, dest / "dagster" / "home", instance=True)
    if where.postgres:
        _pg("pg_dump", "--format=custom", "--no-password", f"--file={dest / PG_DUMP_FILE}")
    storage = "PostgreSQL, pg_dump" if where.postgres else "SQLite"
    say(f"  ✔ {PARTS['dagster']}: {where.dagster_home} ({count} filer, {storage})")


def _manifest(dest: Path, where: Installation, started: datetime) -> dict:
    return {
        "format": FORMAT,
        "created_at": started.isoformat(timespec="seconds"),
        "host": socket.gethostname(),
        "git_commit": git_commit(),
        "dagster_storage": "postgres" if where.postgres else "sqlite",
        "parts": PARTS,
        "sources": {part: str(path) for part, path in _sources(where).items()},
        "key": "Pseudonymnøkkelen er aldri med; den ligger i passordhvelvet.",
        "files": _listing(dest, _key_values()),
    }


def _sources(where: Installation) -> dict[str, Path]:
    return {
        "warehouse": where.warehouse,
        "linkage": where.linkage,
        "archive": where.archive,
        "landing": where.landing,
        "config": paths.PROJECT_ROOT,
        "dagster": where.dagster_home,
    }


def _refuse_destination(dest: Path, where: Installation) -> None:
    held = [where.warehouse.parent, where.linkage.parent, where.archive, where.landing]
    for folder in [*held, where.dagster_home]:
        if dest.is_relative_to(folder.resolve()):
            raise BackupRefused(
                f"{dest} ligger i {folder}, som selv tas med i sikkerhetskopien. Velg en mappe "
                "utenfor installasjonen, helst på en annen disk."
            )
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise BackupRefused(
            f"{dest} finnes og er ikke tom. Velg en ny mappe for hver sikkerhetskopi, f.eks. "
            "med dato i navnet."
        )


def _refuse_active_runs(instance: dg.DagsterInstance) -> None:
    if active := instance.get_runs(dg.RunsFilter(statuses=ACTIVE)):
        names = ", ".join(f"{run.job_name} ({run.run_id})" for run in active)
        raise BackupRefused(
            f"Kjøringer pågår: {names}. Vent til de er ferdige, og ta sikkerhetskopien da. En "
            "kjøring som ble avbrutt (prosessen finnes ikke lenger) markeres som feilet av "
            "run monitoring, eller av neste etablerer run på samme maskin."
        )


def _copy_warehouse(warehouse: Path, dest: Path, say: Say) -> None:
    """The file and its .wal while a read-only connection holds them: DuckDB lets no writer in
    meanwhile. A read-only connection cannot checkpoint, so a .wal a writer left is copied too,
    and DuckDB replays it when the restored file is first opened."""
    try:
        reader = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.IOException as exc:
        if not is_lock_error(exc):
            raise
        raise BackupRefused(
            f"Datavarehuset {warehouse} er åpnet for skriving av {lock_holder(str(exc))}: en "
            "kjøring eller innlesing pågår. En kopi nå kunne bli halvskrevet. Vent til den er "
            "ferdig, og ta sikkerhetskopien da."
        ) from None
    with reader:
        target = dest / WAREHOUSE_FILE
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(warehouse, target)
        wal = warehouse.with_name(warehouse.name + ".wal")
        if wal.is_file():
            shutil.copyfile(wal, target.with_name(target.name + ".wal"))
    say(f"  ✔ {PARTS['warehouse']}: {warehouse} ({megabytes(target.stat().st_size)})")


def _sqlite_copy(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite database, written or not meanwhile (its backup API)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with (
        contextlib.closing(sqlite3.connect(source, timeout=120)) as origin,
        contextlib.closing(sqlite3.connect(target)) as copy,
    ):
        origin.backup(copy)


def _is_sqlite(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(len(SQLITE_HEADER)) == SQLITE_HEADER


def _copy_tree(source: Path, target: Path, *, instance: bool) -> int:
    """Every file under `source` into `target`. With `instance` (DAGSTER_HOME): SQLite's
    databases through the backup API, their -wal and -shm files left out, and dagster.yaml too.
    A name that starts with a dot is a copy in progress (the archive writes under such a name,
    then renames) and is left out. Returns how many files were copied."""
    count = 0
    for path in _files(source):
        relative = path.relative_to(source)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if instance and (path.name in DAGSTER_YAML_NAMES and path.parent == source):
            continue
        if instance and path.name.endswith(("-wal", "-shm", "-journal")):
            continue
        into = target / relative
        if instance and _is_sqlite(path):
            _sqlite_copy(path, into)
        else:
            into.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, into)
        count += 1
    return count


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []


def _copy_config(dest: Path, say: Say) -> None:
    env = paths.PROJECT_ROOT / ".env"
    if env.is_file():
        kept, removed = settings_without_key(env.read_text(encoding="utf-8"))
        (dest / ENV_FILE).parent.mkdir(parents=True, exist_ok=True)
        (dest / ENV_FILE).write_text(kept, encoding="utf-8")
        if removed:
            say(f"  ! {env}: linjen med {KEY_ENV} er tatt ut; nøkkelen hører hjemme i hvelvet")
    for name, folder in PROJECT_FOLDERS.items():
        _copy_tree(folder, dest / name, instance=False)
    say(f"  ✔ {PARTS['config']}: {paths.PROJECT_ROOT}")


def settings_without_key(text: str) -> tuple[str, bool]:
    """`.env`'s text without the line that sets the key itself (the key file's path stays)."""
    lines, removed = [], False
    for line in text.splitlines(keepends=True):
        if KEY_LINE.match(line):
            lines.append(f"# {KEY_ENV}: tatt ut av etablerer backup; nøkkelen ligger i hvelvet\n")
            removed = True
        else:
            lines.append(line)
    return "".join(lines), removed


def _key_values() -> list[bytes]:
    """The configured key's bytes, from the setting or the key file, to be found in no file."""
    values = [os.environ.get(KEY_ENV, "").strip().encode()]
    key_file = os.environ.get(KEY_FILE_ENV, "").strip()
    if key_file and Path(key_file).is_file():
        values.append(Path(key_file).read_bytes().strip())
    return [value for value in values if value]


def _listing(dest: Path, keys: list[bytes]) -> list[dict]:
    """Each file's path, size and sha256. A file that holds a key is deleted, and the backup
    refused: searched in the same read as the checksum."""
    listing = []
    for path in _files(dest):
        relative = path.relative_to(dest).as_posix()
        digest, size, found = _digest(path, keys)
        if found:
            path.unlink()
            raise BackupRefused(
                f"Pseudonymnøkkelen står i {relative}, som er slettet fra sikkerhetskopien; "
                f"{dest} har ingen manifest.json. Flytt nøkkelen ut av mappene som tas med "
                "(docs/operations.md), og ta en ny."
            )
        part = relative.split("/", 1)[0]
        listing.append({"path": relative, "part": part, "size": size, "sha256": digest})
    return listing


def _digest(path: Path, keys: Sequence[bytes] = ()) -> tuple[str, int, bool]:
    """sha256, size, and whether any of `keys` occurs in the file (also across chunks)."""
    digest, size, found = hashlib.sha256(), 0, False
    overlap = max((len(key) for key in keys), default=1) - 1
    tail = b""
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
            window = tail + chunk
            found = found or any(key in window for key in keys)
            tail = window[-overlap:] if overlap else b""
    return digest.hexdigest(), size, found


def _write_manifest(dest: Path, manifest: dict) -> None:
    partial = dest / f".{MANIFEST}.partial"
    partial.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", "utf-8")
    partial.replace(dest / MANIFEST)


def manifest_sha256(folder: Path) -> str:
    return _digest(folder / MANIFEST)[0]


def git_commit() -> str | None:
    """The checkout's commit, when it is a git checkout."""
    try:
        done = subprocess.run(
            ["git", "-C", str(paths.PROJECT_ROOT), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB".replace(".", ",")


# -- PostgreSQL --------------------------------------------------------------------------------


def _pg(tool: str, *args: str) -> str:
    """PostgreSQL's own `tool` against the instance's database (DAGSTER_PG_*; the password in
    the environment, never on the command line). Returns its output."""
    folder = Path(os.environ.get(PG_BIN_ENV) or DEBIAN_PG_BIN)
    program = str(folder / tool) if (folder / tool).is_file() else shutil.which(tool)
    if program is None:
        raise BackupRefused(
            f"Fant ikke {tool} i {folder} eller på PATH. Installer PostgreSQLs klientprogrammer "
            f"(Debian: postgresql-client-15), eller sett {PG_BIN_ENV} til mappen deres."
        )
    env = {**os.environ, **{pg: os.environ.get(ours, "") for pg, ours in PG_ENV.items()}}
    done = subprocess.run([program, *args], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupRefused(
            f"{tool} mot databasen {env['PGDATABASE']} på {env['PGHOST']}:{env['PGPORT']} "
            f"feilet ({done.returncode}): {done.stderr.strip()[-1500:]} Sjekk DAGSTER_PG_* i "
            "innstillingene."
        )
    return done.stdout


def _pg_tables() -> int:
    sql = (
        "select count(*) from information_schema.tables "
        "where table_schema not in ('pg_catalog', 'information_schema')"
    )
    return int(_pg("psql", "--no-password", "--no-psqlrc", "-At", "-c", sql).strip())


# -- restore ----------------------------------------------------------------------------------


def check(source: Path) -> dict:
    """The backup's manifest, once every file it lists has its size and sha256; else refused,
    naming the file."""
    source = source.resolve()
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupRefused(
            f"{source} har ingen {MANIFEST}: sikkerhetskopien er ufullstendig (den skrives sist), "
            "eller mappen er ikke en sikkerhetskopi. Bruk en annen."
        ) from None
    for entry in manifest["files"]:
        path = (source / entry["path"]).resolve()
        if not path.is_relative_to(source) or not path.is_file():
            raise BackupRefused(f"{entry['path']} i {MANIFEST} mangler i {source}.")
        digest, size, _ = _digest(path)
        if (digest, size) != (entry["sha256"], entry["size"]):
            raise BackupRefused(
                f"{entry['path']} er endret eller skadet: sha256 {digest}, manifestet sier "
                f"{entry['sha256']}. Ingenting er gjenopprettet. Bruk en annen sikkerhetskopi."
            )
    return manifest


def settings_from(source: Path) -> None:
    """The backup's settings, where the project has no `.env` and the shell sets nothing: the
    installation is put back where it was configured."""
    env = source / ENV_FILE
    if env.is_file() and not (paths.PROJECT_ROOT / ".env").exists():
        for name, value in dotenv_values(env).items():
            if value is not None:
                os.environ.setdefault(name, value)


def restore(source: Path, manifest: dict, where: Installation, say: Say) -> None:
    """Put a checked backup (`check`) back into the empty installation `where`."""
    source = source.resolve()
    if (manifest["dagster_storage"] == "postgres") != where.postgres:
        raise BackupRefused(
            f"Sikkerhetskopien har Dagster-instansen på {manifest['dagster_storage']}, men "
            "denne installasjonen er satt opp med den andre. Sett ETABLERER_DAGSTER_YAML som der "
            "kopien ble tatt (docs/operations.md)."
        )
    _refuse_not_empty(where)
    listed = {entry["path"] for entry in manifest["files"]}
    with owner_only():
        for name, target in (
            (WAREHOUSE_FILE, where.warehouse),
            (WAREHOUSE_FILE + ".wal", where.warehouse.with_name(where.warehouse.name + ".wal")),
            (LINKAGE_FILE, where.linkage),
        ):
            if name in listed:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source / name, target)
        say(f"  ✔ {PARTS['warehouse']}: {where.warehouse}")
        if LINKAGE_FILE in listed:
            say(f"  ✔ {PARTS['linkage']}: {where.linkage}")
        for part, folder in (("archive", where.archive), ("landing", where.landing)):
            count = _restore_tree(source, part, folder, listed)
            say(f"  ✔ {PARTS[part]}: {folder} ({count} filer)")
        _restore_config(source, listed, say)
        count = _restore_tree(source, "dagster/home", where.dagster_home, listed)
        if where.postgres:
            _pg(
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                "--no-password",
                f"--dbname={os.environ.get('DAGSTER_PG_DB', '')}",
                str(source / PG_DUMP_FILE),
            )
        say(f"  ✔ {PARTS['dagster']}: {where.dagster_home} ({count} filer)")


def _refuse_not_empty(where: Installation) -> None:
    found = [str(p) for p in (where.warehouse, where.linkage) if p.exists()]
    found += [str(d) for d in (where.archive, where.landing) if _files(d)]
    home = [p for p in _files(where.dagster_home) if p.name not in DAGSTER_YAML_NAMES]
    found += [str(where.dagster_home)] if home else []
    if where.postgres and _pg_tables():
        found.append(f"databasen {os.environ.get('DAGSTER_PG_DB')} (DAGSTER_PG_DB)")
    if found:
        raise BackupRefused(
            "Installasjonen er ikke tom, og ingenting er gjenopprettet: "
            + ", ".join(found)
            + ". En gjenoppretting skriver bare i en tom installasjon. Flytt det som ligger der "
            "(eller pek innstillingene til tomme mapper og en tom database), og prøv igjen."
        )


def _restore_tree(source: Path, part: str, target: Path, listed: set[str]) -> int:
    prefix = part + "/"
    count = 0
    for name in sorted(n for n in listed if n.startswith(prefix)):
        into = target / name.removeprefix(prefix)
        into.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / name, into)
        count += 1
    return count


def _restore_config(source: Path, listed: set[str], say: Say) -> None:
    """The seeds and the agreements where they differ from the checkout's (the installation's
    own edits come back; the same file is left untouched), and `.env` where the project has
    none."""
    changed = []
    for name, folder in PROJECT_FOLDERS.items():
        for entry in sorted(n for n in listed if n.startswith(name + "/")):
            target = folder / entry.removeprefix(name + "/")
            if not target.is_file() or target.read_bytes() != (source / entry).read_bytes():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source / entry, target)
                changed.append(str(target.relative_to(paths.PROJECT_ROOT)))
    say(
        f"  ✔ dbt-seeds og avtaler: {len(changed)} ulik(e) utsjekkens lagt tilbake"
        + "".join(f"\n    {name}" for name in changed)
    )
    env = paths.PROJECT_ROOT / ".env"
    if ENV_FILE not in listed:
        return
    if env.exists():
        say(f"  ! {env} finnes og er beholdt; kopiens innstillinger ligger i {source / ENV_FILE}")
    else:
        shutil.copyfile(source / ENV_FILE, env)
        say(f"  ✔ innstillingene: {env}")
