"""Generate the bundled offline snapshot in `data/sample/ssb/` (synthetic figures, SSB's shape).

    python -m ingestion.ssb.snapshot            # rewrites data/sample/ssb/*.json

The responses have the JSON-stat2 shape PxWebApi v2 returns for the configured queries, but the
figures are made up: deterministic, plausible, with slow quarterly growth. They say so themselves
(`extension.synthetic: true`, a note, and the manifest). One figure is fixed on purpose: the
agreement's funding basis, Ringerike + Hole + Krødsherad = 46 790 (`Folketallet11`, `2025K1`).
The tables are internally consistent: a quarter's start equals the previous quarter's end, and
1 January in 07459 sums to the end of the previous year's fourth quarter in 01222. In 08316 (new
enterprises and their survival, Buskerud) survivors never rise from one year to the next, "Alle"
is at least the sum of the forms, and survival is near SSB's reference points (five years: about
55 % for AS, 37 % for ENK).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ingestion.paths import SSB_SNAPSHOT_DIR
from ingestion.ssb.client import PxWebClient
from ingestion.ssb.fetch import MANIFEST_FILE
from ingestion.ssb.municipalities import MUNICIPALITY_NAMES
from ingestion.ssb.queries import PopulationQuery, load_queries

SNAPSHOT_FETCHED_AT = "2026-08-20T06:00:00+00:00"
SNAPSHOT_UPDATED = "2026-08-14T06:00:00Z"
FIRST_QUARTER = (2020, 1)
LAST_QUARTER = (2026, 2)
ANCHOR_QUARTER = (2025, 1)
YEARS_1_JANUARY = (2024, 2025, 2026)
OLDEST_AGE = 105
SYNTHETIC_NOTE = (
    "SYNTETISKE TALL. Dette er ikke SSBs tall: tallene er laget av ingestion/ssb/snapshot.py "
    "for offline bruk og tester, i samme JSON-stat2-form som PxWebApi v2 gir. Alle perioder bruker "
    "kommunenumrene som gjelder fra 2024."
)

# code: (synthetic population at the end of 2025K1, quarterly growth rate)
_SYNTHETIC_SIZE_AND_GROWTH: dict[str, tuple[int, float]] = {
    "3301": (104_950, 0.0025),
    "3303": (28_480, 0.0020),
    "3305": (37_240, 0.0015),
    "3310": (7_180, 0.0020),
    "3312": (27_960, 0.0030),
    "3314": (20_610, 0.0022),
    "3316": (14_470, 0.0012),
    "3318": (2_370, 0.0005),
    "3320": (1_060, -0.0005),
    "3322": (3_290, 0.0003),
    "3324": (4_640, 0.0008),
    "3326": (2_610, 0.0020),
    "3328": (4_690, 0.0002),
    "3330": (4_470, 0.0004),
    "3332": (3_520, 0.0001),
    "3334": (2_810, 0.0010),
    "3336": (1_410, -0.0003),
    "3338": (2_460, -0.0004),
    "3236": (7_010, 0.0015),
}
# code: (name, synthetic population at the end of 2025K1, quarterly growth rate)
MUNICIPALITIES: dict[str, tuple[str, int, float]] = {
    code: (MUNICIPALITY_NAMES[code], size, growth)
    for code, (size, growth) in _SYNTHETIC_SIZE_AND_GROWTH.items()
}
# The agreement's stated basis (Ringeriksregionen, "pr. 1. kvartal 2025").
FUNDING_BASIS = {"municipalities": ("3305", "3310", "3318"), "period": "2025K1", "total": 46_790}


def quarters(first: tuple[int, int], last: tuple[int, int]) -> list[str]:
    year, quarter = first
    result = []
    while (year, quarter) <= last:
        result.append(f"{year}K{quarter}")
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return result


def end_of_quarter_series(code: str) -> dict[str, int]:
    """Synthetic end-of-quarter population from the quarter before FIRST_QUARTER to LAST_QUARTER."""
    _, anchor_value, growth = MUNICIPALITIES[code]
    previous_year, previous_quarter = (
        (FIRST_QUARTER[0] - 1, 4)
        if FIRST_QUARTER[1] == 1
        else (FIRST_QUARTER[0], FIRST_QUARTER[1] - 1)
    )
    timeline = quarters((previous_year, previous_quarter), LAST_QUARTER)
    anchor = timeline.index(f"{ANCHOR_QUARTER[0]}K{ANCHOR_QUARTER[1]}")
    rng = random.Random(int(code))
    noise = [rng.randint(-3, 3) for _ in timeline]
    values = [0] * len(timeline)
    values[anchor] = anchor_value
    for i in range(anchor + 1, len(timeline)):
        values[i] = round(values[i - 1] * (1 + growth)) + noise[i]
    for i in range(anchor - 1, -1, -1):
        values[i] = round(values[i + 1] / (1 + growth)) - noise[i + 1]
    return dict(zip(timeline, values, strict=True))


def age_sex_distribution(total: int) -> dict[tuple[str, str], int]:
    """Split a total over sex (1 men, 2 women) and age 000..105 exactly (largest remainder)."""
    weights: dict[tuple[str, str], float] = {}
    for age in range(OLDEST_AGE + 1):
        survival = 1.0 if age < 60 else math.exp(-(((age - 60) / 17) ** 2))
        level = 0.95 if age < 20 else 1.0
        male_share = 0.51 - 0.12 * max(0, age - 60) / 45
        weights[("1", f"{age:03d}")] = level * survival * male_share
        weights[("2", f"{age:03d}")] = level * survival * (1 - male_share)
    scale = total / sum(weights.values())
    exact = {cell: w * scale for cell, w in weights.items()}
    counts = {cell: math.floor(x) for cell, x in exact.items()}
    shortfall = total - sum(counts.values())
    by_remainder = sorted(exact, key=lambda cell: (counts[cell] - exact[cell], cell))
    for cell in by_remainder[:shortfall]:
        counts[cell] += 1
    return counts


def _category(codes: Sequence[str], labels: dict[str, str]) -> dict[str, Any]:
    return {"index": {code: i for i, code in enumerate(codes)}, "label": labels}


def _dataset(
    *,
    table_id: str,
    label: str,
    dimension_order: list[str],
    dimensions: dict[str, dict[str, Any]],
    values: list[int | float | None],
    heading: list[str],
    stub: list[str],
    status: dict[str, str] | None = None,
    note: str = SYNTHETIC_NOTE,
    decimals: int = 0,
) -> dict[str, Any]:
    sizes = [len(dimensions[d]["category"]["index"]) for d in dimension_order]
    assert math.prod(sizes) == len(values)
    # `status` only when a cell has one, so the population files keep their bytes.
    cell_status = {"status": status} if status else {}
    return {
        "version": "2.0",
        "class": "dataset",
        "label": label,
        "source": "Statistisk sentralbyrå (SYNTETISKE TALL, ikke SSBs tall)",
        "updated": SNAPSHOT_UPDATED,
        "note": [note],
        "role": {"time": ["Tid"], "metric": ["ContentsCode"], "geo": ["Region"]},
        "id": dimension_order,
        "size": sizes,
        "dimension": dimensions,
        "value": values,
        **cell_status,
        "extension": {
            "synthetic": True,
            "synthetic_note": note,
            "generator": "ingestion/ssb/snapshot.py",
            "px": {
                "infofile": "None",
                "tableid": table_id,
                "decimals": decimals,
                "official-statistics": False,
                "aggregallowed": True,
                "language": "no",
                "contents": label.split(", etter")[0].split(": ", 1)[1],
                "descriptiondefault": False,
                "heading": heading,
                "stub": stub,
            },
        },
    }


def _dimension(
    label: str, category: dict[str, Any], *, elimination: bool = True, show: str = "value"
) -> dict[str, Any]:
    """One dimension as PxWebApi v2 writes it: its label, its category, whether a query may leave
    it out (`elimination`) and what a table shows of its values (code, label or both)."""
    return {
        "label": label,
        "category": category,
        "extension": {"elimination": elimination, "show": show},
    }


def _contents_dimension(labels: dict[str, str], units: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The statistics variable (`ContentsCode`): its codes, labels and each one's unit."""
    category = {**_category(list(labels), labels), "unit": units}
    return _dimension("statistikkvariabel", category, elimination=False)


