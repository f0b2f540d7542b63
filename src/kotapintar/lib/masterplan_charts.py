"""Server-side SVG charts for the master plan documents (no Django imports, no JavaScript).

Each function returns a standalone SVG string that WeasyPrint (PDF) and browsers render as is.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from xml.sax.saxutils import escape

from kotapintar.lib.idr_words import format_idr_short

PALETTE = ["#0b6e4f", "#b5651d", "#2e90fa", "#7a5af8", "#e04f5f", "#667085", "#12b76a", "#f79009"]
FONT = "font-family='DejaVu Sans, Noto Sans, sans-serif'"


def _svg(width: int, height: int, body: str) -> str:
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
        f"viewBox='0 0 {width} {height}' {FONT} font-size='11'>{body}</svg>"
    )


def stacked_bars(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    width: int = 640,
    height: int = 260,
    value_format: str = "idr",
) -> str:
    """Vertical stacked bars: one bar per label, one colour per series, with a legend."""
    left, right, top, bottom = 96, 12, 14, 46
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(s[1][i] for s in series) for i in range(len(labels))]
    peak = max(totals + [1.0])
    step = 10 ** math.floor(math.log10(peak)) if peak > 0 else 1
    top_value = math.ceil(peak / step) * step
    parts: list[str] = []
    for k in range(5):
        v = top_value * k / 4
        y = top + plot_h - plot_h * k / 4
        text = format_idr_short(round(v)) if value_format == "idr" else f"{v:g}"
        parts.append(f"<line x1='{left}' y1='{y:.1f}' x2='{width - right}' y2='{y:.1f}' stroke='#dde2ea'/>")
        parts.append(
            f"<text x='{left - 6}' y='{y + 4:.1f}' text-anchor='end' fill='#5b6475'>{escape(text)}</text>"
        )
    n = max(len(labels), 1)
    slot = plot_w / n
    bar_w = slot * 0.62
    for i, lab in enumerate(labels):
        x = left + slot * i + (slot - bar_w) / 2
        y = top + plot_h
        for j, (_name, values) in enumerate(series):
            h = plot_h * values[i] / top_value if top_value else 0
            if h > 0:
                y -= h
                parts.append(
                    f"<rect x='{x:.1f}' y='{y:.1f}' width='{bar_w:.1f}' height='{h:.1f}' "
                    f"fill='{PALETTE[j % len(PALETTE)]}'/>"
                )
        parts.append(
            f"<text x='{x + bar_w / 2:.1f}' y='{top + plot_h + 14}' text-anchor='middle' fill='#1d2433'>"
            f"{escape(str(lab))}</text>"
        )
    lx = left
    for j, (name, _values) in enumerate(series):
        parts.append(
            f"<rect x='{lx}' y='{height - 16}' width='10' height='10' fill='{PALETTE[j % len(PALETTE)]}'/>"
            f"<text x='{lx + 14}' y='{height - 7}' fill='#1d2433'>{escape(name)}</text>"
        )
        lx += 24 + 7 * len(name)
    return _svg(width, height, "".join(parts))


def radar(
    axes: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    maximum: float = 5,
    size: int = 340,
) -> str:
    """A radar (spider) chart with one polygon per series on a 0..maximum scale."""
    width = size + 220
    cx, cy, r = size / 2 + 40, size / 2 + 10, size / 2 - 40
    n = max(len(axes), 3)

    def point(i: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        return cx + r * value / maximum * math.cos(angle), cy + r * value / maximum * math.sin(angle)

    parts: list[str] = []
    for level in range(1, int(maximum) + 1):
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, level) for i in range(n)))
        parts.append(f"<polygon points='{pts}' fill='none' stroke='#dde2ea'/>")
    for i, name in enumerate(axes):
        x, y = point(i, maximum)
        parts.append(f"<line x1='{cx:.1f}' y1='{cy:.1f}' x2='{x:.1f}' y2='{y:.1f}' stroke='#dde2ea'/>")
        lx, ly = point(i, maximum * 1.16)
        anchor = "middle" if abs(lx - cx) < 10 else ("start" if lx > cx else "end")
        parts.append(f"<text x='{lx:.1f}' y='{ly + 4:.1f}' text-anchor='{anchor}'>{escape(name)}</text>")
    for j, (_name, values) in enumerate(series):
        color = PALETTE[j % len(PALETTE)]
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, v) for i, v in enumerate(values)))
        parts.append(
            f"<polygon points='{pts}' fill='{color}' fill-opacity='0.15' stroke='{color}' stroke-width='2'/>"
        )
    ly = 24
    for j, (name, _values) in enumerate(series):
        parts.append(
            f"<rect x='{size + 70}' y='{ly}' width='10' height='10' fill='{PALETTE[j % len(PALETTE)]}'/>"
            f"<text x='{size + 86}' y='{ly + 9}'>{escape(name)}</text>"
        )
        ly += 18
    return _svg(int(width), size + 20, "".join(parts))


def progress_bars(rows: Sequence[tuple[str, float]], *, width: int = 640) -> str:
    """Horizontal bars 0–100 %, one per row (e.g. progress per dimension)."""
    bar_h, gap, label_w = 16, 10, 170
    height = len(rows) * (bar_h + gap) + gap
    parts: list[str] = []
    plot_w = width - label_w - 60
    for i, (name, pct) in enumerate(rows):
        y = gap + i * (bar_h + gap)
        w = plot_w * max(0.0, min(pct, 100.0)) / 100
        parts.append(f"<text x='{label_w - 8}' y='{y + 12}' text-anchor='end'>{escape(name)}</text>")
        parts.append(f"<rect x='{label_w}' y='{y}' width='{plot_w}' height='{bar_h}' rx='8' fill='#e9edf2'/>")
        if w > 0:
            parts.append(
                f"<rect x='{label_w}' y='{y}' width='{w:.1f}' height='{bar_h}' rx='8' fill='#0b6e4f'/>"
            )
        parts.append(f"<text x='{label_w + plot_w + 8}' y='{y + 12}'>{pct:.0f}%</text>")
    return _svg(width, height, "".join(parts))
