"""Bodies named in the text that did not exist throughout the agreement period, or that carry
the name of one that did not (a NAV unit named after a dissolved county). Dates come from the
reference data; the rule knows no body by name."""

from __future__ import annotations

from ..findings import CheckContext
from ..reference import Body, Mention


def outside_period(ctx: CheckContext) -> None:
    dates = ctx.period_dates()
    if dates is None:
        return  # the period rule reports that the period is missing
    start, end = dates
    period = f"{ctx.period[0]}–{ctx.period[1]}"
    reported: set[tuple[str, str]] = set()
    for mention in ctx.reference.mentions(ctx.document.text):
        key = (mention.body.key, ctx.document.clause_at(mention.start))
        if key in reported:
            continue
        body = mention.body
        if not body.existed_throughout(start, end):
            reported.add(key)
            ctx.add(
                "body_outside_period",
                at=mention.start,
                message=f"«{_written(mention)}» fantes ikke i hele avtaleperioden {period}: "
                f"{body.display} fantes {body.lifetime()}.",
                action=_replacement(ctx, body),
                evidence=ctx.around(mention.start, mention.end),
            )
            continue
        namesake = ctx.reference.get("fylkeskommune", body.named_after or "")
        if namesake is not None and not namesake.existed_throughout(start, end):
            reported.add(key)
            ctx.add(
                "body_named_after_dissolved",
                at=mention.start,
                message=f"«{_written(mention)}» har navn etter {namesake.name}, som ikke fantes "
                f"i avtaleperioden {period}: {namesake.display} fantes {namesake.lifetime()}.",
                action="Sjekk hva enheten heter i avtaleperioden og skriv det navnet, eller "
                "skriv bare etaten slik den står i §1.",
                evidence=ctx.around(mention.start, mention.end),
            )


def unknown_counties(ctx: CheckContext) -> None:
    for match in ctx.reference.unknown_counties(ctx.document.text):
        ctx.add(
            "unknown_body",
            at=match.start(),
            message=f"«{match.group()}» finnes ikke i referanselisten over fylkeskommuner.",
            action="Rett navnet, eller legg fylkeskommunen med gyldighetsdatoer til i "
            "ingestion/agreements/bodies.csv.",
            evidence=match.group(),
        )


def _written(mention: Mention) -> str:
    return " ".join(mention.text.split())


def _replacement(ctx: CheckContext, body: Body) -> str:
    """What to write instead: the successors the reference names, and which of them is a party."""
    successors = [
        found for code in body.successor_codes if (found := ctx.reference.county_by_code(code))
    ]
    if not successors:
        return f"Skriv det organet som hadde oppgaven i avtaleperioden i stedet for {body.display}."
    names = _join([s.display for s in successors])
    parties = [s for s in successors if s in ctx.facts.party_bodies()]
    if parties:
        return (
            f"{body.name} ble delt i {names}. Skriv den som gjelder; i §1 er "
            f"{_join([p.display for p in parties])} part."
        )
    return f"{body.name} ble delt i {names}. Skriv den som gjelder."


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " og " + names[-1]
