"""`etablerer explain`: the whole chain behind a funding amount or a payout, in Norwegian.

etablerer explain funding --region R --year Y --funder F
etablerer explain payout  --region R --year Y --funder F [--month 1|8]

It reads the marts read-only and prints what dbt computed, never a figure of its own: the
population cells per basis municipality with their SSB table, content code, period, response
sha256 and fetch time (fct_funding_lineage), the sum, whether the agreement's stated figure
governs and the difference to SSB, the clause, rate and agreement version (fct_agreement_amounts),
the arithmetic, the payouts with their status and reasons (fct_payouts), and the findings of
fct_compliance that affect them. Each figure says what it rests on (data_standing).
Exit 2 for an unknown region, year or funder, or a missing warehouse.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import click
import duckdb

from deliverables import formatting as fmt
from deliverables import labels
from deliverables.marts import Row, rows
from deliverables.standing import weakest
from ingestion.paths import warehouse_path

MARTS = (
    "dim_region",
    "fct_agreement_amounts",
    "fct_funding_lineage",
    "fct_payouts",
    "fct_compliance",
)

# Findings that bear on an amount or its payouts: every blocking one (it stops the payouts),
# and any other about the money or payout clauses (§6, §7) or the accounts.
MONEY_CLAUSES = ("§6", "§7")
WIDTH = 100
STANDING_LEGEND = (
    "Grunnlag: målt = ekte kildedata og avtalens tekst; syntetiske tall = generert, ikke SSBs "
    "tall; illustrativt eksempel = eksempelavtale, -sats eller -dato; antatt = en verdi ingen "
    "kilde oppgir."
)
SHORT_SHA = 12


class ExplainError(click.ClickException):
    """A Norwegian message for the user; exit code 2 (unknown input or no warehouse)."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(self.format_message(), err=True)


@dataclass
class FundingChain:
    region: Row
    amount: Row
    cells: list[Row]
    payouts: list[Row]
    findings: list[Row]
    n_passed: int


