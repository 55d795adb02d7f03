"""The linkage store: each business pseudonym (`business_key`) beside its clear organisation number.

An ENK's organisation number leads, in the public register, to its owner's name, so the warehouse
keeps only `business_key` = HMAC(secret, "business:" + number) (`identifiers.business_keys`). The
clear number goes, at the door, into this store instead: one SQLite file apart from the warehouse,
next to the archive (`data/linkage/businesses.sqlite`, `ETABLERER_LINKAGE_PATH`), never inside the
warehouse folder, and protected like the archive (it holds personal data; the file is made
readable by its owner only).

Who may read it: only the register refresh (`ingestion/brreg`), which must look the businesses up
by their numbers, through `linked_org_numbers`. Ingestion writes it (`record_links`) and reads
nothing back. dbt, the reports, the published copy and BI never see it.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from ingestion.paths import DATA_DIR, warehouse_dir

LINKAGE_PATH_ENV = "ETABLERER_LINKAGE_PATH"
# A second writer (two ingests at once) waits this long for SQLite's lock before giving up.
BUSY_TIMEOUT_S = 120

_DDL = """
create table if not exists business_links (
    business_key text primary key,
    org_number text not null,
    first_seen_at text not null,
    source_sha256 text not null
)"""


class LinkageStoreError(RuntimeError):
    """The store cannot be used where it is configured. The message is Norwegian."""


def linkage_path() -> Path:
    """The store's file: ETABLERER_LINKAGE_PATH, else data/linkage/businesses.sqlite. Read at call
    time, as ingestion.paths does."""
    return Path(os.environ.get(LINKAGE_PATH_ENV, DATA_DIR / "linkage" / "businesses.sqlite"))


def _checked(path: Path | None) -> Path:
    """`path`, or the configured store, refused inside the warehouse folder."""
    path = Path(path) if path is not None else linkage_path()
    if path.resolve().is_relative_to(warehouse_dir().resolve()):
        raise LinkageStoreError(
            f"Koblingsregisteret {path} ligger i datavarehusets mappe, som publiseres og leses "
            f"av flere. Flytt det ut (f.eks. til data/linkage/) og pek {LINKAGE_PATH_ENV} dit."
        )
    return path


def _connect(path: Path) -> sqlite3.Connection:
    new = not path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    if new:
        path.chmod(0o600)  # SQLite gives its -wal and -shm files the same mode
    con.execute("pragma journal_mode = wal")
    con.execute(_DDL)
    return con


def record_links(
    pairs: Iterable[tuple[str, str]], *, source_sha256: str, path: Path | None = None
) -> int:
    """Store each (business_key, org_number) not stored yet, with the time and the delivery
    (`source_sha256`) that first brought it, in one transaction. A pair already there keeps its
    first record, so recording the same delivery again changes nothing. Returns how many pairs
    were new."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    rows = [(key, number, now, source_sha256) for key, number in dict(pairs).items()]
    if not rows:
        return 0
    with closing(_connect(_checked(path))) as con:
        con.execute("begin immediate")
        try:
            before = con.total_changes
            con.executemany(
                "insert into business_links (business_key, org_number, first_seen_at, "
                "source_sha256) values (?, ?, ?, ?) on conflict (business_key) do nothing",
                rows,
            )
            added = con.total_changes - before
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    return added


def linked_org_numbers(path: Path | None = None) -> dict[str, str]:
    """business_key -> org_number for every business recorded. Only the register refresh calls
    this. An absent store has no links (it is not created by reading)."""
    path = _checked(path)
    if not path.exists():
        return {}
    with closing(_connect(path)) as con:
        return dict(con.execute("select business_key, org_number from business_links"))


__all__ = [
    "LINKAGE_PATH_ENV",
    "LinkageStoreError",
    "linkage_path",
    "linked_org_numbers",
    "record_links",
]
