"""Web pages: a fair's results (page and CSV) and the month-by-month history (page and CSV).

Public, like the API: anyone may read them. Thin: ``fairs.selectors.results`` computes, the views
lay the figures out (tables, server-drawn SVG bar charts, CSV rows).
"""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from exchange.spreadsheets import spreadsheet_safe
from fairs.models import Fair
from fairs.selectors import results as selectors
from fairs.selectors.access import fair_get_public

# --- Bar charts --------------------------------------------------------------------------------
# Horizontal bars, the label above its bars, so the drawing stays readable when scaled down to a
# phone's width (300 user units ~ the narrowest phone; see fairs/static/fairs/results.css).
CHART_WIDTH = 300
CHART_VALUE_WIDTH = 48  # room for the figure after the longest bar
CHART_LABEL_HEIGHT = 17
CHART_BAR_HEIGHT = 11
CHART_BAR_GAP = 3
CHART_ROW_GAP = 10
CHART_MAX_ROWS = 15  # the tables give every row; the chart the largest
CHART_LABEL_CHARS = 40


def _short(label: str) -> str:
    return label if len(label) <= CHART_LABEL_CHARS else label[: CHART_LABEL_CHARS - 1] + "…"


def bar_chart(
    rows: list[dict], *, title: str, label: str, series: list[tuple[str, str, str]], largest_first: bool = True
) -> dict | None:
    """Geometry of a horizontal bar chart: per row, the ``label`` key's text and one bar per
    ``(key, css class, legend)`` of ``series``, all on one linear scale. The largest
    ``CHART_MAX_ROWS`` rows (or, with ``largest_first=False``, the first ones in the order given).
    None when there is nothing to draw.
    """
    rows = [row for row in rows if any(row[key] for key, _css, _legend in series)]
    if not rows:
        return None
    if largest_first:
        rows = sorted(rows, key=lambda row: -max(row[key] for key, _css, _legend in series))
    rows = rows[:CHART_MAX_ROWS]
    area = CHART_WIDTH - CHART_VALUE_WIDTH
    peak = max(row[key] for row in rows for key, _css, _legend in series) or 1
    y = 0
    groups = []
    for row in rows:
        bars = []
        bar_y = y + CHART_LABEL_HEIGHT
        for key, css, _legend in series:
            value = row[key]
            width = round(area * value / peak, 1)
            if value and width < 1:
                width = 1  # a non-zero figure stays visible
            bars.append(
                {
                    "css": css,
                    "value": value,
                    "y": bar_y,
                    "width": width,
                    "text_x": width + 4,
                    "text_y": bar_y + CHART_BAR_HEIGHT - 1,
                }
            )
            bar_y += CHART_BAR_HEIGHT + CHART_BAR_GAP
        groups.append({"label": _short(str(row[label])), "label_y": y + CHART_LABEL_HEIGHT - 4, "bars": bars})
        y = bar_y - CHART_BAR_GAP + CHART_ROW_GAP
    return {
        "title": title,
        "legend": [(css, legend) for _key, css, legend in series],
        "width": CHART_WIDTH,
        "height": y - CHART_ROW_GAP + 2,
        "bar_height": CHART_BAR_HEIGHT,
        "groups": groups,
    }


# --- Results of a fair ------------------------------------------------------------------------


@require_GET
def fair_results_page(request, fair_id: int):
    fair = fair_get_public(fair_id=fair_id)
    results = selectors.fair_results_display(selectors.fair_results(fair=fair))
    offered_and_hired = [
        ("positions_offered", "jcm-planned", _("Positions offered")),
        ("hired", "jcm-hires", _("Hired")),
    ]
    charts = {
        "region": bar_chart(
            results["by_region"],
            title=_("Applications and hires by region"),
            label="name",
            series=[("applications", "jcm-planned", _("Applications")), ("hired", "jcm-hires", _("Hired"))],
        ),
        "employer": bar_chart(
            results["by_employer"],
            title=_("Positions offered and hires by employer"),
            label="name",
            series=offered_and_hired,
        ),
        "occupation": bar_chart(
            results["by_occupation"],
            title=_("Positions offered and hires by occupation"),
            label="title",
            series=offered_and_hired,
        ),
    }
    return render(
        request,
        "fairs/results_detail.html",
        {"fair": fair, "results": results, "charts": charts, "not_started": fair.status in _NOT_STARTED},
    )


