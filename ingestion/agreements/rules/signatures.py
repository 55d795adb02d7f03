"""The signature block: an agreement is a draft until each party has a signatory and a date, and
no payout is made on a draft. The evidence quotes the parties' labels, never a signatory's name."""

from __future__ import annotations

from ..findings import CheckContext

ACTION = (
    "Få avtalen signert: navn, stilling og dato for hver part. Til da er avtalen et utkast, og "
    "ingen utbetaling kan skje etter den."
)


def check(ctx: CheckContext) -> None:
    block = ctx.facts.signatures
    if block is None:
        ctx.add(
            "missing_signatures",
            at=None,
            clause="signaturfelt",
            message="Avtalen har ikke noe signaturfelt etter siste punkt.",
            action=ACTION,
        )
        return
    parties = len(dict.fromkeys(m.body for m in block.bodies)) or 1
    gaps = []
    if block.signatories == 0:
        gaps.append("ingen navn på den som signerer")
    elif block.signatories < parties:
        gaps.append(f"navn for bare {block.signatories} av {parties} parter")
    if block.dates == 0:
        gaps.append("ingen dato")
    if gaps:
        labels = " … ".join(dict.fromkeys(" ".join(m.text.split()) for m in block.bodies))
        ctx.add(
            "missing_signatures",
            at=block.start,
            message=f"Signaturfeltet har {' og '.join(gaps)}.",
            action=ACTION,
            evidence=labels,
        )
