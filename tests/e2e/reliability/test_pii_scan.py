"""No clear personal data in anything the pipeline writes (the whole sample run for 2026).

Scanned: the warehouse (file bytes and every table via SQL, including raw.quarantine), the
published BI file and Parquet files, the reports (HTML, PDF text, XLSX), Dagster's storage and
compute logs (SQLite event logs read table by table), the GX Data Docs, dbt's run artefacts for
these runs, and the console output. Looked for: the sample's national ids, phones, e-mails,
names and the organisation numbers of its ENKs. Not scanned, by design, the two protected stores:
`<root>/archive`, which keeps the operators' original files as delivered (content-addressed, for
reprocessing and audit), and `<root>/linkage`, the linkage store that keeps each clear
organisation number beside its business_key for the register refresh (ingestion/linkage.py).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import duckdb
import pytest
from fpdf import FPDF

from ingestion.operators import IngestError, ingest_file
from ingestion.operators.contract import LOAD_ORDER
from ingestion.paths import DBT_PROJECT_DIR, OPERATOR_SAMPLE_DIR
from samples.operators import generate_dirty, sample_identifiers, sample_org_numbers
from tests.e2e.reliability.figures import count
from tests.e2e.reliability.pii import Identifiers, ScanResult, find_in_text, scan_file, scan_tree
from tests.helpers import DEMO_KEY


@pytest.fixture(scope="module")
def identifiers() -> Identifiers:
    return Identifiers.from_values(sample_identifiers(OPERATOR_SAMPLE_DIR))


def test_identifier_lists_cover_every_kind(identifiers):
    """The sample has ids, phones, e-mails, names and ENK numbers to look for (1 348 national ids,
    177 ENKs etc.)."""
    sizes = [len(s) for s in (identifiers.national_ids, identifiers.phones, identifiers.emails)]
    assert min(sizes) > 500 and len(identifiers.names) > 300
    assert identifiers.org_numbers == sample_org_numbers(OPERATOR_SAMPLE_DIR)
    assert len(identifiers.org_numbers) > 100


def _known(identifiers: Identifiers) -> tuple[str, str, str, tuple[str, ...], str]:
    return (
        sorted(identifiers.national_ids)[0],
        sorted(identifiers.phones)[0],
        sorted(identifiers.emails)[0],
        sorted(identifiers.names)[0],
        sorted(identifiers.org_numbers)[0],
    )


def test_scanner_finds_planted_identifiers_in_every_format(identifiers, tmp_path):
    """The control: one identifier of each kind planted, reformatted, in each file type."""
    fnr, phone, email, name, org = _known(identifiers)
    first, last = name[0].title(), name[-1].title()
    spellings = [
        f"{fnr[:6]} {fnr[6:]}",
        f"{fnr[:6]}-{fnr[6:]}",
        f"{fnr[:2]}.{fnr[2:4]}.{fnr[4:6]} {fnr[6:]}",
        f"ref 99{fnr}00",
        f"+47 {phone[:3]} {phone[3:5]} {phone[5:]}",
        f"0047{phone}",
        f"{phone[:2]}-{phone[2:4]}-{phone[4:6]}-{phone[6:]}",
        email.upper(),
        f"{last.upper()}, {first.upper()}",
        f"orgnr {org}",
        f"{org[:3]} {org[3:6]} {org[6:]}",
        f"NO{org}MVA",
        f"{org}-1",
    ]
    found = {spelling: len(find_in_text(spelling, identifiers, "t")) for spelling in spellings}
    assert [spelling for spelling, hits in found.items() if hits == 0] == []
    text = "; ".join(spellings)
    (tmp_path / "log.err").write_text(text, encoding="cp1252", errors="replace")
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        con.execute("create table t as select ? as note, 1 as n from range(5000)", [text])
    with duckdb.connect() as con:
        con.execute(f"copy (select ? as note) to '{tmp_path / 'p.parquet'}'", [text])
    sqlite = sqlite3.connect(tmp_path / "events.db")
    sqlite.execute("create table event_logs (event text)")
    sqlite.execute("insert into event_logs values (?)", [json.dumps({"message": text})])
    sqlite.commit()
    sqlite.close()
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    pdf.multi_cell(0, 5, text.encode("latin-1", "replace").decode("latin-1"))
    pdf.output(str(tmp_path / "r.pdf"))
    per_file = {}
    for path in sorted(tmp_path.iterdir()):
        result = ScanResult()
        scan_file(path, identifiers, result, path.name)
        per_file[path.name] = {leak.kind for leak in result.leaks}
    every_kind = {"fødselsnummer", "telefon", "e-post", "navn", "organisasjonsnummer"}
    assert per_file == dict.fromkeys(
        ["events.db", "log.err", "p.parquet", "r.pdf", "w.duckdb"], every_kind
    )


def test_quarantine_of_the_dirty_set_holds_no_identifier(tmp_path):
    """The sample is clean, so its quarantine is empty; the dirty set fills one. Rejected rows
    keep masked values only, also when the bad value is the identifier itself."""
    dirty = generate_dirty(tmp_path / "dirty")
    db = tmp_path / "w.duckdb"
    for file in sorted(dirty, key=lambda f: LOAD_ORDER.index(f.kind)):
        try:
            ingest_file(
                db,
                file.path,
                region_id=file.region_id,
                year=file.year,
                kind=file.kind,
                archive_dir=tmp_path / "archive",
                key=DEMO_KEY.encode(),
            )
        except IngestError:
            pass
    ids = Identifiers.from_values(sample_identifiers(tmp_path / "dirty"))
    result = ScanResult()
    scan_file(db, ids, result, "dirty.duckdb")
    with duckdb.connect(str(db), read_only=True) as con:
        quarantined = con.execute("select count(*) from raw.quarantine").fetchone()[0]
    count("artefacts_scanned")
    count("tables_scanned", result.tables)
    count("leaks_found", len(result.leaks))
    assert quarantined > 20 and len(ids.national_ids) > 20 and len(ids.org_numbers) > 5
    assert [str(leak) for leak in result.leaks] == []


def _dbt_artefacts(root: Path) -> list[Path]:
    """dbt's target folders of this pipeline's runs (named after the Dagster run id), its log."""
    run_ids = [p.stem[:7] for p in (root / "dagster_home" / "history" / "runs").glob("*-*.db")]
    target = DBT_PROJECT_DIR / "target"
    folders = [f for f in target.glob("dbt_models-*") if f.name.split("-")[1][:7] in run_ids]
    log = DBT_PROJECT_DIR / "logs" / "dbt.log"
    return [*folders, *([log] if log.exists() else [])]


def test_no_identifier_in_any_artefact_of_the_sample_run(sample_pipeline, identifiers):
    root: Path = sample_pipeline["root"]
    assert sample_pipeline["completed"].returncode == 0, sample_pipeline["completed"].stdout[-2000:]
    result = ScanResult()
    # The protected stores, as the module docstring says: the originals and the linkage store.
    scan_tree(root, identifiers, result, exclude=(root / "archive", root / "linkage"))
    for extra in _dbt_artefacts(root):
        if extra.is_dir():
            scan_tree(extra, identifiers, result)
        else:
            scan_file(extra, identifiers, result, str(extra))
    console = sample_pipeline["completed"].stdout + sample_pipeline["completed"].stderr
    result.files += 1
    result.leaks += find_in_text(console, identifiers, "konsollutskrift")
    scanned = {p.relative_to(root).parts[0] for p in root.rglob("*") if p.is_file()}
    count("artefacts_scanned", result.files)
    count("tables_scanned", result.tables)
    count("pii_patterns", identifiers.patterns)
    count("leaks_found", len(result.leaks))
    # Every kind of artefact was there to be scanned: reports, logs, warehouse, Data Docs, BI copy.
    assert {"reports", "dagster_home", "warehouse"} <= scanned
    assert any((root / "warehouse" / "published").rglob("*.parquet"))
    assert any((root / "warehouse" / "gx_docs").rglob("*.html"))
    assert (root / "linkage" / "businesses.sqlite").is_file()  # where the clear numbers went
    assert result.tables > 50
    assert [str(leak) for leak in result.leaks] == []
