from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.module_loading import import_string
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from exchange import health


def _home_counters() -> list[dict]:
    """Live counts for the home page, from the selectors named in ``settings.HOME_COUNTERS``.

    Cached for a minute per language: the home page is the busiest page and the counts need
    not be exact to the second.
    """
    key = f"home:counters:{get_language()}"
    counters = cache.get(key)
    if counters is None:
        counters = []
        for path in settings.HOME_COUNTERS:
            counters.extend(import_string(path)())
        counters = [{"label": str(c["label"]), "value": c["value"]} for c in counters]
        cache.set(key, counters, 60)
    return counters


@require_GET
def home(request):
    return render(request, "exchange/home.html", {"counters": _home_counters()})


@never_cache
@require_GET
def healthz(request):
    healthy, body = health.check_all()
    return JsonResponse(body, status=200 if healthy else 503)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_500(request):
    return render(request, "500.html", status=500)
