"""Small server-rendered SVG charts (no script, no CDN): bars by class, lines by month.

Each returns a complete <svg> element with a <title> per mark so a hover shows the value,
and an aria-label so a screen reader has the figures too.
"""

from decimal import Decimal
from html import escape

from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#1f4e79", "#c0504d", "#4f8a3c", "#d68a1a", "#6f4e9c")


def _num(value) -> str:
    if isinstance(value, int):
        return str(value)
    return f"{Decimal(value):.1f}".replace(".", ",")


def _nice(top: float) -> float:
    """A round upper bound for an axis: 10, 20, 25, 50, 100, 200…"""
    if top <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(top))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if top <= step * magnitude:
            return step * magnitude
    return top


def bar_chart(
    items: list[tuple[str, Decimal | None]],
    *,
    title: str,
    unit: str = "%",
    maximum: float = 100.0,
    height: int = 220,
) -> SafeString:
    """Vertical bars, one per label; None values leave a gap labelled «—»."""
    if not items:
        return mark_safe("")
    bar, gap, left, bottom, top = 26, 10, 36, 44, 22
    width = max(left + len(items) * (bar + gap) + gap, 12 + len(title) * 7, 320)
    plot = height - bottom - top
    top_value = _nice(max([maximum] + [float(v) for _l, v in items if v is not None]))
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(title)}">',
        f'<text x="{left}" y="14" font-size="12" font-weight="600" fill="#333">{escape(title)}</text>',
    ]
    for fraction in (0, 0.25, 0.5, 0.75, 1):
        y = top + plot - plot * fraction
        parts.append(
            f'<line x1="{left}" x2="{width - 4}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e3e6ea"/>'
        )
        parts.append(
            f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end" fill="#666">'
            f"{top_value * fraction:g}</text>"
        )
    for i, (label, value) in enumerate(items):
        x = left + gap + i * (bar + gap)
        if value is not None:
            h = plot * float(value) / top_value if top_value else 0
            parts.append(
                f'<rect x="{x}" y="{top + plot - h:.1f}" width="{bar}" height="{h:.1f}" rx="2" fill="{PALETTE[0]}">'
                f"<title>{escape(label)}: {_num(value)} {unit}</title></rect>"
            )
            parts.append(
                f'<text x="{x + bar / 2}" y="{top + plot - h - 3:.1f}" font-size="9" text-anchor="middle" '
                f'fill="#333">{_num(value)}</text>'
            )
        else:
            parts.append(
                f'<text x="{x + bar / 2}" y="{top + plot - 3}" font-size="9" text-anchor="middle" fill="#999">—</text>'
            )
        parts.append(
            f'<text x="{x + bar / 2}" y="{height - bottom + 14}" font-size="10" text-anchor="middle" '
            f'fill="#333">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def line_chart(
    labels: list[str],
    series: list[tuple[str, list[Decimal | None]]],
    *,
    title: str,
    maximum: float | None = 100.0,
    height: int = 220,
) -> SafeString:
    """One line per series over the labels (months); a legend under the title."""
    if not labels or not series:
        return mark_safe("")
    left, right, bottom, top = 44, 44, 30, 36
    step = 84
    legend = sum(24 + len(name) * 6.5 for name, _vs in series)
    width = int(max(left + right + step * max(len(labels) - 1, 1), left + legend, 360))
    plot = height - bottom - top
    values = [float(v) for _n, vs in series for v in vs if v is not None]
    top_value = max([maximum or 0] + values) or 1.0
    if maximum is None:
        top_value = _nice(top_value)
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(title)}">',
        f'<text x="{left}" y="14" font-size="12" font-weight="600" fill="#333">{escape(title)}</text>',
    ]
    x = left
    for i, (name, _vs) in enumerate(series):
        parts.append(
            f'<rect x="{x}" y="21" width="10" height="10" fill="{PALETTE[i % len(PALETTE)]}"/>'
            f'<text x="{x + 14}" y="30" font-size="10" fill="#333">{escape(name)}</text>'
        )
        x += 24 + len(name) * 6.5
    for fraction in (0, 0.5, 1):
        y = top + plot - plot * fraction
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e3e6ea"/>'
        )
        parts.append(
            f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end" fill="#666">'
            f"{top_value * fraction:g}</text>"
        )
    span = max(len(labels) - 1, 1)
    xs = [
        left + (width - left - right) * i / span
        if len(labels) > 1
        else left + (width - left - right) / 2
        for i in range(len(labels))
    ]
    for x, label in zip(xs, labels, strict=True):
        parts.append(
            f'<text x="{x:.1f}" y="{height - 10}" font-size="10" text-anchor="middle" fill="#333">{escape(label)}</text>'
        )
    for i, (name, vs) in enumerate(series):
        color = PALETTE[i % len(PALETTE)]
        points = [
            (x, top + plot - plot * float(v) / top_value, v)
            for x, v in zip(xs, vs, strict=True)
            if v is not None
        ]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _v in points)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>'
            )
        for x, y, v in points:
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{color}"><title>{escape(name)}: {_num(v)}</title></circle>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))
