"""Generate the bundled offline snapshot of Enhetsregisteret in `data/sample/brreg/` (synthetic).

    python -m samples.brreg            # rewrites data/sample/brreg/ (not its README)

The units are the sample operators' businesses (data/sample/operators, read with the project's
own readers): their organisation numbers, forms, NACE codes, registration dates, and the
municipality and name of the client who registered them. What the register says about them is
made up, deterministically (one seeded generator per number), in the register's JSON shape: the
full body of `/enheter/{orgnr}` for an active unit, the small body with `slettedato` for a deleted
one. Each snapshot date is one gzipped JSON array of the 200 bodies, the 404 numbers listed in the
manifest. A business whose registration date in the register falls after a snapshot's date is not
in the register yet on that date: 404 there, as the register would answer.

A few businesses are chosen (first by organisation number among Ringeriksregionen's 2025
businesses) to carry the cases the tests and the linkage findings need; `CASES` below, the
manifest and the README name them.

`register_of` and `write_dated_snapshots` make the same register, without the cases, for any
operator folder: the benchmark's national-scale data (bench/register.py).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import json
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl

from ingestion.brreg.client import DEFAULT_BASE_URL
from ingestion.brreg.snapshot import BRREG_SNAPSHOT_DIR, MANIFEST_FILE
from ingestion.operators.contract import municipalities, schema_for
from ingestion.operators.readers import read_table
from ingestion.operators.validation import annotate
from ingestion.paths import OPERATOR_SAMPLE_DIR

SNAPSHOT_DATES = (date(2025, 12, 1), date(2026, 6, 1), date(2026, 12, 1))
CSV_DATE = SNAPSHOT_DATES[-1]
CASE_REGION = "ringeriksregionen"
CASE_YEAR = 2025
SEED = 20251201
SYNTHETIC_NOTE = (
    "SYNTETISKE DATA. Dette er ikke Enhetsregisterets data: enhetene er laget av "
    "samples/brreg.py fra eksempeloperatørenes foretak, i samme JSON-form som "
    "data.brreg.no/enhetsregisteret/api gir."
)
FORMS = {
    "ENK": "Enkeltpersonforetak",
    "AS": "Aksjeselskap",
    "ANS": "Ansvarlig selskap",
    "DA": "Selskap med delt ansvar",
    "SA": "Samvirkeforetak",
    "NUF": "Norskregistrert utenlandsk foretak",
}
NACE = {
    "01.130": ("Dyrking av grønnsaker, meloner, rot- og knollvekster", "Gartneri"),
    "43.320": ("Snekkerarbeid", "Snekkerservice"),
    "47.710": ("Butikkhandel med klær", "Klesbutikk"),
    "47.910": ("Postordrehandel og handel via Internett", "Nettbutikk"),
    "49.320": ("Drosjebiltransport", "Taxi"),
    "55.101": ("Drift av hoteller, pensjonater og moteller med restaurant", "Gjestehus"),
    "56.101": ("Drift av restauranter og kafeer", "Kafé"),
    "62.010": ("Programmeringstjenester", "Utvikling"),
    "62.020": ("Konsulentvirksomhet tilknyttet informasjonsteknologi", "IT-rådgivning"),
    "70.220": ("Bedriftsrådgivning og annen administrativ rådgivning", "Rådgivning"),
    "73.110": ("Reklamebyråer", "Reklame"),
    "74.100": ("Spesialisert designvirksomhet", "Design"),
    "85.599": ("Annen undervisning ikke nevnt annet sted", "Kurs"),
    "86.909": ("Andre helsetjenester", "Helse"),
    "90.012": ("Selvstendig kunstnerisk virksomhet innen visuell kunst", "Kunst"),
    "96.021": ("Frisering og annen skjønnhetspleie", "Frisør"),
}
# The register's code when the case says the operator reported another one.
NACE_IN_REGISTER = {"62.010": "62.020", "56.101": "55.101"}
POSTAL = {
    "3301": ("3015", "DRAMMEN"),
    "3303": ("3611", "KONGSBERG"),
    "3305": ("3511", "HØNEFOSS"),
    "3310": ("3530", "RØYSE"),
    "3312": ("3400", "LIER"),
    "3314": ("3300", "HOKKSUND"),
    "3316": ("3370", "VIKERSUND"),
    "3318": ("3536", "NORESUND"),
    "3320": ("3539", "FLÅ"),
    "3322": ("3540", "NESBYEN"),
    "3324": ("3550", "GOL"),
    "3326": ("3560", "HEMSEDAL"),
    "3328": ("3570", "ÅL"),
    "3330": ("3576", "HOL"),
    "3332": ("3350", "PRESTFOSS"),
    "3334": ("3623", "LAMPELAND"),
    "3336": ("3626", "ROLLAG"),
    "3338": ("3630", "RØDBERG"),
    "3236": ("3520", "JEVNAKER"),
}
STREETS = ("Storgata", "Kirkegata", "Industriveien", "Sentrumsveien", "Stasjonsveien", "Bygdevegen")
SECTORS = {
    "ENK": ("8200", "Personlig næringsdrivende"),
    "AS": ("2100", "Private aksjeselskaper mv."),
}
FILES_ACCOUNTS = frozenset({"AS", "SA", "NUF"})
# The bulk CSV's header, in the register's order (its own spelling of
# `registreringsdatoenhetsregisteret`, in lower case, included).
CSV_COLUMNS = (
    "organisasjonsnummer",
    "navn",
    "organisasjonsform.kode",
    "organisasjonsform.beskrivelse",
    "naeringskode1.kode",
    "naeringskode1.beskrivelse",
    "naeringskode2.kode",
    "naeringskode2.beskrivelse",
    "naeringskode3.kode",
    "naeringskode3.beskrivelse",
    "hjelpeenhetskode.kode",
    "hjelpeenhetskode.beskrivelse",
    "harRegistrertAntallAnsatte",
    "antallAnsatte",
    "registreringsdatoAntallAnsatteEnhetsregisteret",
    "registreringsdatoantallansatteNAVAaregisteret",
    "hjemmeside",
    "epostadresse",
    "telefon",
    "mobil",
    "postadresse.adresse",
    "postadresse.poststed",
    "postadresse.postnummer",
    "postadresse.kommune",
    "postadresse.kommunenummer",
    "postadresse.land",
    "postadresse.landkode",
    "forretningsadresse.adresse",
    "forretningsadresse.poststed",
    "forretningsadresse.postnummer",
    "forretningsadresse.kommune",
    "forretningsadresse.kommunenummer",
    "forretningsadresse.land",
    "forretningsadresse.landkode",
    "institusjonellSektorkode.kode",
    "institusjonellSektorkode.beskrivelse",
    "sisteInnsendteAarsregnskap",
    "registreringsdatoenhetsregisteret",
    "stiftelsesdato",
    "registrertIMvaRegisteret",
    "registreringsdatoMerverdiavgiftsregisteret",
    "registreringsdatoMerverdiavgiftsregisteretEnhetsregisteret",
    "frivilligMvaRegistrertBeskrivelser",
    "registreringsdatoFrivilligMerverdiavgiftsregisteret",
    "registrertIFrivillighetsregisteret",
    "registreringsdatoFrivillighetsregisteret",
    "registrertIForetaksregisteret",
    "registreringsdatoForetaksregisteret",
    "registrertIStiftelsesregisteret",
    "registrertIPartiregisteret",
    "registreringsdatoPartiregisteret",
    "konkurs",
    "konkursdato",
    "underAvvikling",
    "underAvviklingDato",
    "underTvangsavviklingEllerTvangsopplosning",
    "tvangsopplostPgaManglendeDagligLederDato",
    "tvangsopplostPgaManglendeRevisorDato",
    "tvangsopplostPgaManglendeRegnskapDato",
    "tvangsopplostPgaMangelfulltStyreDato",
    "tvangsavvikletPgaManglendeSlettingDato",
    "overordnetEnhet",
    "nedleggelsesdato",
    "maalform",
    "vedtektsdato",
    "vedtektsfestetFormaal",
    "aktivitet",
    "registreringsnummerIHjemlandet",
    "paategninger",
)
# JSON field -> CSV column, where the CSV column is a flattened JSON field.
_CSV_FROM_JSON = {
    "registreringsdatoEnhetsregisteret": "registreringsdatoenhetsregisteret",
    "registrertIMvaregisteret": "registrertIMvaRegisteret",
}


@dataclass(frozen=True)
class Business:
    """One business as the sample operators reported it, with its client's municipality."""

    org_number: str
    region_id: str
    year: int
    registration_date: date
    org_form: str
    nace_code: str
    ceased_date: date | None
    municipality_code: str
    client_name: str


