"""Fair pages: the public list and the fair page, and the create and edit forms for administrators
and centre staff.

Every page fetches through ``fairs.selectors.access`` and changes things only through
``fairs.services.fairs``, the same functions the API calls. The fair page shows the other areas'
panels through their template tags (counters, the seeker's and the employer's panels, the
organizers' panel and the catalogue of employers and vacancies).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from exchange.errors import BusinessError
from fairs.forms.fairs import FairForm, add_business_error
from fairs.selectors.access import can_create_fairs, fair_get_for_managing, fair_get_public
from fairs.selectors.fairs import (
    fair_audience_rules,
    fair_can_manage,
    fair_list_sections,
    fair_timeline,
    fairs_require_creator,
)
from fairs.services import fairs as services

PAST_PAGE_SIZE = 20


@require_GET
def fair_list(request):
    sections = fair_list_sections()
    past = Paginator(sections.pop("past"), PAST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "fairs/fair_list.html",
        {**sections, "past": past, "can_create": can_create_fairs(request.user)},
    )


@require_GET
def fair_detail(request, fair_id: int):
    fair = fair_get_public(fair_id=fair_id)
    prefetch_related_objects([fair], "audience_regions")
    return render(
        request,
        "fairs/fair_detail.html",
        {
            "fair": fair,
            "audience_rules": fair_audience_rules(fair),
            "timeline": fair_timeline(fair),
            "can_manage": fair_can_manage(user=request.user, fair=fair),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def fair_create(request):
    fairs_require_creator(user=request.user)
    form = FairForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            fair = services.fair_create(by=request.user, **form.fields_for_service())
        except BusinessError as error:
            add_business_error(form, error)
        else:
            messages.success(request, _("The fair is scheduled. Registration opens on its own at the time you set."))
            return redirect(fair)
    return render(request, "fairs/fair_form.html", {"form": form, "fair": None}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def fair_edit(request, fair_id: int):
    fair = fair_get_for_managing(user=request.user, fair_id=fair_id)
    prefetch_related_objects([fair], "audience_regions")
    frozen = services.FROZEN_FROM[fair.status]
    form = FairForm(request.POST or None, user=request.user, frozen=frozen, initial=FairForm.initial_for(fair))
    if request.method == "POST" and form.is_valid():
        try:
            fair = services.fair_update(fair=fair, by=request.user, **form.fields_for_service())
        except BusinessError as error:
            add_business_error(form, error)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect(fair)
    return render(
        request,
        "fairs/fair_form.html",
        {"form": form, "fair": fair, "frozen": bool(frozen)},
        status=400 if form.errors else 200,
    )


urlpatterns = [
    path("", fair_list, name="list"),
    path("new/", fair_create, name="create"),
    path("<int:fair_id>/", fair_detail, name="detail"),
    path("<int:fair_id>/edit/", fair_edit, name="edit"),
]
