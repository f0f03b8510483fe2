"""Horizontal bar charts drawn on the server as SVG: the same picture on the page and in the PDF.

Each chart is decorative for assistive technology (the data table next to it carries the
figures), so it is marked aria-hidden and the template shows the table beside it.
"""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 300
BAR_AREA = 260
COLOURS = ["#1d5c8a", "#2f7d4f", "#8a4b1d", "#5c3d8a", "#8a1d4b", "#3d6f8a"]


def _shorten(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart_svg(rows: list[dict], *, value_key: str = "value") -> SafeString:
    """SVG markup for rows of ``{"label": str, value_key: number}``; empty string if no rows."""
    if not rows:
        return mark_safe("")
    maximum = max(float(row[value_key] or 0) for row in rows) or 1.0
    height = len(rows) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_AREA + 70
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" aria-hidden="true" focusable="false" class="bar-chart">'
    ]
    for index, row in enumerate(rows):
        value = float(row[value_key] or 0)
        y = GAP + index * (BAR_HEIGHT + GAP)
        bar = max(2.0, BAR_AREA * value / maximum) if value else 0
        colour = COLOURS[index % len(COLOURS)]
        label = escape(_shorten(str(row["label"])))
        shown = escape(f"{row[value_key]}")
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT * 0.7:.1f}" text-anchor="end" '
            f'font-size="14" fill="#1a1a1a">{label}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{bar:.1f}" height="{BAR_HEIGHT}" fill="{colour}"/>'
            f'<text x="{LABEL_WIDTH + bar + 6:.1f}" y="{y + BAR_HEIGHT * 0.7:.1f}" font-size="14" '
            f'fill="#1a1a1a">{shown}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text in it is escaped above