@dataclass
class RegisterUnit:
    """What the (synthetic) register holds about one business, over time."""

    business: Business
    name: str
    org_form: str
    nace_code: str
    registered: date
    founded: date | None
    deleted: date | None = None
    bankrupt: date | None = None
    liquidation: date | None = None
    employees: Callable[[date], int | None] = lambda day: None
    accounts_draw: float = 1.0
    vat: bool = False
    enterprise_register: bool = False
    street: str = "Storgata 1"
    exists: bool = True

    def in_register(self, day: date) -> bool:
        return self.exists and self.registered <= day


# --- reading the operators' sample -------------------------------------------------------


def _valid_rows(path: Path, kind: str, year: int, columns: list[str]) -> pl.DataFrame:
    schema = schema_for(kind)
    annotated = annotate(read_table(path, schema), schema, year)
    return annotated.valid([pl.col(c) for c in columns])


def _one(folder: Path, stem: str) -> Path:
    found = sorted(folder.glob(f"{stem}.*"))
    if len(found) != 1:
        raise FileNotFoundError(f"Ventet én {stem}-fil i {folder}, fant {len(found)}.")
    return found[0]


def read_sample_businesses(operator_dir: Path = OPERATOR_SAMPLE_DIR) -> list[Business]:
    """Every business in the sample's establishment files, with its client's municipality."""
    current_code = {m.code: m.current_code for m in municipalities()}
    businesses = []
    for year_dir in sorted(p for p in operator_dir.glob("*/*") if p.is_dir()):
        region_id, year = year_dir.parent.name, int(year_dir.name)
        establishments = _valid_rows(
            _one(year_dir, "establishments"),
            "establishments",
            year,
            [
                "client_id",
                "org_number",
                "registration_date",
                "org_form",
                "nace_code",
                "ceased_date",
            ],
        )
        clients = _valid_rows(
            _one(year_dir, "clients"), "clients", year, ["client_id", "name", "municipality_code"]
        )
        joined = establishments.join(clients, on="client_id", how="left")
        for row in joined.iter_rows(named=True):
            businesses.append(
                Business(
                    org_number=row["org_number"],
                    region_id=region_id,
                    year=year,
                    registration_date=row["registration_date"],
                    org_form=row["org_form"],
                    nace_code=row["nace_code"],
                    ceased_date=row["ceased_date"],
                    municipality_code=current_code.get(row["municipality_code"], "3305"),
                    client_name=row["name"] or "Ola Nordmann",
                )
            )
    return sorted(businesses, key=lambda b: b.org_number)


