"""Rules on the wording: placeholders, «eks.» items, draft comments, legal references without
«§», and clause numbers that lost a dot."""

from __future__ import annotations

import re

from ..findings import CheckContext, quote

PLACEHOLDERS = (
    re.compile(r"(?<!\w)[xX]{3,}(?!\w)"),  # «xxxxxxx kr», «XXX»
    re.compile(r"\?{2,}"),  # «eks.????»
    re.compile(r"\[[^\]\n]{0,40}\]"),  # «[…]», «[beløp]»
    re.compile(r"<[^<>\n]{1,40}>"),  # «<navn>»
    re.compile(r"_{4,}|\.{5,}|…{2,}"),  # a line to fill in by hand
    re.compile(r"(?<!\w)(?:TBD|TODO|FIXME)(?!\w)"),
)
# A placeholder near these words stands where money belongs: an amount or a rate.
_MONEY_WORDS = re.compile(
    r"(?i)(?<!\w)(?:kr|kroner|nok|beløp\w*|bidrag\w*|stk\.?pris|stykkpris\w*|sats\w*|sum)(?!\w)"
)
_EXAMPLE_ITEM = re.compile(
    r"(?im)^[ \t]*(?:[•·▪◦*\-–][ \t]*)?(?P<marker>f\.\s?eks\.|eks\.|for eksempel\b)"
)
DRAFT_NOTES = (
    # A question to the authors themselves: «(skal vi redusere aktivitet kan denne sløyfes)».
    re.compile(r"\([^()]*\b(?:skal|bør|må|kan) vi\b[^()]*\)", re.IGNORECASE),
    # A list left open: «(Denne listen kan forlenges og redigeres)».
    re.compile(r"\([^()]*\bkan (?:forlenges|utvides|endres|redigeres)\b[^()]*\)", re.IGNORECASE),
    re.compile(r"(?<!\w)(?:NB!|Kommentar:|Merknad til utkast)", re.IGNORECASE),
)
_LAW = r"(?:\b[A-Za-zÆØÅæøå]+loven|\b[Ll]ov om(?:\s+[A-ZÆØÅa-zæøå-]+){1,6}?)"
# «forvaltningsloven 5 13»: a «§» that text extraction read as the digit 5.
_SECTION_AS_FIVE = re.compile(rf"(?P<law>{_LAW})\s+5\s+(?P<num>\d{{1,3}}[a-z]?)\b")
_NO_SECTION = re.compile(rf"(?P<law>{_LAW})\s+(?P<num>\d{{1,3}}[a-z]?)\b(?!\s*(?:år|kr|%))")


def placeholders(ctx: CheckContext) -> None:
    text = ctx.document.text
    taken: list[tuple[int, int]] = []
    for pattern in PLACEHOLDERS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(s < end and start < e for s, e in taken):
                continue
            taken.append((start, end))
            window = text[max(0, start - 30) : end + 30]
            if _MONEY_WORDS.search(window):
                ctx.add(
                    "placeholder_amount",
                    at=start,
                    message=f"Plassholderen «{match.group()}» står der et beløp eller en sats "
                    "skal stå.",
                    action="Skriv inn beløpet med tall. Et beløp som ikke er fylt inn, er "
                    "manglende (ikke 0), og utbetalingen kan ikke beregnes før det er på plass.",
                    evidence=ctx.around(start, end),
                )
            else:
                ctx.add(
                    "placeholder",
                    at=start,
                    message=f"Plassholderen «{match.group()}» er ikke fylt inn.",
                    action="Skriv teksten som skal stå her, eller stryk punktet.",
                    evidence=ctx.around(start, end),
                )


def example_items(ctx: CheckContext) -> None:
    for match in _EXAMPLE_ITEM.finditer(ctx.document.text):
        start = match.start("marker")
        if any(p.search(ctx.document.line_text(start)) for p in PLACEHOLDERS):
            continue  # «eks.????»: reported once, as a placeholder
        ctx.add(
            "example_item",
            at=start,
            message=f"Listepunktet begynner med «{match['marker']}»: det er et eksempel, ikke en "
            "tjeneste avtalen forplikter til.",
            action="Avgjør om tjenesten skal være med. Skriv den i så fall uten «eks.», ellers "
            "stryk punktet.",
            evidence=ctx.document.line_text(start),
        )


def draft_notes(ctx: CheckContext) -> None:
    for pattern in DRAFT_NOTES:
        for match in pattern.finditer(ctx.document.text):
            ctx.add(
                "draft_note",
                at=match.start(),
                message=f"«{quote(match.group(), 80)}» er en kommentar fra utkastet, ikke "
                "avtaletekst.",
                action="Avgjør spørsmålet eller listen, og stryk kommentaren før avtalen signeres.",
                evidence=match.group(),
            )


def legal_references(ctx: CheckContext) -> None:
    text = ctx.document.text
    taken: list[tuple[int, int]] = []
    for pattern, what in (
        (_SECTION_AS_FIVE, "der «§» er blitt til «5»"),
        (_NO_SECTION, "uten «§»"),
    ):
        for match in pattern.finditer(text):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            taken.append(match.span())
            law = " ".join(match["law"].split())
            written = " ".join(match.group().split())
            ctx.add(
                "malformed_legal_reference",
                at=match.start(),
                message=f"«{written}» ser ut som en lovhenvisning {what}.",
                action=f"Skriv «{law} § {match['num']}».",
                evidence=written,
            )


def clause_numbers(ctx: CheckContext) -> None:
    for clause in ctx.document.clauses:
        if clause.written_number != clause.number:
            ctx.add(
                "malformed_clause_number",
                at=clause.start,
                message=f"Punktnummeret «{clause.written_number}» mangler et punktum.",
                action=f"Skriv «{clause.number}», eller gi punktet riktig nummer.",
                evidence=f"{clause.written_number} {clause.title}",
            )