@contextmanager
def _read_only(db_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    if not db_path.is_file():
        raise ExplainError(
            f"Fant ikke datavarehuset {db_path}. Kjør `etablerer run --year <år>` først, "
            "eller oppgi filen med --db."
        )
    try:
        con = duckdb.connect(str(db_path), read_only=True)
    except duckdb.Error as error:
        raise ExplainError(
            f"Kunne ikke åpne datavarehuset {db_path} for lesing: {error}. Er en kjøring i "
            "gang? Prøv igjen når den er ferdig."
        ) from error
    try:
        present = {
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        }
        missing = [mart for mart in MARTS if mart not in present]
        if missing:
            raise ExplainError(
                f"Datavarehuset {db_path} mangler {', '.join(missing)} i skjema marts. "
                "Kjør `etablerer run --year <år>` først."
            )
        yield con
    finally:
        con.close()


def _one_of(value: str, known: list[str], what: str, where: str = "") -> None:
    if value not in known:
        listed = ", ".join(known) if known else "ingen"
        raise ExplainError(f"Ukjent {what} «{value}»{where}. Kjente: {listed}.")


def read_funding_chain(db_path: Path, region_id: str, year: int, funder_id: str) -> FundingChain:
    """Everything `explain` prints for one funder's amount in one agreement year."""
    with _read_only(db_path) as con:
        regions = rows(con, "select * from marts.dim_region order by region_id")
        _one_of(region_id, [r["region_id"] for r in regions], "region")
        region = next(r for r in regions if r["region_id"] == region_id)
        amounts = rows(
            con,
            "select * from marts.fct_agreement_amounts where region_id = ? "
            "order by year, funder_type desc, funder_id",
            [region_id],
        )
        years = sorted({a["year"] for a in amounts})
        _one_of(str(year), [str(y) for y in years], "år", f" for {region['region_name']}")
        in_year = [a for a in amounts if a["year"] == year]
        _one_of(
            funder_id,
            [a["funder_id"] for a in in_year],
            "finansierende part",
            f" i {region['region_name']} {year}",
        )
        amount = next(a for a in in_year if a["funder_id"] == funder_id)
        key = [amount["agreement_id"], funder_id, year]
        cells = rows(
            con,
            "select * from marts.fct_funding_lineage "
            "where agreement_id = ? and funder_id = ? and year = ? order by municipality_code",
            key,
        )
        payouts = rows(
            con,
            "select * from marts.fct_payouts "
            "where agreement_id = ? and funder_id = ? and year = ? order by payout_month",
            key,
        )
        compliance = rows(
            con,
            "select * from marts.fct_compliance where agreement_id = ? and year = ? "
            "order by severity, rule_id",
            [amount["agreement_id"], year],
        )
    findings = [c for c in compliance if c["result"] != "pass" and _affects_money(c)]
    n_passed = sum(1 for c in compliance if c["result"] == "pass")
    return FundingChain(region, amount, cells, payouts, findings, n_passed)


def _affects_money(finding: Row) -> bool:
    clause = finding.get("clause") or ""
    return (
        finding.get("severity") == "blokkerer_utbetaling"
        or any(money_clause in clause for money_clause in MONEY_CLAUSES)
        or finding["rule_id"].startswith("finance_")
    )


def standing(value: str | None) -> str:
    return labels.DATA_STANDING.get(value or "", "ukjent grunnlag")


def _wrapped(text: str, indent: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent) or [indent]


def _cell_lines(cells: list[Row]) -> list[str]:
    """One line per basis municipality: its cell, the SSB response it was read from, the sum."""
    first = cells[0]
    plural = "kommune" if len(cells) == 1 else "kommuner"
    sum_label = f"Sum SSB, {len(cells)} {plural}"
    names = [f"{c['municipality_code']} {c['municipality_name']}" for c in cells]
    width = max(len(sum_label), *(len(name) for name in names))
    lines = [
        f"1. Befolkningsgrunnlag ({first['population_clause']}): SSB-tabell "
        f"{first['population_table_id']}, {first['population_contents_code']}, "
        f"{first['population_period']}"
    ]
    for name, cell in zip(names, cells, strict=True):
        value = fmt.integer(cell["municipality_population"])
        if cell["municipality_population"] is None:
            value = "mangler" + (f" ({cell['ssb_status']})" if cell["ssb_status"] else "")
        sha = (cell["response_sha256"] or "–")[:SHORT_SHA]
        fetched = cell["fetched_at"].strftime("%d.%m.%Y %H:%M") if cell["fetched_at"] else "–"
        lines.append(
            f"   {name:<{width}}  {value:>10}  SSB-svar sha256 {sha}  hentet {fetched}"
            f"  [{standing(cell['population_standing'])}]"
        )
    cells_standing = weakest(c["population_standing"] for c in cells if c["population_standing"])
    ssb_sum = "mangler" if first["ssb_population"] is None else fmt.integer(first["ssb_population"])
    lines.append(f"   {sum_label:<{width}}  {ssb_sum:>10}  [{standing(cells_standing)}]")
    return lines


def _governing_lines(amount: Row, cells: list[Row]) -> list[str]:
    """Which population the amount uses: the agreement's stated figure or SSB's sum."""
    population = fmt.integer(amount["population"])
    if amount["basis_population_source"] != "avtale":
        return [f"2. Folketallet som gjelder: {population}, SSBs sum for grunnlaget."]
    first = cells[0] if cells else {}
    lines = [
        f"2. Folketallet som gjelder: {population}, avtalens oppgitte tall "
        f"({first.get('population_clause', '§6')}). Det gjelder til partene endrer avtalen."
    ]
    if first.get("ssb_population_difference") is None:
        lines.append("   SSB har ikke tall for alle kommunene i grunnlaget.")
    else:
        lines.append(
            f"   Avtalen oppgir {fmt.integer(first['stated_basis_population'])}, SSB har "
            f"{fmt.integer(first['ssb_population'])}: forskjell "
            f"{fmt.integer(first['ssb_population_difference'])} innbyggere, "
            f"{fmt.nok(first['ssb_amount_difference_nok'])} kr i året."
        )
    if any(c["is_synthetic"] for c in cells):
        lines.append(
            "   SSB-tallene her er syntetiske, så avtalens tall er ikke kontrollert mot SSB."
        )
    return lines


def _basis_lines(chain: FundingChain) -> list[str]:
    if not chain.cells:
        lines = [
            "1. Befolkningsgrunnlag: ingen kommuner er ført inn for parten "
            "(seed agreement_funder_basis)."
        ]
    else:
        lines = _cell_lines(chain.cells)
    return [*lines, "", *_governing_lines(chain.amount, chain.cells)]


def _amount_lines(chain: FundingChain) -> list[str]:
    amount = chain.amount
    rate = amount["rate_nok_per_inhabitant"]
    lines = [f"3. Sats: {fmt.rate(rate)} kr per innbygger ({amount['rate_clause']}).", ""]
    if rate is None:
        lines[0] = f"3. Sats: blank i avtalen ({amount['rate_clause']}): manglende, ikke 0."
    if amount["status"] == "ok":
        lines.append(
            f"4. Beregning: {fmt.integer(amount['population'])} × {fmt.rate(rate)} = "
            f"{fmt.nok(amount['amount_nok'])} kr  [{standing(amount['data_standing'])}]"
        )
    else:
        status = labels.FUNDING_STATUS.get(amount["status"], (amount["status"], ""))[0]
        lines.append(f"4. Beregning: ikke mulig ({status}).")
        lines += _wrapped(amount["status_reason"] or "", "   ")
    if amount["period_total_nok"] is not None:
        lines.append(
            f"   Avtaleperioden {amount['period_from_year']}–{amount['period_to_year']}: "
            f"{fmt.nok(amount['period_total_nok'])} kr i alt."
        )
    return lines


def _payouts_summary(payouts: list[Row]) -> str:
    """'2 × 128 672,50 kr' for equal halves, else each amount; as fct_payouts has them."""
    amounts = [p["amount_nok"] for p in payouts]
    if any(a is None for a in amounts):
        return "beløpet er ukjent"
    if len(set(amounts)) == 1:
        return f"{len(amounts)} × {fmt.nok(amounts[0])} kr"
    return " + ".join(f"{fmt.nok(a)} kr" for a in amounts)


def _payout_lines(chain: FundingChain, month: int | None = None) -> list[str]:
    year = chain.amount["year"]
    if not chain.payouts:
        return [
            f"5. Utbetalinger: fct_payouts har ingen rader for {year}. "
            f"Kjør `etablerer run --year {year}`."
        ]
    lines = [f"5. Utbetalinger (§7): {_payouts_summary(chain.payouts)}"]
    previous_reason, previous_month = None, ""
    for payout in chain.payouts:
        if month is not None and payout["payout_month"] != month:
            continue
        month_name = labels.MONTHS.get(payout["payout_month"], str(payout["payout_month"]))
        status = labels.PAYOUT_STATUS.get(payout["status"], (payout["status"], ""))[0]
        lines.append(
            f"   {month_name}, forfall {fmt.date_no(payout['due_date'])}: "
            f"{fmt.nok(payout['amount_nok'])} kr – {status}"
            f"  [{standing(payout['data_standing'])}]"
        )
        reason = payout["blocked_reason"]
        if reason and reason == previous_reason:
            lines.append(f"     Grunner: de samme som for {previous_month}.")
        elif reason:
            lines += _wrapped("Grunner: " + reason, "     ")
        previous_reason, previous_month = reason, month_name
    return lines


def _finding_lines(chain: FundingChain) -> list[str]:
    year = chain.amount["year"]
    if not chain.findings and not chain.n_passed:
        return [
            f"6. Kontroller: fct_compliance har ingen rader for {year}. "
            f"Kjør `etablerer run --year {year}`."
        ]
    lines = [
        f"6. Funn i fct_compliance for avtaleåret {year} som gjelder beløpet eller "
        f"utbetalingene ({len(chain.findings)}):"
    ]
    for finding in chain.findings:
        result = labels.COMPLIANCE_RESULT.get(finding["result"], (finding["result"], ""))[0]
        severity = labels.SEVERITY.get(finding["severity"], finding["severity"])
        lines.append(
            f"   - {finding['rule_id']} ({finding['clause']}), {severity}: {result}"
            f"  [{standing(finding['data_standing'])}]"
        )
        lines += _wrapped(finding["explanation"] or "", "     ")
    lines.append(f"   {chain.n_passed} kontroller for avtaleåret er oppfylt.")
    return lines


def render_funding_chain(chain: FundingChain, month: int | None = None) -> str:
    """The chain as Norwegian text; `month` limits the payouts shown to one."""
    amount, region = chain.amount, chain.region
    sha = amount["agreement_document_sha256"] or "ingen tekst ført inn"
    agreement_status = labels.AGREEMENT_STATUS.get(
        amount["agreement_status"], (amount["agreement_status"], "")
    )[0]
    lines = [
        f"Finansiering {amount['year']}: {amount['funder_name']} ({amount['funder_id']}), "
        f"{region['region_name']}",
        f"Avtale {amount['agreement_id']}: versjon «{amount['agreement_version']}», "
        f"{agreement_status}",
        f"   avtaletekstens sha256 {sha}",
        f"Beløpet bygger på: {standing(amount['data_standing'])}. "
        "(Hakeparentesene sier hva hvert tall bygger på.)",
        "",
        *_basis_lines(chain),
        "",
        *_amount_lines(chain),
        "",
        *_payout_lines(chain, month),
        "",
        *_finding_lines(chain),
        "",
        *_wrapped(STANDING_LEGEND, ""),
    ]
    return "\n".join(lines)


def _chain_options(command):
    command = click.option(
        "--db",
        "db_path",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        help="Datavarehuset (standard: ETABLERER_DUCKDB_PATH).",
    )(command)
    command = click.option("--funder", required=True, help="Finansierende part, f.eks. 33.")(
        command
    )
    command = click.option("--year", type=int, required=True, help="Avtaleår, f.eks. 2026.")(
        command
    )
    return click.option("--region", required=True, help="Region, f.eks. ringeriksregionen.")(
        command
    )


def _warehouse(db_path: Path | None) -> Path:
    return db_path or warehouse_path()


@click.group()
def explain() -> None:
    """Forklar et beløp: hele kjeden fra SSB-cellene og avtalen til utbetalingen."""


@explain.command("funding")
@_chain_options
def explain_funding(region: str, year: int, funder: str, db_path: Path | None) -> None:
    """Hvordan en parts årlige beløp er regnet ut, og hva det bygger på."""
    chain = read_funding_chain(_warehouse(db_path), region, year, funder)
    click.echo(render_funding_chain(chain))


@explain.command("payout")
@_chain_options
@click.option(
    "--month", type=int, default=None, help="Utbetalingsmåned (1 eller 8); standard: alle."
)
def explain_payout(
    region: str, year: int, funder: str, db_path: Path | None, month: int | None
) -> None:
    """En utbetaling: beløpet bak den, status, grunner og funnene som gjelder den."""
    chain = read_funding_chain(_warehouse(db_path), region, year, funder)
    months = [p["payout_month"] for p in chain.payouts]
    if month is not None:
        _one_of(str(month), [str(m) for m in months], "utbetalingsmåned", f" i {year}")
    click.echo(render_funding_chain(chain, month))