def one_per_number(businesses: Iterable[Business]) -> list[Business]:
    """The register has one unit per number: where two clients report the same number (random
    numbers collide at national scale), the first by (number, year, region) stands for it."""
    first: dict[str, Business] = {}
    for business in sorted(businesses, key=lambda b: (b.org_number, b.year, b.region_id)):
        first.setdefault(business.org_number, business)
    return list(first.values())


# --- the cases ---------------------------------------------------------------------------


def choose_cases(businesses: list[Business]) -> dict[str, Business]:
    """The business that carries each case: the first, by number, that fits it."""
    candidates = [
        b
        for b in businesses
        if b.region_id == CASE_REGION and b.year == CASE_YEAR and b.ceased_date is None
    ]
    rules: dict[str, Callable[[Business], bool]] = {
        # Active on the first snapshot, deleted before the second: its 2025 cohort's 1-year
        # survival changes between those as-of dates.
        "deleted": lambda b: b.org_form == "ENK" and b.registration_date <= date(2025, 4, 30),
        "bankrupt": lambda b: b.org_form == "AS" and b.registration_date <= date(2025, 10, 31),
        "under_liquidation": lambda b: (
            b.org_form == "AS" and b.registration_date <= date(2025, 10, 31)
        ),
        "missing_employees": lambda b: b.org_form == "AS",
        "founded_differs": lambda b: (
            b.org_form == "AS" and b.registration_date <= date(2025, 10, 31)
        ),
        "not_in_register": lambda b: b.org_form == "ENK",
        "registration_date_off": lambda b: (
            date(2025, 5, 1) <= b.registration_date <= date(2025, 10, 31)
        ),
        "org_form_differs": lambda b: b.org_form == "ENK",
        "nace_differs": lambda b: b.nace_code in NACE_IN_REGISTER,
    }
    chosen: dict[str, Business] = {}
    taken: set[str] = set()
    for case, fits in rules.items():
        match = next((b for b in candidates if b.org_number not in taken and fits(b)), None)
        if match is None:
            raise ValueError(f"Ingen av eksempelets foretak passer til tilfellet «{case}».")
        chosen[case] = match
        taken.add(match.org_number)
    return chosen


