"""Cells for CSV and XLSX files that people open in a spreadsheet.

Text typed by users (an employer's name, a fair's title) that starts with ``=``, ``+``, ``-``,
``@`` or a control character would be read by Excel as a formula (CSV/formula injection). Every
cell of a download goes through ``spreadsheet_safe``, which defuses such text with a leading
apostrophe and leaves numbers, dates and ordinary text alone.
"""

from __future__ import annotations

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return "" if value is None else value
