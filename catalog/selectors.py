from django.utils.translation import gettext_lazy as _

from catalog.models import Occupation, Region


def region_list():
    return Region.objects.order_by("position", "code")


def home_counters() -> list[dict]:
    return [
        {"label": _("regions covered"), "value": Region.objects.count()},
        {"label": _("occupations in the classifier"), "value": Occupation.objects.filter(level=4).count()},
    ]
