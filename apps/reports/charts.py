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
    positions: list[int] | None = None,
    partial: list[bool] | None = None,
    partial_note: str = "",
) -> SafeString:
    """One line per series over the labels (months); a legend under the title.

    `positions` puts the labels on a time axis (e.g. months counted from year 0): a month
    without data leaves its space and breaks the line instead of being skipped. `partial`
    marks points of an incomplete period (a hollow point, the label starred, a note below).
    """
    if not labels or not series:
        return mark_safe("")
    partial = partial or [False] * len(labels)
    if partial_note and any(partial):
        height += 14
    left, right, bottom, top = 44, 44, 30 + (14 if partial_note and any(partial) else 0), 36
    step = 84
    legend = sum(24 + len(name) * 6.5 for name, _vs in series)
    steps = (positions[-1] - positions[0]) if positions else len(labels) - 1
    width = int(max(left + right + step * max(steps, 1), left + legend, 360))
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
    at = positions if positions is not None else list(range(len(labels)))
    span = max(at[-1] - at[0], 1)
    xs = [
        left + (width - left - right) * (p - at[0]) / span
        if len(labels) > 1
        else left + (width - left - right) / 2
        for p in at
    ]
    label_y = height - 10 - (14 if partial_note and any(partial) else 0)
    for x, label, part in zip(xs, labels, partial, strict=True):
        parts.append(
            f'<text x="{x:.1f}" y="{label_y}" font-size="10" text-anchor="middle" fill="#333">'
            f"{escape(label)}{'*' if part else ''}</text>"
        )
    if partial_note and any(partial):
        parts.append(
            f'<text x="{left}" y="{height - 6}" font-size="10" fill="#666" data-partial-note="1">'
            f"* {escape(partial_note)}</text>"
        )
    for i, (name, vs) in enumerate(series):
        color = PALETTE[i % len(PALETTE)]
        points = [
            (x, top + plot - plot * float(v) / top_value, v, p, part)
            for x, v, p, part in zip(xs, vs, at, partial, strict=True)
            if v is not None
        ]
        # A gap in time (a month without data) breaks the line.
        runs: list[list] = []
        for point in points:
            if runs and point[3] - runs[-1][-1][3] == 1:
                runs[-1].append(point)
            else:
                runs.append([point])
        for run in runs:
            if len(run) > 1:
                path = " ".join(f"{x:.1f},{y:.1f}" for x, y, *_rest in run)
                parts.append(
                    f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>'
                )
        for x, y, v, _p, part in points:
            fill, marker = ("#fff", ' data-partial="1"') if part else (color, "")
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{fill}" stroke="{color}" '
                f'stroke-width="1.5"{marker}><title>{escape(name)}: {_num(v)}</title></circle>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))
