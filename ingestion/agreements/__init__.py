"""Agreement linter: reads a cooperation agreement (.txt, .docx, .pdf) and reports, by clause,
what blocks payouts or needs a remark: placeholders, blank rates, parties that do not match the
funding table or the population basis, bodies that did not exist in the period, malformed legal
references and missing signatures.

Plain Python: no Dagster, no side effects at import. See docs/agreement_check.md.
"""

from .check import CheckReport, check_agreement
from .config import AgreementConfig, ConfigError, config_from_seeds, load_config_yaml
from .findings import BLOCKS_PAYOUT, REMARK, Finding, load_severities
from .load import AgreementCheck, check_configured_agreements, load_agreement_checks
from .reader import AgreementText, AgreementUnreadable, read_agreement
from .reference import load_reference

__all__ = [
    "BLOCKS_PAYOUT",
    "REMARK",
    "AgreementCheck",
    "AgreementConfig",
    "AgreementText",
    "AgreementUnreadable",
    "CheckReport",
    "ConfigError",
    "Finding",
    "check_agreement",
    "check_configured_agreements",
    "config_from_seeds",
    "load_agreement_checks",
    "load_config_yaml",
    "load_reference",
    "load_severities",
    "read_agreement",
]