# --- the register, made up ---------------------------------------------------------------


def _rng(org_number: str) -> random.Random:
    return random.Random(SEED * 1_000_000_007 + int(org_number))


def _name(business: Business, org_form: str) -> str:
    trade = NACE.get(business.nace_code, ("", "Virksomhet"))[1]
    if org_form == "ENK":
        # As in the real register: a sole proprietorship's name carries its owner's.
        return f"{business.client_name} {trade}"
    surname = business.client_name.split()[-1]
    return f"{surname} {trade} {org_form}".upper()


def _employees(org_form: str, registered: date, rng: random.Random) -> Callable[[date], int]:
    start = 0 if org_form == "ENK" or rng.random() < 0.4 else rng.randint(1, 3)
    growth = 0 if org_form == "ENK" and rng.random() < 0.85 else rng.randint(0, 3)

    def on(day: date) -> int:
        years = max(0, (day - registered).days) // 365
        return start + growth * years

    return on


def build_register(businesses: list[Business], cases: dict[str, Business]) -> list[RegisterUnit]:
    case_of = {b.org_number: case for case, b in cases.items()}
    units = []
    for business in businesses:
        rng = _rng(business.org_number)
        case = case_of.get(business.org_number)
        org_form = "AS" if case == "org_form_differs" else business.org_form
        nace_code = (
            NACE_IN_REGISTER[business.nace_code] if case == "nace_differs" else business.nace_code
        )
        registered = business.registration_date - (
            timedelta(days=47) if case == "registration_date_off" else timedelta(0)
        )
        founded = None
        if org_form != "ENK":
            lead = 400 if case == "founded_differs" else rng.randint(1, 12)
            founded = registered - timedelta(days=lead)
        unit = RegisterUnit(
            business=business,
            name=_name(business, org_form),
            org_form=org_form,
            nace_code=nace_code,
            registered=registered,
            founded=founded,
            employees=_employees(org_form, registered, rng),
            accounts_draw=rng.random(),
            vat=rng.random() < 0.6,
            enterprise_register=org_form != "ENK" or rng.random() < 0.3,
            street=f"{rng.choice(STREETS)} {rng.randint(1, 60)}",
            exists=case != "not_in_register",
        )
        deletion_draw, deletion_days = rng.random(), rng.randint(120, 500)
        if case == "deleted":
            unit.deleted = date(2026, 2, 16)
        elif case == "bankrupt":
            unit.bankrupt = date(2026, 4, 14)
        elif case == "under_liquidation":
            unit.liquidation = date(2026, 9, 22)
        elif case == "missing_employees":
            unit.employees = lambda day: None
        elif business.ceased_date is not None:
            unit.deleted = business.ceased_date + timedelta(days=rng.randint(3, 25))
        elif case is None and deletion_draw < (0.12 if org_form == "ENK" else 0.05):
            unit.deleted = registered + timedelta(days=deletion_days)
        units.append(unit)
    return units


def _links(path: str) -> dict[str, Any]:
    return {"self": {"href": f"{DEFAULT_BASE_URL}/{path}"}}


def _form(code: str) -> dict[str, Any]:
    return {
        "kode": code,
        "beskrivelse": FORMS[code],
        "_links": _links(f"organisasjonsformer/{code}"),
    }


