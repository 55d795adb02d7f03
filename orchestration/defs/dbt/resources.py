"""The one DbtProject. dbt owns every money rule and KPI formula; this only runs it."""

import sys
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject

from ingestion import paths

# The dbt installed beside this interpreter, so it works without an activated venv.
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")

dbt_project = DbtProject(project_dir=paths.DBT_PROJECT_DIR, profiles_dir=paths.DBT_PROJECT_DIR)

dbt_resource = DbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE)


def prepare_manifest() -> Path:
    """`dbt parse`, writing the manifest the definitions load. `prepare_if_dev()` only runs under
    `dagster dev`, so set-up and tests call this."""
    dbt_resource.cli(["parse", "--quiet"], target_path=Path("target")).wait()
    return dbt_project.manifest_path
