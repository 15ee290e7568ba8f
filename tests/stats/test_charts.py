"""The SVG drawings: escaped text, one scale from zero, gaps for missing values, every region on
the tile map, colour classes that cover the values, names that fit a tile."""

from __future__ import annotations

import re

import pytest

from catalog.models import Region
from stats import charts


def test_bars_escape_every_label_and_scale_from_zero():
    svg = charts.bar_chart(
        chart_id="c",
        title="Bars <b>",
        desc="d",
        categories=['<script>alert("x")</script>', "Two"],
        series=[charts.Series("Vacancies", [10, 5], ["10", "5"]), charts.Series("Positions", [None, 0], ["—", "0"])],
    )

    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "Bars &lt;b&gt;" in svg
    widths = [float(w) for w in re.findall(r'<rect class="stats-s\d" x="\d+" y="[\d.]+" width="([\d.]+)"', svg)]
    assert widths[0] == 2 * widths[2]  # 10 is twice 5, on one scale
    assert widths[1] == widths[3] == 0  # no data and zero draw no bar
    assert svg.count("<title") == 1 + 4  # the chart's and one per bar


def test_lines_break_where_a_value_is_missing_and_label_the_last_month():
    svg = charts.line_chart(
        chart_id="l",
        title="Lines",
        desc="d",
        labels=["Jan", "Feb", "Mar", "Apr"],
        series=[charts.Series("Share", [10.0, None, 30.0, 40.0], ["10", "—", "30", "40"])],
        axis_format=str,
    )

    assert svg.count("<polyline") == 2
    assert svg.count("<circle") == 3
    assert ">Apr</text>" in svg


@pytest.mark.parametrize(("value", "ceiling"), [(0, 1), (1, 1), (3, 5), (7, 10), (11, 20), (2400, 2500), (6100, 10000)])
def test_axis_maximum_is_a_round_number_above_the_peak(value, ceiling):
    assert charts.nice_ceiling(value) == ceiling


def test_map_classes_cover_every_value_up_to_the_peak():
    bins = charts.map_bins(10036)

    assert bins[0][0] == 1 and bins[-1][1] >= 10036
    assert [charts.bin_of(v, bins) for v in (None, 0, 1, bins[0][1], bins[0][1] + 1, 10036)] == [0, 0, 1, 1, 2, 5]
    assert all(low == previous_high + 1 for (low, _h), (_l, previous_high) in zip(bins[1:], bins[:-1], strict=True))


def test_the_tile_map_places_every_region_of_the_catalog(catalog):
    assert set(charts.TILE_GRID) == set(Region.objects.values_list("code", flat=True))
    assert len(set(charts.TILE_GRID.values())) == len(charts.TILE_GRID)  # no two tiles on one spot


def test_region_names_are_shortened_to_fit_a_tile():
    assert charts.short_name("Северо-Казахстанская область") == ["Северо-", "Казахстанская"]
    assert charts.short_name("Солтүстік Қазақстан облысы") == ["Солтүстік", "Қазақстан"]
    assert charts.short_name("Astana") == ["Astana"]
    assert charts.short_name("город Алматы") == ["Алматы"]


def test_tiles_carry_their_name_and_figure_for_screen_readers_and_hover():
    svg = charts.tile_map(
        chart_id="m",
        title="Map",
        desc="d",
        tiles=[charts.Tile("KZ-71", "Astana", 12, "12", True), charts.Tile("KZ-XX", "Nowhere", 1, "1", False)],
        metric_label="Hires",
    )

    level = charts.bin_of(12, charts.map_bins(12))
    assert level > 0
    assert f'<g class="stats-tile stats-bin-{level}" data-region="KZ-71"><title>Astana — Hires: 12</title>' in svg
    assert "Nowhere" not in svg
