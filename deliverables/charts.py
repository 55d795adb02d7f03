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
) -> bytes:
    """Vertical grouped bars: one group per category (e.g. year), one bar per series."""
    fig, ax = plt.subplots(figsize=(7.0, 2.8))
    n = max(len(series), 1)
    width = 0.8 / n
    for i, (label, values) in enumerate(series.items()):
        labelled = False
        for j, value in enumerate(values):
            x = j - 0.4 + width * (i + 0.5)
            if value is None:
                ax.text(x, 0, formatting.SUPPRESSED, ha="center", va="bottom", fontsize=9)
                continue
            colour = COLOURS[i % len(COLOURS)]
            ax.bar(x, float(value), width, color=colour, label=None if labelled else label)
            labelled = True
            ax.text(
                x, float(value), formatting.integer(value), ha="center", va="bottom", fontsize=7
            )
    ax.set_xticks(range(len(categories)), categories)
    ax.set_ylabel(ylabel, fontsize=8)
    ax.yaxis.set_major_formatter(FuncFormatter(_axis_number))
    ax.legend(fontsize=8, frameon=False, ncols=n, loc="lower center", bbox_to_anchor=(0.5, 1.0))
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
) -> bytes:
    """One horizontal bar per label, value printed at its end; None prints '–' and no bar. A bar
    on illustrative data (`illustrative`) is hatched and pale, its label marked 'ⁱ'."""
    fmt = formatting.share if kind == "share" else formatting.decimal
    marked = illustrative or [False] * len(labels)
    height = max(1.6, 0.32 * len(labels) + 0.8)
    fig, ax = plt.subplots(figsize=(7.0, height))
    positions = list(range(len(labels)))[::-1]
    for y, value, pale in zip(positions, values, marked, strict=True):
        if value is None:
            ax.text(0, y, " " + formatting.SUPPRESSED, va="center", fontsize=8)
            continue
        pale_style = {"color": ILLUSTRATIVE_FILL, "hatch": "///", "edgecolor": COLOURS[0]}
        ax.barh(y, float(value), 0.6, **(pale_style if pale else {"color": COLOURS[0]}))
        ax.text(float(value), y, " " + fmt(value), va="center", fontsize=7)
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
    if reference is not None:
        ax.axvline(reference, color=COLOURS[1], linestyle="--", linewidth=1)
        ax.text(reference, len(labels) - 0.4, reference_label, color=COLOURS[1], fontsize=7)
    ax.set_yticks(positions, labels)
    ax.set_xlabel(xlabel, fontsize=8)
    if kind == "share":
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v * 100:.0f} %"))
    else:
        ax.xaxis.set_major_formatter(FuncFormatter(_axis_number))
    ax.margins(x=0.15)
    _style(ax)
    return _png(fig)
