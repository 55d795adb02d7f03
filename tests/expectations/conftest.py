"""Fixtures for the suite tests: tiny DuckDB warehouses built in the test."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.expectations.warehouse import good_raw_tables, write_warehouse


@pytest.fixture
def raw_tables() -> dict[str, list[list[Any]]]:
    """A fresh copy of the clean raw layer; tests corrupt it before writing."""
    return good_raw_tables()


@pytest.fixture
def make_warehouse(tmp_path: Path) -> Callable[[dict[str, list[list[Any]]]], Path]:
    def make(tables: dict[str, list[list[Any]]], name: str = "etablerer.duckdb") -> Path:
        return write_warehouse(tmp_path / name, tables)

    return make
