"""Server-rendered SVG charts for the statistics page: no script, no CDN, readable on a phone."""

from datetime import date
from decimal import Decimal
from html import escape

from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 640, 220
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 34, 24, 12, 28
LOW, HIGH = Decimal(1), Decimal(5)


def _y(value: Decimal) -> float:
    span = HEIGHT - PAD_TOP - PAD_BOTTOM
    return PAD_TOP + float((HIGH - value) / (HIGH - LOW)) * span


def line_chart(points: list[tuple[date, Decimal | None]], *, title: str = "") -> SafeString:
    """The overall average week by week: a line over the weeks that have marks."""
    known = [(d, v) for d, v in points if v is not None]
    if not known:
        return mark_safe("")
    span_x = WIDTH - PAD_LEFT - PAD_RIGHT
    step = span_x / max(len(points) - 1, 1)
    parts = [
        f'<svg class="diary-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMidYMid meet">'
    ]
    for level in range(1, 6):
        y = _y(Decimal(level))
        parts.append(
            f'<line x1="{PAD_LEFT}" y1="{y:.1f}" x2="{WIDTH - PAD_RIGHT}" y2="{y:.1f}" class="grid"/>'
        )
        parts.append(
            f'<text x="{PAD_LEFT - 8}" y="{y + 4:.1f}" text-anchor="end" class="axis">{level}</text>'
        )
    coords = []
    label_every = max(1, len(points) // 8)
    for i, (day, value) in enumerate(points):
        x = PAD_LEFT + i * step
        if i % label_every == 0 or i == len(points) - 1:
            parts.append(
                f'<text x="{x:.1f}" y="{HEIGHT - 8}" text-anchor="middle" class="axis">{day:%d.%m}</text>'
            )
        if value is not None:
            coords.append((x, _y(value), value, day))
    parts.append(
        '<polyline class="line" points="'
        + " ".join(f"{x:.1f},{y:.1f}" for x, y, _v, _d in coords)
        + '"/>'
    )
    for x, y, value, day in coords:
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" class="dot"><title>{day:%d.%m}: '
            f"{str(value).replace('.', ',')}</title></circle>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def bar_chart(counts: list[tuple[str, int]]) -> SafeString:
    """How many of each mark: one bar per mark value."""
    if not counts or not any(n for _v, n in counts):
        return mark_safe("")
    width, height, bar = 320, 160, 44
    top = max(n for _v, n in counts)
    parts = [
        f'<svg class="diary-bars" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" role="img">'
    ]
    for i, (value, n) in enumerate(counts):
        x = 16 + i * (bar + 16)
        h = (height - 44) * n / top if top else 0
        y = height - 24 - h
        parts.append(
            f'<rect x="{x}" y="{y:.1f}" width="{bar}" height="{h:.1f}" rx="4" class="bar bar-{escape(value)}"/>'
        )
        parts.append(
            f'<text x="{x + bar / 2}" y="{y - 4:.1f}" text-anchor="middle" class="axis">{n}</text>'
        )
        parts.append(
            f'<text x="{x + bar / 2}" y="{height - 6}" text-anchor="middle" class="label">«{escape(value)}»</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
