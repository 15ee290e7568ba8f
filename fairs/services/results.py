"""Writes for fair results: freezing them when they are published.

Published results are a snapshot, not a view: hires made later (outside the fair), accounts
erased, employers withdrawing, none of that changes what was published.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from fairs.models import Fair
from fairs.selectors.results import fair_results_compute


def fair_results_publish(*, fair: Fair) -> Fair:
    """Compute the results of ``fair`` and freeze them into ``fair.results``.

    Called by ``fairs.services.fairs.fairs_advance`` when the fair reaches status ``results``
    (inside its transaction, or on its own). Idempotent and safe with two workers: the fair row
    is locked, and results already frozen are left as they are, so a second call (a repeated
    periodic run) never overwrites the first snapshot. Returns the fair with ``results`` set.
    """
    with transaction.atomic():
        frozen = Fair.objects.select_for_update().only("results").get(pk=fair.pk).results
        if not frozen:
            frozen = {**fair_results_compute(fair=fair), "published_at": timezone.now().isoformat()}
            Fair.objects.filter(pk=fair.pk).update(results=frozen, updated_at=timezone.now())
    fair.results = frozen
    return fair
