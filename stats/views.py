"""The public statistics pages, their CSV files, the administrators' workbook and "refresh now".

Every page reads the snapshots of its charts in one query (``stats.selectors``) and draws them
on the server (``stats.tables``, ``stats.charts``); nothing here touches the big tables. Pages and
CSV files are public on purpose: they hold aggregates only, never a figure of one employer or one
person. The workbook and the refresh are for administrators (403 for everyone else).
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from exchange.errors import BusinessError
from exchange.spreadsheets import spreadsheet_safe
from stats import exports, selectors, services, tables
from stats.definitions import CHARTS_BY_SLUG, HEADLINE_KEY, SECTIONS, SECTIONS_BY_SLUG, Section


def _common(request, snapshots: selectors.Snapshots) -> dict:
    """What every statistics page shows around its charts: the sections, when the figures were
    computed and, for administrators, the refresh waiting or running."""
    is_admin = selectors.is_stats_admin(request.user)
    return {
        "sections": SECTIONS,
        "refreshed_at": snapshots.refreshed_at,
        "is_admin": is_admin,
        "pending_refresh": selectors.refresh_pending() if is_admin else None,
    }


@require_GET
def overview(request):
    snapshots = selectors.snapshots_get(keys=[HEADLINE_KEY])
    payload = snapshots.get(HEADLINE_KEY)
    return render(
        request,
        "stats/overview.html",
        {
            **_common(request, snapshots),
            "headline": tables.headline(payload) if payload else [],
        },
    )


def _metric(request) -> str:
    metric = request.GET.get("metric") or tables.MAP_METRICS[0]
    return metric if metric in tables.MAP_METRICS else tables.MAP_METRICS[0]


def _chart_items(current: Section, snapshots: selectors.Snapshots, metric: str) -> list[dict]:
    items = []
    for slug in current.charts:
        table = tables.chart_table(CHARTS_BY_SLUG[slug], snapshots.get(slug))
        item = {
            "table": table,
            "legend": tables.legend(table),
            "svg": None,
            "map_svg": None,
            "api_url": reverse(f"api-stats-{slug}"),
        }
        if table.rows:
            item["svg"] = tables.picture(table)
            if table.chart.kind == "map":
                item["map_svg"], item["map_legend"] = tables.map_picture(table, metric=metric)
                item["metrics"] = [
                    {"key": key, "label": table.chart.column(key).label, "current": key == metric}
                    for key in tables.MAP_METRICS
                ]
        items.append(item)
    return items


@require_GET
def section(request, section: str):
    current = SECTIONS_BY_SLUG.get(section)
    if current is None:
        raise Http404
    snapshots = selectors.snapshots_get(keys=current.charts)
    metric = _metric(request)
    charts_html = tables.rendered_once(
        ("section", current.slug, get_language(), metric),
        snapshots.refreshed_at,
        lambda: render_to_string(
            "stats/_charts.html", {"items": _chart_items(current, snapshots, metric)}, request=None
        ),
    )
    return render(
        request,
        "stats/section.html",
        {**_common(request, snapshots), "section": current, "charts_html": mark_safe(charts_html)},  # noqa: S308
    )


def _csv_response(filename: str, header: list, rows: list[list]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A byte order mark, so spreadsheet programs read the Cyrillic names as UTF-8.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows([spreadsheet_safe(value) for value in row] for row in rows)
    return response


@require_GET
def chart_csv(request, chart: str):
    definition = CHARTS_BY_SLUG.get(chart)
    if definition is None:
        raise Http404
    table = tables.chart_table(definition, selectors.snapshots_get(keys=[definition.slug]).get(definition.slug))
    header, rows = tables.plain_rows(table)
    return _csv_response(f"{definition.slug}.csv", header, rows)


@require_GET
def headline_csv(request):
    cells = tables.headline(selectors.snapshots_get(keys=[HEADLINE_KEY]).get(HEADLINE_KEY))
    return _csv_response(
        "headline.csv",
        [_("Code"), _("Figure"), _("Value")],
        [[cell.key, str(cell.column.label), "" if cell.value is None else cell.value] for cell in cells],
    )


@require_GET
def export_xlsx(request):
    selectors.require_stats_admin(request.user)
    return exports.workbook_response()


@require_POST
def refresh(request):
    selectors.require_stats_admin(request.user)
    try:
        _refresh, created = services.stats_refresh_request(by=request.user)
    except BusinessError as error:
        messages.error(request, error.message)
    else:
        if created:
            messages.success(request, _("The refresh is queued. The figures are replaced when it finishes."))
        else:
            messages.info(request, _("A refresh is already queued or running."))
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    return redirect(target or "stats:overview")
