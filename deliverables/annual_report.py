"""Årsrapport per region and year, as HTML and PDF files, rendered on every core.

`render_annual_reports` reads the marts once, has each region's `Report` built
(deliverables.annual_report_content, what the report says) and rendered to HTML and PDF in a
pool of processes, and writes `arsrapport_<region>_<year>.html` and `.pdf` atomically.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path

from deliverables import html, pdf
from deliverables.annual_report_content import build_region_report
from deliverables.io import write_atomic
from deliverables.marts import MartData, Row, read_marts
from deliverables.quality import CheckStatus


@dataclass(frozen=True)
class RenderedReport:
    region_id: str
    year: int
    path: Path  # the HTML file
    pdf_path: Path


# A region's report keeps a core busy (charts and PDF; docs/performance.md), and the reports do
# not depend on each other: they render on every core, in processes forked from a server that has
# this module and its imports (matplotlib, fpdf) loaded already. Forked from that server, not from
# the caller, which may hold threads (Dagster, DuckDB, the GX worker).
_RENDERERS = multiprocessing.get_context("forkserver")


def start_renderers() -> None:
    """Start the server the renderers fork from, so its imports run on another core while the
    caller loads (`etablerer run`). Without it, the first report run starts it."""
    _RENDERERS.set_forkserver_preload([__name__])
    multiprocessing.forkserver.ensure_running()


def _renderer_pool(processes: int) -> ProcessPoolExecutor:
    start_renderers()
    return ProcessPoolExecutor(processes, mp_context=_RENDERERS, initializer=_end_with_the_parent)


def _end_with_the_parent() -> None:
    """In a renderer: end when the process that asked for the reports ends. Killed alone (SIGKILL,
    the OOM killer), it would leave its renderers waiting for work for ever, and the server they
    were forked from with them. multiprocessing gives every child a sentinel of its parent."""
    threading.Thread(
        target=_exit_after, args=[multiprocessing.parent_process()], daemon=True
    ).start()


def _exit_after(parent: multiprocessing.process.BaseProcess) -> None:
    parent.join()
    os._exit(1)


def _render_region(
    data: MartData, region: Row, checks: list[CheckStatus] | None, generated_at: str
) -> tuple[bytes, bytes]:
    """One region's report as HTML and PDF bytes."""
    report = build_region_report(data, region, checks=checks, generated_at=generated_at)
    return html.render(report).encode("utf-8"), pdf.render(report)


def _render_regions(
    data: MartData, regions: list[Row], checks: list[CheckStatus] | None, generated_at: str
) -> list[tuple[bytes, bytes]]:
    render = partial(_render_region, data, checks=checks, generated_at=generated_at)
    processes = min(len(regions), os.cpu_count() or 1)
    if processes < 2:
        return [render(region) for region in regions]
    try:
        with _renderer_pool(processes) as pool:
            return list(pool.map(render, regions))
    except BrokenProcessPool:  # a renderer was killed (memory): render here instead
        return [render(region) for region in regions]


def render_annual_reports(
    db_path: Path,
    year: int,
    out_dir: Path,
    *,
    checks: list[CheckStatus] | None = None,
    regions: Sequence[str] | None = None,
) -> list[RenderedReport]:
    """Writes `arsrapport_<region>_<year>.html` and `.pdf` for every region (or those in
    `regions`) into out_dir/<year>/.

    All reports are built in memory first; files are written only when every one was built, each
    atomically, so a failure leaves the earlier files as they were."""
    data = read_marts(db_path, year)
    generated_at = datetime.now().strftime("%d.%m.%Y %H:%M")
    folder = Path(out_dir) / str(year)
    wanted = [r for r in data.regions if regions is None or r["region_id"] in regions]
    built = _render_regions(data, wanted, checks, generated_at)
    rendered = []
    for region, (html_bytes, pdf_bytes) in zip(wanted, built, strict=True):
        stem = f"arsrapport_{region['region_id']}_{year}"
        html_path, pdf_path = folder / f"{stem}.html", folder / f"{stem}.pdf"
        write_atomic(html_path, html_bytes)
        write_atomic(pdf_path, pdf_bytes)
        rendered.append(RenderedReport(region["region_id"], year, html_path, pdf_path))
    return rendered