def unit_body(unit: RegisterUnit, day: date) -> dict[str, Any]:
    """What `/enheter/{orgnr}` answers with 200 on `day` (the unit is in the register then)."""
    number = unit.business.org_number
    if unit.deleted is not None and unit.deleted <= day:
        return {
            "organisasjonsnummer": number,
            "navn": unit.name,
            "organisasjonsform": _form(unit.org_form),
            "slettedato": unit.deleted.isoformat(),
            "_links": _links(f"enheter/{number}"),
        }
    postnummer, poststed = POSTAL.get(unit.business.municipality_code, ("3511", "HØNEFOSS"))
    kommune = _municipality_names().get(unit.business.municipality_code, "")
    employees = unit.employees(day)
    body: dict[str, Any] = {
        "organisasjonsnummer": number,
        "navn": unit.name,
        "organisasjonsform": _form(unit.org_form),
        "registreringsdatoEnhetsregisteret": unit.registered.isoformat(),
        "registrertIMvaregisteret": unit.vat,
        "naeringskode1": {"kode": unit.nace_code, "beskrivelse": NACE[unit.nace_code][0]},
        "harRegistrertAntallAnsatte": employees is None or employees > 0,
    }
    if employees is not None:
        body["antallAnsatte"] = employees
    body["forretningsadresse"] = {
        "land": "Norge",
        "landkode": "NO",
        "postnummer": postnummer,
        "poststed": poststed,
        "adresse": [unit.street],
        "kommune": kommune.upper(),
        "kommunenummer": unit.business.municipality_code,
    }
    if unit.founded is not None:
        body["stiftelsesdato"] = unit.founded.isoformat()
    if unit.org_form in SECTORS:
        code, text = SECTORS[unit.org_form]
        body["institusjonellSektorkode"] = {"kode": code, "beskrivelse": text}
    body["registrertIForetaksregisteret"] = unit.enterprise_register
    body["registrertIStiftelsesregisteret"] = False
    body["registrertIFrivillighetsregisteret"] = False
    accounts_year = _accounts_year(unit, day)
    if accounts_year is not None:
        body["sisteInnsendteAarsregnskap"] = str(accounts_year)
    bankrupt = unit.bankrupt is not None and unit.bankrupt <= day
    body["konkurs"] = bankrupt
    if bankrupt:
        body["konkursdato"] = unit.bankrupt.isoformat()
    liquidating = unit.liquidation is not None and unit.liquidation <= day
    body["underAvvikling"] = liquidating
    if liquidating:
        body["underAvviklingDato"] = unit.liquidation.isoformat()
    body["underTvangsavviklingEllerTvangsopplosning"] = False
    body["maalform"] = "Bokmål"
    body["_links"] = _links(f"enheter/{number}")
    return body


@cache
def _municipality_names() -> dict[str, str]:
    # municipalities() reads its CSV on each call; a national register asks for 300 000 bodies.
    return {m.code: m.name for m in municipalities()}


def _accounts_year(unit: RegisterUnit, day: date) -> int | None:
    """The last year filed: accounts for year Y are due 31 July Y+1; most file near the deadline."""
    if unit.org_form not in FILES_ACCOUNTS:
        return None
    filed = None
    for year in range(unit.registered.year, day.year):
        due = date(year + 1, 7, 31)
        share = 0.9 if day > due else (0.3 if day >= date(year + 1, 3, 1) else 0.0)
        if unit.accounts_draw < share:
            filed = year
    return filed


# --- writing -----------------------------------------------------------------------------


def _json_array(bodies: list[dict[str, Any]]) -> bytes:
    lines = [json.dumps(b, ensure_ascii=False, separators=(",", ":")) for b in bodies]
    return ("[\n" + ",\n".join(lines) + "\n]\n").encode("utf-8")


def _csv_row(body: dict[str, Any]) -> dict[str, str]:
    flat: dict[str, str] = {}
    for field, value in body.items():
        if field == "_links":
            continue
        if isinstance(value, dict):
            for part, inner in value.items():
                if part != "_links":
                    flat[f"{field}.{part}"] = _csv_value(inner)
        else:
            flat[_CSV_FROM_JSON.get(field, field)] = _csv_value(value)
    return {column: flat.get(column, "") for column in CSV_COLUMNS}


