"""`reports/<year>/index.html`: links to every deliverable in the folder, with what it is."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from deliverables import html
from deliverables.io import write_atomic
from deliverables.labels import MONTHS

KINDS: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(r"^fellesrapport_(\d{4})\.(html|pdf)$"), "Fellesrapport", "Alle delregioner"),
    (re.compile(r"^arsrapport_(.+)_(\d{4})\.(html|pdf)$"), "Årsrapport", ""),
    (re.compile(r"^utbetaling_(\d{4})_(\d{2})\.xlsx$"), "Utbetalingsliste", ""),
    (
        re.compile(r"^aktivitetsplan_gjennomgang_(\d{4})\.xlsx$"),
        "Gjennomgang av aktivitetsplan og budsjett",
        "",
    ),
]


def _describe(name: str, region_names: dict[str, str]) -> tuple[int, str, str] | None:
    for order, (pattern, kind, detail) in enumerate(KINDS):
        match = pattern.match(name)
        if not match:
            continue
        if kind == "Årsrapport":
            detail = region_names.get(match.group(1), match.group(1))
        elif kind == "Utbetalingsliste":
            month = int(match.group(2))
            detail = f"Utbetaling i {MONTHS.get(month, str(month))} {match.group(1)}"
        elif kind.startswith("Gjennomgang"):
            detail = f"Plan for {match.group(1)}"
        return order, kind, detail
    return None


def write_index(out_dir: Path, year: int, region_names: dict[str, str] | None = None) -> Path:
    """Lists the deliverables present in out_dir/<year>/ (written last, after the files)."""
    folder = Path(out_dir) / str(year)
    entries = []
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        described = _describe(path.name, region_names or {})
        if described is not None:
            order, kind, detail = described
            entries.append(
                {
                    "order": order,
                    "kind": kind,
                    "detail": detail,
                    "name": path.name,
                    "format": path.suffix.lstrip(".").upper(),
                }
            )
    entries.sort(key=lambda e: (e["order"], e["name"]))
    page = html.render_template(
        "index.html.j2",
        year=year,
        entries=entries,
        generated_at=datetime.now().strftime("%d.%m.%Y %H:%M"),
    )
    return write_atomic(folder / "index.html", page.encode("utf-8"))
