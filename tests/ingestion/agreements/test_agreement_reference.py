"""Reference data, the severity table and the package's import contract."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from pathlib import Path

from ingestion.agreements import load_severities
from ingestion.agreements.config import config_from_seeds
from ingestion.agreements.reference import load_reference

PACKAGE = Path(__file__).resolve().parents[3] / "ingestion" / "agreements"
PERIOD = (date(2026, 1, 1), date(2028, 12, 31))


def test_counties_carry_their_validity() -> None:
    reference = load_reference()
    viken = reference.get("fylkeskommune", "Viken")
    assert [(p.code, p.valid_from, p.valid_to) for p in viken.periods] == [
        ("30", date(2020, 1, 1), date(2023, 12, 31))
    ]
    assert not viken.existed_throughout(*PERIOD)
    buskerud = reference.get("fylkeskommune", "Buskerud")
    assert buskerud.existed_throughout(*PERIOD)
    assert not buskerud.existed_throughout(date(2021, 1, 1), date(2023, 12, 31))
    assert reference.resolve("32") == reference.resolve("Akershus fk")
    assert reference.get("fylkeskommune", "Vestfold og Telemark").successor_codes == ("39", "40")


def test_municipalities_come_from_the_dbt_seed() -> None:
    reference = load_reference()
    jevnaker = reference.resolve("3236")
    assert jevnaker.name == "Jevnaker"
    assert jevnaker.validity_at(date(2026, 1, 1)).parent_code == "32"
    assert jevnaker.validity_at(date(2022, 1, 1)).code == "3053"
    assert not reference.get("kommune", "Nedre Eiker").existed_throughout(*PERIOD)


def test_nav_units_named_after_a_county() -> None:
    reference = load_reference()
    assert reference.nav_unit("Vest-Viken").named_after == "Viken"
    assert reference.nav_unit("Vestfold og Telemark").named_after == "Vestfold og Telemark"
    assert reference.nav_unit("Ringerike").key == "statlig:Nav"  # a local office is Nav
    text = "samarbeid med NAV Vest-Viken og NAV-kontor og Nav."
    assert [m.text for m in reference.mentions(text)] == ["NAV Vest-Viken", "Nav"]


def test_mentions_prefer_the_longest_county_name() -> None:
    reference = load_reference()
    (mention,) = reference.mentions("rapporteres til Vestfold og Telemark fylkeskommune.")
    assert mention.body.name == "Vestfold og Telemark"


def test_seed_config_for_ringeriksregionen() -> None:
    reference = load_reference()
    config = config_from_seeds(Path("ringeriksregionen_2026-2028_utkast.txt"), "", reference)
    assert config.agreement_id == "buskerud_etablerer_2026_2028_ringeriksregionen"
    assert config.period == (2026, 2028)
    assert {b.name for b in config.parties} == {
        "Ringerike",
        "Hole",
        "Krødsherad",
        "Modum",
        "Jevnaker",
        "Buskerud",
        "Akershus",
    }
    assert str(config.rate_of(reference.get("fylkeskommune", "Buskerud"))) == "5.50"
    assert config.rate_of(reference.get("kommune", "Hole")) is None  # blank is missing
    assert config.basis.stated_total == 46_790
    assert [b.name for b in config.basis.municipalities] == ["Ringerike", "Hole", "Krødsherad"]
    by_title = config_from_seeds(Path("x.txt"), "Avtale – Ringeriksregionen", reference)
    assert by_title.agreement_id == config.agreement_id
    assert config_from_seeds(Path("x.txt"), "Avtale – Testregionen", reference) is None


def test_severity_table_is_data_and_says_what_blocks_payouts() -> None:
    severities = load_severities()
    assert set(severities.values()) == {"blokkerer_utbetaling", "merknad"}
    for rule in (
        "blank_rate",
        "placeholder_amount",
        "missing_signatures",
        "not_a_party",
        "party_not_in_table",
        "party_not_in_basis",
        "basis_total_mismatch",
    ):
        assert severities[rule] == "blokkerer_utbetaling", rule
    for rule in (
        "body_outside_period",
        "body_named_after_dissolved",
        "malformed_legal_reference",
        "placeholder",
        "example_item",
        "basis_total_unchecked",
    ):
        assert severities[rule] == "merknad", rule


def test_every_rule_id_the_rules_use_has_a_severity() -> None:
    used = set()
    for source in (PACKAGE / "rules").glob("*.py"):
        used |= set(
            re.findall(r'(?:add|_party_finding)\(\s*(?:ctx,\s*)?"(\w+)"', source.read_text())
        )
    assert used and used == set(load_severities())


def test_import_has_no_dagster_and_no_side_effects() -> None:
    code = (
        "import sys, ingestion.agreements, ingestion.agreements.cli;"
        "print('dagster' in sys.modules, 'polars' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"


def test_the_doc_lists_every_rule_with_its_severity() -> None:
    doc = (PACKAGE.parents[1] / "docs" / "agreement_check.md").read_text(encoding="utf-8")
    for rule_id, severity in load_severities().items():
        assert f"| `{rule_id}` | {severity} |" in doc, rule_id
