"""`python -m bench` (make bench): one run, one table. Every figure is set against a baseline
measured in the same run, with wall time and peak RSS (the largest process in the stage's tree,
from wait4). See docs/performance.md for what each row means."""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.register import generate_register, observation_days
from bench.scale import ScaleParams, generate
from ingestion import paths
from ingestion.brreg.snapshot import SNAPSHOT_DIR_ENV

PYTHON = sys.executable
BIN = Path(sys.executable).parent
DBT_DIR = paths.DBT_PROJECT_DIR
PEAK = Path(__file__).with_name("peak.py")
DEMO_KEY = "demo-key-for-the-bundled-synthetic-sample-only"


@dataclass
class Measured:
    seconds: float
    max_rss: int  # bytes
    returncode: int
    stdout: str

    def json(self) -> dict:
        return json.loads(self.stdout.strip().splitlines()[-1])


def measure(cmd: list[str], env: dict[str, str], log: Path) -> Measured:
    """Run a command; wall time, and the peak RSS of it and every child it waited for
    (through bench/peak.py, so that this process's own peak does not count)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    peak_read, peak_write = os.pipe()
    with log.open("ab") as err:
        err.write(f"\n$ {' '.join(cmd)}\n".encode())
        err.flush()
        started = time.perf_counter()
        proc = subprocess.Popen(
            [PYTHON, str(PEAK), str(peak_write), *cmd],
            env=env,
            stdout=subprocess.PIPE,
            stderr=err,
            cwd=paths.PROJECT_ROOT,
            pass_fds=(peak_write,),
        )
        os.close(peak_write)
        stdout = proc.stdout.read().decode()
        proc.wait()
        seconds = time.perf_counter() - started
    with os.fdopen(peak_read) as peak:
        max_rss_kib = int(peak.read() or 0)
    with log.open("a") as fh:
        fh.write(stdout)
    return Measured(seconds, max_rss_kib * 1024, proc.returncode, stdout)


@dataclass
class Row:
    """One line of the table. `ratio` is figure ÷ baseline as printed; target is text."""

    key: str
    measure: str
    seconds: float | None
    max_rss: int | None
    figure: str
    baseline: str = ""
    ratio: float | None = None
    target: str = ""
    met: bool | None = None


HEADERS = (
    "#",
    "measure",
    "time",
    "peak RSS",
    "figure",
    "baseline (same run)",
    "ratio",
    "target",
    "met",
)


def _rss(value: int | None) -> str:
    if value is None:
        return ""
    return f"{value / 2**30:.2f} GiB" if value >= 2**30 else f"{value / 2**20:.0f} MiB"


def _cells(row: Row) -> tuple[str, ...]:
    met = "" if row.met is None else ("yes" if row.met else "NO")
    return (
        row.key,
        row.measure,
        "" if row.seconds is None else f"{row.seconds:.1f} s",
        _rss(row.max_rss),
        row.figure,
        row.baseline,
        "" if row.ratio is None else f"{row.ratio:.2f}×",
        row.target,
        met,
    )


def format_table(rows: list[Row]) -> str:
    """A Markdown table, columns padded so it also reads in a terminal."""
    cells = [HEADERS, *(_cells(r) for r in rows)]
    widths = [max(len(c[i]) for c in cells) for i in range(len(HEADERS))]
    numeric = {2, 3, 6}

    def line(values: tuple[str, ...]) -> str:
        padded = [
            v.rjust(w) if i in numeric else v.ljust(w)
            for i, (v, w) in enumerate(zip(values, widths, strict=True))
        ]
        return "| " + " | ".join(padded) + " |"

    rule = (
        "|"
        + "|".join(
            ("-" * (w + 1) + ":") if i in numeric else "-" * (w + 2) for i, w in enumerate(widths)
        )
        + "|"
    )
    return "\n".join([line(cells[0]), rule, *(line(c) for c in cells[1:])])


def rate(rows: int, seconds: float) -> str:
    per_second = rows / seconds if seconds else 0.0
    if per_second >= 1e6:
        return f"{per_second / 1e6:.2f} M rows/s"
    return f"{per_second / 1e3:.0f} k rows/s"


# Where a run's time goes, by step (Dagster's event log); what no step covers is the process's
# start (Python, Dagster, definitions) and Dagster setting up and finishing runs.
START_UP = "start-up and Dagster"


# "register" is the register's refresh and its dbt tables (history, each day's state).
SPLIT_KINDS = ("loading", "register", "dbt", "GX", "reports and files")


def step_kind(step: str) -> str:
    if "_gx_" in step:
        return "GX"
    if step in ("dbt_models", "dbt_shared_models"):
        return "dbt"
    if step in ("raw_brreg__units", "dbt_register_models"):
        return "register"
    if step.startswith("raw_"):
        return "loading"
    return "reports and files"


def time_split(jobs: dict, wall_seconds: float) -> dict[str, float]:
    """Seconds per kind of step over the given runs, and the rest of the wall time."""
    split = dict.fromkeys(SPLIT_KINDS, 0.0)
    for job in jobs.values():
        for step, seconds in job["steps"].items():
            split[step_kind(step)] += seconds
    return {START_UP: wall_seconds - sum(split.values()), **split}


def time_split_row(key: str, split: dict[str, float]) -> Row:
    figure = " · ".join(f"{kind} {seconds:.1f}" for kind, seconds in split.items())
    return Row(key, "  where the time goes (s)", None, None, figure)


def gx_share_row(key: str, scale: str, gx: float, run_seconds: float) -> Row:
    """The GX checks' share of a whole run (target ≤ 20 %)."""
    share = gx / run_seconds
    return Row(
        key,
        f"  of which GX checks ({scale})",
        gx,
        None,
        f"{share:.0%} of the run",
        f"run {run_seconds:.1f} s",
        share,
        "≤ 20 %",
        share <= 0.2,
    )


