"""A `Report` (deliverables.model) as one self-contained HTML page: charts are embedded as PNG."""

from __future__ import annotations

import base64

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from deliverables.formatting import keep_numbers_whole
from deliverables.model import FOOTNOTES, Report


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("deliverables", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["whole_numbers"] = keep_numbers_whole
    env.filters["data_uri"] = lambda png: "data:image/png;base64," + base64.b64encode(png).decode()
    return env


def render(report: Report) -> str:
    return _environment().get_template("report.html.j2").render(r=report, footnotes=FOOTNOTES)


def render_template(name: str, **context) -> str:
    return _environment().get_template(name).render(**context)
