"""`etablerer backup` and `etablerer restore` (issue 22, build point 3 and must-show 2).

Must-show 2: a backup of the session's sample run, the original then deleted, the backup restored
into an empty installation of a fresh checkout, and a run there: every mart the same, row for
row. The fresh checkout is the working tree's files that git tracks or would track (none it
ignores: no warehouse, no .dagster_home, no dbt target), copied, with the session's .venv run on
its code (PYTHONPATH): a `git clone` would test the last commit rather than the tree under test,
and a new .venv would install the lock's packages again for minutes.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import psycopg
import pytest

from ingestion.linkage import record_links
from orchestration import backup as backups
from orchestration.cli import DAGSTER_YAML, DEPLOY_DAGSTER_YAML, install_dagster_yaml
from tests.helpers import (
    DEMO_KEY,
    ETABLERER,
    PROJECT_ROOT,
    copy_of_sample_run,
    isolated_env,
    run_etablerer,
)
from tests.postgres_server import dagster_storage, throwaway_postgres

MARTS_SQL = (
    "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
)


def mart_checksums(db: Path) -> dict[str, tuple[int, str]]:
    """Every table in schema marts: its row count and the md5 of its rows, ordered."""
    with duckdb.connect(str(db), read_only=True) as con:
        tables = [name for (name,) in con.execute(MARTS_SQL).fetchall()]
        return {
            name: con.execute(
                "select count(*), md5(coalesce(string_agg(r, chr(10) order by r), '')) "
                f"from (select m::varchar as r from marts.{name} m)"
            ).fetchone()
            for name in tables
        }


def fresh_checkout(target: Path) -> Path:
    """The working tree as a commit of it would hold it, copied to `target`."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        check=True,
    ).stdout
    for name in filter(None, listed.decode().split("\0")):
        source = PROJECT_ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            (target / name).write_bytes(source.read_bytes())
    return target


def etablerer_in(checkout: Path, args: list[str], env: dict[str, str]):
    """The CLI on `checkout`'s code, from its folder (the session's packages)."""
    return subprocess.run(
        [sys.executable, "-c", "from orchestration.cli import main; main()", *args],
        cwd=checkout,
        env={**env, "PYTHONPATH": str(checkout)},
        capture_output=True,
        text=True,
    )


