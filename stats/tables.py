"""A chart's snapshot as a table in the reader's language, and everything made from that table:
the SVG picture, the CSV, the workbook sheet and the API rows.

Names of regions and employment types come in the three languages from the snapshot (the page
picks one); months are written the way the language writes them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils import formats
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from stats import charts
from stats.definitions import (
    EMPLOYMENT_TYPE,
    FAIR,
    HEADLINE,
    INT,
    ISCO_MAJOR_GROUPS,
    LABEL_COLUMN,
    MONEY,
    MONTH,
    OCCUPATION,
    PERCENT,
    REGION,
    Chart,
    Column,
)

MISSING = "—"
# The most figure columns a table may have to sit beside its chart (see ``ChartTable.beside_chart``).
BESIDE_CHART_COLUMNS = 3
# A fair's figures are final once its results are published (``fairs.models.Fair.Status.RESULTS``).
PUBLISHED_FAIR = "results"


def _language() -> str:
    return (get_language() or "en").split("-")[0]


def format_value(value, kind: str) -> str:
    """A figure as the page shows it: grouped digits in the reader's language, one decimal for
    percentages, a dash for "no data"."""
    if value is None or value == "":
        return MISSING
    if kind == PERCENT:
        return formats.number_format(value, decimal_pos=1, force_grouping=True)
    if kind in (INT, MONEY):
        return formats.number_format(int(value), force_grouping=True)
    return str(value)


def month_label(key: str) -> str:
    """ "2026-03" as the reader's language writes a short month and year ("Mar 2026")."""
    try:
        year, month = (int(part) for part in key.split("-"))
        return formats.date_format(datetime.date(year, month, 1), "M Y")
    except ValueError:
        return key


def _name(names: dict) -> str:
    return names.get(_language()) or names.get("en") or ""


@dataclass(frozen=True)
class Cell:
    column: Column
    value: object

    @property
    def key(self) -> str:
        return self.column.key

    @property
    def text(self) -> str:
        return format_value(self.value, self.column.kind)


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    # The row's identifying fields as the API and the CSV give them (code and name, month...).
    ident: dict
    cells: list[Cell]

    def value(self, key: str):
        return next(cell.value for cell in self.cells if cell.key == key)


@dataclass
class ChartTable:
    chart: Chart
    rows: list[Row]
    year: int | None = None
    refreshed: bool = True
    totals: list[Cell] = field(default_factory=list)

    @property
    def label_header(self):
        return LABEL_COLUMN[self.chart.rows]

    @property
    def beside_chart(self) -> bool:
        """On a wide screen the table sits beside its chart when it has few columns; a longer one
        (national projects, fairs) goes under it, where it has the whole width."""
        return len(self.chart.columns) <= BESIDE_CHART_COLUMNS


def _row(chart: Chart, data: dict) -> Row:
    kind = chart.rows
    if kind in (REGION, EMPLOYMENT_TYPE):
        name = _name(data.get("name", {}))
        key, label, ident = data["code"], name, {"code": data["code"], "name": name}
    elif kind == OCCUPATION:
        code = data["code"]
        names = data.get("name", {})
        name = names.get(_language()) or (gettext(ISCO_MAJOR_GROUPS[code]) if code in ISCO_MAJOR_GROUPS else "")
        name = name or names.get("en", "")
        key, label, ident = code, f"{code} {name}", {"code": code, "name": name}
    elif kind == MONTH:
        key, label, ident = data["month"], month_label(data["month"]), {"month": data["month"]}
    elif kind == FAIR:
        key = str(data["fair_id"])
        label = f"{month_label(data['month'])} — {data['title']}" if data.get("month") else data["title"]
        if data.get("status") != PUBLISHED_FAIR:
            label = gettext("%(fair)s (provisional)") % {"fair": label}
        ident = {"fair_id": data["fair_id"], "month": data["month"], "title": data["title"], "status": data["status"]}
    else:  # pragma: no cover - every kind of row is handled above
        raise ValueError(kind)
    return Row(key=key, label=label, ident=ident, cells=[Cell(c, data.get(c.key)) for c in chart.columns])


# Columns that add up over the rows (a total row is shown under their tables).
ADDITIVE = {INT}
NO_TOTAL_ROWS = {MONTH, FAIR}


def chart_table(chart: Chart, payload: dict | None) -> ChartTable:
    """The chart's rows from its snapshot payload (no rows before the first refresh), with a
    totals row for regions, groups and types (sums of counts; medians and shares have none)."""
    if payload is None:
        return ChartTable(chart=chart, rows=[], refreshed=False)
    rows = [_row(chart, data) for data in payload.get("rows", [])]
    totals = []
    if rows and chart.rows not in NO_TOTAL_ROWS:
        totals = [
            Cell(c, sum(row.value(c.key) or 0 for row in rows) if c.kind in ADDITIVE else None) for c in chart.columns
        ]
    return ChartTable(chart=chart, rows=rows, year=payload.get("year"), totals=totals)


# --- Drawn once per refresh ----------------------------------------------------------------------

