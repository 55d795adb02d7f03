"""The funding table: a row without a rate or amounts is missing money, not zero; a rate that
differs from the configuration is one of the two is wrong."""

from __future__ import annotations

from decimal import Decimal

from ..facts import TableRow
from ..findings import CheckContext


def check(ctx: CheckContext) -> None:
    table = ctx.facts.table
    if table is None:
        ctx.add(
            "section_missing",
            at=ctx.facts.basis.start if ctx.facts.basis else None,
            message="Fant ingen finansieringstabell: ingen linje med en kommune eller "
            "fylkeskommune fulgt av innbyggertall, stykkpris og beløp.",
            action="Sett inn tabellen over hvem som betaler hva (innbyggertall, stykkpris og sum "
            "per år for hver kommune og fylkeskommune).",
        )
        return
    expected = table.expected_columns or max(len(r.numbers) for r in table.rows) or None
    filled_since_sum = True
    for row in table.rows:
        if row.is_sum:
            # A blank sum under blank rows is the same gap; a blank sum under filled rows is not.
            if not row.numbers and filled_since_sum:
                _blank(ctx, row, "Summeringsraden «{label}» har ingen beløp.")
            filled_since_sum = True
            continue
        if not row.numbers:
            filled_since_sum = False
            _blank(
                ctx,
                row,
                "Raden «{label}» i finansieringstabellen har ingen stykkpris og ingen beløp.",
            )
        elif expected and len(row.numbers) < expected:
            filled_since_sum = False
            _blank(
                ctx,
                row,
                f"Raden «{{label}}» i finansieringstabellen har bare "
                f"{len(row.numbers)} av {expected} tall (innbyggertall, stykkpris og sum "
                "per år).",
            )
        else:
            _compare_rate(ctx, row, table.rate_column)


def _blank(ctx: CheckContext, row: TableRow, message: str) -> None:
    configured = ctx.config.rate_of(row.body) if ctx.config and row.body else None
    hint = f" Konfigurasjonen har {_kroner(configured)} per innbygger." if configured else ""
    ctx.add(
        "blank_rate",
        at=row.start,
        message=message.format(label=row.label) + hint,
        action="Fyll inn stykkpris (kr per innbygger) og sum for hvert år. En blank sats er "
        "manglende, ikke 0: utbetalingen kan ikke beregnes før den er fylt inn.",
        evidence=ctx.document.line_text(row.start),
    )


def _compare_rate(ctx: CheckContext, row: TableRow, rate_column: int | None) -> None:
    if ctx.config is None or row.body is None or rate_column is None:
        return
    configured = ctx.config.rate_of(row.body)
    if configured is None or rate_column >= len(row.numbers):
        return
    written = row.numbers[rate_column]
    if written != configured:
        ctx.add(
            "rate_differs_from_config",
            at=row.start,
            message=f"Stykkprisen for {row.body.display} er {_kroner(written)} i tabellen, men "
            f"{_kroner(configured)} i konfigurasjonen ({ctx.config.agreement_id}).",
            action="Rett teksten eller konfigurasjonen, så de sier det samme.",
            evidence=ctx.document.line_text(row.start),
        )


def _kroner(amount: Decimal) -> str:
    return f"{amount:.2f}".replace(".", ",") + " kr"