def owner_only(folder: Path) -> list[str]:
    """What under `folder` others could read: [] when every file is 0600 and folder 0700."""
    wrong = []
    for path in [folder, *folder.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode != (0o700 if path.is_dir() else 0o600):
            wrong.append(f"{path}: {oct(mode)}")
    return wrong


def test_backup_then_restore_into_a_fresh_checkout_gives_the_same_marts(sample_pipeline, tmp_path):
    original, _ = copy_of_sample_run(sample_pipeline, tmp_path)
    before = mart_checksums(original / "warehouse" / "etablerer.duckdb")
    assert len(before) >= 10 and all(rows for rows, _ in before.values())
    source = fresh_checkout(tmp_path / "source")
    # The key itself in the settings, as a checkout may have it: never in the backup.
    (source / ".env").write_text(
        f"ETABLERER_PSEUDONYM_KEY={DEMO_KEY}\nETABLERER_MAX_ROW_DROP=0.4\n"
    )
    dest = tmp_path / "backup"

    made = etablerer_in(source, ["backup", str(dest)], isolated_env(original))
    assert made.returncode == 0, made.stdout + made.stderr
    assert f"Sikkerhetskopi: {dest}" in made.stdout
    assert "linjen med ETABLERER_PSEUDONYM_KEY er tatt ut" in made.stderr
    manifest = json.loads((dest / "manifest.json").read_text())
    listed = {entry["path"] for entry in manifest["files"]}
    on_disk = {p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file()}
    assert on_disk - listed == {"manifest.json"} and listed <= on_disk
    assert {"warehouse/etablerer.duckdb", "linkage/businesses.sqlite", "config/env"} <= listed
    assert {entry["part"] for entry in manifest["files"]} >= set(backups.PARTS) - {"landing"}
    assert any(name.startswith("dagster/home/history/runs/") for name in listed)
    for path in dest.rglob("*"):
        assert not path.is_file() or DEMO_KEY.encode() not in path.read_bytes(), path
    assert (dest / "config/env").read_text().splitlines()[1] == "ETABLERER_MAX_ROW_DROP=0.4"
    assert owner_only(dest) == []

    # Nothing of the original is left to read: the restored installation stands alone.
    shutil.rmtree(original)
    fresh = fresh_checkout(tmp_path / "fresh")
    env = isolated_env(tmp_path / "restored")
    prepared = etablerer_in(fresh, ["prepare"], env)  # what `make install` does last
    assert prepared.returncode == 0, prepared.stdout + prepared.stderr
    restored = etablerer_in(fresh, ["restore", str(dest)], env)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert f"Kontrollert: {len(listed)} filer" in restored.stdout
    assert "Hent den fra fylkeskommunens passordhvelv" in restored.stdout
    assert (fresh / ".env").read_text() == (dest / "config/env").read_text()
    assert owner_only(tmp_path / "restored" / "archive") == []

    run = etablerer_in(fresh, ["run", "--year", "2026", "--skip-ssb", "--sample"], env)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "yearly_pipeline_job [2026, alle regioner]: OK" in run.stdout
    after = mart_checksums(tmp_path / "restored" / "warehouse" / "etablerer.duckdb")
    assert after == before


# -- a small installation, for what a backup refuses -------------------------------------------


@dg.op
def one_step() -> int:
    return 1


@dg.job
def small_job() -> None:
    one_step()


@pytest.fixture
def installation(tmp_path, monkeypatch) -> dict[str, str]:
    """A warehouse of one table, an archived file, a linked business, a Dagster instance with
    its storage made; the environment set to it, as `etablerer` sets it."""
    root = tmp_path / "installation"
    env = isolated_env(root)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    (root / "warehouse").mkdir()
    with duckdb.connect(env["ETABLERER_DUCKDB_PATH"]) as con:
        con.execute("create table loads as select 1 as load_id")
    archived = root / "archive" / "operators" / "ab" / "ab12.csv"
    archived.parent.mkdir(parents=True)
    archived.write_text("org_nr;navn\n123456785;Eksempel AS\n")
    record_links([("bk1", "123456785")], source_sha256="ab12")
    install_dagster_yaml(Path(env["DAGSTER_HOME"]))
    dg.DagsterInstance.get().dispose()  # the instance's SQLite storage, as after a first run
    return env


def take_backup(dest: Path) -> dict:
    where = backups.Installation.configured(Path(os.environ["DAGSTER_HOME"]), DAGSTER_YAML)
    return backups.backup(dest, where, say=lambda line: None)


def test_a_tampered_file_is_refused_by_name_and_nothing_is_written(installation, tmp_path):
    dest = tmp_path / "backup"
    take_backup(dest)
    archived = dest / "archive" / "operators" / "ab" / "ab12.csv"
    archived.write_text(archived.read_text().replace("Eksempel AS", "Endret AS"))
    target = isolated_env(tmp_path / "target")

    completed = run_etablerer(["restore", str(dest)], target)
    assert completed.returncode == 2
    assert completed.stderr.startswith(
        "Ikke gjenopprettet: archive/operators/ab/ab12.csv er endret eller skadet"
    )
    assert not (tmp_path / "target" / "warehouse").exists()
    assert list((tmp_path / "target").rglob("*")) == [tmp_path / "target" / "dagster_home"]
    # --check says the same and restores nothing, also when the backup is whole.
    checked = run_etablerer(["restore", "--check", str(dest)], target)
    assert checked.returncode == 2 and "ab12.csv er endret" in checked.stderr


def test_a_backup_without_its_manifest_is_refused_as_incomplete(installation, tmp_path):
    dest = tmp_path / "backup"
    take_backup(dest)
    (dest / "manifest.json").unlink()
    with pytest.raises(backups.BackupRefused, match="ingen manifest.json: sikkerhetskopien er"):
        backups.check(dest)


def test_a_restore_into_an_installation_that_is_not_empty_is_refused(installation, tmp_path):
    dest = tmp_path / "backup"
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT, capture_output=True)
    assert take_backup(dest)["git_commit"] == head.stdout.decode().strip()
    target = isolated_env(tmp_path / "target")
    first = run_etablerer(["restore", str(dest)], target)
    assert first.returncode == 0, first.stdout + first.stderr
    with duckdb.connect(target["ETABLERER_DUCKDB_PATH"], read_only=True) as con:
        assert con.execute("select load_id from loads").fetchall() == [(1,)]

    again = run_etablerer(["restore", str(dest)], target)
    assert again.returncode == 2
    refusal = again.stderr
    assert refusal.startswith("Ikke gjenopprettet: Installasjonen er ikke tom")
    for part in ("ETABLERER_DUCKDB_PATH", "ETABLERER_ARCHIVE_DIR", "DAGSTER_HOME"):
        assert target[part] in refusal


