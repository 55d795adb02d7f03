"""The agreement's structure: numbered clauses («1. Parter», «5.2.1 …») and the signature block.

A finding names its clause as the text does («§6», «§5.2.1»). Headings are recognised by their
number and a capitalised title, and only in sequence (a top-level number one to three above the
previous, a sub-number under the current top level), so a line that happens to start with
«1. kvartal» in §6 is not taken for §1.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path

from .reader import AgreementText

TITLE_LABEL = "tittel"
SIGNATURE_LABEL = "signaturfelt"

_HEADING = re.compile(
    r"^[ \t]*(?P<num>\d{1,2}(?:\.\d{1,2}){0,3})(?P<broken> \d{1,2}(?= ))?\.?[ \t]+"
    r"(?P<title>[A-ZÆØÅ][^\n]{0,80})$",
    re.MULTILINE,
)
_SIGNATURE_HEADING = re.compile(r"(?im)^[ \t]*(underskrift(?:er)?|signatur(?:er)?)\b")
_DATE = re.compile(r"\b\d{1,2}\.\s?\d{1,2}\.\s?\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b")


@dataclass(frozen=True)
class Clause:
    number: str  # «5.4.1», with a lost dot restored
    written_number: str  # as written: «5.4 1»
    title: str
    start: int  # offset of the heading line
    end: int  # offset where the next clause (or the signature block) begins

    @property
    def label(self) -> str:
        return f"§{self.number}"

    @property
    def is_top_level(self) -> bool:
        return "." not in self.number


@dataclass
class AgreementDocument:
    """The text with its clauses, and helpers to say where an offset lies."""

    path: Path
    text: str
    sha256: str
    file_format: str
    clauses: list[Clause] = field(default_factory=list)
    signature_start: int | None = None
    _line_starts: list[int] = field(default_factory=list, repr=False)

    def line_of(self, offset: int) -> int:
        """1-based line number of a character offset."""
        return bisect.bisect_right(self._line_starts, offset)

    def line_text(self, offset: int) -> str:
        start = self._line_starts[self.line_of(offset) - 1]
        end = self.text.find("\n", start)
        return self.text[start : end if end >= 0 else len(self.text)]

    def clause_at(self, offset: int) -> str:
        if self.signature_start is not None and offset >= self.signature_start:
            return SIGNATURE_LABEL
        label = TITLE_LABEL
        for clause in self.clauses:
            if clause.start <= offset:
                label = clause.label
        return label

    def clause(self, number: str) -> Clause | None:
        return next((c for c in self.clauses if c.number == number), None)

    def top_level(self, number: str) -> tuple[int, int] | None:
        """Offsets of a top-level clause with its sub-clauses (§5 includes §5.2.1)."""
        clause = self.clause(number)
        if clause is None:
            return None
        following = [c.start for c in self.clauses if c.is_top_level and c.start > clause.start]
        end = min([*following, self.signature_start or len(self.text), len(self.text)])
        return clause.start, end

    def preamble(self) -> str:
        first = self.clauses[0].start if self.clauses else len(self.text)
        return self.text[:first]


def structure(agreement: AgreementText) -> AgreementDocument:
    text = agreement.text
    document = AgreementDocument(agreement.path, text, agreement.sha256, agreement.file_format)
    document._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    document.signature_start = _signature_start(text)
    limit = document.signature_start if document.signature_start is not None else len(text)
    headings = _headings(text[:limit])
    for i, (number, written, title, start) in enumerate(headings):
        end = headings[i + 1][3] if i + 1 < len(headings) else limit
        document.clauses.append(Clause(number, written, title, start, end))
    return document


def _headings(text: str) -> list[tuple[str, str, str, int]]:
    found: list[tuple[str, str, str, int]] = []
    top: int | None = None
    for match in _HEADING.finditer(text):
        written = match["num"] + (match["broken"] or "")
        number = match["num"] + ("." + match["broken"].strip() if match["broken"] else "")
        first = int(number.split(".")[0])
        if "." not in number:
            if not (top is None and first <= 3 or top is not None and top < first <= top + 3):
                continue
            top = first
        elif first != top:
            continue
        found.append((number, written, match["title"].strip(), match.start()))
    return found


def _signature_start(text: str) -> int | None:
    """Where the signature block begins: at a heading «Underskrifter»/«Signaturer», else after
    the last line of prose (a sentence of five words or more that ends with a full stop). None
    when nothing follows the prose."""
    headings = list(_SIGNATURE_HEADING.finditer(text))
    if headings:
        return headings[-1].start()
    last_prose_end = None
    for match in re.finditer(r"^[^\n]*$", text, re.MULTILINE):
        line = match.group().strip()
        if line.endswith((".", "!", "?")) and len(line.split()) >= 5 and not _DATE.search(line):
            last_prose_end = match.end()
    if last_prose_end is None:
        return None
    rest = text[last_prose_end:]
    if not rest.strip():
        return None
    return last_prose_end + (len(rest) - len(rest.lstrip()))
