"""The rules, in the order their findings are easiest to read. Each takes the CheckContext and
adds findings by rule_id; severities are in ../rules.csv."""

from collections.abc import Callable

from ..findings import CheckContext
from . import basis, bodies, parties, period, signatures, table, text

RULES: tuple[Callable[[CheckContext], None], ...] = (
    period.check,
    parties.check,
    table.check,
    basis.check,
    text.placeholders,
    text.example_items,
    text.draft_notes,
    bodies.outside_period,
    bodies.unknown_counties,
    text.legal_references,
    text.clause_numbers,
    signatures.check,
)

__all__ = ["RULES"]
