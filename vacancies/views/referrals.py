"""Web pages of employment-centre staff: refer a job seeker, the region's referrals, quotas.

Administrators use the quota page to set each region's yearly limit.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import User
from accounts.selectors.access import require_role
from exchange.errors import BusinessError
from vacancies.forms.referrals import ReferralForm, ReferralQuotaForm, ReferralSearchForm
from vacancies.selectors import referrals as selectors
from vacancies.services import referrals as services
from vacancies.services.referrals import QUOTA_YEARS
from vacancies.views.applications import PAGE_SIZE, show_business_error


@login_required
def referral_list(request):
    overdue = request.GET.get("overdue") in ("1", "true")
    queryset = selectors.referrals_for_staff(user=request.user, overdue=True if overdue else None)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "vacancies/referrals/list.html", {"page": page, "overdue_only": overdue})


@login_required
@require_http_methods(["GET", "POST"])
def referral_new(request):
    """Find a seeker of the region, then a vacancy of the region, then refer."""
    require_role(request.user, User.Role.CENTRE_STAFF)
    search = ReferralSearchForm(request.GET or None)
    seeker = None
    seekers, vacancies = [], []
    if search.is_valid():
        data = search.cleaned_data
        if data.get("seeker"):
            seeker = selectors.seeker_get_for_referring(user=request.user, seeker_id=data["seeker"])
            vacancies = selectors.referral_vacancies_search(user=request.user, q=data.get("vq", ""))
        else:
            seekers = selectors.referral_seekers_search(user=request.user, q=data.get("q", ""))

    form = ReferralForm(request.POST or None)
    status = 200 if search.is_valid() or not request.GET else 400
    if request.method == "POST":
        status = 400
        if form.is_valid():
            vacancy = selectors.vacancy_get_for_referring(user=request.user, vacancy_id=form.cleaned_data["vacancy"])
            seeker = selectors.seeker_get_for_referring(user=request.user, seeker_id=form.cleaned_data["seeker"])
            try:
                referral = services.referral_create(staff=request.user, vacancy=vacancy, seeker=seeker)
            except BusinessError as error:
                show_business_error(form, error)
                status = error.status_code
            else:
                messages.success(
                    request,
                    _("%(name)s was referred to “%(vacancy)s”. The employer must reply by %(date)s.")
                    % {
                        "name": seeker.get_full_name(),
                        "vacancy": vacancy.title,
                        "date": referral.reply_deadline.strftime("%d.%m.%Y"),
                    },
                )
                return redirect("vacancies:referrals")
    return render(
        request,
        "vacancies/referrals/new.html",
        {"search": search, "form": form, "seeker": seeker, "seekers": seekers, "vacancies": vacancies},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_quotas(request):
    """Staff: their region's quota and its use. Administrators: every region, and the limit form."""
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    year = min(max(year, QUOTA_YEARS[0]), QUOTA_YEARS[1])
    rows = selectors.referral_quota_usage(user=request.user, year=year)
    form = None
    status = 200
    if request.user.is_administrator:
        form = ReferralQuotaForm(request.POST or None, initial={"year": year})
        if request.method == "POST":
            status = 400
            if form.is_valid():
                data = form.cleaned_data
                try:
                    services.referral_quota_set(
                        region=data["region"], year=data["year"], limit=data["limit"], by=request.user
                    )
                except BusinessError as error:
                    show_business_error(form, error)
                    status = error.status_code
                else:
                    messages.success(
                        request,
                        _("The referral limit of %(region)s for %(year)d is now %(limit)d.")
                        % {"region": data["region"].name, "year": data["year"], "limit": data["limit"]},
                    )
                    return redirect(f"{request.path}?year={data['year']}")
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "vacancies/referrals/quotas.html",
        {"rows": rows, "year": year, "form": form, "previous_year": year - 1, "next_year": year + 1},
        status=status,
    )


urlpatterns = [
    path("referrals/", referral_list, name="referrals"),
    path("referrals/new/", referral_new, name="referral-new"),
    path("referrals/quotas/", referral_quotas, name="referral-quotas"),
]
