"""Charts as PNG bytes (matplotlib, Agg backend), for the HTML and the PDF alike.

The charts plot mart values as they are; a suppressed or missing value gets no bar and a '–'.
"""

from __future__ import annotations

import io
from decimal import Decimal

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from deliverables import formatting  # noqa: E402

COLOURS = ("#00546e", "#e07b00", "#6c9a1f", "#8e3b8a")
ILLUSTRATIVE_FILL = "#b9d3db"  # a pale COLOURS[0]: bars on illustrative data
DPI = 150


def marked_labels(labels: list[str], illustrative: list[bool]) -> list[str]:
    """Labels with 'ⁱ' on those whose figures are illustrative."""
    marks = zip(labels, illustrative, strict=True)
    return [label + " ⁱ" if mark else label for label, mark in marks]


def _axis_number(value: float, _pos: int) -> str:
    return formatting.axis_number(value)


def _png(fig: plt.Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def _style(ax: plt.Axes) -> None:
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=8)


def grouped_bars(
    categories: list[str],
    series: dict[str, list[int | Decimal | None]],
    *,
    ylabel: str = "",
    texts: dict[str, list[str]] | None = None,
    kind: str = "int",
    note: str = "",
    illustrative: bool = False,
) -> bytes:
    """Vertical grouped bars: one group per category (e.g. year), one bar per series. `texts`
    are the figures as the report prints them (marker included), drawn on the bars, and where a
    value is None (e.g. '–ᵉ', not measurable yet) instead of a bar; by default the integer and
    '–'. `kind` "share" draws a 0-100 % axis and the texts upright; `note` goes above the plot,
    right (e.g. what the figures rest on). Bars on illustrative data are hatched and pale."""
    share = kind == "share"
    fig, ax = plt.subplots(figsize=(7.0, 3.0 if share else 2.8))
    n = max(len(series), 1)
    width = 0.8 / n
    for i, (label, values) in enumerate(series.items()):
        printed = (texts or {}).get(label) or [
            formatting.SUPPRESSED if v is None else formatting.integer(v) for v in values
        ]
        colour = COLOURS[i % len(COLOURS)]
        style = {"color": colour}
        if illustrative:
            style = {"facecolor": colour, "alpha": 0.35, "hatch": "///", "edgecolor": colour}
        # a legend entry even when the series has no bar at all
        ax.bar(0, 0, 0, label=label, **style)
        for j, (value, shown) in enumerate(zip(values, printed, strict=True)):
            x = j - 0.4 + width * (i + 0.5)
            if value is None:
                ax.text(x, 0, shown, ha="center", va="bottom", fontsize=8 if share else 9)
                continue
            ax.bar(x, float(value), width, **style)
            ax.text(
                x,
                float(value),
                (" " if share else "") + shown,
                ha="center",
                va="bottom",
                fontsize=6 if share else 7,
                rotation=90 if share else 0,
            )
    ax.set_xticks(range(len(categories)), categories)
    ax.set_ylabel(ylabel, fontsize=8)
    if share:
        ax.set_ylim(0, 1.3)  # room above a full bar for its upright text
        ax.set_yticks([0, 0.25, 0.5, 0.75, 1.0])
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v * 100:.0f} %"))
    else:
        ax.yaxis.set_major_formatter(FuncFormatter(_axis_number))
    # centred above the plot; left of the note when there is one
    anchor = (
        {"loc": "lower left", "bbox_to_anchor": (0.0, 1.0)}
        if note
        else {
            "loc": "lower center",
            "bbox_to_anchor": (0.5, 1.0),
        }
    )
    ax.legend(fontsize=8, frameon=False, ncols=n, **anchor)
    if note:
        ax.text(1.0, 1.02, note, transform=ax.transAxes, ha="right", va="bottom", fontsize=7)
    _style(ax)
    return _png(fig)


def horizontal_bars(
    labels: list[str],
    values: list[Decimal | None],
    *,
    xlabel: str,
    kind: str = "dec",
    reference: float | None = None,
    reference_label: str = "",
    illustrative: list[bool] | None = None,
    texts: list[str] | None = None,
    note: str = "",
) -> bytes:
    """One horizontal bar per label, value printed at its end; None prints '–' and no bar. A bar
    on illustrative data (`illustrative`) is hatched and pale, its label marked 'ⁱ'. `texts` are
    the figures as the report prints them (marker included, '–ᵖ' where no bar); `note` goes
    above the plot, left (e.g. what the figures rest on)."""
    fmt = formatting.share if kind == "share" else formatting.decimal
    marked = illustrative or [False] * len(labels)
    printed = texts or [formatting.SUPPRESSED if v is None else fmt(v) for v in values]
    height = max(1.6, 0.32 * len(labels) + 0.8)
    fig, ax = plt.subplots(figsize=(7.0, height))
    positions = list(range(len(labels)))[::-1]
    for y, value, pale, shown in zip(positions, values, marked, printed, strict=True):
        if value is None:
            ax.text(0, y, " " + shown, va="center", fontsize=8)
            continue
        pale_style = {"color": ILLUSTRATIVE_FILL, "hatch": "///", "edgecolor": COLOURS[0]}
        ax.barh(y, float(value), 0.6, **(pale_style if pale else {"color": COLOURS[0]}))
        ax.text(float(value), y, " " + shown, va="center", fontsize=7)
    labels = marked_labels(labels, marked)
    if any(marked):
        ax.legend(
            handles=[Patch(facecolor=ILLUSTRATIVE_FILL, hatch="///", edgecolor=COLOURS[0])],
            labels=["ⁱ illustrativ region (eksempeldata)"],
            fontsize=7,
            frameon=False,
            loc="lower right",
            bbox_to_anchor=(1.0, 1.0),  # above the plot, clear of the bars
        )
    if note:
        ax.text(0.0, 1.02, note, transform=ax.transAxes, ha="left", va="bottom", fontsize=7)
    if reference is not None:
        ax.axvline(reference, color=COLOURS[1], linestyle="--", linewidth=1)
        ax.text(reference, len(labels) - 0.4, reference_label, color=COLOURS[1], fontsize=7)
    ax.set_yticks(positions, labels)
    ax.set_ylim(-0.6, len(labels) - 0.4)  # a '–' in the lowest row clear of the axis
    ax.set_xlabel(xlabel, fontsize=8)
    if kind == "share":
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v * 100:.0f} %"))
    else:
        ax.xaxis.set_major_formatter(FuncFormatter(_axis_number))
    ax.margins(x=0.15)
    if not any(value for value in values if value is not None):
        ax.set_xlim(0, 1)  # zeros only: an axis from 0, not around it
    _style(ax)
    return _png(fig)
