"""Render docs/datakontrakt.md and docs/templates/<kind>.csv|.xlsx from contract.yaml.

The page shows a real `etablerer validate` run on the dirty synthetic set, which this module gets
as text: the command that writes the docs runs it, beside the generator (production code does not
import `samples`).

    python -m samples.contract_docs          # writes into the repository
"""

from __future__ import annotations

from pathlib import Path

from .contract import KINDS, load_contract, valid_municipality_codes
from .writers import pretty_header, write_xlsx

TYPE_TEXT = {
    "string": "tekst",
    "integer": "heltall",
    "decimal": "tall (desimalkomma godtas)",
    "date": "dato (dd.mm.åååå eller åååå-mm-dd)",
    "boolean": "ja/nei",
    "code": "kode",
    "municipality": "kommunenummer",
    "national_id": "fødselsnummer/D-nummer",
    "org_number": "organisasjonsnummer",
    "nace": "næringskode nn.nnn",
}
PII_TEXT = {
    "client_id": "pseudonymiseres (client_key)",
    "national_id": "pseudonymiseres (person_key)",
    "org_number": "pseudonymiseres (business_key)",
    "drop": "lagres ikke",
}


def render_markdown(example_output: str) -> str:
    """The page; `example_output` is the text of a `validate` run shown as the example."""
    contract = load_contract()
    codes = ", ".join(sorted(valid_municipality_codes(2026)))
    out = [
        "# Datakontrakt for operatørenes leveranser",
        "",
        f"Versjon {contract.version}. Generert fra `ingestion/operators/contract.yaml` med "
        "`python -m samples.contract_docs`; ikke rediger denne filen for hånd.",
        "",
        "Operatøren leverer hvert år én fil per type for sin delregion. Maler med overskriftsrad "
        "og eksempelrad ligger i `docs/templates/` (CSV og Excel).",
        "",
        "## Filformat",
        "- CSV (`.csv`) eller Excel (`.xlsx`). Fra Excel leses første ark; har det ingen av "
        "kolonnenavnene her (en veiledning, for eksempel), leses det ene arket som har dem. Finnes "
        "ikke ett slikt ark, velg arket med `--sheet «navn»`.",
        "- CSV: tegnsett UTF-8, UTF-8 med BOM, Windows-1252 eller UTF-16 (Excels "
        "«Unicode-tekst», med eller uten BOM); skilletegn `;`, tabulator eller `,`. "
        "Med `,` som skilletegn må tall med desimalkomma stå i anførselstegn.",
        "- En fil som blander UTF-8 og Windows-1252 (`FÃ¸dselsnummer` for `Fødselsnummer`) "
        "avvises med linjen der det først skjer. Lagre den på nytt som «CSV UTF-8».",
        "- Første rad er overskrifter. Store/små bokstaver, mellomrom og æøå spiller ingen rolle "
        "(`Første kontakt` = `forste_kontakt`). Alternative navn står i tabellene.",
        "- Andre kolonner leses ikke inn. En overskrift som ligner et kolonnenavn her, men er "
        "stavet annerledes (`Fødselsnumer`), stopper filen, så kolonnen ikke blir borte "
        "ubemerket.",
        "- Datoer: `dd.mm.åååå` eller `åååå-mm-dd`, med firesifret år (ikke før 1900). "
        "Tall: desimalkomma eller -punktum, høyst to "
        "desimaler; mellomrom som tusenskille godtas.",
        "- Linjenummer i feilmeldinger er linjen raden begynner på i filen; et felt i "
        "anførselstegn kan gå over flere linjer.",
        "- Koder skrives som i listene; store/små bokstaver og æøå spiller ingen rolle.",
        "- Kommunenummer: gjeldende nummer i Buskerud og Jevnaker for rapporteringsåret, eller "
        "et eldre nummer (30xx fra 2020–2023, 06xx/0532 fra før 2020) for en av dem. "
        f"Godtatt for 2026: {codes}.",
        "",
        "## Personvern",
        "- Fødselsnummer, navn, e-post og telefon lagres aldri i klartekst. En klient blir "
        "`client_key` = HMAC-SHA256(hemmelig nøkkel, region + klient-ID), en person "
        "`person_key` = HMAC-SHA256(hemmelig nøkkel, fødselsnummer).",
        "- Av e-post og telefon lagres bare om klienten har det (`has_email`, `has_phone`).",
        "- Avviste rader legges i karantene med verdien maskert (f.eks. `010190*****`).",
        "",
        "## Slik kontrolleres en leveranse",
        "- Hver rad kontrolleres for påkrevde felt, type, kodeliste, kontrollsiffer "
        "(fødselsnummer/D-nummer etter både gammel regel og 2032-regelen, organisasjonsnummer), "
        "datoer i rapporteringsåret, ikke-negative tall, skala, duplikater og referanser "
        "(aktivitet → klient, kursdeltakelse → kurs).",
        "- En feil rad stopper ikke de andre: godkjente rader lastes inn, avviste legges i "
        "karantene med grunn, linje og kolonne. Ingenting rettes stille.",
        "- Samme fil levert på nytt endrer ingenting. En ny fil for samme region, år og type "
        "erstatter den forrige i én transaksjon.",
        "",
        "Kontroller en fil før levering (laster ingenting inn):",
        "",
        "```",
        "etablerer validate klienter.csv --kind clients --year 2025",
        "```",
        "",
        "Utgangskode 0: filen er feilfri; 1: rader med feil; 2: filen kan ikke leses (feil "
        "type, manglende kolonner, ukjent tegnsett). Eksempel på utskrift:",
        "",
        "```",
        example_output.rstrip("\n"),
        "```",
        "",
    ]
    for kind in KINDS:
        schema = contract.schemas[kind]
        out += [
            f"## {schema.no} (`{kind}`)",
            "",
            schema.description,
            "",
            f"Mal: `docs/templates/{kind}.csv`, `docs/templates/{kind}.xlsx`. "
            f"Nøkkel (unik per fil): {', '.join(schema.field(k).no for k in schema.key)}.",
            "",
            "| kolonne | alternative navn | type | påkrevd | lovlige verdier | personvern "
            "| forklaring |",
            "|---|---|---|---|---|---|---|",
        ]
        for f in schema.fields:
            required = "ja" if f.required else "nei"
            if f.required_when:
                required = "når " + ", ".join(f"{k} = {v}" for k, v in f.required_when.items())
            values = ", ".join(f"`{c}`" for c in f.codes)
            if f.type in ("integer", "decimal") and f.min is not None:
                values = f"minst {int(f.min)}" + (f", høyst {int(f.max)}" if f.max else "")
            aliases = ", ".join(f"`{a}`" for a in f.aliases)
            out.append(
                f"| `{f.no}` | {aliases} | {TYPE_TEXT[f.type]} | {required} | {values} | "
                f"{PII_TEXT.get(f.pii or '', '')} | {f.description} |"
            )
        out.append("")
    return "\n".join(out)


def template_headers(kind: str) -> list[str]:
    schema = load_contract().schemas[kind]
    return [pretty_header(f.no) for f in schema.fields]


def write_templates(target: Path) -> list[Path]:
    """One CSV (UTF-8 with BOM, `;`) and one XLSX per kind, with a header row and an example row."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in KINDS:
        schema = load_contract().schemas[kind]
        headers = template_headers(kind)
        example = [f.example for f in schema.fields]
        csv_path = target / f"{kind}.csv"
        csv_path.write_bytes(
            ("\ufeff" + ";".join(headers) + "\r\n" + ";".join(example) + "\r\n").encode("utf-8")
        )
        xlsx_path = target / f"{kind}.xlsx"
        row = {f.name: (f.example or None) for f in schema.fields}
        write_xlsx(xlsx_path, [f.name for f in schema.fields], headers, [row], sheet=schema.no)
        written += [csv_path, xlsx_path]
    return written


def write_docs(docs_dir: Path, *, example_output: str) -> list[Path]:
    page = docs_dir / "datakontrakt.md"
    page.write_text(render_markdown(example_output), encoding="utf-8")
    return [page, *write_templates(docs_dir / "templates")]


__all__ = ["render_markdown", "write_docs", "write_templates"]
