"""The parties in §1 against the funding table, and against the configuration.

Only municipalities and counties are compared: they are the bodies that pay. Innovasjon Norge and
Nav are parties without a row in the table.
"""

from __future__ import annotations

from ..findings import CheckContext
from ..reference import Body


def check(ctx: CheckContext) -> None:
    facts = ctx.facts
    if not facts.parties:
        ctx.add(
            "section_missing",
            at=facts.parties_clause[0] if facts.parties_clause else None,
            clause="§1",
            message="Fant ingen parter i §1 (ingen kommune, fylkeskommune eller etat).",
            action="Skriv partene i §1 med fullt navn, for eksempel «Buskerud fylkeskommune» og "
            "«Ringerike kommune».",
        )
        return
    parties = facts.party_bodies()
    paying_parties = [b for b in parties if b.funds]
    table = facts.table
    table_rows = {row.body: row for row in table.rows if row.body} if table else {}
    table_clause = ctx.document.clause_at(table.rows[0].start) if table else None
    configured = [b for b in ctx.config.parties if b.funds] if ctx.config else []

    for body in dict.fromkeys([*table_rows, *configured]):
        if body in parties:
            continue
        row = table_rows.get(body)
        where = []
        if row is not None:
            where.append(f"står i finansieringstabellen i {table_clause}")
        if body in configured:
            where.append(f"er part i avtalekonfigurasjonen ({_config_name(ctx)})")
        ctx.add(
            "not_a_party",
            at=row.start if row else None,
            clause=table_clause if row else "§1",
            message=f"{body.display} {' og '.join(where)}, men er ikke part etter §1.",
            action=f"Ta {body.display} med som part i §1, eller ta {body.name} ut av "
            "finansieringstabellen og konfigurasjonen.",
            evidence=row.label if row else "",
        )

    if table is not None:
        for body in paying_parties:
            if body not in table_rows:
                _party_finding(
                    ctx,
                    "party_not_in_table",
                    body,
                    table_clause,
                    message=f"{body.display} er part i §1, men har ingen rad i "
                    f"finansieringstabellen i {table_clause}.",
                    action=f"Legg til en rad for {body.name} med innbyggertall, stykkpris og "
                    "beløp, eller skriv i avtalen hvorfor den ikke betaler.",
                )
    if ctx.config is not None:
        for body in paying_parties:
            if body not in configured:
                _party_finding(
                    ctx,
                    "party_not_in_config",
                    body,
                    "§1",
                    message=f"{body.display} er part i §1, men ikke i avtalekonfigurasjonen "
                    f"({_config_name(ctx)}).",
                    action="Rett §1 eller konfigurasjonen, så de har de samme partene.",
                )


def _party_finding(
    ctx: CheckContext,
    rule_id: str,
    body: Body,
    clause: str | None,
    *,
    message: str,
    action: str,
) -> None:
    """A finding about a §1 party, quoting where §1 names it."""
    mention = next(m for m in ctx.facts.parties if m.body == body)
    ctx.add(
        rule_id,
        at=mention.start,
        clause=clause,
        message=message,
        action=action,
        evidence=ctx.around(mention.start, mention.end, width=25),
    )


def _config_name(ctx: CheckContext) -> str:
    assert ctx.config is not None
    illustrative = ", illustrativ" if ctx.config.is_illustrative else ""
    return f"{ctx.config.agreement_id}{illustrative}"
