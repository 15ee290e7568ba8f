"""The administrators' workbook: the headline figures and every chart's table, one sheet each,
in the reader's language, with the time the figures were computed. The page and the API give
the same file (``workbook_response``)."""

from __future__ import annotations

from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from exchange.spreadsheets import spreadsheet_safe
from stats import selectors, tables
from stats.definitions import CHARTS, HEADLINE_KEY
from stats.selectors import Snapshots

SHEET_TITLE_LENGTH = 31  # Excel's limit
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _header(sheet, row: list) -> None:
    sheet.append(row)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)


def workbook(snapshots: Snapshots) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "headline"
    refreshed = (
        timezone.localtime(snapshots.refreshed_at).strftime("%Y-%m-%d %H:%M") if snapshots.refreshed_at else _("never")
    )
    sheet.append([_("Statistics of the Electronic Labor Exchange"), ""])
    sheet.append([_("Figures as of"), refreshed])
    sheet.append([])
    _header(sheet, [_("Code"), _("Figure"), _("Value")])
    for cell in tables.headline(snapshots.get(HEADLINE_KEY)):
        sheet.append([cell.key, str(cell.column.label), cell.value])
    sheet.column_dimensions["B"].width = 48

    for chart in CHARTS:
        table = tables.chart_table(chart, snapshots.get(chart.slug))
        header, rows = tables.plain_rows(table)
        sheet = book.create_sheet(chart.slug[:SHEET_TITLE_LENGTH])
        sheet.append([str(chart.title)])
        sheet["A1"].font = Font(bold=True)
        if table.year:
            sheet.append([_("Year"), table.year])
        sheet.append([])
        _header(sheet, header)
        for row in rows:
            sheet.append([None if value == "" else spreadsheet_safe(value) for value in row])
        sheet.column_dimensions["B"].width = 40
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def workbook_response() -> HttpResponse:
    """The workbook of the last refresh as a download named after the time of its figures, built
    once per refresh and language. The caller checks that the reader is an administrator."""
    snapshots = selectors.snapshots_get(keys=[HEADLINE_KEY, *(chart.slug for chart in CHARTS)])
    content = tables.rendered_once(("xlsx", get_language()), snapshots.refreshed_at, lambda: workbook(snapshots))
    response = HttpResponse(content, content_type=CONTENT_TYPE)
    stamp = timezone.localtime(snapshots.refreshed_at or timezone.now()).strftime("%Y-%m-%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="statistics-{stamp}.xlsx"'
    return response