def _time_dimension(label: str, codes: list[str]) -> dict[str, Any]:
    """The time dimension (`Tid`): never left out, its codes shown as they are."""
    return _dimension(
        label, _category(codes, {c: c for c in codes}), elimination=False, show="code"
    )


def _region_dimension() -> dict[str, Any]:
    codes = list(MUNICIPALITIES)
    return _dimension("region", _category(codes, {c: MUNICIPALITIES[c][0] for c in codes}))


def population_by_quarter() -> dict[str, Any]:
    """Table 01222: Folketallet1 and Folketallet11 by municipality and quarter."""
    periods = quarters(FIRST_QUARTER, LAST_QUARTER)
    contents = {
        "Folketallet1": "Folketal ved inngangen av kvartalet",
        "Folketallet11": "Folketal ved utgangen av kvartalet",
    }
    series = {code: end_of_quarter_series(code) for code in MUNICIPALITIES}
    timeline = list(next(iter(series.values())))
    values: list[int | None] = []
    for code in MUNICIPALITIES:  # row-major: Region, ContentsCode, Tid
        for contents_code in contents:
            for period in periods:
                if contents_code == "Folketallet11":
                    values.append(series[code][period])
                else:
                    values.append(series[code][timeline[timeline.index(period) - 1]])
    dimensions = {
        "Region": _region_dimension(),
        "ContentsCode": _contents_dimension(
            contents, {c: {"base": "personar", "decimals": 0} for c in contents}
        ),
        "Tid": _time_dimension("kvartal", periods),
    }
    return _dataset(
        table_id="01222",
        label="01222: Befolkning og kvartalsvise endringar, etter region, statistikkvariabel og "
        "kvartal",
        dimension_order=["Region", "ContentsCode", "Tid"],
        dimensions=dimensions,
        values=values,
        heading=["ContentsCode", "Tid"],
        stub=["Region"],
    )