def test_a_destination_that_is_not_empty_or_inside_the_installation_is_refused(
    installation, tmp_path
):
    used = tmp_path / "used"
    used.mkdir()
    (used / "x").write_text("x")
    with pytest.raises(backups.BackupRefused, match="finnes og er ikke tom"):
        take_backup(used)
    inside = Path(installation["ETABLERER_DUCKDB_PATH"]).parent / "backup"
    with pytest.raises(backups.BackupRefused, match="som selv tas med i sikkerhetskopien"):
        take_backup(inside)
    assert not inside.exists()


def test_a_warehouse_held_by_a_writer_is_refused(installation, tmp_path):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, duckdb; con = duckdb.connect(sys.argv[1]); print('ready', flush=True); "
            "sys.stdin.read()",
            installation["ETABLERER_DUCKDB_PATH"],
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(backups.BackupRefused) as refused:
            take_backup(tmp_path / "backup")
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)
    assert f"er åpnet for skriving av prosess {holder.pid}" in str(refused.value)
    assert "Vent til den er ferdig" in str(refused.value)
    assert not (tmp_path / "backup" / "manifest.json").exists()


def test_a_run_during_the_backup_leaves_it_incomplete(installation, tmp_path):
    """A run started after the check for runs in progress, while the archive is copied: the
    warehouse's copy is from before it, what follows maybe from after it."""

    def run_while_copying(line: str) -> None:
        if "arkivet" in line:
            with dg.DagsterInstance.get() as instance:
                assert small_job.execute_in_process(instance=instance).success

    where = backups.Installation.configured(Path(os.environ["DAGSTER_HOME"]), DAGSTER_YAML)
    with pytest.raises(backups.BackupRefused, match="small_job .* gikk under sikkerhetskopien"):
        backups.backup(tmp_path / "backup", where, say=run_while_copying)
    assert not (tmp_path / "backup" / "manifest.json").exists()


def test_a_wal_a_writer_left_is_in_the_backup_and_replayed_after_a_restore(installation, tmp_path):
    """A writer that died before DuckDB's checkpoint leaves its last commit in the .wal only. A
    read-only connection reads it but cannot checkpoint it, so the copy takes the .wal too."""
    db = installation["ETABLERER_DUCKDB_PATH"]
    crash = (
        "import os, sys, duckdb; con = duckdb.connect(sys.argv[1]); "
        "con.execute('insert into loads values (2)'); os._exit(0)"
    )
    subprocess.run([sys.executable, "-c", crash, db], check=True)
    assert Path(db + ".wal").is_file()
    dest = tmp_path / "backup"
    take_backup(dest)
    assert (dest / "warehouse" / "etablerer.duckdb.wal").is_file()

    target = isolated_env(tmp_path / "target")
    completed = run_etablerer(["restore", str(dest)], target)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    with duckdb.connect(target["ETABLERER_DUCKDB_PATH"], read_only=True) as con:
        assert con.execute("select load_id from loads order by 1").fetchall() == [(1,), (2,)]


