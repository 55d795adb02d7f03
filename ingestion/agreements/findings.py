"""A finding, its severity (from the table in rules.csv), and the context rules write them to.

Severity is data: `rules.csv` says for each rule whether it blocks payouts
(`blokkerer_utbetaling`) or is a remark (`merknad`). A rule names only its rule_id.
"""

from __future__ import annotations

import csv
import functools
import hashlib
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from .clauses import AgreementDocument
from .config import AgreementConfig
from .facts import Facts
from .population import DEFAULT_POPULATION_FILE
from .reference import Reference

RULES_CSV = Path(__file__).with_name("rules.csv")
BLOCKS_PAYOUT = "blokkerer_utbetaling"
REMARK = "merknad"
SEVERITIES = (BLOCKS_PAYOUT, REMARK)
EVIDENCE_LENGTH = 90


@functools.cache
def load_severities(path: Path = RULES_CSV) -> dict[str, str]:
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    severities = {row["rule_id"]: row["severity"] for row in rows}
    wrong = {rule: s for rule, s in severities.items() if s not in SEVERITIES}
    if wrong:
        raise ValueError(f"{path.name}: ukjent alvorlighet {wrong}; bruk {SEVERITIES}.")
    return severities


@dataclass(frozen=True)
class Finding:
    rule_id: str
    clause: str  # «§6», «§5.2.1», «tittel» or «signaturfelt»
    severity: str
    message_no: str  # what is wrong
    action_no: str  # what to do
    evidence: str  # a short quote from the text (never a signatory's name)
    line: int | None
    document_sha256: str

    @property
    def finding_id(self) -> str:
        """Stable across runs on the same file, so the warehouse can key on it."""
        key = "|".join(
            [self.document_sha256, self.rule_id, self.clause, str(self.line), self.evidence]
        )
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]

    def as_dict(self) -> dict[str, object]:
        return {"finding_id": self.finding_id, **asdict(self)}


def quote(text: str, limit: int = EVIDENCE_LENGTH) -> str:
    """Whitespace collapsed, cut to `limit` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass
class CheckContext:
    document: AgreementDocument
    reference: Reference
    config: AgreementConfig | None
    facts: Facts
    population_file: Path = DEFAULT_POPULATION_FILE
    findings: list[Finding] = field(default_factory=list)

    @property
    def period(self) -> tuple[int, int] | None:
        """The agreement period: as the text states it, else as configured."""
        if self.facts.period is not None:
            return self.facts.period.first_year, self.facts.period.last_year
        return self.config.period if self.config else None

    def period_dates(self) -> tuple[date, date] | None:
        period = self.period
        return (date(period[0], 1, 1), date(period[1], 12, 31)) if period else None

    def add(
        self,
        rule_id: str,
        *,
        at: int | None,
        message: str,
        action: str,
        evidence: str = "",
        clause: str | None = None,
    ) -> None:
        """Record a finding at a text offset (its clause and line come from there)."""
        if clause is None:
            clause = self.document.clause_at(at) if at is not None else "hele avtalen"
        self.findings.append(
            Finding(
                rule_id=rule_id,
                clause=clause,
                severity=load_severities()[rule_id],
                message_no=message,
                action_no=action,
                evidence=quote(evidence),
                line=self.document.line_of(at) if at is not None else None,
                document_sha256=self.document.sha256,
            )
        )

    def around(self, start: int, end: int, width: int = 40) -> str:
        """The match with up to `width` characters of its line(s) on each side, cut at words.
        In the signature block only the match itself: the lines around it hold people's names."""
        text = self.document.text
        signatures = self.document.signature_start
        if signatures is not None and start >= signatures:
            return " ".join(text[start:end].split())
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        left, right = max(line_start, start - width), min(line_end, end + width)
        before, after = text[left:start], text[end:right]
        if left > line_start and " " in before:
            before = before[before.index(" ") :]
        if right < line_end and " " in after:
            after = after[: after.rindex(" ")]
        return " ".join((before + text[start:end] + after).split())