def population_1_january() -> dict[str, Any]:
    """Table 07459: Personer1 on 1 January by municipality, sex and single-year age."""
    ages = [f"{age:03d}" for age in range(OLDEST_AGE + 1)]
    age_labels = {a: f"{int(a)} år" for a in ages}
    age_labels[ages[-1]] = f"{OLDEST_AGE} år eller eldre"
    sexes = {"1": "Menn", "2": "Kvinner"}
    years = [str(y) for y in YEARS_1_JANUARY]
    distributions = {
        (code, year): age_sex_distribution(end_of_quarter_series(code)[f"{int(year) - 1}K4"])
        for code in MUNICIPALITIES
        for year in years
    }
    values: list[int | None] = []
    for code in MUNICIPALITIES:  # row-major: Region, Kjonn, Alder, ContentsCode, Tid
        for sex in sexes:
            for age in ages:
                for year in years:
                    values.append(distributions[(code, year)][(sex, age)])
    dimensions = {
        "Region": _region_dimension(),
        "Kjonn": _dimension("kjønn", _category(list(sexes), sexes)),
        "Alder": _dimension("alder", _category(ages, age_labels)),
        "ContentsCode": _contents_dimension(
            {"Personer1": "Personer"}, {"Personer1": {"base": "personer", "decimals": 0}}
        ),
        "Tid": _time_dimension("år", years),
    }
    return _dataset(
        table_id="07459",
        label="07459: Befolkning, etter region, kjønn, alder, statistikkvariabel og år",
        dimension_order=["Region", "Kjonn", "Alder", "ContentsCode", "Tid"],
        dimensions=dimensions,
        values=values,
        heading=["ContentsCode", "Tid"],
        stub=["Region", "Kjonn", "Alder"],
    )


