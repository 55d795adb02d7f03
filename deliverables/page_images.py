"""PDF pages as images: `python -m deliverables.page_images REPORTS_DIR OUT_DIR` (make images).

Renders with pypdfium2, PDFium's pure wheels from PyPI (a development dependency), so neither CI
nor a reader needs a system package. The README shows the pages of the sample's annual report
and county overview from docs/images/; the layout test reads the banner strip of every page.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image

from deliverables.pdf import BANNER_FILL, BANNER_HEIGHT

# The reports whose pages docs/images keeps: the real region's annual report, the overview.
DOCUMENTED = ("arsrapport_ringeriksregionen_{year}.pdf", "fellesrapport_{year}.pdf")
SCALE = 1.25  # 72 dpi × 1.25: an A4 page is 744 × 1052 pixels, its 7.5 pt table text legible


def pages(pdf: bytes, scale: float = SCALE) -> list[Image.Image]:
    import pypdfium2  # development dependency: make images and the tests

    document = pypdfium2.PdfDocument(pdf)
    try:
        return [page.render(scale=scale).to_pil().convert("RGB") for page in document]
    finally:
        document.close()


def has_banner(page: Image.Image, points_per_mm: float = 72 / 25.4) -> bool:
    """Whether the page's top strip is the standing banner: most of the strip's pixels have the
    banner's fill (its text covers the rest)."""
    scale = page.width / (210 * points_per_mm)  # the page is A4, 210 mm wide
    strip = page.crop((0, 0, page.width, max(1, int(BANNER_HEIGHT * points_per_mm * scale))))
    filled = sum(
        1
        for pixel in strip.getdata()
        if all(abs(a - b) <= 8 for a, b in zip(pixel, BANNER_FILL, strict=True))
    )
    return filled > 0.6 * strip.width * strip.height


def write_images(reports_dir: Path, out_dir: Path, year: int) -> list[Path]:
    """Each page of the documented reports as `<report>_p<NN>.png`; stale pages removed."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in DOCUMENTED:
        pdf = reports_dir / name.format(year=year)
        stem = pdf.stem.replace(f"_{year}", "")
        for old in out_dir.glob(f"{stem}_p*.png"):
            old.unlink()
        for number, image in enumerate(pages(pdf.read_bytes()), start=1):
            path = out_dir / f"{stem}_p{number:02d}.png"
            image.quantize(colors=64).save(path, optimize=True)
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 3:
        sys.exit("Bruk: python -m deliverables.page_images RAPPORTMAPPE UTMAPPE ÅR")
    written = write_images(Path(args[0]), Path(args[1]), int(args[2]))
    print(f"{len(written)} sidebilder skrevet til {args[1]}")


if __name__ == "__main__":
    main()
