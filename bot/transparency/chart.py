"""The report's chart: decisions per clause (removed, sent to review, warned) as an inline SVG drawn by matplotlib."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display: render to a file-like object only

import matplotlib.pyplot as plt

from bot.i18n import tr

COLORS = {"removed": "#b2182b", "review": "#ef8a62", "warned": "#67a9cf"}
"""Colour-blind-safe diverging palette (ColorBrewer RdBu); the browser test looks for these."""
KINDS = ("removed", "review", "warned")
_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.S)
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)


def plotted(value: object) -> int:
    """What a bar shows: a masked "<5" is drawn as 0 so that the chart reveals no more than the table."""
    return value if isinstance(value, int) else 0


def _bilingual(key: str) -> str:
    """A label in French then English ("retirés / removed"), once when both are the same word ("Clause")."""
    fr, en = tr(f"transparency.chart.{key}", "fr"), tr(f"transparency.chart.{key}", "en")
    return fr if fr == en else f"{fr} / {en}"


def chart_svg(clauses: Sequence[Mapping[str, Any]], *, salt: str) -> str:
    """A horizontal stacked bar per clause, as an `<svg>` element ready to inline (no prologue, no external refs).

    Labels are bilingual (French / English), like the page.
    """
    labels = {key: _bilingual(key) for key in (*KINDS, "clause", "x")}
    names = [f"§{c['clause']}" for c in clauses] or ["—"]
    with matplotlib.rc_context({"svg.hashsalt": salt, "svg.fonttype": "none", "font.size": 10}):
        fig, ax = plt.subplots(figsize=(7, 0.45 * len(names) + 1.4))
        left = [0] * len(names)
        for kind in KINDS:
            values = [plotted(c[kind]) for c in clauses] or [0]
            ax.barh(names, values, left=left, color=COLORS[kind], label=labels[kind], gid=f"bars-{kind}")
            left = [a + b for a, b in zip(left, values, strict=True)]
        ax.invert_yaxis()
        ax.set_xlabel(labels["x"])
        ax.set_ylabel(labels["clause"])
        ax.legend(loc="lower right", frameon=False)
        ax.spines[["top", "right"]].set_visible(False)
        fig.tight_layout()
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
        plt.close(fig)
    svg = _METADATA.sub("", _PROLOGUE.sub("", buffer.getvalue(), count=1), count=1)
    return svg.strip()
