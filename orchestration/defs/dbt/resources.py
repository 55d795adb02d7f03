"""The one DbtProject. dbt owns every money rule and KPI formula; this only runs it."""

from dagster_dbt import DbtCliResource, DbtProject

from ingestion import paths

dbt_project = DbtProject(project_dir=paths.DBT_PROJECT_DIR, profiles_dir=paths.DBT_PROJECT_DIR)

dbt_resource = DbtCliResource(project_dir=dbt_project)