def _csv_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    return str(value)


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def write_dated_snapshots(
    out: Path, units: Sequence[RegisterUnit], dates: Iterable[date]
) -> list[dict[str, Any]]:
    """One gzipped JSON array per date in `out`, of the units in the register that day; returns
    the manifest's entries (the numbers not in the register yet listed as 404)."""
    out.mkdir(parents=True, exist_ok=True)
    snapshots = []
    for day in dates:
        present = [u for u in units if u.in_register(day)]
        content = gzip.compress(_json_array([unit_body(u, day) for u in present]), mtime=0)
        name = f"enheter-{day.isoformat()}.json.gz"
        (out / name).write_bytes(content)
        snapshots.append(
            {
                "observed_on": day.isoformat(),
                "file": name,
                "url": f"{DEFAULT_BASE_URL}/enheter/{{organisasjonsnummer}}",
                "fetched_at": datetime.combine(day, time(6, 0)).isoformat() + "+00:00",
                "sha256": _sha256(content),
                "units": len(present),
                "deleted": sum(1 for u in present if u.deleted is not None and u.deleted <= day),
                "not_found": sorted(u.business.org_number for u in units if not u.in_register(day)),
                "removed": [],
            }
        )
    return snapshots


def write_manifest(
    out: Path, snapshots: list[dict[str, Any]], *, generator: str, **extra: Any
) -> dict[str, Any]:
    """The manifest beside the dated files, marked synthetic; `extra` keys follow the snapshots."""
    manifest = {
        "synthetic": True,
        "note": SYNTHETIC_NOTE,
        "generator": generator,
        "shape": "Enhetsregisteret API (data.brreg.no/enhetsregisteret/api): /enheter/{orgnr}",
        "snapshots": snapshots,
        **extra,
    }
    (out / MANIFEST_FILE).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return manifest


def register_of(operator_dir: Path) -> list[RegisterUnit]:
    """The synthetic register of any operator folder's businesses (`<region>/<year>/` files), one
    unit per number, without the sample's planted cases: what the benchmark's national-scale
    register is made of."""
    return build_register(one_per_number(read_sample_businesses(operator_dir)), cases={})


def write_snapshot(out: Path = BRREG_SNAPSHOT_DIR) -> dict[str, Any]:
    """Write the dated snapshots, the CSV variant and the manifest into `out`; return the
    manifest."""
    businesses = one_per_number(read_sample_businesses())
    cases = choose_cases(businesses)
    units = build_register(businesses, cases)
    snapshots = write_dated_snapshots(out, units, SNAPSHOT_DATES)
    case_numbers = {b.org_number for b in cases.values()}
    # The bulk files hold registered units only: no deleted ones, no numbers never registered.
    registered = [
        u for u in units if u.in_register(CSV_DATE) and (u.deleted is None or u.deleted > CSV_DATE)
    ]
    in_bulk = [u for u in registered if u.business.org_number in case_numbers] + [
        u for u in registered if u.business.org_number not in case_numbers
    ][:5]
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=CSV_COLUMNS, quoting=csv.QUOTE_ALL, lineterminator="\n"
    )
    writer.writeheader()
    writer.writerows(_csv_row(unit_body(u, CSV_DATE)) for u in in_bulk)
    csv_content = buffer.getvalue().encode("utf-8")
    csv_name = f"lastned-csv-{CSV_DATE.isoformat()}.csv"
    (out / csv_name).write_bytes(csv_content)
    return write_manifest(
        out,
        snapshots,
        generator="python -m samples.brreg",
        bulk_csv={
            "observed_on": CSV_DATE.isoformat(),
            "file": csv_name,
            "url": f"{DEFAULT_BASE_URL}/enheter/lastned/csv",
            "sha256": _sha256(csv_content),
            "units": len(in_bulk),
        },
        cases={case: b.org_number for case, b in cases.items()},
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the synthetic register snapshot.")
    parser.add_argument("--out", type=Path, default=BRREG_SNAPSHOT_DIR)
    args = parser.parse_args(argv)
    manifest = write_snapshot(args.out)
    for snapshot in manifest["snapshots"]:
        print(
            f"{snapshot['file']}: {snapshot['units']} enheter ({snapshot['deleted']} slettet), "
            f"{len(snapshot['not_found'])} ikke funnet"
        )
    print(f"{manifest['bulk_csv']['file']}: {manifest['bulk_csv']['units']} enheter")
    for case, number in manifest["cases"].items():
        print(f"{case}: {number}")


if __name__ == "__main__":
    main()
