"""Charts drawn on the server as plain SVG: no JavaScript, nothing loaded from the network.

Three pictures: horizontal grouped bars (a label line above each group, so long region names
stay readable on a phone), lines over months, and a tile map of Kazakhstan's regions coloured
by value. Each SVG has a title and a description for screen readers and a ``<title>`` on every
bar, point and tile (the browser shows it on hover); the table next to each chart carries every
figure. Colours come from classes styled in ``stats/static/stats/stats.css``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

SERIES_CLASSES = ("stats-s1", "stats-s2", "stats-s3")


@dataclass(frozen=True)
class Series:
    label: str
    values: list[float | None]
    texts: list[str]


def _num(value: float) -> str:
    """A coordinate: at most one decimal, no locale (SVG wants a dot)."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _open_svg(*, chart_id: str, title: str, desc: str, width: float, height: float, css: str) -> list[str]:
    return [
        f'<svg class="stats-svg {css}" viewBox="0 0 {_num(width)} {_num(height)}" '
        f'role="img" aria-labelledby="{chart_id}-svg-title {chart_id}-svg-desc" '
        'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{chart_id}-svg-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-svg-desc">{escape(desc)}</desc>',
    ]


# --- Bars ---------------------------------------------------------------------------------------

# Drawn about as wide as a phone's screen, so the text keeps its size there.
BAR_WIDTH = 360
BAR_PAD = 4
BAR_VALUE_SPACE = 72
BAR_LABEL_HEIGHT = 18
BAR_HEIGHT = 12
BAR_GAP = 3
BAR_GROUP_GAP = 10


def bar_chart(*, chart_id: str, title: str, desc: str, categories: list[str], series: list[Series]) -> SafeString:
    """Horizontal bars, one group per category and one bar per series, all on one linear scale
    starting at zero. A missing value (no data) draws no bar and says so in its text."""
    area = BAR_WIDTH - 2 * BAR_PAD - BAR_VALUE_SPACE
    peak = max([v for s in series for v in s.values if v is not None] + [0]) or 1
    group_height = BAR_LABEL_HEIGHT + len(series) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP
    height = max(1, len(categories)) * (group_height + BAR_GROUP_GAP)
    parts = _open_svg(chart_id=chart_id, title=title, desc=desc, width=BAR_WIDTH, height=height, css="stats-bars")
    y = 0.0
    for index, category in enumerate(categories):
        parts.append("<g>")
        parts.append(f'<text class="stats-label" x="{BAR_PAD}" y="{_num(y + 13)}">{escape(category)}</text>')
        for number, one in enumerate(series):
            value, text = one.values[index], one.texts[index]
            bar_y = y + BAR_LABEL_HEIGHT + number * (BAR_HEIGHT + BAR_GAP)
            width = 0.0 if not value else max(1.0, area * value / peak)
            css = SERIES_CLASSES[number % len(SERIES_CLASSES)]
            tooltip = escape(f"{category} — {one.label}: {text}")
            parts.append(
                f'<rect class="{css}" x="{BAR_PAD}" y="{_num(bar_y)}" width="{_num(width)}" '
                f'height="{BAR_HEIGHT}"><title>{tooltip}</title></rect>'
            )
            parts.append(
                f'<text class="stats-value" x="{_num(BAR_PAD + width + 4)}" y="{_num(bar_y + BAR_HEIGHT - 2)}">'
                f"{escape(text)}</text>"
            )
        parts.append("</g>")
        y += group_height + BAR_GROUP_GAP
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above went through escape()


# --- Lines --------------------------------------------------------------------------------------

