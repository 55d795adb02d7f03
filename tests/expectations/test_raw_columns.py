"""The suites' view of the raw tables agrees with the loader's data contract."""

import pytest

from expectations import raw_columns
from ingestion.operators.contract import KINDS, schema_for

# How the loader stores a contract field in raw (docs/raw_tables.md).
STORED_AS = {"client_id": "client_key", "national_id": "person_key", "org_number": "business_key"}


@pytest.mark.parametrize("kind", KINDS)
def test_required_columns_and_codes_match_the_contract(kind):
    required, conditional, codes = set(), {}, {}
    for spec in schema_for(kind).fields:
        if spec.pii == "drop":
            if spec.presence_column:
                required.add(spec.presence_column)
            continue
        column = STORED_AS.get(spec.pii or "", spec.name)
        if spec.required:
            required.add(column)
        for when_column, when_value in spec.required_when.items():
            conditional[column] = (when_column, str(when_value))
        if spec.codes and spec.pii is None:
            codes[column] = spec.codes
    assert set(raw_columns.REQUIRED[kind]) == required
    assert raw_columns.REQUIRED_WHEN.get(kind, {}) == conditional
    assert raw_columns.CODES[kind] == codes
