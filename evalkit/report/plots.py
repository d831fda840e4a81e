"""Hand-made inline SVG charts: no plotting library, nothing fetched, deterministic output.

Three shapes cover the report: interval plots (scores with CIs), line charts
(pass@k, solved@k, score by month) and heat maps (IOI subtasks).  Each function
returns one ``<svg>`` element as text, with a ``<title>`` for accessibility.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

PALETTE = ("#0969da", "#cf222e", "#1a7f37", "#8250df", "#bc4c00", "#1b7c83", "#bf3989",
           "#6e7781")
FONT = 'font-family="system-ui,sans-serif"'


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".") if x != int(x) else str(int(x))


@dataclass(frozen=True)
class Bar:
    """One interval row: label, value and interval, on a common scale."""

    label: str
    value: float
    low: float
    high: float
    note: str = ""  # shown after the value, e.g. a medal


def interval_plot(title: str, bars: Sequence[Bar], scale_max: float, unit: str,
                  width: int = 640) -> str:
    """Dots with horizontal CI whiskers, one row per bar, on ``[0, scale_max]``."""
    left, right, row_h, top = 190, 120, 26, 34
    height = top + row_h * len(bars) + 50
    plot_w = width - left - right
    top_val = scale_max if scale_max > 0 else 1.0

    def x(v: float) -> float:
        return left + plot_w * min(max(v / top_val, 0.0), 1.0)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="plot" width="{width}" '
           f'height="{height}" viewBox="0 0 {width} {height}" role="img" {FONT} '
           f'font-size="12"><title>{_e(title)}</title>',
           f'<text x="8" y="18" font-size="14" font-weight="600">{_e(title)}</text>']
    axis_y = top + row_h * len(bars) + 4
    for i in range(5):
        v = top_val * i / 4
        out.append(f'<line x1="{x(v):.1f}" y1="{top - 6}" x2="{x(v):.1f}" y2="{axis_y}" '
                   'stroke="#d0d7de"/>')
        out.append(f'<text x="{x(v):.1f}" y="{axis_y + 16}" text-anchor="middle" '
                   f'fill="#57606a">{_fmt(v)}</text>')
    out.append(f'<text x="{left + plot_w / 2:.1f}" y="{axis_y + 34}" text-anchor="middle" '
               f'fill="#57606a">{_e(unit)}</text>')
    for i, b in enumerate(bars):
        y = top + row_h * i + row_h / 2
        color = PALETTE[i % len(PALETTE)]
        out.append(f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end">{_e(b.label)}</text>')
        out.append(f'<line x1="{x(b.low):.1f}" y1="{y:.1f}" x2="{x(b.high):.1f}" y2="{y:.1f}" '
                   f'stroke="{color}" stroke-width="2"/>')
        for end in (b.low, b.high):
            out.append(f'<line x1="{x(end):.1f}" y1="{y - 5:.1f}" x2="{x(end):.1f}" '
                       f'y2="{y + 5:.1f}" stroke="{color}" stroke-width="2"/>')
        out.append(f'<circle cx="{x(b.value):.1f}" cy="{y:.1f}" r="5" fill="{color}"/>')
        label = _fmt(b.value) + (f" {b.note}" if b.note else "")
        out.append(f'<text x="{left + plot_w + 8}" y="{y + 4:.1f}">{_e(label)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def line_plot(title: str, series: Mapping[str, Sequence[tuple[float, float]]], xlabel: str,
              ylabel: str, ymax: float | None = None, xticks: Sequence[str] | None = None,
              width: int = 640, height: int = 300) -> str:
    """Lines with markers; ``xticks`` labels categorical x positions 0..n-1."""
    left, right, top, bottom = 56, 170, 34, 44
    pw, ph = width - left - right, height - top - bottom
    xs = [p[0] for s in series.values() for p in s] or [0.0, 1.0]
    ys = [p[1] for s in series.values() for p in s] or [0.0]
    x0, x1 = min(xs), max(xs)
    if x1 == x0:
        x0, x1 = x0 - 1, x1 + 1
    y1 = ymax if ymax is not None else (max(ys) * 1.1 or 1.0)

    def px(v: float) -> float:
        return left + pw * (v - x0) / (x1 - x0)

    def py(v: float) -> float:
        return top + ph * (1 - min(max(v / y1, 0.0), 1.0))

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="plot" width="{width}" '
           f'height="{height}" viewBox="0 0 {width} {height}" role="img" {FONT} '
           f'font-size="12"><title>{_e(title)}</title>',
           f'<text x="8" y="18" font-size="14" font-weight="600">{_e(title)}</text>']
    for i in range(5):
        v = y1 * i / 4
        out.append(f'<line x1="{left}" y1="{py(v):.1f}" x2="{left + pw}" y2="{py(v):.1f}" '
                   'stroke="#d0d7de"/>')
        out.append(f'<text x="{left - 6}" y="{py(v) + 4:.1f}" text-anchor="end" '
                   f'fill="#57606a">{_fmt(v)}</text>')
    ticks = sorted(set(xs))
    if len(ticks) > 12:
        step = max(1, len(ticks) // 10)
        ticks = ticks[::step]
    for t in ticks:
        label = xticks[int(t)] if xticks is not None and 0 <= int(t) < len(xticks) else _fmt(t)
        out.append(f'<text x="{px(t):.1f}" y="{top + ph + 16}" text-anchor="middle" '
                   f'fill="#57606a">{_e(label)}</text>')
    out.append(f'<text x="{left + pw / 2:.1f}" y="{height - 6}" text-anchor="middle">'
               f'{_e(xlabel)}</text>')
    out.append(f'<text x="14" y="{top + ph / 2:.1f}" text-anchor="middle" '
               f'transform="rotate(-90 14 {top + ph / 2:.1f})">{_e(ylabel)}</text>')
    for i, (name, pts) in enumerate(series.items()):
        color = PALETTE[i % len(PALETTE)]
        path = " ".join(f"{px(a):.1f},{py(b):.1f}" for a, b in pts)
        out.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
        for a, b in pts:
            out.append(f'<circle cx="{px(a):.1f}" cy="{py(b):.1f}" r="3" fill="{color}">'
                       f"<title>{_e(name)}: {_fmt(a) if xticks is None else _e(xticks[int(a)])}"
                       f" → {b:.2f}</title></circle>")
        ly = top + 14 + 18 * i
        out.append(f'<rect x="{left + pw + 12}" y="{ly - 9}" width="12" height="3" '
                   f'fill="{color}"/><text x="{left + pw + 30}" y="{ly - 3}">{_e(name)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def _heat(v: float) -> str:
    """White (0) to green (1), readable in print."""
    v = min(max(v, 0.0), 1.0)
    r, g, b = int(255 - 229 * v), int(255 - 128 * v), int(255 - 200 * v)
    return f"#{r:02x}{g:02x}{b:02x}"


def title_width(title: str) -> int:
    """Width that holds a plot title (14 px, bold) with margins.

    0.63 em per character: headless Chromium's sans-serif bold (DejaVu Sans) needs about
    0.6 em; 7.5 px per character clipped the heat map's title at its right edge.
    """
    return int(len(title) * 14 * 0.63) + 24


def heatmap(title: str, rows: Sequence[str], cols: Sequence[str],
            values: Sequence[Sequence[float | None]], labels: Sequence[Sequence[str]] | None = None,
            width: int | None = None) -> str:
    """A grid of cells coloured by ``values`` in [0, 1] (None: no data), labelled inside."""
    left, top, cw, ch = 200, 60, 110, 22
    w = width or max(left + cw * len(cols) + 16, title_width(title))
    h = top + ch * len(rows) + 12
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="plot" width="{w}" height="{h}" '
           f'viewBox="0 0 {w} {h}" role="img" {FONT} font-size="12"><title>{_e(title)}</title>',
           f'<text x="8" y="18" font-size="14" font-weight="600">{_e(title)}</text>']
    for j, c in enumerate(cols):
        out.append(f'<text x="{left + cw * j + cw / 2:.1f}" y="{top - 8}" '
                   f'text-anchor="middle">{_e(c[:16])}</text>')
    for i, r in enumerate(rows):
        y = top + ch * i
        out.append(f'<text x="{left - 8}" y="{y + 15}" text-anchor="end">{_e(r)}</text>')
        for j in range(len(cols)):
            v = values[i][j]
            fill = "#f6f8fa" if v is None else _heat(v)
            text = "" if labels is None else labels[i][j]
            out.append(f'<rect x="{left + cw * j}" y="{y}" width="{cw - 2}" height="{ch - 2}" '
                       f'fill="{fill}" stroke="#d0d7de"/>')
            if text:
                color = "#ffffff" if v is not None and v > 0.6 else "#1b1f24"
                out.append(f'<text x="{left + cw * j + cw / 2 - 1:.1f}" y="{y + 15}" '
                           f'text-anchor="middle" fill="{color}">{_e(text)}</text>')
    out.append("</svg>")
    return "\n".join(out)