def test_a_key_file_inside_a_folder_backed_up_is_refused_and_deleted(
    installation, tmp_path, monkeypatch
):
    key_file = Path(installation["ETABLERER_ARCHIVE_DIR"]) / "pseudonym.key"
    key_file.write_text("0123456789abcdef-a-secret-of-the-county\n")
    monkeypatch.setenv("ETABLERER_PSEUDONYM_KEY_FILE", str(key_file))
    monkeypatch.delenv("ETABLERER_PSEUDONYM_KEY")
    dest = tmp_path / "backup"
    with pytest.raises(backups.BackupRefused, match="Pseudonymnøkkelen står i archive/pseudonym"):
        take_backup(dest)
    assert not (dest / "archive" / "pseudonym.key").exists()
    assert not (dest / "manifest.json").exists()


def test_the_timers_unit_makes_a_new_dated_backup_each_time(installation, tmp_path):
    """deploy/etablerer-backup.service's command, unescaped as systemd does (%% and $$), with
    the checkout's etablerer and a temporary folder for /opt/etablerer and /var/backups."""
    unit = (PROJECT_ROOT / "deploy" / "etablerer-backup.service").read_text()
    (command,) = re.findall(r"^ExecStart=(.*)$", unit, flags=re.MULTILINE)
    command = command.replace("%%", "%").replace("$$", "$")
    command = command.replace("/opt/etablerer/.venv/bin/etablerer", str(ETABLERER))
    command = command.replace("/var/backups/etablerer", str(tmp_path / "backups"))
    (tmp_path / "backups").mkdir()
    shell = shlex.split(command)
    assert shell[:2] == ["/bin/sh", "-c"]
    completed = subprocess.run(shell, env=installation, cwd=PROJECT_ROOT, capture_output=True)
    assert completed.returncode == 0, completed.stderr
    (made,) = (tmp_path / "backups").iterdir()
    assert re.fullmatch(r"20\d\d-\d\d-\d\dT\d{4}", made.name)
    assert backups.check(made)["files"]


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ("ETABLERER_PSEUDONYM_KEY=s3cret\n", False),
        ("export ETABLERER_PSEUDONYM_KEY = 's3cret'\n", False),
        ("ETABLERER_PSEUDONYM_KEY_FILE=/etc/etablerer/pseudonym.key\n", True),
        ("DAGSTER_PG_DB=dagster\n", True),
    ],
)
def test_only_the_keys_own_line_leaves_the_settings(line, kept):
    text, removed = backups.settings_without_key("# settings\n" + line)
    assert (line in text) is kept and removed is not kept


# -- the instance on PostgreSQL ----------------------------------------------------------------


def runs(server, dbname: str) -> list[tuple]:
    with psycopg.connect(server.url(dbname=dbname)) as con:
        return con.execute(
            "select run_id, pipeline_name, status, run_body from runs order by run_id"
        ).fetchall()


def test_the_postgres_instance_is_dumped_and_restored_into_an_empty_database(
    installation, tmp_path, monkeypatch
):
    home = Path(installation["DAGSTER_HOME"])
    install_dagster_yaml(home, DEPLOY_DAGSTER_YAML)
    with throwaway_postgres() as server:
        settings = dagster_storage(server, "dagster", "dagster_restored")
        for name, value in settings.items():
            monkeypatch.setenv(name, value)
        with dg.DagsterInstance.get() as instance:
            for _ in range(2):
                assert small_job.execute_in_process(instance=instance).success
        original = runs(server, "dagster")
        assert len(original) == 2

        dest = tmp_path / "backup"
        made = run_etablerer(["backup", str(dest)], {**installation, **settings})
        assert made.returncode == 0, made.stdout + made.stderr
        assert "PostgreSQL, pg_dump" in made.stderr
        assert (dest / "dagster" / "postgres.dump").read_bytes().startswith(b"PGDMP")

        target = {
            **isolated_env(tmp_path / "target"),
            **settings,
            "DAGSTER_PG_DB": "dagster_restored",
        }
        restored = run_etablerer(["restore", str(dest)], target)
        assert restored.returncode == 0, restored.stdout + restored.stderr
        assert runs(server, "dagster_restored") == original

        # The database the installation names is not empty now: a second restore is refused.
        again = run_etablerer(["restore", str(dest)], target)
        assert again.returncode == 2
        assert "databasen dagster_restored (DAGSTER_PG_DB)" in again.stderr
