"""`reports/<year>/index.html`: links to every deliverable in the folder, with what it is and
what its figures rest on. Each file says that itself (an HTML report's `data-standing` meta tag,
which its PDF twin shares; a workbook's custom property), so the index needs no warehouse."""

from __future__ import annotations

import re
import zipfile
from datetime import datetime
from pathlib import Path

from deliverables import html, standing
from deliverables.io import write_atomic
from deliverables.labels import DATA_STANDING, MONTHS

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


_HTML_STANDING = re.compile(r'<meta name="data-standing" content="([^"]*)">')
_XLSX_STANDING = re.compile(r'name="data_standing"><vt:lpwstr>([^<]*)</vt:lpwstr>')


def file_standings(path: Path) -> frozenset[str]:
    """The data_standing values a deliverable declares; empty when it declares none."""
    found = None
    if path.suffix in (".html", ".pdf"):
        twin = path.with_suffix(".html")
        if twin.is_file():
            found = _HTML_STANDING.search(twin.read_text(encoding="utf-8"))
    elif path.suffix == ".xlsx":
        try:
            with zipfile.ZipFile(path) as workbook:
                found = _XLSX_STANDING.search(workbook.read("docProps/custom.xml").decode())
        except (KeyError, zipfile.BadZipFile):
            found = None
    return frozenset(found.group(1).split()) & set(DATA_STANDING) if found else frozenset()


def write_index(out_dir: Path, year: int, region_names: dict[str, str] | None = None) -> Path:
    """Lists the deliverables present in out_dir/<year>/ (written last, after the files)."""
    folder = Path(out_dir) / str(year)
    entries = []
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        described = _describe(path.name, region_names or {})
        if described is not None:
            order, kind, detail = described
            standings = file_standings(path)
            entries.append(
                {
                    "order": order,
                    "kind": kind,
                    "detail": detail,
                    "name": path.name,
                    "format": path.suffix.lstrip(".").upper(),
                    "standings": standings,
                    "rests_on": ", ".join(
                        DATA_STANDING[s] for s in standing.ORDER if s in standings
                    ),
                }
            )
    entries.sort(key=lambda e: (e["order"], e["name"]))
    page = html.render_template(
        "index.html.j2",
        year=year,
        entries=entries,
        banners=standing.banners(frozenset().union(*(e["standings"] for e in entries))),
        generated_at=datetime.now().strftime("%d.%m.%Y %H:%M"),
    )
    return write_atomic(folder / "index.html", page.encode("utf-8"))
