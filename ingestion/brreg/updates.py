"""The register's update feed (`/oppdateringer/enheter`): which units changed, and how.

A page is a HAL document: `_embedded.oppdaterteEnheter` holds the updates, each with
`oppdateringsid` (a sequence number), `dato` (when the change was published, ISO-8601 UTC),
`organisasjonsnummer`, `endringstype` (`Ny`, `Endring`, `Sletting`, `Fjernet`, or `Ukjent`) and a
`_links.enhet` to look the unit up; `page` says how many there are. A page with no updates has no
`_embedded`. The feed says *that* a unit changed, not what it became: the refresh looks a changed
unit up to observe it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ingestion.brreg.archive import archive_response
from ingestion.brreg.client import BrregClient, RegisterResponse

CHANGE_TYPES = ("Ny", "Endring", "Sletting", "Fjernet", "Ukjent")


class UpdateFeedError(ValueError):
    """A page of the update feed does not have the register's shape."""


@dataclass(frozen=True)
class UnitUpdate:
    update_id: int
    published_at: datetime
    org_number: str
    change_type: str


def parse_update_page(page: RegisterResponse | Mapping[str, Any]) -> list[UnitUpdate]:
    """The updates on one page, in the order given."""
    document = page.json() if isinstance(page, RegisterResponse) else page
    if not isinstance(document, Mapping):
        raise UpdateFeedError("En side av oppdateringene skal være et JSON-objekt.")
    items = (document.get("_embedded") or {}).get("oppdaterteEnheter") or []
    updates = []
    for item in items:
        try:
            updates.append(
                UnitUpdate(
                    update_id=int(item["oppdateringsid"]),
                    published_at=datetime.fromisoformat(item["dato"]),
                    org_number=str(item["organisasjonsnummer"]),
                    change_type=str(item.get("endringstype") or "Ukjent"),
                )
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise UpdateFeedError(
                f"En oppdatering mangler oppdateringsid, dato eller organisasjonsnummer: {exc}"
            ) from exc
    return updates


def fetch_updates(
    client: BrregClient,
    archive_dir: Path,
    *,
    since: date | datetime | None = None,
    since_id: int | None = None,
    size: int = 1000,
) -> list[UnitUpdate]:
    """Every update since `since` or `since_id`, each page archived, ordered by update id."""
    updates: list[UnitUpdate] = []
    for page in client.iter_update_pages(since=since, since_id=since_id, size=size):
        archive_response(page, archive_dir)
        updates.extend(parse_update_page(page))
    return sorted(updates, key=lambda update: update.update_id)


def latest_changes(
    updates: Iterable[UnitUpdate], org_numbers: Collection[str] | None = None
) -> dict[str, UnitUpdate]:
    """The last update of each unit (only those in `org_numbers`, if given)."""
    latest: dict[str, UnitUpdate] = {}
    for update in sorted(updates, key=lambda u: u.update_id):
        if org_numbers is None or update.org_number in org_numbers:
            latest[update.org_number] = update
    return latest


__all__ = [
    "CHANGE_TYPES",
    "UnitUpdate",
    "UpdateFeedError",
    "fetch_updates",
    "latest_changes",
    "parse_update_page",
]
