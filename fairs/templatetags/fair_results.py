"""Template tags of the fair results area.

``{% fair_counters fair %}`` renders the counter tiles of the fair page; while the fair is live
a small script (``fairs/static/fairs/counters.js``) refreshes them from the counters API.
``{{ share|share_percent }}`` shows a fraction (0.25) as a percentage ("25%").
"""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from fairs.selectors.results import fair_counters as counters_of

register = template.Library()

COUNTER_LABELS = {
    "employers": _("employers taking part"),
    "positions_offered": _("positions offered"),
    "registered": _("job seekers registered"),
    "applications": _("applications"),
    "interviews": _("interviews booked"),
    "hired": _("hired"),
}
REFRESH_SECONDS = 15


@register.inclusion_tag("fairs/_results_counters.html")
def fair_counters(fair):
    counters = counters_of(fair=fair)
    return {
        "fair": fair,
        "tiles": [{"key": key, "label": label, "value": counters[key]} for key, label in COUNTER_LABELS.items()],
        "live": fair.is_live,
        "api_url": reverse("fairs-api-counters", args=[fair.pk]),
        "refresh_seconds": REFRESH_SECONDS,
    }


@register.filter
def share_percent(value) -> str:
    """0.2547 -> "25.5%" (in the active language's number format); "—" for no value."""
    if value is None or value == "":
        return "—"
    # Rounded first: number_format cuts the extra decimals off rather than rounding them.
    return f"{number_format(round(float(value) * 100, 1), decimal_pos=1)}%"
