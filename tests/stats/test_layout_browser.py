"""The statistics pages in a real browser at a phone's, a tablet's, a laptop's and a wide screen's
width, in every language: no table scrolls sideways (its scrollWidth never exceeds its
clientWidth, nor does its scrolling box's), the page does not either, and every figure stays on
one line, whole and in a readable size. Screenshots of the overview and the sections go to
test-artifacts/stats-layout-*.png.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache

from stats.definitions import SECTIONS
from stats.services import stats_refresh
from tests.e2e.conftest import ARTIFACTS
from tests.stats.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["kk", "ru", "en"]
PAGES = ["", *(section.slug for section in SECTIONS)]
PHONE = 390
# A phone, the narrowest tablet, a tablet, the laptops of the report (1024 and 1280) and a wide screen.
WIDTHS = [PHONE, 640, 768, 1024, 1280, 1600]
SCREENSHOTS = {"": "overview", "activity": "activity", "projects": "projects", "fairs": "fairs"}

# Every statistics table and the box it would scroll in, with what overflows; every figure that
# wraps onto a second line, sticks out of its table's box or is set smaller than 13 px.
MEASURE = """() => {
  const problems = [];
  for (const table of document.querySelectorAll("table.stats-table")) {
    const chart = table.dataset.chart;
    const wrap = table.closest(".stats-table-wrap");
    if (table.scrollWidth > table.clientWidth) {
      problems.push(`${chart}: table scrollWidth ${table.scrollWidth} > clientWidth ${table.clientWidth}`);
    }
    if (wrap.scrollWidth > wrap.clientWidth) {
      problems.push(`${chart}: its box scrolls, scrollWidth ${wrap.scrollWidth} > clientWidth ${wrap.clientWidth}`);
    }
    const box = wrap.getBoundingClientRect();
    for (const cell of table.querySelectorAll("td.pi-num")) {
      const text = cell.firstChild;
      if (!text || !text.textContent.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(text);
      const lines = new Set(Array.from(range.getClientRects()).map((rect) => Math.round(rect.top)));
      const rect = range.getBoundingClientRect();
      const size = parseFloat(getComputedStyle(cell).fontSize);
      const where = `${chart} ${cell.closest("tr").dataset.row} ${cell.dataset.key}`;
      if (lines.size > 1) problems.push(`${where}: "${text.textContent}" wraps`);
      if (rect.left < box.left - 0.5 || rect.right > box.right + 0.5) problems.push(`${where}: sticks out`);
      if (size < 13) problems.push(`${where}: ${size}px`);
    }
  }
  return problems;
}"""


@pytest.fixture
def world(cast):
    cache.clear()
    built = build_world(cast)
    stats_refresh()
    return built


@pytest.mark.parametrize("width", WIDTHS)
def test_no_statistics_table_scrolls_sideways(world, browser, live_server, width):
    phone = width == PHONE
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}, is_mobile=phone, has_touch=phone
    )
    page = context.new_page()
    problems = []
    try:
        for language in LANGUAGES:
            context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
            for slug in PAGES:
                response = page.goto(f"{live_server.url}/stats/{slug + '/' if slug else ''}")
                assert response.status == 200
                assert page.locator("html").get_attribute("lang") == language
                if slug:
                    assert page.locator("table.stats-table").count() > 0, slug
                page_width = page.evaluate("document.documentElement.scrollWidth")
                if page_width > width:
                    problems.append(f"{language} /{slug}: the page is {page_width} px wide")
                problems += [f"{language} /{slug}: {problem}" for problem in page.evaluate(MEASURE)]
                if language == "ru" and slug in SCREENSHOTS:
                    ARTIFACTS.mkdir(exist_ok=True)
                    path = ARTIFACTS / f"stats-layout-{SCREENSHOTS[slug]}-{width}.png"
                    page.screenshot(path=str(path), full_page=True)
    finally:
        context.close()

    assert problems == []
