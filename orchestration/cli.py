"""`etablerer`: the command line of the platform.

etablerer prepare            set up DAGSTER_HOME and parse the dbt project (the manifest)
etablerer run --year 2026    materialise a year's assets through Dagster, with a summary
etablerer serve              the code server, the daemon and the webserver of a deployed instance
etablerer backup DEST        a consistent copy of the installation, with a manifest (never the key)
etablerer restore SRC        a checked backup put back into an empty installation
etablerer ssb fetch          fetch SSB population (or take the bundled snapshot)
etablerer brreg refresh      observe the linked businesses in Enhetsregisteret (or the snapshot)
etablerer validate FILE      check an operator file without loading it
etablerer ingest FILE        load an operator file
etablerer agreement check F  check an agreement's text: placeholders, parties, blanks, signatures
etablerer explain funding    the chain behind an amount: SSB cells, clause, rate, sums, findings
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import click

from deliverables.explain import explain
from ingestion import paths
from ingestion.agreements.cli import agreement
from ingestion.brreg.cli import brreg
from ingestion.operators.cli import ingest, validate
from ingestion.ssb.cli import ssb
from orchestration.batch_process import tune_garbage_collector

if TYPE_CHECKING:
    import dagster as dg

# The instance of a checkout (SQLite in DAGSTER_HOME), and of a deployed server (PostgreSQL,
# docs/operations.md). ETABLERER_DAGSTER_YAML names the one DAGSTER_HOME gets, for every command.
DAGSTER_YAML = Path(__file__).resolve().parent / "dagster.yaml"
DEPLOY_DAGSTER_YAML = paths.PROJECT_ROOT / "deploy" / "dagster.yaml"
DAGSTER_YAML_ENV = "ETABLERER_DAGSTER_YAML"


def configured_dagster_yaml() -> Path:
    """The project's dagster.yaml that DAGSTER_HOME gets: ETABLERER_DAGSTER_YAML (relative to the
    project's root), else the checkout's."""
    named = os.environ.get(DAGSTER_YAML_ENV, "").strip()
    if not named:
        return DAGSTER_YAML
    source = paths.PROJECT_ROOT / named
    if not source.is_file():
        raise click.ClickException(
            f"{DAGSTER_YAML_ENV}={named}: filen {source} finnes ikke. Bruk deploy/dagster.yaml "
            "på en server (docs/operations.md), eller fjern innstillingen."
        )
    return source


def dagster_home() -> Path:
    """DAGSTER_HOME, as `ensure_environment` sets it, without making it."""
    return Path(os.environ.get("DAGSTER_HOME") or paths.PROJECT_ROOT / ".dagster_home")


def ensure_environment() -> Path:
    """A persistent DAGSTER_HOME (runs show up later in the UI) with telemetry off."""
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(dagster_home())))
    home.mkdir(parents=True, exist_ok=True)
    install_dagster_yaml(home, configured_dagster_yaml())
    return home


def install_dagster_yaml(home: Path, source: Path = DAGSTER_YAML) -> None:
    """The project's dagster.yaml (`source`) in `home`. An older or edited copy is replaced, since
    the writer pool's limit lives there; it is kept beside as dagster.yaml.bak, and the user is
    told."""
    installed = home / "dagster.yaml"
    if installed.exists():
        if installed.read_bytes() == source.read_bytes():
            return
        backup = installed.with_name("dagster.yaml.bak")
        shutil.copyfile(installed, backup)
        click.echo(
            f"{installed} var ulik {source.relative_to(paths.PROJECT_ROOT)} og er "
            f"erstattet; den gamle ligger i {backup}. Endre prosjektets fil, ikke kopien.",
            err=True,
        )
    shutil.copyfile(source, installed)


def load_settings() -> None:
    """The settings `make` passes on: `.env` in the project's root (see .env.example), as `dagster
    dev` reads it too (a variable set in the shell wins), then the public demo key when no key is
    configured. Ingest accepts the demo key only for the bundled synthetic sample."""
    from dotenv import load_dotenv

    from ingestion.operators.identifiers import DEMO_KEY, KEY_ENV, KEY_FILE_ENV

    # Dagster's preview and beta APIs (partition mappings) are stable enough here; the warnings
    # mean nothing to users, and would come before a command's own first line.
    warnings.filterwarnings("ignore", message=r".* is currently in (beta|preview)")
    load_dotenv(paths.PROJECT_ROOT / ".env", override=False)
    if not any(os.environ.get(name, "").strip() for name in (KEY_ENV, KEY_FILE_ENV)):
        os.environ[KEY_ENV] = DEMO_KEY.decode()


@click.group()
def main() -> None:
    """Etablerertjenesten i Buskerud: datavarehus og rapportering."""
    load_settings()


main.add_command(ssb)
main.add_command(brreg)
main.add_command(validate)
main.add_command(ingest)
main.add_command(agreement)
main.add_command(explain)


@main.command()
def prepare() -> None:
    """Set up DAGSTER_HOME and parse dbt, so the definitions load (also outside `dagster dev`)."""
    home = ensure_environment()
    from orchestration.defs.dbt.resources import prepare_manifest

    manifest = prepare_manifest()
    click.echo(f"DAGSTER_HOME: {home}")
    click.echo(f"dbt-manifest: {manifest}")


@main.command()
def serve() -> None:
    """Start the code server, the daemon and the webserver; stop them on SIGTERM or Ctrl-C."""
    from orchestration.defs.dbt.resources import prepare_manifest
    from orchestration.serve import serve as serve_processes

    home = ensure_environment()
    prepare_manifest()  # the definitions the code server loads need it
    source = configured_dagster_yaml().relative_to(paths.PROJECT_ROOT)
    click.echo(f"DAGSTER_HOME: {home} ({source})")
    sys.exit(serve_processes(dict(os.environ), Path(sys.executable).parent))


@main.command("backup")
@click.argument("dest", type=click.Path(path_type=Path))
def backup_command(dest: Path) -> None:
    """Write a consistent copy of the installation to DEST (new or empty), manifest.json last."""
    from orchestration import backup as backups

    home = ensure_environment()
    where = backups.Installation.configured(home, configured_dagster_yaml())
    click.echo(f"Sikkerhetskopi til {dest.resolve()}", err=True)
    try:
        manifest = backups.backup(dest, where, lambda line: click.echo(line, err=True))
    except backups.BackupRefused as exc:
        click.echo(f"Ingen sikkerhetskopi: {exc}", err=True)
        sys.exit(2)
    size = backups.megabytes(sum(entry["size"] for entry in manifest["files"]))
    click.echo(
        f"Sikkerhetskopi: {dest.resolve()} ({len(manifest['files'])} filer, {size}), "
        f"manifest.json sha256 {backups.manifest_sha256(dest)}"
    )
    click.echo(f"Kontroller den når som helst: etablerer restore --check {dest.resolve()}")
    click.echo("Pseudonymnøkkelen er ikke med; den ligger i passordhvelvet (docs/operations.md).")


@main.command("restore")
@click.argument("src", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--check", "check_only", is_flag=True, help="Bare kontroller sjekksummene.")
def restore_command(src: Path, check_only: bool) -> None:
    """Check SRC's files against its manifest, then put them back into an empty installation."""
    from orchestration import backup as backups

    try:
        manifest = backups.check(src)
        click.echo(
            f"Kontrollert: {len(manifest['files'])} filer i {src.resolve()} stemmer med "
            f"manifest.json (sha256 {backups.manifest_sha256(src)}), tatt {manifest['created_at']}"
        )
        if check_only:
            return
        backups.settings_from(src)
        commit = backups.git_commit()
        if manifest["git_commit"] and commit and manifest["git_commit"] != commit:
            click.echo(
                f"  ! kopien er tatt med koden på {manifest['git_commit'][:12]}, denne utsjekken "
                f"er {commit[:12]}: sjekk ut den samme versjonen før en kjøring",
                err=True,
            )
        where = backups.Installation.configured(dagster_home(), configured_dagster_yaml())
        backups.restore(src, manifest, where, lambda line: click.echo(line, err=True))
    except backups.BackupRefused as exc:
        click.echo(f"Ikke gjenopprettet: {exc}", err=True)
        sys.exit(2)
    click.echo(
        f"Gjenopprettet fra {src.resolve()}: datavarehus {where.warehouse}, arkiv "
        f"{where.archive}, koblingsregister {where.linkage}, DAGSTER_HOME {where.dagster_home}"
        + (f", databasen {os.environ.get('DAGSTER_PG_DB')}" if where.postgres else "")
    )
    click.echo(backups.KEY_ADVICE)
    click.echo(
        "Deretter: etablerer run --year ÅR for hvert år datavarehuset har; rapportene og "
        "BI-kopien skrives da på nytt."
    )


# Runs started by `etablerer run` carry the process and host that ran them, so a later run can tell
# an interrupted one (killed, power cut) from one still going.
RUN_PID_TAG = "etablerer/pid"
RUN_HOST_TAG = "etablerer/host"


def run_owner_tags() -> dict[str, str]:
    return {RUN_PID_TAG: str(os.getpid()), RUN_HOST_TAG: socket.gethostname()}


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover_interrupted_runs(instance: dg.DagsterInstance) -> list[str]:
    """Mark this machine's interrupted `etablerer run` runs failed and free their concurrency
    slots. A run killed mid-step keeps its slot in the `duckdb_writer` pool (limit 1) forever,
    and every later run would wait for it."""
    import dagster as dg

    active = [
        dg.DagsterRunStatus.NOT_STARTED,
        dg.DagsterRunStatus.STARTING,
        dg.DagsterRunStatus.STARTED,
    ]
    runs = instance.get_runs(
        filters=dg.RunsFilter(statuses=active, tags={RUN_HOST_TAG: socket.gethostname()})
    )
    recovered = []
    for run in runs:
        pid = int(run.tags.get(RUN_PID_TAG, "0"))
        if pid in (0, os.getpid()) or _process_alive(pid):
            continue
        instance.report_run_failed(
            run, f"Avbrutt: prosessen {pid} som kjørte den, finnes ikke lenger."
        )
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        recovered.append(run.run_id)
    return recovered


@dataclass
class RunSummary:
    job: str
    partition: str | None
    success: bool
    seconds: float
    materialized: list[str] = field(default_factory=list)
    checks_passed: list[str] = field(default_factory=list)
    checks_failed: list[str] = field(default_factory=list)
    # Failed checks of severity WARN (the register's age): told, but they stop nothing.
    checks_warned: list[str] = field(default_factory=list)
    failed_steps: list[str] = field(default_factory=list)
    not_built: list[str] = field(default_factory=list)
    log_path: Path | None = None


def run_job(
    instance: dg.DagsterInstance,
    job_name: str,
    partition: str | None,
    tags: dict[str, str] | None = None,
    label: str | None = None,
    config: dict | None = None,
) -> RunSummary:
    """Run a job in this process. `partition` is a key; a range of keys comes as run tags, with
    `label` to show for it; `config` is the run's config (the loggers are added)."""
    import dagster as dg

    from orchestration.definitions import defs
    from orchestration.defs.common.loggers import error_line, user_error

    started = time.monotonic()
    label = label or partition
    click.echo(f"\n{job_name}" + (f" [{label}]" if label else ""), err=True)
    run_config = {**(config or {}), "loggers": {"progress": {}}}
    # dbt's own console output goes to a log file; the terminal gets one line per step.
    log_path = Path(os.environ["DAGSTER_HOME"]) / "logs" / f"{job_name}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("a", encoding="utf-8") as log, contextlib.redirect_stdout(log):
        result = defs.resolve_job_def(job_name).execute_in_process(
            instance=instance,
            partition_key=partition,
            run_config=run_config,
            tags={
                **(tags or {}),
                RUN_PID_TAG: str(os.getpid()),
                RUN_HOST_TAG: socket.gethostname(),
            },
            raise_on_error=False,
        )
    summary = RunSummary(job_name, label, result.success, time.monotonic() - started)
    summary.log_path = log_path
    # A run over a range materialises each asset once per region-year: count assets once.
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    summary.materialized = sorted(materialized)
    for evaluation in result.get_asset_check_evaluations():
        name = f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
        if evaluation.passed:
            summary.checks_passed.append(name)
            continue
        if evaluation.severity == dg.AssetCheckSeverity.WARN:
            summary.checks_warned.append(f"{name}{_last_updated(evaluation.metadata)}")
            continue
        failures = evaluation.metadata.get("failed_expectations")
        detail = f"\n{failures.value}" if failures is not None else ""
        summary.checks_failed.append(f"{name}{detail}")
    for event in result.get_step_failure_events():
        error = user_error(event.step_failure_data.error)
        if error is not None and error.cls_name == "DagsterAssetCheckFailedError":
            continue  # a blocking check that failed: listed above, with what it found
        summary.failed_steps.append(f"{event.step_key}: {error_line(error)}")
    # What the job meant to build but did not: a step or a blocking check before it failed.
    planned = {key.to_user_string() for key in result.job_def.asset_layer.selected_asset_keys}
    summary.not_built = sorted(planned - set(summary.materialized))
    return summary


def _last_updated(metadata: dict) -> str:
    """« (data fra 2026-12-01)» for a freshness check's result, in Oslo; else nothing."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    stamp = getattr(metadata.get("dagster/last_updated_timestamp"), "value", None)
    if not isinstance(stamp, int | float):
        return ""
    day = datetime.fromtimestamp(stamp, ZoneInfo("Europe/Oslo")).date()
    return f" (data fra {day.isoformat()})"


def _count(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n == 1 else plural}"


def print_summary(summaries: list[RunSummary], years: list[int]) -> None:
    click.echo("\n=== Oppsummering ===")
    for s in summaries:
        status = "OK" if s.success else "FEILET"
        click.echo(
            f"{s.job}{f' [{s.partition}]' if s.partition else ''}: {status} på {s.seconds:.1f} s, "
            f"{_count(len(s.materialized), 'eiendel', 'eiendeler')}, "
            f"kontroller {len(s.checks_passed)} bestått / "
            f"{len(s.checks_failed)} feilet"
            + (f" / {len(s.checks_warned)} advarer" if s.checks_warned else "")
        )
        for check in s.checks_failed:
            click.echo(f"  ✘ kontroll feilet: {check}")
        for check in s.checks_warned:
            click.echo(f"  ⚠ kontroll advarer (stopper ingenting): {check}")
        for step in s.failed_steps:
            click.echo(f"  ✘ steg feilet: {step}")
        if s.not_built:
            click.echo(
                "  ⏭ ikke bygget, fordi noe før dem feilet (forrige versjon står urørt): "
                + ", ".join(s.not_built)
            )
    click.echo(f"Datavarehus: {paths.warehouse_path()}")
    click.echo(f"BI-kopi:     {paths.warehouse_dir() / 'published' / 'etablerer_bi.duckdb'}")
    for year in years:
        report_dir = paths.reports_dir() / str(year)
        reports = [p for p in report_dir.glob("*") if p.is_file()]
        index = ", se index.html" if (report_dir / "index.html").is_file() else ""
        click.echo(f"Rapporter:   {report_dir} ({_count(len(reports), 'fil', 'filer')}{index})")
    logs = sorted({str(s.log_path) for s in summaries if s.log_path})
    click.echo(f"Logger:      {', '.join(logs)}")
    click.echo("Dagster-UI:  make dev, så http://127.0.0.1:3000")


@main.command()
@click.option(
    "--year",
    "years",
    type=int,
    multiple=True,
    default=[2026],
    show_default=True,
    help="Rapportår; flere --year kjøres i rekkefølge.",
)
@click.option(
    "--region", "region_id", default=None, help="Bygg bare denne regionen (de andre står urørt)."
)
@click.option("--skip-ssb", is_flag=True, help="Ikke last SSB-folketall på nytt.")
@click.option(
    "--sample",
    is_flag=True,
    help="Bruk det syntetiske eksempelet (data/sample/operators) der ingen levering er lest inn, "
    "som make run gjør. En levering erstattes aldri av eksempelet.",
)
def run(years: tuple[int, ...], region_id: str | None, skip_ssb: bool, sample: bool) -> None:
    """Materialise a year's assets through Dagster and print a summary."""
    try:
        notes = check_run(years, region_id, sample)
    except RunRefused as exc:
        click.echo(f"Ikke startet: {exc}", err=True)
        sys.exit(2)
    for note in notes:
        click.echo(note, err=True)

    from deliverables.annual_report import start_renderers
    from expectations.worker import start_worker, stop_worker

    tune_garbage_collector()
    start_worker()  # GX imports on the other core while Dagster loads,
    if region_id is None:  # and, when a run renders every region's report, the renderers'
        start_renderers()  # chart and PDF libraries (one report renders in this process)
    try:
        _run(years, region_id, skip_ssb, sample)
    finally:
        stop_worker()


class RunRefused(Exception):
    """`etablerer run` was asked for something it cannot do; nothing was started. Norwegian."""


def check_run(years: tuple[int, ...], region_id: str | None, sample: bool) -> list[str]:
    """Refuse a run that cannot succeed before anything is launched, so no failed run is left in
    the instance: a year outside the partitions, an unknown region, a pseudonym key that cannot
    load the files the run would take. Returns what the user should know before it starts."""
    from ingestion.operators import PseudonymKeyMissing, delivery_files
    from ingestion.operators.api import max_row_drop
    from ingestion.operators.identifiers import load_pseudonym_key, refuse_demo_key
    from orchestration.defs.common.partitions import REGION_IDS, report_year_partitions

    known_years = [int(key) for key in report_year_partitions.get_partition_keys()]
    for year in years:
        if year not in known_years:
            raise RunRefused(
                f"{year} er ikke et rapportår. Rapportårene er {known_years[0]}–{known_years[-1]} "
                "(avtalen gjelder 2026–2028, 2025 er grunnlagsåret; et nytt år blir rapportår "
                "1. januar året før)."
            )
    if region_id is not None and region_id not in REGION_IDS:
        raise RunRefused(f"{region_id} er ikke en region. Regionene er: {', '.join(REGION_IDS)}.")
    landing = paths.landing_dir()
    sample_dir = paths.OPERATOR_SAMPLE_DIR if sample else None
    files = []
    try:
        for year in years:
            for region in [region_id] if region_id else REGION_IDS:
                files += delivery_files(landing, region, year, sample_dir).values()
        refuse_demo_key(load_pseudonym_key(), files)
        max_row_drop()
    except (PseudonymKeyMissing, ValueError) as exc:
        raise RunRefused(str(exc)) from None
    deliveries = [path for path in files if not path.is_relative_to(paths.OPERATOR_SAMPLE_DIR)]
    if sample:
        return [
            f"Bruker det syntetiske eksempelet i {paths.OPERATOR_SAMPLE_DIR} der ingen levering "
            f"er lest inn ({len(deliveries)} leverte filer i {landing})."
        ]
    if not deliveries:
        return [
            f"Ingen leverte filer i {landing} for {', '.join(map(str, years))}: operatørenes "
            "data står som sist lest inn. Det syntetiske eksempelet: etablerer run --sample."
        ]
    return []


def _run(years: tuple[int, ...], region_id: str | None, skip_ssb: bool, sample: bool) -> None:
    ensure_environment()
    import dagster as dg

    # One instance for the command's runs: making one opens its storages (docs/performance.md).
    with dg.DagsterInstance.get() as instance:
        for run_id in recover_interrupted_runs(instance):
            click.echo(f"  ! avbrutt kjøring {run_id} markert som feilet, låsen frigitt", err=True)
        summaries = _run_jobs(instance, years, region_id, skip_ssb, sample)
    print_summary(summaries, sorted(years))
    if not all(s.success for s in summaries):
        sys.exit(1)


def _run_jobs(
    instance: dg.DagsterInstance,
    years: tuple[int, ...],
    region_id: str | None,
    skip_ssb: bool,
    sample: bool,
) -> list[RunSummary]:
    from orchestration.defs.common.partitions import year_range_tags, year_region_key
    from orchestration.defs.dbt.assets import dbt_shared_models, shared_models_to_build
    from orchestration.defs.reports.jobs import COUNTY_INLINE_TAG

    summaries = []
    if not skip_ssb:
        summaries.append(run_job(instance, "ssb_population_job", None))
    # The agreements' findings gate the payouts: checked on every run (a fraction of a second).
    summaries.append(run_job(instance, "agreement_check_job", None))
    # The seeds, dims and views that every region-year reads: built when one is missing or its
    # code changed (a new release, an edited seed), not in each year's run.
    changed = shared_models_to_build(instance, paths.warehouse_path())
    if changed and all(s.success for s in summaries):
        label = f"{len(changed)} av {len(dbt_shared_models.keys)} mangler eller er endret"
        summaries.append(run_job(instance, "shared_models_job", None, label=label))
    for year in sorted(years) if all(s.success for s in summaries) else []:
        # One run over the year's region-years (one region, or the range of all), then the
        # county's files for the year, which read every region.
        inline = {COUNTY_INLINE_TAG: "true"}
        config = {"ops": {"raw_operators": {"config": {"sample": sample}}}}
        if sample:
            # The sample's businesses are in the bundled (synthetic) register snapshots.
            config["ops"]["raw_brreg__units"] = {"config": {"offline": True}}
        if region_id:
            key = str(year_region_key(year, region_id))
            summaries.append(run_job(instance, "yearly_pipeline_job", key, inline, config=config))
        else:
            tags = {**year_range_tags(year), **inline}
            label = f"{year}, alle regioner"
            summaries.append(
                run_job(instance, "yearly_pipeline_job", None, tags, label, config=config)
            )
        if summaries[-1].success:
            summaries.append(run_job(instance, "county_reports_job", str(year)))
        if not summaries[-1].success:
            break  # a later year compares with this one: stop at the first failure
    return summaries