_NOT_STARTED = (Fair.Status.SCHEDULED, Fair.Status.REGISTRATION)


def _csv_response(header: list[str], rows: list[dict], filename: str) -> HttpResponse:
    """UTF-8 with a byte order mark, so Excel opens Cyrillic and Kazakh names correctly; the
    columns a row has no figure for stay empty."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, restval="", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows([{key: spreadsheet_safe(value) for key, value in row.items()} for row in rows])
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


RESULTS_CSV_HEADER = [
    "section",
    "code",
    "name",
    "major_group_code",
    "major_group_name",
    "employers",
    "positions_offered",
    "registered",
    "applications",
    "interviews",
    "hired",
    "youth_hired",
    "youth_share",
]


def results_csv_rows(results: dict) -> list[dict]:
    """One table for the whole of a fair's results; ``section`` says which part a row is:
    totals, region, employer or occupation. Names are in the active language."""
    rows = [{"section": "totals", **results["totals"]}]
    rows += [
        {
            "section": "region",
            "code": row["code"],
            "name": row["name"],
            "registered": row["registered"],
            "applications": row["applications"],
            "hired": row["hired"],
            "youth_hired": row["youth_hired"],
        }
        for row in results["by_region"]
    ]
    rows += [
        {
            "section": "employer",
            "code": row["organization_id"],
            "name": row["name"],
            "positions_offered": row["positions_offered"],
            "applications": row["applications"],
            "hired": row["hired"],
        }
        for row in results["by_employer"]
    ]
    rows += [
        {
            "section": "occupation",
            "code": row["code"],
            "name": row["title"],
            "major_group_code": row["major_code"],
            "major_group_name": row["major_title"],
            "positions_offered": row["positions_offered"],
            "applications": row["applications"],
            "hired": row["hired"],
        }
        for row in results["by_occupation"]
    ]
    return rows


@require_GET
def fair_results_csv(request, fair_id: int):
    fair = fair_get_public(fair_id=fair_id)
    results = selectors.fair_results_display(selectors.fair_results(fair=fair))
    suffix = "-provisional" if results["provisional"] else ""
    return _csv_response(RESULTS_CSV_HEADER, results_csv_rows(results), f"fair-{fair.pk}-results{suffix}.csv")


# --- History ---------------------------------------------------------------------------------


@require_GET
def fairs_history_page(request):
    rows = [
        {
            **row,
            "provisional": row["status"] != Fair.Status.RESULTS,
            "label": f"{date_format(row['month'], 'YEAR_MONTH_FORMAT')} · {row['title']}",
        }
        for row in reversed(selectors.fairs_history())
    ]
    # Month by month, the newest first (the CSV and the API go oldest first, for spreadsheets).
    chart = bar_chart(
        rows,
        title=_("Positions offered and hires, fair by fair"),
        label="label",
        series=[("positions_offered", "jcm-planned", _("Positions offered")), ("hired", "jcm-hires", _("Hired"))],
        largest_first=False,
    )
    return render(request, "fairs/results_history.html", {"rows": rows, "chart": chart})


HISTORY_CSV_HEADER = [*selectors.HISTORY_KEYS, "provisional"]


@require_GET
def fairs_history_csv(request):
    rows = [
        {
            **row,
            "month": f"{row['month']:%Y-%m}",
            "provisional": "yes" if row["status"] != Fair.Status.RESULTS else "no",
        }
        for row in selectors.fairs_history()
    ]
    return _csv_response(HISTORY_CSV_HEADER, rows, "fairs-history.csv")


urlpatterns = [
    path("history/", fairs_history_page, name="history"),
    path("history.csv", fairs_history_csv, name="history-csv"),
    path("<int:fair_id>/results/", fair_results_page, name="results"),
    path("<int:fair_id>/results.csv", fair_results_csv, name="results-csv"),
]
