"""The one DbtProject. dbt owns every money rule and KPI formula; this only runs it."""

import sys
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject
from packaging import version

from ingestion import paths
from orchestration.private_api import overrides

# dbt's command line with the collector tuned (orchestration/dbt_launcher.py), installed beside
# this interpreter: no activated venv needed. Runs from the CLI, the UI and the daemon all use it.
DBT_EXECUTABLE = str(Path(sys.executable).parent / "etablerer-dbt")

dbt_project = DbtProject(project_dir=paths.DBT_PROJECT_DIR, profiles_dir=paths.DBT_PROJECT_DIR)


@overrides(DbtCliResource, "_cli_version", "_initialize_dbt_core_adapter", used_by="cli")
class EtablererDbtCliResource(DbtCliResource):
    """dagster-dbt's resource without two start-up costs it pays before every dbt command
    (docs/performance.md, "Costs the code works around"):

    - `dbt --version` in a subprocess, to tell dbt Core from the Fusion engine (since
      dagster-io/dagster#31337). dbt-core is pinned in this environment (requirements.lock), so
      its package says which version runs.
    - an in-process dbt adapter, used only by `fetch_row_counts()` and `fetch_column_metadata()`,
      which this project does not call.

    dagster-dbt 0.29 has no public switch for either, so this overrides two private members.
    `overrides` (orchestration/private_api.py) checks at import that `DbtCliResource.cli` still
    uses them, and stops with what to do if an upgrade renamed or reshaped them. No upstream issue
    asks for a switch; one should ask for the adapter to be made only when metadata is fetched,
    and for the version to be read from the installed dbt-core unless the Fusion engine runs."""

    @cached_property
    def _cli_version(self) -> version.Version:
        from dbt.version import __version__

        return version.parse(__version__)

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:
        return None


dbt_resource = EtablererDbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE)


def prepare_manifest() -> Path:
    """`dbt parse`, writing the manifest the definitions load. `prepare_if_dev()` only runs under
    `dagster dev`, so set-up and tests call this."""
    dbt_resource.cli(["parse", "--quiet"], target_path=Path("target")).wait()
    return dbt_project.manifest_path