LINE_WIDTH = 400
LINE_HEIGHT = 240
LINE_LEFT = 50
LINE_RIGHT = 14
LINE_TOP = 12
LINE_BOTTOM = 40
LINE_X_LABELS = 4


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 times a power of ten that is >= ``value`` (axis maximum)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def line_chart(
    *, chart_id: str, title: str, desc: str, labels: list[str], series: list[Series], axis_format
) -> SafeString:
    """Lines over ``labels`` (months), one per series, on one scale from zero, with four
    gridlines; a missing value breaks its line. ``axis_format`` writes a gridline's value."""
    plot_width = LINE_WIDTH - LINE_LEFT - LINE_RIGHT
    plot_height = LINE_HEIGHT - LINE_TOP - LINE_BOTTOM
    peak = nice_ceiling(max([v for s in series for v in s.values if v is not None] + [0]))
    count = max(1, len(labels))
    step = plot_width / max(1, count - 1)

    def x_at(i: int) -> float:
        return LINE_LEFT + (i * step if count > 1 else plot_width / 2)

    def y_at(value: float) -> float:
        return LINE_TOP + plot_height * (1 - value / peak)

    parts = _open_svg(
        chart_id=chart_id, title=title, desc=desc, width=LINE_WIDTH, height=LINE_HEIGHT, css="stats-lines"
    )
    for tick in range(5):
        value = peak * tick / 4
        y = y_at(value)
        parts.append(
            f'<line class="stats-grid" x1="{LINE_LEFT}" x2="{LINE_WIDTH - LINE_RIGHT}" y1="{_num(y)}" y2="{_num(y)}"/>'
        )
        parts.append(
            f'<text class="stats-axis" x="{LINE_LEFT - 6}" y="{_num(y + 4)}" text-anchor="end">'
            f"{escape(axis_format(value))}</text>"
        )
    every = max(1, math.ceil(count / LINE_X_LABELS))
    for i, label in enumerate(labels):
        if (count - 1 - i) % every == 0:  # the last month always gets its label
            # The last label ends at its point so it stays inside the drawing.
            anchor = "end" if i == count - 1 and count > 1 else "middle"
            parts.append(
                f'<text class="stats-axis" x="{_num(x_at(i) + (4 if anchor == "end" else 0))}" '
                f'y="{LINE_HEIGHT - LINE_BOTTOM + 16}" text-anchor="{anchor}">{escape(label)}</text>'
            )
    for number, one in enumerate(series):
        css = SERIES_CLASSES[number % len(SERIES_CLASSES)]
        segments, current = [], []
        for i, value in enumerate(one.values):
            if value is None:
                if current:
                    segments.append(current)
                current = []
            else:
                current.append(f"{_num(x_at(i))},{_num(y_at(value))}")
        if current:
            segments.append(current)
        for points in segments:
            parts.append(f'<polyline class="stats-line {css}" points="{" ".join(points)}"/>')
        for i, value in enumerate(one.values):
            if value is None:
                continue
            tooltip = escape(f"{labels[i]} — {one.label}: {one.texts[i]}")
            parts.append(
                f'<circle class="stats-point {css}" cx="{_num(x_at(i))}" cy="{_num(y_at(value))}" r="3">'
                f"<title>{tooltip}</title></circle>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above went through escape()


# --- The tile map of Kazakhstan -----------------------------------------------------------------

# A schematic map (tile-grid cartogram): one tile per region or city of republican significance,
# placed roughly where it lies (column west to east, row north to south). Real outlines would need
# geodata the project does not ship; the page says the map is schematic.
TILE_GRID = {
    "KZ-27": (0, 0),  # West Kazakhstan
    "KZ-39": (2, 0),  # Kostanay
    "KZ-59": (3, 0),  # North Kazakhstan
    "KZ-55": (5, 0),  # Pavlodar
    "KZ-23": (0, 1),  # Atyrau
    "KZ-15": (1, 1),  # Aktobe
    "KZ-11": (3, 1),  # Akmola
    "KZ-71": (4, 1),  # Astana
    "KZ-63": (6, 1),  # East Kazakhstan
    "KZ-62": (2, 2),  # Ulytau
    "KZ-35": (3, 2),  # Karaganda
    "KZ-10": (5, 2),  # Abai
    "KZ-47": (0, 3),  # Mangystau
    "KZ-43": (1, 3),  # Kyzylorda
    "KZ-61": (2, 3),  # Turkestan
    "KZ-31": (3, 3),  # Zhambyl
    "KZ-19": (4, 3),  # Almaty Region
    "KZ-33": (5, 3),  # Zhetysu
    "KZ-79": (2, 4),  # Shymkent
    "KZ-75": (4, 4),  # Almaty
}
TILE_WIDTH = 88
TILE_HEIGHT = 66
TILE_GAP = 4
MAP_BINS = 5
# Words dropped from a region's name on its tile (the full name is in the tile's title).
GENERIC_WORDS = {"region", "city", "область", "облысы", "город", "қаласы"}


def short_name(name: str) -> list[str]:
    """A region's name for a tile: without the generic word, on at most two lines."""
    words = [w for w in name.split() if w.lower() not in GENERIC_WORDS] or name.split()
    if len(words) == 1 and "-" in words[0] and len(words[0]) > 12:
        head, tail = words[0].split("-", 1)
        return [head + "-", tail]
    if len(words) > 2:
        return [words[0], " ".join(words[1:])]
    return words


def map_bins(peak: float) -> list[tuple[int, int]]:
    """``MAP_BINS`` ranges of whole numbers (first and last included) covering 1 to ``peak``."""
    width = max(1, math.ceil(nice_ceiling(peak / MAP_BINS))) if peak > 0 else 1
    return [(width * i + 1, width * (i + 1)) for i in range(MAP_BINS)]


def bin_of(value: float | None, bins: list[tuple[int, int]]) -> int:
    """0 for no value or zero, else 1..MAP_BINS."""
    if not value:
        return 0
    for index, (_low, high) in enumerate(bins, start=1):
        if value <= high:
            return index
    return len(bins)


@dataclass(frozen=True)
class Tile:
    code: str
    name: str
    value: float | None
    text: str
    is_city: bool


def tile_map(*, chart_id: str, title: str, desc: str, tiles: list[Tile], metric_label: str) -> SafeString:
    """The regions as tiles coloured by value in ``MAP_BINS`` classes (see ``map_bins``); cities
    of republican significance have round corners. Tiles of unknown codes are left out."""
    peak = max([t.value for t in tiles if t.value] + [0])
    bins = map_bins(peak)
    columns = max(c for c, _ in TILE_GRID.values()) + 1
    rows = max(r for _, r in TILE_GRID.values()) + 1
    width = columns * (TILE_WIDTH + TILE_GAP)
    height = rows * (TILE_HEIGHT + TILE_GAP)
    parts = _open_svg(chart_id=chart_id, title=title, desc=desc, width=width, height=height, css="stats-map")
    for tile in tiles:
        if tile.code not in TILE_GRID:
            continue
        column, row = TILE_GRID[tile.code]
        x, y = column * (TILE_WIDTH + TILE_GAP), row * (TILE_HEIGHT + TILE_GAP)
        level = bin_of(tile.value, bins)
        radius = 18 if tile.is_city else 3
        tooltip = escape(f"{tile.name} — {metric_label}: {tile.text}")
        parts.append(f'<g class="stats-tile stats-bin-{level}" data-region="{escape(tile.code)}">')
        parts.append(f"<title>{tooltip}</title>")
        parts.append(f'<rect x="{x}" y="{y}" width="{TILE_WIDTH}" height="{TILE_HEIGHT}" rx="{radius}" ry="{radius}"/>')
        lines = short_name(tile.name)
        for number, line in enumerate(lines):
            parts.append(
                f'<text class="stats-tile-name" x="{x + TILE_WIDTH / 2:g}" y="{y + 16 + number * 12}" '
                f'text-anchor="middle">{escape(line)}</text>'
            )
        parts.append(
            f'<text class="stats-tile-value" x="{x + TILE_WIDTH / 2:g}" y="{y + TILE_HEIGHT - 10}" '
            f'text-anchor="middle">{escape(tile.text)}</text>'
        )
        parts.append("</g>")
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above went through escape()
