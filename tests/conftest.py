"""Shared test set-up: telemetry off, the demo pseudonym key, and dbt parsed once per session."""

import os
from pathlib import Path

import pytest

from tests.helpers import DEMO_KEY, isolated_env, run_etablerer

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ETABLERER_PSEUDONYM_KEY", DEMO_KEY)
# A key file beside the key is an error; the tests' data is synthetic, so the demo key may load it.
os.environ.pop("ETABLERER_PSEUDONYM_KEY_FILE", None)
os.environ.setdefault("ETABLERER_SYNTHETIC_DATA", "1")


@pytest.fixture(scope="session", autouse=True)
def _linkage_store(tmp_path_factory) -> Path:
    """The linkage store of every in-process ingest under a temporary folder, never the project's
    data/linkage/ (forced, not a default: a developer's own setting must not receive test data).
    Runs started with `isolated_env` get one under their own root."""
    path = tmp_path_factory.mktemp("linkage") / "businesses.sqlite"
    os.environ["ETABLERER_LINKAGE_PATH"] = str(path)
    return path


@pytest.fixture(scope="session")
def dbt_manifest() -> Path:
    """The dbt manifest, parsed once per session (the definitions cannot load without it)."""
    from orchestration.defs.dbt.resources import prepare_manifest

    return prepare_manifest()


@pytest.fixture(scope="session")
def sample_pipeline(tmp_path_factory, dbt_manifest) -> dict:
    """The whole pipeline on the bundled sample, run once as `make run` does: 2025, the baseline
    year the operators deliver, then 2026."""
    root = tmp_path_factory.mktemp("pipeline")
    env = isolated_env(root)
    completed = run_etablerer(["run", "--year", "2025", "--year", "2026", "--sample"], env)
    return {"root": root, "env": env, "completed": completed}
