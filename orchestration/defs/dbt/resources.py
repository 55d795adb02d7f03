"""The one DbtProject. dbt owns every money rule and KPI formula; this only runs it."""

import sys
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject
from packaging import version

from ingestion import paths

# dbt's command line with the collector tuned (orchestration/dbt_launcher.py), installed beside
# this interpreter: no activated venv needed. Runs from the CLI, the UI and the daemon all use it.
DBT_EXECUTABLE = str(Path(sys.executable).parent / "etablerer-dbt")

dbt_project = DbtProject(project_dir=paths.DBT_PROJECT_DIR, profiles_dir=paths.DBT_PROJECT_DIR)


class EtablererDbtCliResource(DbtCliResource):
    """dagster-dbt's resource without two start-up costs it pays before every dbt command, which
    measured 4.7 s of a 17 s dbt step on the sample (docs/performance.md):

    - `dbt --version` in a subprocess (2.4 s), to tell dbt Core from the Fusion engine. dbt-core
      is pinned in this environment (requirements.lock), so its package says which version runs.
    - an in-process dbt adapter (2.3 s), used only by `fetch_row_counts()` and
      `fetch_column_metadata()`, which this project does not call.

    Both override private members of dagster-dbt 0.29 (pinned); the end-to-end tests run dbt
    through this resource, so an upgrade that changes them fails there."""

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
