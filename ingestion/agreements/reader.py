"""Read an agreement (.txt, .docx or .pdf) into plain text, with the sha256 of the file's bytes.

The text is normalised only where the rules would otherwise stumble: line endings, form feeds and
the no-break spaces Word and PDF converters put between words and in numbers («46 790»). The
sha256 is of the original bytes, so a finding can be tied to the exact file that was read.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

SUPPORTED_SUFFIXES = (".txt", ".docx", ".pdf")
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2007": " "})
_WORD = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class AgreementUnreadable(ValueError):
    """The file cannot be read as an agreement. The message is Norwegian and says what to do."""


@dataclass(frozen=True)
class AgreementText:
    path: Path
    text: str
    sha256: str
    file_format: str  # txt | docx | pdf


def read_agreement(path: Path) -> AgreementText:
    """The agreement's text. Raises AgreementUnreadable for a missing file, an unsupported format
    or a file without text (a scanned PDF, an empty document)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise AgreementUnreadable(
            f"{path.name}: formatet «{suffix or 'uten endelse'}» støttes ikke. Lagre avtalen som "
            ".docx, .pdf eller .txt og kjør kontrollen på nytt."
        )
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        raise AgreementUnreadable(f"Fant ikke filen {path}. Sjekk stien.") from None
    except OSError as exc:
        raise AgreementUnreadable(f"Kunne ikke lese {path}: {exc.strerror or exc}.") from None
    readers = {".txt": _text_of_txt, ".docx": _text_of_docx, ".pdf": _text_of_pdf}
    text = normalise(readers[suffix](content, path.name))
    if not text.strip():
        raise AgreementUnreadable(
            f"{path.name} har ingen tekst å kontrollere. Er det en skannet PDF, må den gjøres "
            "om til tekst (OCR) eller sendes som .docx."
        )
    return AgreementText(path, text, hashlib.sha256(content).hexdigest(), suffix[1:])


def normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\n")
    return text.translate(_SPACES)


def _text_of_txt(content: bytes, name: str) -> str:
    # Agreements saved from Norwegian Word come as UTF-8 (with or without BOM) or Windows-1252.
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def _text_of_docx(content: bytes, name: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            xml = archive.read("word/document.xml")
        root = ElementTree.fromstring(xml)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError) as exc:
        raise AgreementUnreadable(
            f"{name} er ikke et lesbart Word-dokument (.docx): {exc}. Åpne og lagre den på nytt "
            "i Word, eller send avtalen som PDF."
        ) from None
    body = root.find(f"{_WORD}body")
    if body is None:
        return ""
    numbering = _HeadingNumbers()
    lines: list[str] = []
    for block in body:
        if block.tag == f"{_WORD}p":
            prefix, text = numbering.prefix(block), _paragraph_text(block)
            # A heading numbered by hand as well as by Word keeps its own number only.
            lines.append(text if re.match(r"\s*\d", text) else prefix + text)
        elif block.tag == f"{_WORD}tbl":
            # A row becomes one line with the cells tab-separated, as the table rule expects.
            for row in block.iter(f"{_WORD}tr"):
                cells = [
                    " ".join(_paragraph_text(p) for p in cell.iter(f"{_WORD}p")).strip()
                    for cell in row.iter(f"{_WORD}tc")
                ]
                lines.append("\t".join(cells))
    return "\n".join(lines)


def _paragraph_text(paragraph: ElementTree.Element) -> str:
    parts = []
    for node in paragraph.iter():
        if node.tag == f"{_WORD}t" and node.text:
            parts.append(node.text)
        elif node.tag == f"{_WORD}tab":
            parts.append("\t")
        elif node.tag in (f"{_WORD}br", f"{_WORD}cr"):
            parts.append("\n")
    return "".join(parts)


class _HeadingNumbers:
    """Word keeps automatic heading numbers («6.», «5.2.1») out of the text. Headings with a
    numbering level get them back, counted per level, so clauses can be named as the reader sees
    them. Ordinary numbered lists are left alone."""

    def __init__(self) -> None:
        self.counters: list[int] = []

    def prefix(self, paragraph: ElementTree.Element) -> str:
        properties = paragraph.find(f"{_WORD}pPr")
        if properties is None:
            return ""
        style = properties.find(f"{_WORD}pStyle")
        style_name = style.get(f"{_WORD}val", "") if style is not None else ""
        if not re.match(r"(?i)(heading|overskrift)\d", style_name):
            return ""
        level_node = properties.find(f"{_WORD}numPr/{_WORD}ilvl")
        if properties.find(f"{_WORD}numPr") is None:
            return ""
        level = int(level_node.get(f"{_WORD}val", "0")) if level_node is not None else 0
        self.counters = (self.counters + [0] * (level + 1))[: level + 1]
        self.counters[level] += 1
        number = ".".join(str(n) for n in self.counters)
        return f"{number}. " if level == 0 else f"{number} "


def _text_of_pdf(content: bytes, name: str) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(content))
        encrypted = reader.is_encrypted and not reader.decrypt("")
        pages = [] if encrypted else [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError) as exc:
        raise AgreementUnreadable(
            f"{name} er ikke en lesbar PDF ({exc}). Lag PDF-en på nytt fra originalen."
        ) from None
    if encrypted:
        raise AgreementUnreadable(f"{name} er passordbeskyttet. Send en kopi uten passord.")
    return "\n".join(pages)
