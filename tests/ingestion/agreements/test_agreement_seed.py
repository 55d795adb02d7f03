"""`etablerer agreement check` on the Ringeriksregionen draft (the copy in data/agreements/):
every slip DOMAIN.md lists is found, with its clause and severity, and the exit code is 1."""

from __future__ import annotations

import hashlib
import json

from click.testing import CliRunner

from ingestion.agreements.cli import agreement
from tests.ingestion.agreements.agreement_testkit import SEED

BLOCKS, REMARK = "blokkerer_utbetaling", "merknad"


def run_json(*args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(agreement, ["check", "--format", "json", *args])
    return result.exit_code, json.loads(result.output)


def by_rule(report: dict, rule_id: str) -> list[dict]:
    return [f for f in report["findings"] if f["rule_id"] == rule_id]


def test_seed_lists_every_slip_with_its_clause_and_exits_1() -> None:
    code, report = run_json(str(SEED))
    assert code == 1
    found = {(f["rule_id"], f["clause"], f["severity"]) for f in report["findings"]}
    assert found == {
        ("placeholder_amount", "§6", BLOCKS),  # «xxxxxxx kr»
        ("blank_rate", "§6", BLOCKS),
        ("not_a_party", "§6", BLOCKS),  # Jevnaker, Akershus
        ("party_not_in_basis", "§6", BLOCKS),  # Modum
        ("missing_signatures", "signaturfelt", BLOCKS),
        ("placeholder", "§5.2.1", REMARK),  # «eks.????»
        ("example_item", "§5.2.1", REMARK),
        ("draft_note", "§5.2.1", REMARK),
        ("body_named_after_dissolved", "§5.4", REMARK),  # NAV Vest-Viken
        ("malformed_clause_number", "§5.4.1", REMARK),  # «5.4 1»
        ("body_outside_period", "§7", REMARK),  # Viken fylkeskommune
        ("malformed_legal_reference", "§11", REMARK),
    }
    assert report["summary"] == {BLOCKS: 12, REMARK: 10, "exit_code": 1}


def test_seed_findings_name_the_bodies_and_quotes() -> None:
    _, report = run_json(str(SEED))
    assert [f["evidence"] for f in by_rule(report, "blank_rate")] == [
        "Hole",
        "Krødsherad",
        "Modum",
        "Ringerike",
        "Buskerud fk",
        "Jevnaker",
        "Akershus",
    ]
    assert (
        "Konfigurasjonen har 5,50 kr per innbygger"
        in by_rule(report, "blank_rate")[4]["message_no"]
    )
    assert [f["evidence"] for f in by_rule(report, "not_a_party")] == ["Jevnaker", "Akershus"]
    (modum,) = by_rule(report, "party_not_in_basis")
    assert modum["message_no"].startswith("Modum kommune er part i §1")
    assert "Hole, Krødsherad og Ringerike kommune på 46790" in modum["evidence"]
    assert [f["evidence"] for f in by_rule(report, "placeholder_amount")] == [
        "dette et årlig bidrag fra Buskerud på xxxxxxx kr."
    ]
    assert by_rule(report, "placeholder")[0]["evidence"] == "• eks.????"
    assert len(by_rule(report, "example_item")) == 2
    assert {f["evidence"] for f in by_rule(report, "draft_note")} == {
        "(Denne listen kan forlenges og redigeres)",
        "(skal vi redusere aktivitet kan denne sløyfes)",
    }
    (viken,) = by_rule(report, "body_outside_period")
    assert "Viken fylkeskommune" in viken["evidence"]
    assert "fra 1. januar 2020 til 31. desember 2023" in viken["message_no"]
    assert "i §1 er Buskerud fylkeskommune part" in viken["action_no"]
    (nav,) = by_rule(report, "body_named_after_dissolved")
    assert "NAV Vest-Viken" in nav["evidence"]
    assert [f["action_no"] for f in by_rule(report, "malformed_legal_reference")] == [
        "Skriv «forvaltningsloven § 13».",
        "Skriv «lov om Innovasjon Norge § 27».",
    ]
    (signatures,) = by_rule(report, "missing_signatures")
    assert signatures["message_no"] == (
        "Signaturfeltet har ingen navn på den som signerer og ingen dato."
    )


def test_seed_basis_total_matches_the_snapshot_so_it_is_not_a_finding() -> None:
    """46 790 = Ringerike 37 240 + Hole 7 180 + Krødsherad 2 370 in the (synthetic) snapshot."""
    from ingestion.agreements.population import population_from_ssb
    from ingestion.agreements.reference import load_reference

    reference = load_reference()
    three = [reference.get("kommune", n) for n in ("Ringerike", "Hole", "Krødsherad")]
    lookup = population_from_ssb(three, "2025K1")
    assert lookup is not None and lookup.is_synthetic
    assert sum(lookup.of(b) for b in three) == 46_790
    _, report = run_json(str(SEED))
    assert not [f for f in report["findings"] if f["rule_id"].startswith("basis_total")]


def test_json_findings_have_stable_fields_and_the_document_sha256() -> None:
    _, report = run_json(str(SEED))
    sha = hashlib.sha256(SEED.read_bytes()).hexdigest()
    assert report["document"]["sha256"] == sha
    assert report["agreement_id"] == "buskerud_etablerer_2026_2028_ringeriksregionen"
    fields = {
        "finding_id",
        "rule_id",
        "clause",
        "severity",
        "message_no",
        "action_no",
        "evidence",
        "line",
        "document_sha256",
    }
    for finding in report["findings"]:
        assert set(finding) == fields
        assert finding["document_sha256"] == sha
        assert len(finding["evidence"]) <= 90
    ids = [f["finding_id"] for f in report["findings"]]
    assert len(set(ids)) == len(ids)
    _, again = run_json(str(SEED))
    assert [f["finding_id"] for f in again["findings"]] == ids


def test_text_output_is_norwegian_with_clause_severity_and_what_to_do() -> None:
    result = CliRunner().invoke(agreement, ["check", str(SEED)])
    assert result.exit_code == 1
    assert "22 funn: 12 blokkerer utbetaling, 10 merknader." in result.output
    assert "[blokkerer_utbetaling] §6, linje 207 (placeholder_amount)" in result.output
    assert "[merknad] §7, linje 237 (body_outside_period)" in result.output
    assert "[merknad] §11, linje 292 (malformed_legal_reference)" in result.output
    assert result.output.count("  Gjør: ") == 22


def test_the_etablerer_command_has_the_agreement_group() -> None:
    from orchestration.cli import main

    result = CliRunner().invoke(main, ["agreement", "check", str(SEED)])
    assert result.exit_code == 1
    assert "blokkerer utbetaling" in result.output