# --- Table 08316: new enterprises and their survival (Buskerud) ------------------------------
# Cohorts (etableringsår) and the last year SSB has activity for: a cohort n years older than that
# is not measurable yet (value null, status ".").
SURVIVAL_COHORTS = tuple(range(2017, 2025))
SURVIVAL_LAST_OBSERVED_YEAR = 2024
SURVIVAL_YEARS = tuple(range(6))  # 0 = the establishment year itself
SURVIVAL_NOTE = (
    "SYNTETISKE TALL. Dette er ikke SSBs tall: tallene er laget av ingestion/ssb/snapshot.py "
    "for offline bruk og tester, i samme JSON-stat2-form som PxWebApi v2 gir. Variabel-id-ene og "
    "kodene er ikke kontrollert mot SSBs metadata for tabell 08316. Alle etableringsår bruker "
    "fylkesnummeret som gjelder fra 2024 (33 Buskerud). Overlevd: foretaket hadde omsetning eller "
    "sysselsetting i år t+n (SSBs definisjon)."
)
# SSB code: (label, synthetic cohort size in Buskerud, survival share after 1..5 years).
# Near SSB's reference points: about 55 % of AS and 37 % of ENK survive five years.
SURVIVAL_FORMS: dict[str, tuple[str, int, tuple[float, ...]]] = {
    "AS": ("Aksjeselskap (AS)", 1_150, (0.80, 0.71, 0.64, 0.59, 0.55)),
    "ENK": ("Enkeltpersonforetak (ENK)", 1_450, (0.66, 0.54, 0.46, 0.41, 0.37)),
    "ANS": ("Ansvarlig selskap (ANS)", 12, (0.62, 0.52, 0.45, 0.41, 0.38)),
    "DA": ("Selskap med delt ansvar (DA)", 30, (0.64, 0.54, 0.47, 0.43, 0.40)),
    "NUF": ("Norskregistrert utenlandsk foretak (NUF)", 70, (0.58, 0.46, 0.38, 0.33, 0.30)),
}
# Forms without a figure of their own (ASA, SA, ...): counted in "Alle" only.
SURVIVAL_OTHER_FORMS = (45, (0.60, 0.50, 0.43, 0.38, 0.35))
# How many enterprises each cohort has, relative to 2017 (a peak in 2021, as in SSB's series).
COHORT_LEVEL = {
    2017: 1.00,
    2018: 0.97,
    2019: 0.99,
    2020: 1.04,
    2021: 1.12,
    2022: 1.02,
    2023: 0.96,
    2024: 0.98,
}


def survival_counts(size: int, shares: Sequence[float], seed: int) -> list[int]:
    """The cohort (year 0) and its survivors after 1..5 years: a deterministic wobble of up to
    two percentage points around `shares`, never rising from one year to the next."""
    rng = random.Random(seed)
    shift = rng.uniform(-0.02, 0.02)
    counts = [size]
    for share in shares:
        counts.append(min(counts[-1], round(size * (share + shift + rng.uniform(-0.005, 0.005)))))
    return counts


def survival_table() -> dict[str, dict[int, list[int]]]:
    """SSB form code -> cohort -> [cohort size, survivors after 1..5 years]; "Alle" is the sum of
    the forms and the forms without a figure of their own."""
    table: dict[str, dict[int, list[int]]] = {}
    all_forms: dict[int, list[int]] = {}
    forms = [(code, size, shares) for code, (_, size, shares) in SURVIVAL_FORMS.items()]
    forms.append(("andre", *SURVIVAL_OTHER_FORMS))
    for number, (code, size, shares) in enumerate(forms):
        by_cohort = {}
        for cohort in SURVIVAL_COHORTS:
            rng = random.Random(cohort * 10 + number)
            cohort_size = max(1, round(size * COHORT_LEVEL[cohort] * rng.uniform(0.97, 1.03)))
            by_cohort[cohort] = survival_counts(cohort_size, shares, seed=cohort * 100 + number)
            totals = all_forms.setdefault(cohort, [0] * len(SURVIVAL_YEARS))
            all_forms[cohort] = [a + b for a, b in zip(totals, by_cohort[cohort], strict=True)]
        if code != "andre":
            table[code] = by_cohort
    return {"Alle": all_forms, **table}