class Bench:
    def __init__(self, params: ScaleParams, workdir: Path, region: str, sample: bool):
        self.params = params
        self.work = workdir
        self.region = region
        self.sample = sample
        self.register: Path  # the scale register's earlier/ and latest/ folders, set by run()
        self.year = params.years[-1]
        self.log = workdir / "bench.log"
        env = dict(os.environ)
        env.update(DO_NOT_TRACK="1", GX_ANALYTICS_ENABLED="False", PYTHONUNBUFFERED="1")
        if not (env.get("ETABLERER_PSEUDONYM_KEY") or env.get("ETABLERER_PSEUDONYM_KEY_FILE")):
            env["ETABLERER_PSEUDONYM_KEY"] = DEMO_KEY
        # The scale data is generated (synthetic fødselsnumre): ingest may use the demo key on it.
        env["ETABLERER_SYNTHETIC_DATA"] = "1"
        # The ingests' organisation numbers go to a linkage store of the bench's own.
        env["ETABLERER_LINKAGE_PATH"] = str(workdir / "linkage" / "businesses.sqlite")
        self.env = env
        self.rows: list[Row] = []
        self.shared_build: dict[Path, Measured] = {}

    def say(self, text: str) -> None:
        print(f"[bench {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)

    def stage(self, name: str, args: dict, env: dict | None = None) -> Measured:
        return measure(
            [PYTHON, "-m", "bench.stages", name, json.dumps(args)], env or self.env, self.log
        )

    def linkage_of(self, root: Path) -> Path:
        """The linkage store of the run under `root`: beside its folder, not in it (the store
        refuses to live in the warehouse's folder)."""
        return self.work / "linkage" / f"{root.name}.sqlite"

    def scoped_env(
        self, root: Path, operator_dir: Path | None, register: Path | None = None
    ) -> dict[str, str]:
        """The environment of a run under `root`; `operator_dir` holds its deliveries (the
        landing folder), else the run takes the bundled sample; `register` is the snapshot folder
        its offline register refresh reads, else the bundled one."""
        env = dict(self.env)
        env.update(
            DAGSTER_HOME=str(root / "dagster_home"),
            ETABLERER_DUCKDB_PATH=str(root / "etablerer.duckdb"),
            ETABLERER_WAREHOUSE_DIR=str(root),
            ETABLERER_ARCHIVE_DIR=str(root / "archive"),
            ETABLERER_LINKAGE_PATH=str(self.linkage_of(root)),
            ETABLERER_REPORTS_DIR=str(root / "reports"),
            ETABLERER_LANDING_DIR=str(operator_dir or root / "landing"),
        )
        if register is not None:
            env[SNAPSHOT_DIR_ENV] = str(register)
        return env

    def dbt(self, command: str, db: Path, target: Path, scope: dict | None = None) -> Measured:
        env = dict(self.env, ETABLERER_DUCKDB_PATH=str(db))
        if scope is not None:
            env["ETABLERER_DBT_SCOPE"] = json.dumps(scope)
        cmd = [
            str(BIN / "etablerer-dbt"),  # dbt as the pipeline runs it, without the run's server
            command,
            "--project-dir",
            str(DBT_DIR),
            "--profiles-dir",
            str(DBT_DIR),
            "--target-path",
            str(target),
            "--log-path",
            str(target / "logs"),
            "--vars",
            json.dumps({"year": self.year}),
            "--quiet",
        ]
        result = measure(cmd, env, self.log)
        if result.returncode != 0:
            self.say(f"dbt {command} exited {result.returncode}; see {self.log}")
        return result

    def load_register(self, db: Path, linkage: Path, folder: str) -> Measured:
        """The observations in `folder` of the scale register loaded into `db`, as the weekly
        refresh (`etablerer brreg refresh`, offline) would have loaded them: set-up, timed in no
        row but 1r."""
        env = dict(
            self.env,
            ETABLERER_LINKAGE_PATH=str(linkage),
            ETABLERER_ARCHIVE_DIR=str(db.parent / "archive"),
        )
        env[SNAPSHOT_DIR_ENV] = str(self.register / folder)
        cmd = [str(BIN / "etablerer"), "brreg", "refresh", "--offline", "--db", str(db)]
        result = measure(cmd, env, self.log)
        if result.returncode != 0:
            self.say(f"register refresh ({folder}) into {db} failed; see {self.log}")
        return result

    def run_pipeline(
        self, root: Path, operator_dir: Path | None, *extra: str, register: Path | None = None
    ) -> tuple[Measured, dict]:
        env = self.scoped_env(root, operator_dir, register)
        # Set-up, as `make run` does before its run (not timed): dbt's partial parse is made with
        # this warehouse's profile, so the run parses only what changed.
        if measure([str(BIN / "etablerer"), "prepare"], env, self.log).returncode != 0:
            self.say(f"etablerer prepare failed; dbt will parse in full; see {self.log}")
        if not any(arg == "--region" for arg in extra):
            self.shared_build[root] = self.build_shared_models(env)
        before = self.stage("step_timings", {"dagster_home": env["DAGSTER_HOME"]}).json()
        result = measure(
            [str(BIN / "etablerer"), "run", "--year", str(self.year), *extra], env, self.log
        )
        if result.returncode != 0:
            self.say(f"etablerer run {' '.join(extra)} exited {result.returncode}; see {self.log}")
        steps = self.stage("step_timings", {"dagster_home": env["DAGSTER_HOME"]}).json()
        return result, {run: job for run, job in steps.items() if run not in before}

    def build_shared_models(self, env: dict[str, str]) -> Measured:
        """The shared models (seeds, dims, the views on SSB and the agreements), as an
        installation builds them once or after a change, and not in a year's run (timed apart:
        rows 3p, 3sp). Their views need the SSB and agreement tables first (not timed)."""
        db = env["ETABLERER_DUCKDB_PATH"]
        measure([str(BIN / "etablerer"), "ssb", "fetch", "--offline", "--db", db], env, self.log)
        self.stage("agreement_checks", {"db": db}, env)
        return measure(
            [str(BIN / "dagster"), "job", "execute", "-m", "orchestration.definitions"]
            + ["-j", "shared_models_job"],
            env,
            self.log,
        )

    def floor_copy(self, warehouse: Path, folder: str) -> Path:
        """A copy of `warehouse` for the compiled SQL, named as dbt's profile names the catalog."""
        floor_db = self.work / folder / "etablerer.duckdb"
        floor_db.parent.mkdir()
        shutil.copyfile(warehouse, floor_db)
        return floor_db

    def compiled_sql(self, compile_dir: Path, floor_db: Path, *, seeds_from: Path) -> Measured:
        """The `dbt compile` output in `compile_dir`, run in `floor_db` (rows 2b, 4f, 3s)."""
        return self.stage(
            "compiled_sql",
            {
                "manifest": str(compile_dir / "manifest.json"),
                "db": str(floor_db),
                "seeds_from": str(seeds_from),
            },
        )

    # --- the four parts ------------------------------------------------------------------

    def run(self) -> list[Row]:
        started = time.perf_counter()
        self.say(
            f"scale data: {self.params.activities:,} activities, "
            f"{self.params.clients:,} client rows, {self.params.years[0]}–{self.year}"
        )
        operators = generate(self.params)
        self.say(f"scale data ready in {time.perf_counter() - started:.0f} s: {operators}")
        days = observation_days(self.year)
        self.register = generate_register(operators, days)
        self.say(f"register ready ({', '.join(map(str, days))}): {self.register}")
        ingest, floor_ingest = self.ingestion(operators)
        floor_sql = self.transformation()
        region_floor = self.region_floor(floor_sql)
        self.whole_run(operators, floor_ingest + floor_sql)
        self.rows.append(region_floor)
        if self.sample:
            self.sample_run()
        self.say(f"done in {time.perf_counter() - started:.0f} s")
        return self.rows

    def ingestion(self, operators: Path) -> tuple[Measured, float]:
        self.say("1. ingestion: project path, then raw read_csv")
        root = self.work / "national"
        root.mkdir(parents=True)
        project = self.stage(
            "ingest",
            {
                "operator_dir": str(operators),
                "db": str(root / "etablerer.duckdb"),
                "history_copy": str(self.work / "history.duckdb"),
                "history_linkage": str(self.linkage_of(self.work / "history")),
                "archive_dir": str(root / "archive"),
            },
        )
        settled = self.stage("settle", {"db": str(self.work / "history.duckdb")})
        # The weekly observations before the year's run, of the businesses linked by then (after
        # the settling, whose work the first writer would otherwise do).
        history = self.load_register(
            self.work / "history.duckdb", self.linkage_of(self.work / "history"), "earlier"
        )
        baseline = self.stage(
            "read_csv", {"operator_dir": str(operators), "db": str(self.work / "read_csv.duckdb")}
        )
        p, b = project.json(), baseline.json()
        rows = sum(p["rows"].values())
        p_seconds, b_seconds = sum(p["seconds"].values()), sum(b["seconds"].values())
        p_rate, b_rate = rows / p_seconds, sum(b["rows"].values()) / b_seconds
        ratio = p_rate / b_rate
        self.rows += [
            Row(
                "1",
                f"ingestion, project CSV path ({rows / 1e6:.2f} M rows, "
                f"{len(self.params.years)} years)",
                project.seconds,
                project.max_rss,
                rate(rows, p_seconds),
                rate(sum(b["rows"].values()), b_seconds),
                ratio,
                "≥ 0.60×",
                ratio >= 0.6,
            ),
            Row(
                "1b",
                "baseline: DuckDB read_csv into typed tables",
                baseline.seconds,
                baseline.max_rss,
                rate(sum(b["rows"].values()), b_seconds),
            ),
            Row(
                "1c",
                "the nine years' deferred vacuum, settled before row 3 (in no row's time)",
                settled.seconds,
                settled.max_rss,
                "",
            ),
            Row(
                "1r",
                f"the register's {len(observation_days(self.year)) - 1} earlier weekly "
                "observations loaded before row 3 (in no row's time)",
                history.seconds,
                history.max_rss,
                "ok" if history.returncode == 0 else "FAILED",
            ),
        ]
        return project, b["seconds"]["year"]

    def transformation(self) -> float:
        self.say("2. transformation: SSB and agreements load, dbt build, dbt compile, compiled SQL")
        db = self.work / "national" / "etablerer.duckdb"
        ssb = measure(
            [str(BIN / "etablerer"), "ssb", "fetch", "--offline", "--db", str(db)],
            self.scoped_env(db.parent, None),
            self.log,
        )
        if ssb.returncode != 0:
            self.say("SSB load failed; dbt will report missing population")
        if self.stage("agreement_checks", {"db": str(db)}).returncode != 0:
            self.say(f"the agreements' check failed; dbt will miss raw.agreement_*; see {self.log}")
        # Every observation, as the year's run leaves them (untimed): dbt and its floor read the
        # register's history too.
        for folder in ("earlier", "latest"):
            self.load_register(db, Path(self.env["ETABLERER_LINKAGE_PATH"]), folder)
        floor_db = self.floor_copy(db, "compiled")
        build = self.dbt("build", db, self.work / "dbt_build")
        compiled = self.dbt("compile", floor_db, self.work / "dbt_compile")
        floor = self.compiled_sql(self.work / "dbt_compile", floor_db, seeds_from=db)
        f = floor.json()
        ratio = build.seconds / f["seconds"]
        self.rows += [
            Row(
                "2",
                f"transformation, dbt build of all models, year {self.year} (national)",
                build.seconds,
                build.max_rss,
                "ok" if build.returncode == 0 else "FAILED",
                f"compiled SQL {f['seconds']:.1f} s",
                ratio,
            ),
            Row(
                "2b",
                "baseline: dbt compile output in one DuckDB connection "
                f"({f['models']} models, {f['tests']} tests)",
                floor.seconds,
                floor.max_rss,
                f"{f['failing_tests']} tests failing",
            ),
            Row(
                "2c",
                "dbt compile itself (parse + compile, not part of 2b)",
                compiled.seconds,
                compiled.max_rss,
                "",
            ),
        ]
        self.floor_sql_stage = f["seconds"]
        return f["seconds"]

    def region_floor(self, year_floor: float) -> Row:
        """Row 4f: the compiled SQL of row 2b with the scope of row 4's region-year, the share of
        the year's data work that the rebuild must do whatever overhead is cut (costs paid by
        both runs alike only raise its share of the full run)."""
        self.say(f"4f. the compiled SQL again, scoped to {self.region}|{self.year}")
        db = self.work / "national" / "etablerer.duckdb"
        floor_db = self.floor_copy(db, "compiled_region")
        scope = {"year": self.year, "region_id": [self.region]}
        self.dbt("compile", floor_db, self.work / "dbt_compile_region", scope)
        floor = self.compiled_sql(self.work / "dbt_compile_region", floor_db, seeds_from=db).json()
        share = floor["seconds"] / year_floor
        return Row(
            "4f",
            f"  data work alone: 2b with the scope {self.region}|{self.year}",
            floor["seconds"],
            None,
            f"{share:.0%} of the year's data work",
            f"compiled SQL {year_floor:.1f} s",
            share,
        )

    def whole_run(self, operators: Path, floor: float) -> None:
        self.say(
            f"3. whole run at national scale: etablerer run --year {self.year} on the earlier years"
        )
        root = self.work / "run_national"
        root.mkdir()
        shutil.copyfile(self.work / "history.duckdb", root / "etablerer.duckdb")
        # The store the earlier years' ingests filled; the run's ingest adds the year's links.
        shutil.copyfile(self.linkage_of(self.work / "history"), self.linkage_of(root))
        register = self.register / "latest"
        full, steps = self.run_pipeline(root, operators, register=register)
        split = time_split(steps, full.seconds)
        ratio = full.seconds / floor
        ok = full.returncode == 0
        self.rows += [
            Row(
                "3",
                f"whole run, national, year {self.year}{'' if ok else ' (run FAILED, see log)'}",
                full.seconds,
                full.max_rss,
                f"{full.seconds:.1f} s (≤ 90 s)",
                f"floor {floor:.1f} s",
                ratio,
                "≤ 6×, ≤ 90 s, ≤ 3 GiB",
                ok and ratio <= 6 and full.seconds <= 90 and full.max_rss <= 3 * 2**30,
            ),
            gx_share_row("3g", "national", split["GX"], full.seconds),
            time_split_row("3t", split),
            self.shared_build_row("3p", "national", root, full.seconds),
        ]
        self.say(f"4. incremental: one region-year ({self.region}/{self.year}) changed")
        changed = self.work / "incremental_operators" / self.region / str(self.year)
        self.stage(
            "drop_last_line",
            {"source": str(operators / self.region / str(self.year)), "target": str(changed)},
        )
        incremental, after = self.run_pipeline(
            root, changed.parent.parent, "--region", self.region, "--skip-ssb", register=register
        )
        ratio = incremental.seconds / full.seconds
        self.rows.append(
            Row(
                "4",
                f"incremental: {self.region} {self.year} rebuilt"
                + ("" if incremental.returncode == 0 else " (run FAILED, see log)"),
                incremental.seconds,
                incremental.max_rss,
                f"{ratio:.0%} of the full run",
                f"full run {full.seconds:.1f} s",
                ratio,
                "≤ 15 %",
                incremental.returncode == 0 and ratio <= 0.15,
            )
        )
        self.rows.append(time_split_row("4t", time_split(after, incremental.seconds)))

    def sample_run(self) -> None:
        self.say("3. whole run at sample scale: etablerer run --year 2026 on the bundled sample")
        root = self.work / "run_sample"
        root.mkdir()
        run, steps = self.run_pipeline(root, None, "--sample")
        gx = time_split(steps, run.seconds)["GX"]
        warehouse = root / "etablerer.duckdb"
        floor_db = self.floor_copy(warehouse, "sample_floor")
        floor = self.compiled_sql(self.work / "dbt_compile", floor_db, seeds_from=warehouse).json()
        ok = run.returncode == 0
        self.rows += [
            Row(
                "3s",
                f"whole run, sample, year {self.year}{'' if ok else ' (run FAILED, see log)'}",
                run.seconds,
                run.max_rss,
                f"{run.seconds:.1f} s",
                f"compiled SQL {floor['seconds']:.1f} s",
                run.seconds / floor["seconds"],
                "≤ 45 s",
                ok and run.seconds <= 45,
            ),
            gx_share_row("3sg", "sample", gx, run.seconds),
            self.shared_build_row("3sp", "sample", root, run.seconds),
        ]

    def shared_build_row(self, key: str, scale: str, root: Path, run_seconds: float) -> Row:
        """The shared models' build before the whole run: once per installation or code change."""
        build = self.shared_build[root]
        return Row(
            key,
            f"  shared models built before it, once per installation or change ({scale})",
            build.seconds,
            build.max_rss,
            "ok" if build.returncode == 0 else "FAILED",
            f"run {run_seconds:.1f} s",
            build.seconds / run_seconds,
        )


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem = next(
        (
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    return (
        f"{os.cpu_count()} cores ({cpu}), {mem / 2**20:.0f} GiB RAM, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="tiny scale (2 years, 20 k activities), for a smoke run",
    )
    parser.add_argument(
        "--activities", type=int, help="activity rows over all years (default 5 000 000)"
    )
    parser.add_argument("--clients", type=int, help="client rows over all years (default 500 000)")
    parser.add_argument(
        "--years", type=int, help="years of history ending in --last-year (default 10)"
    )
    parser.add_argument("--last-year", type=int, default=2026)
    parser.add_argument(
        "--region", default="drammensregionen", help="the region-year rebuilt in part 4"
    )
    parser.add_argument("--skip-sample", action="store_true", help="leave out the sample-scale run")
    parser.add_argument(
        "--workdir", type=Path, help="scratch folder (default: a new temporary one)"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the scratch folder (warehouses, logs)"
    )
    parser.add_argument("--json", type=Path, help="also write the rows as JSON here")
    return parser.parse_args(argv)


def params_from(args: argparse.Namespace) -> ScaleParams:
    defaults = ScaleParams(activities=20_000, clients=2_000) if args.quick else ScaleParams()
    n_years = args.years or (2 if args.quick else len(defaults.years))
    return ScaleParams(
        activities=args.activities or defaults.activities,
        clients=args.clients or defaults.clients,
        years=tuple(range(args.last_year - n_years + 1, args.last_year + 1)),
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    params = params_from(args)
    if not (DBT_DIR / "target" / "manifest.json").exists():
        subprocess.run([str(BIN / "etablerer"), "prepare"], check=True)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="etablerer-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    bench = Bench(params, workdir, args.region, sample=not args.skip_sample)
    try:
        rows = bench.run()
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"\nMachine: {machine()}")
    print(
        f"Scale: {params.activities:,} activities, {params.clients:,} client rows, "
        f"{params.years[0]}–{params.years[-1]}, 5 regions"
    )
    print(format_table(rows))
    if args.json:
        args.json.write_text(json.dumps([r.__dict__ for r in rows], indent=1, ensure_ascii=False))
    return 0
