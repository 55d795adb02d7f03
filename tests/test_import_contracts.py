"""The import contracts in `.importlinter` hold, and no module of ours is part of an import cycle.

Imports inside functions and under TYPE_CHECKING count: a type-only import still ties two modules
together. The last test runs both checks on a made-up project with a cycle and forbidden imports,
to show that they report them.
"""

from __future__ import annotations

import configparser
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CONFIG = PROJECT_ROOT / ".importlinter"
# The cycle check spans all of them at once, so a cycle between two packages is found too.
PACKAGES = ("ingestion", "expectations", "deliverables", "orchestration", "samples", "bench")


def lint_imports(config: Path, project_root: Path) -> subprocess.CompletedProcess[str]:
    """`lint-imports` with `config`, run in `project_root` (it puts that folder first on the
    path, so the packages there are the ones checked)."""
    return subprocess.run(
        [
            str(Path(sys.executable).with_name("lint-imports")),
            "--config",
            str(config),
            "--no-cache",
        ],
        cwd=project_root,
        capture_output=True,
        text=True,
        timeout=600,
    )


def import_cycles(*packages: str) -> list[tuple[str, ...]]:
    """Each import that lies on a cycle, as the shortest cycle through it (`a, b, c` for
    a -> b -> c -> a), starting at its first module by name."""
    graph = grimp.build_graph(*packages, cache_dir=None)
    cycles = set()
    for importer in graph.modules:
        for imported in graph.find_modules_directly_imported_by(importer):
            back = graph.find_shortest_chain(importer=imported, imported=importer)
            if back is None or importer == imported:
                continue
            cycle = (importer, *back[:-1])
            start = cycle.index(min(cycle))
            cycles.add(cycle[start:] + cycle[:start])
    return sorted(cycles)


def contract_count(config: Path) -> int:
    parser = configparser.ConfigParser()
    parser.read(config, encoding="utf-8")
    return sum(section.startswith("importlinter:contract:") for section in parser.sections())


def test_the_import_contracts_hold() -> None:
    result = lint_imports(CONFIG, PROJECT_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {contract_count(CONFIG)} kept, 0 broken." in result.stdout


def test_no_module_is_part_of_an_import_cycle() -> None:
    assert import_cycles(*PACKAGES) == []


def _write_modules(root: Path, modules: dict[str, str]) -> None:
    for name, source in modules.items():
        path = root / f"{name}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")


def test_the_checks_report_a_cycle_and_forbidden_imports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Our package names, so the real contracts file applies: a cycle through an import inside a
    # function, ingestion importing orchestration, production importing the sample generator.
    project = tmp_path / "project"
    _write_modules(project, {f"{p}/__init__": "" for p in (*PACKAGES, "tests")})
    _write_modules(
        project,
        {
            "ingestion/operators/__init__": "",
            "ingestion/operators/api": "from . import validation\n",
            "ingestion/operators/validation": "def kind():\n    from .api import detect_kind\n",
            "ingestion/loader": "import orchestration\n",
            "samples/operators": "",
            "expectations/suite": "from samples import operators\n",
        },
    )
    result = lint_imports(CONFIG, project)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"Contracts: {contract_count(CONFIG) - 3} kept, 3 broken." in result.stdout
    assert "ingestion.loader -> orchestration" in result.stdout
    assert "expectations.suite -> samples.operators" in result.stdout
    assert "No cycles are allowed in ingestion.operators." in result.stdout

    # A name of its own, as this process has the real `ingestion` imported already. The cycle
    # closes through an import inside a function and one under TYPE_CHECKING.
    toy = tmp_path / "toy"
    _write_modules(
        toy,
        {
            "cyclic_toy/__init__": "",
            "cyclic_toy/api": "from . import validation\n",
            "cyclic_toy/validation": "def text():\n    from .report import format_report\n",
            "cyclic_toy/report": (
                "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from .api import x\n"
            ),
        },
    )
    monkeypatch.syspath_prepend(str(toy))
    assert import_cycles("cyclic_toy") == [
        ("cyclic_toy.api", "cyclic_toy.validation", "cyclic_toy.report")
    ]
