"""The rules on agreements other than the seed: variants made by replacement in the tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingestion.agreements import check_agreement
from tests.ingestion.agreements.agreement_testkit import (
    BASIS_TOTAL,
    CLEAN_CONFIG,
    clean_text,
    replaced,
)


def write(tmp_path: Path, text: str, name: str = "ringeriksregionen_variant.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def clean_config(tmp_path: Path, *pairs: tuple[str, str]) -> Path:
    path = tmp_path / "agreements.yml"
    path.write_text(replaced(CLEAN_CONFIG, *pairs) if pairs else CLEAN_CONFIG, encoding="utf-8")
    return path


def findings(path: Path, config: Path | None = None, **kwargs) -> list[tuple[str, str, str]]:
    report = check_agreement(path, config, **kwargs)
    return [(f.rule_id, f.clause, f.message_no) for f in report.findings]


def rules(path: Path, config: Path | None = None, **kwargs) -> set[tuple[str, str]]:
    return {(rule, clause) for rule, clause, _ in findings(path, config, **kwargs)}


def test_clean_variant_with_its_config_has_no_findings(tmp_path) -> None:
    report = check_agreement(write(tmp_path, clean_text()), clean_config(tmp_path))
    assert report.findings == ()
    assert report.exit_code == 0
    assert report.period == (2026, 2028)


def test_clean_variant_without_any_config_has_no_findings(tmp_path) -> None:
    """Another region's name: no seed matches, so only the text is checked (the basis total
    against the snapshot: Hole + Krødsherad + Modum + Ringerike = 61 260)."""
    text = clean_text().replace("Ringeriksregionen", "Testregionen")
    report = check_agreement(write(tmp_path, text, "testregionen.txt"))
    assert report.config is None
    assert report.findings == ()


def test_clean_variant_against_the_seeds_shows_the_seeds_carry_the_basis_slip(tmp_path) -> None:
    """agreement_funder_basis in the seeds has Buskerud's basis as Hole, Krødsherad and
    Ringerike (46 790), as the draft does; a corrected text differs from it."""
    found = findings(write(tmp_path, clean_text()))
    assert [(rule, clause) for rule, clause, _ in found] == [("basis_differs_from_config", "§6")]
    assert "61\u00a0260 i teksten, 46\u00a0790 i konfigurasjonen" in found[0][2]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("336 930 kr", "[beløp] kr", ("placeholder_amount", "§6", "«[beløp]»")),
        ("336 930 kr", "XXX kr", ("placeholder_amount", "§6", "«XXX»")),
        ("• Temakurs", "• [navn på kurs]", ("placeholder", "§5.2.1", "«[navn på kurs]»")),
        ("• Temakurs", "• TBD", ("placeholder", "§5.2.1", "«TBD»")),
        ("Oslo vedtas", "<sted> vedtas", ("placeholder", "§12", "«<sted>»")),
    ],
)
def test_other_placeholders(tmp_path, old, new, expected) -> None:
    text = replaced(clean_text(), (old, new))
    found = findings(write(tmp_path, text), clean_config(tmp_path))
    rule, clause, quoted = expected
    assert [(r, c) for r, c, m in found if quoted in m] == [(rule, clause)]


def test_dissolved_county_in_the_period(tmp_path) -> None:
    text = replaced(
        clean_text(),
        ("til Buskerud fylkeskommune", "til Vestfold og Telemark fylkeskommune"),
        ("5.4 Nav sitt ansvar:", "5.4 Nav Vestfold og Telemark:"),
    )
    found = findings(write(tmp_path, text), clean_config(tmp_path))
    assert [(rule, clause) for rule, clause, _ in found] == [
        ("body_named_after_dissolved", "§5.4"),
        ("body_outside_period", "§7"),
    ]
    assert "fra 1. januar 2020 til 31. desember 2023 (nr. 38)" in found[1][2]


def test_a_body_is_judged_by_the_period_not_by_its_name(tmp_path) -> None:
    """The same «Viken fylkeskommune» is right in a 2021–2023 agreement, and Buskerud and
    Akershus (re-established in 2024) are not."""
    text = replaced(
        clean_text(),
        ("fra 1. januar 2026 til 31. desember 2028", "fra 1. januar 2021 til 31. desember 2023"),
        ("til Buskerud fylkeskommune", "til Viken fylkeskommune"),
    )
    path = write(tmp_path, text.replace("Ringeriksregionen", "Testregionen"), "test.txt")
    outside = [m for rule, _, m in findings(path) if rule == "body_outside_period"]
    bodies = {m.split(": ", 1)[1].split(" fantes")[0] for m in outside}
    assert bodies == {"Buskerud fylkeskommune", "Akershus fylkeskommune"}
    assert not any("Viken" in m for m in outside)


def test_dissolved_municipality_from_the_seeds(tmp_path) -> None:
    text = replaced(clean_text(), ("Dersom en av avtalepartene", "Nedre Eiker kommune og"))
    found = findings(write(tmp_path, text), clean_config(tmp_path))
    assert [(rule, clause) for rule, clause, _ in found] == [("body_outside_period", "§8")]
    assert (
        "Nedre Eiker kommune fantes fra 1. januar 1964 til 31. desember 2019 (nr. 0625)"
        in found[0][2]
    )


def test_unknown_county_is_a_remark(tmp_path) -> None:
    text = replaced(clean_text(), ("til Buskerud fylkeskommune", "til Buskerund fylkeskommune"))
    assert rules(write(tmp_path, text), clean_config(tmp_path)) == {("unknown_body", "§7")}


def test_party_in_section_1_missing_from_the_table(tmp_path) -> None:
    text = replaced(
        clean_text(), ("Modum         14 470   10,00    144 700   144 700   144 700\n", "")
    )
    found = findings(write(tmp_path, text), clean_config(tmp_path))
    assert [(rule, clause) for rule, clause, _ in found] == [("party_not_in_table", "§6")]
    assert found[0][2] == (
        "Modum kommune er part i §1, men har ingen rad i finansieringstabellen i §6."
    )


def test_new_party_missing_from_table_basis_and_config(tmp_path) -> None:
    text = replaced(clean_text(), ("kommunene Hole,", "kommunene Flå, Hole,"))
    assert rules(write(tmp_path, text), clean_config(tmp_path)) == {
        ("party_not_in_table", "§6"),
        ("party_not_in_basis", "§6"),
        ("party_not_in_config", "§1"),
    }


def test_table_row_that_is_not_a_party(tmp_path) -> None:
    text = replaced(
        clean_text(),
        ("Buskerud fylkeskommune, Akershus fylkeskommune og", "Buskerud fylkeskommune og"),
    )
    config = clean_config(
        tmp_path, ("Buskerud fylkeskommune, Akershus fylkeskommune,", "Buskerud fylkeskommune,")
    )
    found = findings(write(tmp_path, text), config)
    assert [(rule, clause) for rule, clause, _ in found] == [("not_a_party", "§6")]
    assert found[0][2].startswith("Akershus fylkeskommune står i finansieringstabellen i §6, ")


def test_basis_municipality_that_is_not_a_party(tmp_path) -> None:
    text = replaced(clean_text(), ("kommunene Hole, Krødsherad, Modum", "kommunene Hole, Modum"))
    found = rules(write(tmp_path, text), clean_config(tmp_path))
    assert ("basis_not_a_party", "§6") in found
    assert ("party_not_in_table", "§6") not in found


def test_basis_total_that_is_not_the_sum(tmp_path) -> None:
    text = replaced(clean_text(), (f"på {BASIS_TOTAL}", "på 61300"))
    config = clean_config(tmp_path, (f"stated_total: {BASIS_TOTAL}", "stated_total: 61300"))
    found = findings(write(tmp_path, text), config)
    assert [(rule, clause) for rule, clause, _ in found] == [("basis_total_mismatch", "§6")]
    assert "summen er 61\u00a0260 etter SSB tabell 01222" in found[0][2]
    assert "SYNTETISKE TALL" in found[0][2]


def test_basis_total_against_populations_in_the_config(tmp_path) -> None:
    config = tmp_path / "agreements.yml"
    config.write_text(
        CLEAN_CONFIG
        + "population: {Hole: 7000, Krødsherad: 2370, Modum: 14470, Ringerike: 37240}\n",
        encoding="utf-8",
    )
    found = findings(write(tmp_path, clean_text()), config)
    assert [(rule, clause) for rule, clause, _ in found] == [("basis_total_mismatch", "§6")]
    assert "summen er 61\u00a0080 etter konfigurasjonen" in found[0][2]


def test_basis_total_that_cannot_be_checked_is_a_remark(tmp_path) -> None:
    missing = tmp_path / "no_such_01222.json"
    report = check_agreement(
        write(tmp_path, clean_text()), clean_config(tmp_path), population_file=missing
    )
    assert [(f.rule_id, f.clause, f.severity) for f in report.findings] == [
        ("basis_total_unchecked", "§6", "merknad")
    ]
    assert "kunne ikke kontrolleres" in report.findings[0].message_no


def test_basis_quarter_outside_the_snapshot_cannot_be_checked(tmp_path) -> None:
    text = replaced(
        clean_text(),
        ("pr.1. kvartal 2025", "pr. 1. kvartal 2019"),
        ("1. kvartal 2025", "1. kvartal 2019"),
    )
    config = clean_config(tmp_path, ("population_period: 2025K1\n", ""))
    found = findings(write(tmp_path, text), config)
    assert [(rule, clause) for rule, clause, _ in found] == [("basis_total_unchecked", "§6")]
    assert "har ikke folketall for Hole, Krødsherad, Modum og Ringerike" in found[0][2]


def test_rate_that_differs_from_the_config(tmp_path) -> None:
    config = clean_config(tmp_path, ("{name: Hole, rate: 10.00}", "{name: Hole, rate: 12.00}"))
    found = findings(write(tmp_path, clean_text()), config)
    assert found == [
        (
            "rate_differs_from_config",
            "§6",
            "Stykkprisen for Hole kommune er 10,00 kr i tabellen, men 12,00 kr i konfigurasjonen "
            "(buskerud_etablerer_2026_2028_ringeriksregionen).",
        )
    ]


def test_incomplete_row_and_blank_sum_under_filled_rows(tmp_path) -> None:
    text = replaced(
        clean_text(),
        ("Hole          7 180    10,00    71 800    71 800    71 800", "Hole          7 180"),
        ("SUM                             108 655   108 655   108 655", "SUM"),
    )
    found = findings(write(tmp_path, text), clean_config(tmp_path))
    assert [m for _, _, m in found] == [
        "Raden «Hole» i finansieringstabellen har bare 1 av 5 tall (innbyggertall, stykkpris og "
        "sum per år). Konfigurasjonen har 10,00 kr per innbygger.",
        "Summeringsraden «SUM» har ingen beløp.",
    ]


def test_period_that_differs_from_the_config(tmp_path) -> None:
    config = clean_config(tmp_path, ("period: 2026-2028", "period: 2026-2029"))
    assert rules(write(tmp_path, clean_text()), config) == {("period_mismatch", "§3")}


def test_signatures_without_date_or_with_too_few_names(tmp_path) -> None:
    no_date = replaced(clean_text(), ("Sted og dato: Hønefoss, 15.12.2025", "Sted og dato:"))
    found = findings(write(tmp_path, no_date), clean_config(tmp_path))
    assert found == [("missing_signatures", "signaturfelt", "Signaturfeltet har ingen dato.")]
    one_name_short = replaced(clean_text(), ("Navn: Anne Berg", "Navn:"))
    found = findings(write(tmp_path, one_name_short), clean_config(tmp_path))
    assert found == [
        ("missing_signatures", "signaturfelt", "Signaturfeltet har navn for bare 4 av 5 parter.")
    ]


def test_no_signature_block_at_all(tmp_path) -> None:
    text = clean_text()
    text = text[: text.index("Sted og dato")]
    assert rules(write(tmp_path, text), clean_config(tmp_path)) == {
        ("missing_signatures", "signaturfelt")
    }


def test_signatory_names_never_reach_the_evidence(tmp_path) -> None:
    text = replaced(clean_text(), ("Sted og dato: Hønefoss, 15.12.2025", "Sted og dato:"))
    report = check_agreement(write(tmp_path, text), clean_config(tmp_path))
    (finding,) = report.findings
    assert "Nordmann" not in finding.evidence and "Nordmann" not in finding.message_no
    assert finding.evidence.startswith("Buskerud fylkeskommune … Ringerike kommune")


def test_legal_reference_without_section_sign(tmp_path) -> None:
    text = replaced(clean_text(), ("forvaltningsloven § 13", "forvaltningsloven 13"))
    found = findings(write(tmp_path, text), clean_config(tmp_path))
    assert found == [
        (
            "malformed_legal_reference",
            "§11",
            "«forvaltningsloven 13» ser ut som en lovhenvisning uten «§».",
        )
    ]


def test_a_line_starting_with_a_number_is_not_taken_for_a_clause(tmp_path) -> None:
    """«1. Kvartal …» inside §6 must not restart the numbering at §1."""
    text = replaced(clean_text(), ("gir dette et", "gir dette et\n1. Kvartal er grunnlaget, og"))
    report = check_agreement(write(tmp_path, text), clean_config(tmp_path))
    assert report.findings == ()


def test_placeholder_in_the_signature_block_quotes_no_name(tmp_path) -> None:
    text = replaced(clean_text(), ("Navn: Anne Berg", "Navn: Anne Berg\nDato: ____"))
    report = check_agreement(write(tmp_path, text), clean_config(tmp_path))
    assert [(f.rule_id, f.clause, f.evidence) for f in report.findings] == [
        ("placeholder", "signaturfelt", "____")
    ]


def test_period_from_the_duration_clause_or_missing(tmp_path) -> None:
    short = replaced(
        clean_text(),
        ("Avtalen gjelder fra 1. januar 2026 til 31. desember 2028", "Avtalen gjelder 2026–2028"),
    )
    assert check_agreement(write(tmp_path, short), clean_config(tmp_path)).findings == ()
    untitled = replaced(
        short,
        ("Avtalen gjelder 2026–2028", "Avtalen gjelder til den sies opp"),
        ("Buskerud 2026-\n2028", "Buskerud"),
    )
    path = write(tmp_path, untitled.replace("Ringeriksregionen", "Testregionen"), "test.txt")
    report = check_agreement(path)
    assert [(f.rule_id, f.clause) for f in report.findings] == [("period_missing", "§3")]
    assert report.period is None