def enterprise_survival() -> dict[str, Any]:
    """Table 08316: new enterprises (Foretak at year 00) and survivors (Foretak at 01..05, and
    OverlevdProsent) by form, for Buskerud and all industries."""
    counts = survival_table()
    form_labels = {"Alle": "Alle organisasjonsformer"} | {
        code: label for code, (label, _, _) in SURVIVAL_FORMS.items()
    }
    years = [f"{n:02d}" for n in SURVIVAL_YEARS]
    year_labels = {"00": "Etableringsåret"} | {f"{n:02d}": f"{n} år" for n in SURVIVAL_YEARS[1:]}
    contents = {
        "Foretak": "Foretak",
        "OverlevdProsent": "Overlevde foretak, prosent av de nyetablerte",
    }
    cohorts = [str(c) for c in SURVIVAL_COHORTS]
    values: list[int | float | None] = []
    status: dict[str, str] = {}
    # row-major: Region, NACE2007, OrgFormer, OverlevAar, ContentsCode, Tid
    for form in form_labels:
        for n in SURVIVAL_YEARS:
            for contents_code in contents:
                for cohort in SURVIVAL_COHORTS:
                    cohort_size, survivors = counts[form][cohort][0], counts[form][cohort][n]
                    if cohort + n > SURVIVAL_LAST_OBSERVED_YEAR or (
                        contents_code == "OverlevdProsent" and n == 0
                    ):
                        status[str(len(values))] = "."
                        values.append(None)
                    elif contents_code == "Foretak":
                        values.append(survivors)
                    else:
                        values.append(round(100 * survivors / cohort_size, 1))
    dimensions = {
        "Region": _dimension("region", _category(["33"], {"33": "Buskerud"})),
        "NACE2007": _dimension(
            "næring (SN2007)",
            _category(["00-99"], {"00-99": "Alle næringer"}),
            show="code_value",
        ),
        "OrgFormer": _dimension("organisasjonsform", _category(list(form_labels), form_labels)),
        "OverlevAar": _dimension(
            "overlevelsesår", _category(years, year_labels), elimination=False
        ),
        "ContentsCode": _contents_dimension(
            contents,
            {
                "Foretak": {"base": "foretak", "decimals": 0},
                "OverlevdProsent": {"base": "prosent", "decimals": 1},
            },
        ),
        "Tid": _time_dimension("etableringsår", cohorts),
    }
    return _dataset(
        table_id="08316",
        label="08316: Nyetablerte foretak og overlevelse, etter region, næring (SN2007), "
        "organisasjonsform, overlevelsesår, statistikkvariabel og etableringsår",
        dimension_order=["Region", "NACE2007", "OrgFormer", "OverlevAar", "ContentsCode", "Tid"],
        dimensions=dimensions,
        values=values,
        heading=["ContentsCode", "Tid"],
        stub=["Region", "NACE2007", "OrgFormer", "OverlevAar"],
        status=status,
        note=SURVIVAL_NOTE,
        decimals=1,
    )


BUILDERS = {
    "01222": population_by_quarter,
    "07459": population_1_january,
    "08316": enterprise_survival,
}


def encode(doc: dict[str, Any]) -> bytes:
    # Compact, like SSB's own responses; the files stay small.
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def build_snapshot(queries_path: Path | None = None) -> dict[str, bytes]:
    """File name -> bytes, for every configured query plus the manifest."""
    config = load_queries(queries_path)
    planner = PxWebClient(config.base_url)
    files: dict[str, bytes] = {}
    entries = []
    try:
        for query in config.queries:
            content = encode(_response_for(query))
            method, url, body = planner.plan_request(
                query.table_id, query.value_codes, lang=config.lang
            )
            files[query.snapshot_file] = content
            entries.append(
                {
                    "query": query.name,
                    "table_id": query.table_id,
                    "file": query.snapshot_file,
                    "method": method,
                    "url": url,
                    "request_body": body,
                    "fetched_at": SNAPSHOT_FETCHED_AT,
                    "sha256": hashlib.sha256(content).hexdigest(),
                }
            )
    finally:
        planner.close()
    manifest = {
        "synthetic": True,
        "note": SYNTHETIC_NOTE,
        "generator": "python -m ingestion.ssb.snapshot",
        "funding_basis_check": FUNDING_BASIS,
        "responses": entries,
    }
    files[MANIFEST_FILE] = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode(
        "utf-8"
    )
    return files


def _response_for(query: PopulationQuery) -> dict[str, Any]:
    if query.table_id not in BUILDERS:
        raise ValueError(f"Snapshot generator has no synthetic table {query.table_id}.")
    return BUILDERS[query.table_id]()


def write_snapshot(
    out_dir: Path = SSB_SNAPSHOT_DIR, queries_path: Path | None = None
) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in build_snapshot(queries_path).items():
        path = out_dir / name
        path.write_bytes(content)
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Lag det syntetiske SSB-øyeblikksbildet på nytt.")
    parser.add_argument("--out", type=Path, default=SSB_SNAPSHOT_DIR)
    args = parser.parse_args(argv)
    for path in write_snapshot(args.out):
        print(f"skrev {path} ({path.stat().st_size} byte)")


if __name__ == "__main__":
    main()