RENDERED_CACHE_SECONDS = 24 * 3600
# Part of every cache key: bump it when the markup drawn from the snapshots changes, so pages do
# not mix the new style sheet with markup cached before a deploy until the next refresh.
RENDERED_VERSION = 2


def rendered_once(parts: tuple, refreshed_at: datetime.datetime | None, render):
    """``render()``, cached until the next refresh: the figures of a snapshot never change, so
    what is drawn from them (a page's charts, the workbook) is drawn once per refresh, language
    and variant (``parts``)."""
    if refreshed_at is None:
        return render()
    key = f"stats:rendered:v{RENDERED_VERSION}:" + ":".join(str(part) for part in parts)
    key += f":{refreshed_at.timestamp()}"
    content = cache.get(key)
    if content is None:
        content = render()
        cache.set(key, content, RENDERED_CACHE_SECONDS)
    return content


# --- Pictures -----------------------------------------------------------------------------------


def _series(table: ChartTable, keys) -> list[charts.Series]:
    result = []
    for key in keys:
        column = table.chart.column(key)
        cells = [next(c for c in row.cells if c.key == key) for row in table.rows]
        result.append(
            charts.Series(
                label=str(column.label),
                values=[None if c.value is None else float(c.value) for c in cells],
                texts=[c.text for c in cells],
            )
        )
    return result


def legend(table: ChartTable) -> list[dict]:
    """The series of the bar or line picture with the class that colours them."""
    return [
        {"label": table.chart.column(key).label, "css": charts.SERIES_CLASSES[i % len(charts.SERIES_CLASSES)]}
        for i, key in enumerate(table.chart.drawn)
    ]


def picture(table: ChartTable) -> SafeString:
    """The bars or the lines of the chart."""
    chart = table.chart
    labels = [row.label for row in table.rows]
    series = _series(table, chart.drawn)
    if chart.kind == "line":
        return charts.line_chart(
            chart_id=chart.slug,
            title=str(chart.title),
            desc=str(chart.description),
            labels=labels,
            series=series,
            axis_format=lambda value: format_value(round(value), INT),
        )
    return charts.bar_chart(
        chart_id=chart.slug, title=str(chart.title), desc=str(chart.description), categories=labels, series=series
    )


MAP_METRICS = ("planned_jobs", "vacancies", "hires")


def map_picture(table: ChartTable, *, metric: str) -> tuple[SafeString, list[dict]]:
    """The tile map coloured by ``metric`` and its legend (one entry per colour class)."""
    column = table.chart.column(metric)
    tiles = [
        charts.Tile(
            code=row.key,
            name=row.label,
            value=row.value(metric),
            text=format_value(row.value(metric), column.kind),
            is_city=row.key in CITY_CODES,
        )
        for row in table.rows
    ]
    svg = charts.tile_map(
        chart_id=f"{table.chart.slug}-map",
        title=gettext("Map of Kazakhstan's regions coloured by %(metric)s") % {"metric": column.label},
        desc=gettext(
            "A schematic map: one tile per region, placed roughly where the region lies; the table gives every figure."
        ),
        tiles=tiles,
        metric_label=str(column.label),
    )
    peak = max([t.value for t in tiles if t.value] + [0])
    entries = [{"css": "stats-bin-0", "label": gettext("none")}]
    for index, (low, high) in enumerate(charts.map_bins(peak), start=1):
        label = f"{format_value(low, INT)}\u2013{format_value(high, INT)}"  # an en dash between the two
        entries.append({"css": f"stats-bin-{index}", "label": label})
    return svg, entries


# Cities of republican significance (Astana, Almaty, Shymkent): drawn as round tiles.
CITY_CODES = {"KZ-71", "KZ-75", "KZ-79"}


# --- CSV, workbook and API rows -----------------------------------------------------------------

IDENT_HEADERS = {
    REGION: (("code", _("Code")), ("name", _("Region"))),
    OCCUPATION: (("code", _("Code")), ("name", _("Occupation group (ISCO-08)"))),
    EMPLOYMENT_TYPE: (("code", _("Code")), ("name", _("Employment type"))),
    MONTH: (("month", _("Month")),),
    FAIR: (("fair_id", _("Fair number")), ("month", _("Month")), ("title", _("Fair")), ("status", _("Status"))),
}


def plain_rows(table: ChartTable) -> tuple[list[str], list[list]]:
    """Header and rows with raw values (no grouping, a dot for decimals, empty for no data), for
    the CSV and the workbook."""
    ident = IDENT_HEADERS[table.chart.rows]
    header = [str(label) for _key, label in ident] + [str(c.label) for c in table.chart.columns]
    rows = [
        [row.ident[key] for key, _label in ident] + ["" if c.value is None else c.value for c in row.cells]
        for row in table.rows
    ]
    return header, rows


def api_rows(table: ChartTable) -> list[dict]:
    return [{**row.ident, **{cell.key: cell.value for cell in row.cells}} for row in table.rows]


def headline(payload: dict | None) -> list[Cell]:
    figures = (payload or {}).get("figures", {})
    return [Cell(column, figures.get(column.key)) for column in HEADLINE]
