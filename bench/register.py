"""The register for the national-scale data: Enhetsregisteret's view of every business in the
scale exports, in the bundled snapshot's shape, made by the sample's generator (`samples.brreg`).

Two folders, each an offline snapshot folder (manifest and gzipped days) that
ETABLERER_BRREG_SNAPSHOT_DIR can name, as production reads weekly observations:
- `earlier/`: the weekly observations before the year's run (loaded into the history warehouse
  before row 3, as the weekly refreshes would have loaded them);
- `latest/`: the observation the year's run makes (row 3 loads it in its `raw_brreg__units`).

The days are the last Mondays (the weekly schedule's day) on or before the earlier of today and
the last year's 31 December: a refresh never reads a day after today (the GX suite refuses one).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import date, timedelta
from pathlib import Path

from bench import scale
from samples import brreg as register_generator

WEEKS = 4
COMPLETE_MARKER = "register.json"


def observation_days(last_year: int, today: date | None = None, weeks: int = WEEKS) -> list[date]:
    """`weeks` Mondays a week apart, oldest first, the last on or before min(today, 31 Dec)."""
    end = min(today or date.today(), date(last_year, 12, 31))
    last_monday = end - timedelta(days=end.weekday())
    return [last_monday - timedelta(weeks=n) for n in reversed(range(weeks))]


def cache_key(operator_dir: Path, days: list[date]) -> str:
    """Changes with the operators' data (their folder's key), the days and the generator's code."""
    digest = hashlib.sha256(f"{Path(operator_dir).name}|{[d.isoformat() for d in days]}".encode())
    for module in (register_generator.__file__, __file__):
        digest.update(Path(module).read_bytes())
    return digest.hexdigest()[:12]


def generate_register(
    operator_dir: Path, days: list[date], cache_dir: Path = scale.CACHE_DIR
) -> Path:
    """`<dir>/earlier` and `<dir>/latest` for the businesses of `operator_dir`. Reused when a
    complete one exists; otherwise written to a scratch folder and renamed when done."""
    target = Path(cache_dir) / f"register-{cache_key(operator_dir, days)}"
    if (target / COMPLETE_MARKER).exists():
        return target
    scratch = target.with_name(target.name + ".partial")
    shutil.rmtree(scratch, ignore_errors=True)
    units = register_generator.register_of(Path(operator_dir))
    generator = "bench/register.py (samples.brreg.register_of)"
    for folder, folder_days in (("earlier", days[:-1]), ("latest", days[-1:])):
        out = scratch / folder
        snapshots = register_generator.write_dated_snapshots(out, units, folder_days)
        register_generator.write_manifest(out, snapshots, generator=generator)
    (scratch / COMPLETE_MARKER).write_text(
        json.dumps(
            {
                "operators": Path(operator_dir).name,
                "days": [d.isoformat() for d in days],
                "units": len(units),
            },
            indent=1,
        )
    )
    shutil.rmtree(target, ignore_errors=True)
    scratch.rename(target)
    return target
