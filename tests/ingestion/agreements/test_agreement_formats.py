"""Reading .txt, .docx and .pdf, and exit code 2 for what cannot be read."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from ingestion.agreements import check_agreement, read_agreement
from ingestion.agreements.cli import agreement
from tests.ingestion.agreements.agreement_testkit import (
    CLEAN_CONFIG,
    SEED,
    clean_text,
    seed_text,
    write_docx,
    write_pdf,
)


def rule_clauses(path: Path, config: Path | None = None) -> list[tuple[str, str]]:
    return [(f.rule_id, f.clause) for f in check_agreement(path, config).findings]


def invoke(*args: str):
    return CliRunner().invoke(agreement, ["check", *map(str, args)])


@pytest.fixture
def config(tmp_path) -> Path:
    path = tmp_path / "agreements.yml"
    path.write_text(CLEAN_CONFIG, encoding="utf-8")
    return path


@pytest.mark.parametrize("writer", [write_docx, write_pdf], ids=["docx", "pdf"])
def test_seed_as_docx_and_pdf_gives_the_same_findings_as_the_text(tmp_path, writer) -> None:
    suffix = ".docx" if writer is write_docx else ".pdf"
    path = writer(tmp_path / f"ringeriksregionen_utkast{suffix}", seed_text())
    assert rule_clauses(path) == rule_clauses(SEED)


@pytest.mark.parametrize("writer", [write_docx, write_pdf], ids=["docx", "pdf"])
def test_clean_variant_as_docx_and_pdf_exits_0(tmp_path, writer, config) -> None:
    suffix = ".docx" if writer is write_docx else ".pdf"
    path = writer(tmp_path / f"ringeriksregionen{suffix}", clean_text())
    result = invoke(path, "--config", config)
    assert result.exit_code == 0, result.output
    assert "Ingen funn" in result.output


def test_docx_table_rows_become_tab_separated_lines(tmp_path) -> None:
    path = write_docx(tmp_path / "avtale.docx", clean_text())
    text = read_agreement(path).text
    assert "Modum\t14 470\t10,00\t144 700\t144 700\t144 700" in text
    blank = read_agreement(write_docx(tmp_path / "utkast.docx", seed_text())).text
    assert "Hole\t\t\t\t\t" in blank


def test_docx_automatic_heading_numbers_are_restored(tmp_path) -> None:
    """Word keeps «6.» out of the text of a numbered heading; the clause must still be §6."""
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

    def heading(text: str, level: int) -> str:
        return (
            f'<w:p><w:pPr><w:pStyle w:val="Heading{level + 1}"/><w:numPr><w:ilvl w:val="{level}"/>'
            f'<w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>'
        )

    def paragraph(text: str) -> str:
        return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"

    body = "".join(
        [
            heading("Parter", 0),
            paragraph("Denne avtalen er mellom Buskerud fylkeskommune og Hole kommune."),
            heading("Varighet", 0),
            heading("Utvidelse", 1),
            paragraph("Rapporter sendes til Viken fylkeskommune hvert år, senest 1. mai."),
        ]
    )
    path = tmp_path / "nummerert.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "word/document.xml", f"<w:document {w}><w:body>{body}</w:body></w:document>"
        )
    text = read_agreement(path).text
    assert text.splitlines()[:4] == [
        "1. Parter",
        "Denne avtalen er mellom Buskerud fylkeskommune og Hole kommune.",
        "2. Varighet",
        "2.1 Utvidelse",
    ]
    config = tmp_path / "a.yml"
    config.write_text("agreement_id: test\nperiod: 2026-2028\n", encoding="utf-8")
    found = check_agreement(path, config).findings
    assert ("body_outside_period", "§2.1") in [(f.rule_id, f.clause) for f in found]


def test_windows_1252_text_is_read(tmp_path) -> None:
    path = tmp_path / "avtale.txt"
    path.write_bytes("1. Parter\nKrødsherad kommune og Buskerud fylkeskommune.\n".encode("cp1252"))
    assert "Krødsherad" in read_agreement(path).text


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("mangler.txt", None, "Fant ikke filen"),
        ("avtale.doc", b"\xd0\xcf\x11\xe0", "formatet «.doc» støttes ikke"),
        ("avtale", b"tekst", "formatet «uten endelse» støttes ikke"),
        ("tom.txt", b"  \n\n \xe2\x80\xaf\n", "har ingen tekst"),
        ("ødelagt.docx", b"ikke en zip", "er ikke et lesbart Word-dokument"),
        ("ødelagt.pdf", b"%PDF-1.4 ikke en pdf", "er ikke en lesbar PDF"),
    ],
)
def test_unreadable_files_exit_2_with_a_norwegian_message(tmp_path, name, content, expected):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = invoke(path)
    assert result.exit_code == 2
    assert expected in result.output
    assert result.output.startswith("Kan ikke kontrollere avtalen: ")


def test_pdf_without_text_exits_2(tmp_path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(10, 10, 50, 50)  # a drawing, as a scanned page has an image: no text
    path = tmp_path / "skannet.pdf"
    pdf.output(str(path))
    result = invoke(path)
    assert result.exit_code == 2
    assert "skannet.pdf har ingen tekst" in result.output


def test_hand_written_pdf_with_one_text_object(tmp_path) -> None:
    """The PDF path without any writer library: one page, one text object."""
    stream = b"BT /F1 12 Tf 72 720 Td (1. Taushetsplikt etter forvaltningsloven 5 13.) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path = tmp_path / "liten.pdf"
    path.write_bytes(out)
    assert "forvaltningsloven 5 13" in read_agreement(path).text
    assert ("malformed_legal_reference", "§1") in rule_clauses(path)


def test_unreadable_in_json_mode_still_prints_json(tmp_path) -> None:
    result = invoke("--format", "json", tmp_path / "mangler.pdf")
    assert result.exit_code == 2
    first_line = result.output.splitlines()[0]
    assert json.loads(first_line) == {
        "error": f"Fant ikke filen {tmp_path / 'mangler.pdf'}. Sjekk stien.",
        "exit_code": 2,
    }


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("agreement_id: [", "er ikke gyldig YAML"),
        ("- a\n- b\n", "må være et YAML-objekt med minst «agreement_id»"),
        ("agreement_id: x\nparty: [Hole]\n", "ukjente felt party"),
        ("agreement_id: x\nparties: [Hoel]\n", "«Hoel» under parties er ingen kjent kommune"),
        ("agreement_id: x\nperiod: neste år\n", "period må skrives «2026-2028»"),
        ("agreement_id: x\nfunders: [{name: Hole, rate: mye}]\n", "satsen «mye» er ikke et tall"),
    ],
)
def test_bad_config_exits_2_and_names_the_field(tmp_path, content, expected) -> None:
    config = tmp_path / "agreements.yml"
    config.write_text(content, encoding="utf-8")
    result = invoke(SEED, "--config", config)
    assert result.exit_code == 2
    assert expected in result.output


def test_missing_config_file_exits_2(tmp_path) -> None:
    result = invoke(SEED, "--config", tmp_path / "finnes_ikke.yml")
    assert result.exit_code == 2
    assert "Fant ikke konfigurasjonsfilen" in result.output
