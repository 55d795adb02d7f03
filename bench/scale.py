"""National-scale operator exports: Buskerud × k over ten years, written with the sample generator.

The five regions keep their ids and municipalities (the contract knows no others); every count is
multiplied. Files are CSV in each operator's real export format (XLSX operators switch to their
CSV export at this size), streamed to disk, and cached under `.bench_cache/` by their parameters.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from ingestion import paths
from ingestion.operators import writers
from ingestion.operators.contract import REGIONS, municipalities
from samples import operators as samplegen
from samples.operators import FileFormat

CACHE_DIR = paths.PROJECT_ROOT / ".bench_cache"
COMPLETE_MARKER = "scale.json"

# What each operator's system writes when asked for CSV. Kongsberg-Numedal and Ringeriksregionen
# deliver some kinds as XLSX at sample scale; a ten-year national export comes as CSV.
SCALE_FORMATS: dict[str, FileFormat] = {
    "ringeriksregionen": FileFormat("cp1252", ";"),
    "drammensregionen": FileFormat("utf-8-sig", ";", headers="no"),
    "kongsberg_numedal": FileFormat("cp1252", ";", headers="no"),
    "hallingdal": FileFormat("cp1252", ";", headers="alias"),
    "midt_buskerud": FileFormat("utf-8", ",", iso_dates=True, headers="no"),
}


@dataclass(frozen=True)
class ScaleParams:
    """Totals over all regions and years. Per (region, year) they split by region size."""

    activities: int = 5_000_000
    clients: int = 500_000  # client rows over all files (a client served two years is two rows)
    years: tuple[int, ...] = tuple(range(2017, 2027))
    seed: int = samplegen.SEED
    regions: tuple[str, ...] = field(default=tuple(samplegen.REGION_SCALE))

    def share(self, region_id: str) -> float:
        total = sum(samplegen.REGION_SCALE[r] for r in self.regions)
        return samplegen.REGION_SCALE[region_id] / total

    def counts(self, region_id: str) -> tuple[int, int]:
        """(clients, activities) per year for one region."""
        per_year = self.share(region_id) / len(self.years)
        return max(8, round(self.clients * per_year)), max(30, round(self.activities * per_year))

    def cache_key(self) -> str:
        """Changes with the parameters and with the generator's code."""
        digest = hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode())
        for module in (samplegen.__file__, writers.__file__, __file__):
            digest.update(Path(module).read_bytes())
        return digest.hexdigest()[:12]


def codes_in_year(codes: tuple[str, ...], year: int) -> tuple[str, ...]:
    """Each municipality's code as it was in `year` (06xx before 2020, 30xx in Viken); one that had
    no code in the register that year (Jevnaker before 2020) is left out."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    in_year = []
    for code in codes:
        for m in municipalities():
            alive = m.valid_from <= end and (m.valid_to is None or m.valid_to >= start)
            if m.current_code == code and alive and m.code not in in_year:
                in_year.append(m.code)
                break
    return tuple(in_year) or codes


def _write_one(out_dir: str, region_id: str, year: int, params: ScaleParams) -> int:
    n_clients, n_activities = params.counts(region_id)
    ry = samplegen.build_region_year(
        region_id,
        year,
        municipality_codes=codes_in_year(REGIONS[region_id], year),
        n_clients=n_clients,
        n_activities=n_activities,
        seed=params.seed,
        first_year=params.years[0],
    )
    # samplegen dates a carried-over client's first contact by its index, which over ten years
    # leaves no business registered in the last years; keep first contacts within two years.
    for n, person in enumerate(ry.clients):
        contact = person.first_contact_date
        if contact.year < year - 1:
            person.first_contact_date = date(year - n % 2, contact.month, min(contact.day, 28))
    fmt = SCALE_FORMATS[region_id]
    samplegen.write_region_year(
        Path(out_dir), ry, formats=dict.fromkeys(samplegen.ROW_SOURCES, fmt)
    )
    return n_activities


def generate(
    params: ScaleParams, cache_dir: Path = CACHE_DIR, *, workers: int | None = None
) -> Path:
    """The operator folder `<dir>/<region_id>/<year>/<kind>.csv` for these parameters. Reused when
    a complete one exists; otherwise written to a scratch folder and renamed when done."""
    target = Path(cache_dir) / f"operators-{params.cache_key()}"
    if (target / COMPLETE_MARKER).exists():
        return target
    scratch = target.with_name(target.name + ".partial")
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    tasks = [(r, y) for y in params.years for r in params.regions]
    # Largest region-years first, so two workers finish together.
    tasks.sort(key=lambda t: -params.counts(t[0])[1])
    workers = workers or min(len(tasks), os.cpu_count() or 1)
    if workers == 1:
        written = [_write_one(str(scratch), r, y, params) for r, y in tasks]
    else:
        with ProcessPoolExecutor(workers) as pool:
            futures = [pool.submit(_write_one, str(scratch), r, y, params) for r, y in tasks]
            written = [f.result() for f in futures]
    (scratch / COMPLETE_MARKER).write_text(
        json.dumps({**asdict(params), "activities_written": sum(written)}, indent=1)
    )
    shutil.rmtree(target, ignore_errors=True)
    scratch.rename(target)
    return target


def csv_format(region_id: str) -> FileFormat:
    return SCALE_FORMATS[region_id]
