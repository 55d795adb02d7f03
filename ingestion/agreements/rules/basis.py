"""The stated population basis («samlet innbyggertall for Hole, Krødsherad og Ringerike kommune
på 46790 innbyggere») against the parties, the configuration and the population figures."""

from __future__ import annotations

from datetime import date

from ..facts import BasisStatement
from ..findings import CheckContext
from ..population import PopulationLookup, population_from_config, population_from_ssb
from ..reference import Body


def check(ctx: CheckContext) -> None:
    basis = ctx.facts.basis
    if basis is None:
        if ctx.facts.table is not None:
            ctx.add(
                "section_missing",
                at=ctx.facts.table.rows[0].start,
                message="Teksten oppgir ikke befolkningsgrunnlaget (samlet innbyggertall og "
                "hvilke kommuner det gjelder), som tilskuddet per innbygger regnes av.",
                action="Skriv hvilke kommuner grunnlaget gjelder, kvartalet (f.eks. «pr. 1. "
                "kvartal 2025») og det samlede innbyggertallet.",
            )
        return
    _parties_in_basis(ctx, basis)
    _against_config(ctx, basis)
    _total(ctx, basis)


def _names(basis: BasisStatement) -> list[Body]:
    return list(dict.fromkeys(m.body for m in basis.municipalities))


def _parties_in_basis(ctx: CheckContext, basis: BasisStatement) -> None:
    listed = _names(basis)
    parties = ctx.facts.party_bodies()
    day = date(ctx.period[0], 1, 1) if ctx.period else date.today()
    funder = _basis_funder(ctx, parties)
    funder_now = funder.validity_at(day) if funder else None
    evidence = ctx.document.text[basis.start : basis.end]
    for body in parties:
        # A party in another county (Jevnaker in Akershus) is funded by that county, on its
        # own basis: only the funder's own municipalities belong in this one.
        now = body.validity_at(day)
        in_funders_county = (
            funder_now is not None and now is not None and (now.parent_code == funder_now.code)
        )
        if body.kind == "kommune" and in_funders_county and body not in listed:
            ctx.add(
                "party_not_in_basis",
                at=basis.start,
                message=f"{body.display} er part i §1 og ligger i {funder.name}, men står ikke i "
                f"befolkningsgrunnlaget for {funder.display} ({_list(listed)}, "
                f"{_count(basis.total)} innbyggere).",
                action=f"Ta {body.name} med i grunnlaget og oppgi nytt samlet innbyggertall, "
                f"eller skriv i avtalen hvorfor {body.name} holdes utenfor.",
                evidence=evidence,
            )
    for body in listed:
        if body not in parties:
            ctx.add(
                "basis_not_a_party",
                at=basis.start,
                message=f"{body.display} står i befolkningsgrunnlaget, men er ikke part i §1.",
                action=f"Ta {body.display} med som part i §1, eller ta den ut av grunnlaget.",
                evidence=evidence,
            )


def _basis_funder(ctx: CheckContext, parties: list[Body]) -> Body | None:
    """Whose per-inhabitant grant the basis is for: as configured, else the county in §1."""
    if ctx.config and ctx.config.basis and ctx.config.basis.funder:
        return ctx.config.basis.funder
    return next((b for b in parties if b.kind == "fylkeskommune"), None)


def _against_config(ctx: CheckContext, basis: BasisStatement) -> None:
    configured = ctx.config.basis if ctx.config else None
    if configured is None:
        return
    differences = []
    if configured.stated_total is not None and configured.stated_total != basis.total:
        differences.append(
            f"samlet innbyggertall {_count(basis.total)} i teksten, "
            f"{_count(configured.stated_total)} i konfigurasjonen"
        )
    listed = set(_names(basis))
    if configured.municipalities and set(configured.municipalities) != listed:
        differences.append(
            f"kommunene {_list(_names(basis))} i teksten, {_list(configured.municipalities)} i "
            "konfigurasjonen"
        )
    if (
        configured.population_period
        and basis.population_period
        and configured.population_period != basis.population_period
    ):
        differences.append(
            f"kvartal {basis.population_period} i teksten, {configured.population_period} i "
            "konfigurasjonen"
        )
    if differences:
        ctx.add(
            "basis_differs_from_config",
            at=basis.start,
            message="Befolkningsgrunnlaget er et annet enn i avtalekonfigurasjonen "
            f"({ctx.config.agreement_id}): {'; '.join(differences)}.",
            action="Rett teksten eller konfigurasjonen, så de sier det samme.",
            evidence=ctx.document.text[basis.start : basis.end],
        )


def _total(ctx: CheckContext, basis: BasisStatement) -> None:
    listed = _names(basis)
    evidence = ctx.document.text[basis.start : basis.end]
    configured = ctx.config.basis if ctx.config else None
    period = basis.population_period or (configured.population_period if configured else None)
    if period is None:
        _unchecked(ctx, basis, "teksten sier ikke hvilket kvartal tallet gjelder", evidence)
        return
    lookup = _population(ctx, listed, period)
    if lookup is None:
        _unchecked(ctx, basis, f"folketallene i {ctx.population_file} kunne ikke leses", evidence)
        return
    missing = [b for b in listed if lookup.of(b) is None]
    if missing or not listed:
        reason = (
            f"{lookup.source} har ikke folketall for {_list(missing)}"
            if missing
            else "grunnlaget nevner ingen kommuner"
        )
        _unchecked(ctx, basis, reason, evidence)
        return
    total = sum(lookup.of(b) or 0 for b in listed)
    if total != basis.total:
        ctx.add(
            "basis_total_mismatch",
            at=basis.start,
            message=f"Teksten oppgir {_count(basis.total)} innbyggere for {_list(listed)}, men "
            f"summen er {_count(total)} etter {lookup.source}.",
            action=f"Rett tallet til summen for {period}, eller rett kvartalet teksten viser til.",
            evidence=evidence,
        )


def _population(ctx: CheckContext, listed: list[Body], period: str) -> PopulationLookup | None:
    if ctx.config and ctx.config.population:
        from_config = population_from_config(ctx.config.population, ctx.config.source)
        if all(from_config.of(b) is not None for b in listed):
            return from_config
    contents = ctx.config.basis.contents_code if ctx.config and ctx.config.basis else None
    return population_from_ssb(listed, period, contents or "Folketallet11", ctx.population_file)


def _unchecked(ctx: CheckContext, basis: BasisStatement, reason: str, evidence: str) -> None:
    ctx.add(
        "basis_total_unchecked",
        at=basis.start,
        message=f"Det oppgitte innbyggertallet {_count(basis.total)} kunne ikke kontrolleres: "
        f"{reason}.",
        action="Kontroller tallet mot SSB tabell 01222 for kvartalet avtalen viser til, eller "
        "oppgi folketallene i konfigurasjonen (population).",
        evidence=evidence,
    )


def _list(bodies: list[Body] | tuple[Body, ...]) -> str:
    names = [b.name for b in bodies]
    if len(names) <= 1:
        return "".join(names) or "ingen"
    return ", ".join(names[:-1]) + " og " + names[-1]


def _count(number: int) -> str:
    return f"{number:,}".replace(",", "\u00a0")
