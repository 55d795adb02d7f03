"""Check one agreement: read it, find its configuration, run the rules, return the findings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .clauses import AgreementDocument, structure
from .config import SEEDS_DIR, AgreementConfig, config_from_seeds, load_config_yaml
from .facts import read_facts
from .findings import SEVERITIES, CheckContext, Finding
from .population import DEFAULT_POPULATION_FILE
from .reader import read_agreement
from .reference import load_reference
from .rules import RULES


@dataclass(frozen=True)
class CheckReport:
    document: AgreementDocument
    config: AgreementConfig | None
    period: tuple[int, int] | None
    findings: tuple[Finding, ...]

    @property
    def exit_code(self) -> int:
        """0 when the text is clean, 1 when there are findings (2 is for unreadable files)."""
        return 1 if self.findings else 0

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)


def check_agreement(
    path: Path,
    config_path: Path | None = None,
    population_file: Path = DEFAULT_POPULATION_FILE,
    seeds_dir: Path = SEEDS_DIR,
) -> CheckReport:
    """Raises AgreementUnreadable (the file) or ConfigError (the configuration)."""
    reference = load_reference()
    document = structure(read_agreement(Path(path)))
    if config_path is not None:
        config = load_config_yaml(config_path, reference)
    else:
        config = config_from_seeds(document.path, document.preamble(), reference, seeds_dir)
    facts = read_facts(document, reference)
    context = CheckContext(document, reference, config, facts, population_file)
    for rule in RULES:
        rule(context)
    # Blocking findings first, then in reading order; findings without a line (from the
    # configuration alone) last in their group.
    findings = sorted(
        context.findings,
        key=lambda f: (SEVERITIES.index(f.severity), f.line if f.line is not None else 1 << 30),
    )
    return CheckReport(document, config, context.period, tuple(findings))
