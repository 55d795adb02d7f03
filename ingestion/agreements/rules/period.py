"""The agreement period: stated in the text, and the same as configured."""

from __future__ import annotations

from ..facts import DURATION_TITLE
from ..findings import CheckContext


def check(ctx: CheckContext) -> None:
    stated = ctx.facts.period
    configured = ctx.config.period if ctx.config else None
    if stated is None:
        clause = next((c for c in ctx.document.clauses if DURATION_TITLE.search(c.title)), None)
        known = f" Konfigurasjonen sier {configured[0]}–{configured[1]}." if configured else ""
        ctx.add(
            "period_missing",
            at=clause.start if clause else None,
            message="Teksten sier ikke hvilken periode avtalen gjelder (fra år til år)." + known,
            action="Skriv varigheten, for eksempel «Avtalen gjelder fra 1. januar 2026 til 31. "
            "desember 2028».",
        )
        return
    if configured and (stated.first_year, stated.last_year) != configured:
        ctx.add(
            "period_mismatch",
            at=stated.start,
            message=f"Teksten sier {stated.first_year}–{stated.last_year}, men "
            f"konfigurasjonen ({ctx.config.agreement_id}) sier {configured[0]}–{configured[1]}.",
            action="Rett teksten eller konfigurasjonen, så de sier det samme.",
            evidence=ctx.around(stated.start, stated.start + 60, width=0),
        )
